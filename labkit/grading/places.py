"""Names for a notebook's cells that a student can find: JupyterLab shows no cell numbers.

A cell is named by the section it sits under (the nearest markdown heading above it) and, unless
the grader knows it by a role ("exercise 2", "exercise 2's self-check"), by its first line::

    describe(notebook, i)                # 'the cell starting "hs_mine, c_mine = lstm_unroll(..."
                                         #  under §5 Fix 3: gated cells — the LSTM'
    describe(notebook, j, "exercise 3")  # 'exercise 3 under §5 Fix 3: gated cells — the LSTM'

A numbered heading (``## 5. Fix 3: ...``) is written ``§5 Fix 3: ...``; an unnumbered one is
quoted, with the number of the numbered section around it (``"The additive path" (§5)``). The
notebook's title (a level-1 heading in its first cell) is no section: the cells under it alone,
or under no heading at all, are ``at the top of the notebook``.
"""

from labkit import notebooks

import re

TOP = "the top of the notebook"
FIRST_LINE_CHARS = 30  # a first line longer than this is cut, with "..."
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_NUMBERED = re.compile(r"^(\d+[a-z]?)\.\s+(.+)$")


def _headings(notebook, index):
    """(level, text) of each markdown heading above cell ``index``, nearest first, the title left out."""
    for position in range(index - 1, -1, -1):
        cell = notebook["cells"][position]
        if cell.get("cell_type") != "markdown":
            continue
        found, fenced = [], False
        for line in notebooks.cell_source(cell).split("\n"):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
            match = None if fenced else _HEADING.match(line)
            if match and match.group(2) and not (position == 0 and len(match.group(1)) == 1):
                found.append((len(match.group(1)), match.group(2).replace("`", "")))
        yield from reversed(found)


def section(notebook, index):
    """The section cell ``index`` sits under, as a student reads it: ``§5 Fix 3: ...``,
    ``"The additive path" (§5)``, ``"Results"``, or :data:`TOP`."""
    headings = _headings(notebook, index)
    level, text = next(headings, (0, ""))
    if not text:
        return TOP
    numbered = _NUMBERED.match(text)
    if numbered:
        return f"§{numbered.group(1)} {numbered.group(2)}"
    around = next((t for lvl, t in headings if lvl < level), "")
    number = _NUMBERED.match(around)
    return f'"{text}" (§{number.group(1)})' if number else f'"{text}"'


def phrase(label):
    """Where a section's cells are, in words: ``under §5 ...``, or ``at the top of the notebook``."""
    return f"at {label}" if label == TOP else f"under {label}"


def first_line(notebook, index):
    """The first line of cell ``index`` that is not blank, cut to :data:`FIRST_LINE_CHARS`; "" if none."""
    lines = notebooks.cell_source(notebook["cells"][index]).split("\n")
    line = next((s.strip() for s in lines if s.strip()), "")
    return line if len(line) <= FIRST_LINE_CHARS else line[:FIRST_LINE_CHARS].rstrip() + "..."


def describe(notebook, index, role=""):
    """Cell ``index`` (0-based) of ``notebook`` in words a student can find it by: its ``role``
    ("exercise 2") if it has one, else its first line, then its section; control characters (a
    submission's text reaches a terminal) written as escapes."""
    line = first_line(notebook, index)
    what = role or (f'the cell starting "{line}"' if line else "an empty cell")
    name = f"{what} {phrase(section(notebook, index))}"
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)


def names(notebook, indices, roles=None):
    """:func:`describe` of each cell in ``indices`` (0-based), in order; ``roles``: cell -> role."""
    return [describe(notebook, index, (roles or {}).get(index, "")) for index in sorted(indices)]
