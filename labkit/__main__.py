"""``python -m labkit``: maintenance commands behind the Makefile.

    python -m labkit strip notebooks/*.ipynb    clear outputs except pinned cells
    python -m labkit pin notebooks/*.ipynb      execute, keep only pinned cells' outputs
    python -m labkit results                    print the results table (README)
"""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m labkit", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("strip", "clear outputs except cells marked NBVAL_CHECK_OUTPUT"),
                            ("pin", "execute notebooks and store only the pinned cells' outputs")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("notebooks", nargs="+", help="paths to .ipynb files")
    commands.add_parser("results", help="print recorded results as a Markdown table")
    args = parser.parse_args(argv)

    from labkit import notebooks, results

    try:
        if args.command == "results":
            print(results.table())
        for path in getattr(args, "notebooks", []):
            if args.command == "strip":
                print(f"{path}: {'stripped' if notebooks.strip(path) else 'already clean'}")
            else:
                print(f"{path}: executed, pinned outputs stored in {notebooks.pin(path)}")
    except (ValueError, FileNotFoundError) as error:
        print(f"labkit {args.command}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
