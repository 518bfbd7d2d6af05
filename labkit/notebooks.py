"""Notebook files: keep them clean, pin checked outputs, reuse the lesson's own code.

- :func:`strip` clears outputs and execution counts, except in cells marked
  ``# NBVAL_CHECK_OUTPUT`` (their stored output is what nbval compares against).
- :func:`pin` executes a notebook (fast mode under ``make pin``) and stores only the pinned
  cells' outputs; :func:`execute` writes it executed, all outputs kept (``make results``); both
  run it through :func:`executed`.
- :func:`load_definitions` runs a lesson's imports and the named top-level classes and
  functions from its code cells, so benchmarks and tests use the notebook's code rather
  than a copy of it::

      MyRNNCell = load_definitions("01_rnn_from_scratch", ["MyRNNCell"])["MyRNNCell"]
"""

from labkit import config
from labkit.files import write_text_atomically

import ast
import json
import linecache
import symtable
from pathlib import Path

PIN_MARK = "NBVAL_CHECK_OUTPUT"


def notebook_path(notebook):
    """Resolve a lesson name ('01_rnn_from_scratch': beside the running notebook (the working
    folder, as Jupyter sets it), else in REPO_ROOT's notebooks, else in those of the checkout labkit
    lives in) or a path to an existing .ipynb."""
    path = Path(notebook)
    if path.suffix != ".ipynb":
        folders = (Path.cwd(), config.NOTEBOOKS_DIR, config.LESSONS_DIR)
        path = next((f / f"{notebook}.ipynb" for f in folders if (f / f"{notebook}.ipynb").is_file()),
                    config.NOTEBOOKS_DIR / f"{notebook}.ipynb")
    if not path.is_file():
        raise FileNotFoundError(f"notebook: no notebook at {path}")
    return path


def read(notebook):
    """The notebook as a dict (nbformat 4 JSON); a one-line error if it is malformed."""
    path = notebook_path(notebook)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"notebook: {path} is not valid notebook JSON ({error})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"notebook: {path} has no 'cells' list; is it a Jupyter notebook?")
    return nb


def cell_source(cell):
    """A cell's text as one string (Jupyter stores it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def is_pinned(cell):
    return cell.get("cell_type") == "code" and PIN_MARK in cell_source(cell)


def is_stderr(output):
    """A stderr stream output (TensorFlow's log lines): never pinned, never compared."""
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


def _strip_cells(nb):
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        if is_pinned(cell):
            # stderr (TensorFlow log lines) is never part of a pinned output; the execution
            # count stays, since nbval treats a cell with outputs but no count as unrun.
            cell["outputs"] = [o for o in cell.get("outputs", []) if not is_stderr(o)]
        else:
            cell["execution_count"] = None
            cell["outputs"] = []
        cell.setdefault("metadata", {}).pop("execution", None)
    nb.get("metadata", {}).pop("widgets", None)
    return nb


def dumps(nb):
    """The notebook as the JSON text we commit (stable, so rewriting it gives no diff)."""
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def strip(notebook):
    """Clear outputs except pinned cells, in place. Returns True if the file changed."""
    path = notebook_path(notebook)
    before = path.read_text(encoding="utf-8")
    after = dumps(_strip_cells(read(path)))
    if after == before:
        return False
    path.write_text(after, encoding="utf-8")
    return True


def unpinned_outputs(notebook):
    """Indices of code cells that carry outputs but are not pinned (should be none)."""
    return [i for i, cell in enumerate(read(notebook)["cells"])
            if cell.get("cell_type") == "code" and cell.get("outputs") and not is_pinned(cell)]


def executed(path, timeout):
    """The notebook at ``path`` executed in its folder by nbclient, which here does not stand in for an
    ipywidgets Output's front end (it answers the kernel on the shell channel while waiting there for
    the cell's reply). With that stand-in, a cell playing audio in an Output (lesson 04's temperature
    player) now and then had its reply go unread until the cell's timeout, then the run went on; the
    outputs now stay in the cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.comm_open_handlers = {"jupyter.widget": lambda message: None}  # no widget front end
    client.execute()
    return nb


def pin(notebook, timeout=900):
    """Execute the notebook in its folder and store only the pinned cells' outputs."""
    import nbformat

    path = notebook_path(notebook)
    nb = executed(path, timeout)
    path.write_text(dumps(_strip_cells(json.loads(nbformat.writes(nb)))), encoding="utf-8")
    return path


def execute(notebook, output_dir, timeout=1800):
    """Execute the notebook in its folder; write it with all its outputs to ``output_dir`` (atomically)."""
    import nbformat

    path, output_dir = notebook_path(notebook), Path(output_dir)
    nb = executed(path, timeout)
    output_dir.mkdir(parents=True, exist_ok=True)
    return write_text_atomically(output_dir / path.name, nbformat.writes(nb))


def _code_without_magics(source):
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def _assigned_names(node):
    """The plain names an assignment statement binds (``A = …``, ``A, B = …``)."""
    names = set()
    for target in node.targets:
        elements = target.elts if isinstance(target, ast.Tuple) else [target]
        names.update(e.id for e in elements if isinstance(e, ast.Name))
    return names


def load_definitions(notebook, names):
    """Execute the notebook's imports and the named top-level defs; return {name: object}.

    A name may also be a top-level constant (``BATCH, LENGTH = 128, 100``); the statement that
    assigns it runs too. Statements run in notebook order.
    """
    if isinstance(names, str) or not names:
        raise ValueError("names: expected a non-empty list of class/function names")
    wanted, imports, found, chosen = set(names), [], {}, []
    for index, cell in enumerate(read(notebook)["cells"]):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(_code_without_magics(cell_source(cell)))
        except SyntaxError as error:
            raise ValueError(f"notebook: code cell {index} does not parse ({error.msg})") from None
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                imports.append(node)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in wanted:
                found[node.name] = node
                chosen.append(node)
            elif isinstance(node, ast.Assign) and wanted & (assigned := _assigned_names(node)):
                found.update(dict.fromkeys(assigned & wanted, node))
                chosen.append(node)
    missing = wanted - set(found)
    if missing:
        raise ValueError(f"names: {sorted(missing)} not defined at top level in {notebook}")
    module = ast.Module(body=imports + chosen, type_ignores=[])
    # Register the source so tracebacks, inspect and tf.function's AutoGraph can read it.
    source = ast.unparse(module) + "\n"
    filename = f"<lesson {notebook_path(notebook).stem}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {"__name__": f"lesson_{notebook_path(notebook).stem}"}
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102
    return {name: namespace[name] for name in names}


def _top_level(nb):
    """name -> the top-level statements of the lesson that define it (defs, classes, plain assignments)."""
    defined = {}
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for line in cell_source(cell).splitlines())
        try:
            body = ast.parse(source).body
        except SyntaxError:
            continue
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                defined.setdefault(node.name, []).append(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    for element in target.elts if isinstance(target, ast.Tuple) else [target]:
                        if isinstance(element, ast.Name):
                            defined.setdefault(element.id, []).append(node)
    return defined


def _globals_read(node):
    """The global names a statement reads (its own scope and every function and class inside it)."""
    found = set()

    def walk(table):
        for symbol in table.get_symbols():
            module = table.get_type() == "module"
            if symbol.is_referenced() and (module or symbol.is_global()):
                found.add(symbol.get_name())
        for child in table.get_children():
            walk(child)

    walk(symtable.symtable(ast.unparse(node), "<statement>", "exec"))
    return found


def names_to_load(nb, arguments):
    """The lesson's top-level names the check's arguments need, with what they read, transitively
    (``classifier`` reads ``SEED`` and ``MAX_TOKENS``; ``DecoderBlock`` reads ``CausalSelfAttention``)."""
    defined = _top_level(nb)
    todo = [n.id for n in ast.walk(ast.parse(arguments or "None")) if isinstance(n, ast.Name)]
    wanted = []
    while todo:
        name = todo.pop(0)
        if name in wanted or name not in defined:
            continue
        wanted.append(name)
        for node in defined[name]:
            todo += sorted(_globals_read(node))
    return wanted
