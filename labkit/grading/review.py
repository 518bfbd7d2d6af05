"""What an instructor may want to look at in a student's exercise code: found by reading it
(``ast``), never by running it, and never part of the score.

    flags("    import labkit.checks.core as c\\n    c.expect = print", "rnn_cell")
    # ['review: imports labkit.checks.core (line 1)', 'review: uses labkit.checks.core.expect (line 2)']

Three kinds of line, each ``review: <what> (line N)``, N counted in the code as the report shows
it (the regions joined by ``# ...`` lines):

- the grader's own code: imports or uses of ``labkit.checks``, ``labkit.probes``, ``labkit.grading``
  (``from labkit import checks``, ``importlib.import_module``, ``__import__``, ``getattr``);
- the interpreter and the system: ``os``, ``subprocess``, ``ctypes``, ``gc``, ``builtins``,
  ``sys._getframe``, ``sys.modules``, ``inspect``'s frame functions, ``globals()``, ``__builtins__``,
  ``__globals__``, frame attributes (``f_back``, ``f_locals``, ``tb_frame``), ``exec``/``eval``;
- the library version of what the exercise builds (``keras.layers.LSTM`` in ``lstm_cell``).

Code that cannot be parsed gives no flag.
"""

import ast
import textwrap

SEPARATOR = "# ..."  # between an exercise's regions in the report's code
GRADER = ("labkit.checks", "labkit.probes", "labkit.grading")
SYSTEM = {"builtins", "ctypes", "_ctypes", "os", "posix", "subprocess", "gc", "pty", "signal", "socket",
          "multiprocessing"}
INTERPRETER = {"sys._getframe", "sys._current_frames", "sys.modules", "sys.settrace", "sys.setprofile",
               "sys.meta_path", "inspect.currentframe", "inspect.stack", "inspect.trace",
               "inspect.getouterframes", "inspect.getinnerframes", "inspect.getframeinfo"}
ATTRIBUTES = {"f_back", "f_locals", "f_globals", "f_builtins", "tb_frame", "gi_frame", "cr_frame",
              "__globals__", "__builtins__", "__subclasses__", "__code__"}
CALLS = {"globals": "reaches into the interpreter: globals()",
         "locals": "reaches into the interpreter: locals()", "exec": "runs code from a string: exec",
         "eval": "runs code from a string: eval", "compile": "runs code from a string: compile"}
LIBRARY = "uses {}, a library version of what this exercise builds"
_ATTENTION = ("Attention", "AdditiveAttention", "MultiHeadAttention", "dot_product_attention")
REIMPLEMENTED = {  # check key -> the library's versions of what its exercise builds
    "rnn_cell": ("SimpleRNN", "SimpleRNNCell"), "rnn_unroll": ("SimpleRNN", "SimpleRNNCell", "RNN"),
    "lstm_cell": ("LSTM", "LSTMCell"), "lstm_unroll": ("LSTM", "LSTMCell", "RNN"),
    "input_gradients": ("GradientTape",), "luong_attention": _ATTENTION,
    "scaled_dot_product_attention": _ATTENTION, "column_attention": _ATTENTION,
    "multi_head_self_attention": ("MultiHeadAttention", "dot_product_attention"),
    "cached_attention": ("MultiHeadAttention", "dot_product_attention"),
    "positional_encoding": ("SinePositionEncoding",), "greedy_captions": ("GreedySampler",),
    "beam_search": ("BeamSampler",),
}
_KNOWN = {"sys": "sys", "inspect": "inspect", "labkit": "labkit", "checks": "labkit.checks",
          **{name: name for name in SYSTEM}}  # names a lesson's setup cell may have bound


def _grader(dotted):
    return any(dotted == m or dotted.startswith(f"{m}.") for m in GRADER)


def _about(dotted):
    """What reaching ``dotted`` (a module or module.attribute) is, or None if nothing to flag."""
    if _grader(dotted) or dotted in INTERPRETER:
        return dotted
    return dotted if dotted.split(".")[0] in SYSTEM else None


def _trees(code):
    """(line offset, tree) of the code: whole if it parses so, else region by region."""
    whole = textwrap.dedent("\n".join("" if line == SEPARATOR else line for line in code.split("\n")))
    try:
        return [(0, ast.parse(whole))]
    except (SyntaxError, ValueError, RecursionError):
        pass
    trees, start, part = [], 0, []
    for number, line in enumerate([*code.split("\n"), SEPARATOR]):
        if line != SEPARATOR:
            part.append(line)
            continue
        try:
            trees.append((start, ast.parse(textwrap.dedent("\n".join(part)))))
        except (SyntaxError, ValueError, RecursionError):
            pass  # a region that does not parse on its own: nothing to say about it
        start, part = number + 1, []
    return trees


def _imported(call):
    """The module a dynamic import call names: a str, "" if computed, None if not an import."""
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
    if name not in ("__import__", "import_module"):
        return None
    first = call.args[0] if call.args else None
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return ""
    package = call.args[1] if len(call.args) > 1 and name == "import_module" else None
    package = next((k.value for k in call.keywords if k.arg == "package"), package)
    if first.value.startswith(".") and isinstance(package, ast.Constant):
        return f"{package.value}{first.value}"
    return first.value


def _imports(nodes, names):
    """(line, what) for the import statements among ``nodes``; binds the names they import."""
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound = alias.asname or alias.name.split(".")[0]  # import a.b binds a; ... as c binds a.b
                names[bound] = alias.name if alias.asname else bound
                found += [(node.lineno, f"imports {_about(alias.name)}")] if _about(alias.name) else []
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                star = alias.name == "*"
                dotted = f"{node.module}.{'checks' if star else alias.name}"  # labkit's * holds checks
                if not star:
                    names[alias.asname or alias.name] = dotted
                what = _about(node.module) or _about(dotted)
                found += [(node.lineno, f"imports {what}")] if what else []
    return found


def _call(node, names, consumed):
    """(line, what) for a call: a dynamic import, globals(), exec, getattr(x, "name")."""
    module, function = _imported(node), getattr(node.func, "id", None)
    if module is not None:
        consumed.update(map(id, node.args))
        what = _about(module) if module else "a module by a computed name"
        return [(node.lineno, f"imports {what}")] if what else []
    if function in CALLS:
        return [(node.lineno, CALLS[function])]
    if function in ("getattr", "setattr", "delattr") and len(node.args) > 1:
        if isinstance(node.args[1], ast.Constant):
            consumed.add(id(node.args[1]))
            return _attribute(node.args[0], node.args[1].value, node.lineno, names)
    return []


def _findings(tree, key):
    """(line, what) for each thing worth a look in ``tree``."""
    names, consumed, library = dict(_KNOWN), set(), set(REIMPLEMENTED.get(key, ()))
    nodes = list(ast.walk(tree))
    qualified = {id(node.value) for node in nodes if isinstance(node, ast.Attribute)}  # reported as a.b
    found = _imports(nodes, names)  # first: they bind the names the uses below go through
    for node in nodes:
        if isinstance(node, ast.Call):
            found += _call(node, names, consumed)
        elif isinstance(node, ast.Attribute):
            found += _attribute(node.value, node.attr, node.lineno, names)
            found += [(node.lineno, LIBRARY.format(node.attr))] if node.attr in library else []
        elif isinstance(node, ast.Name):
            if node.id == "__builtins__":
                found.append((node.lineno, "reaches into the interpreter: __builtins__"))
            elif node.id in library:
                found.append((node.lineno, LIBRARY.format(node.id)))
            elif id(node) not in qualified and _grader(names.get(node.id, "")):  # checks, bare
                found.append((node.lineno, f"uses {names[node.id]}"))
    for node in nodes:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in consumed:
            if node.value in ATTRIBUTES or _grader(node.value):
                found.append((node.lineno, f"names {node.value} in a string"))
    return found


def _attribute(value, attr, line, names):
    """Findings for ``value.attr``."""
    if attr in ATTRIBUTES:
        return [(line, f"reaches into the interpreter: .{attr}")]
    if isinstance(value, ast.Name) and value.id in names and isinstance(attr, str):
        what = _about(f"{names[value.id]}.{attr}")
        if what in INTERPRETER:
            return [(line, f"reaches into the interpreter: {what}")]
        if what:
            return [(line, f"uses {what}")]
    return []


def flags(code, exercise_key):
    """The ``review: ...`` lines for an exercise's code (``code``: its regions joined by ``# ...``
    lines) checked by ``labkit.checks.<exercise_key>``; [] if nothing is worth a look."""
    lines = {}
    for offset, tree in _trees(code):
        for line, what in _findings(tree, exercise_key):
            lines.setdefault(what, set()).add(line + offset)
    ordered = sorted(lines.items(), key=lambda item: (min(item[1]), item[0]))
    return [f"review: {what} ({'line' if len(at) == 1 else 'lines'} {', '.join(map(str, sorted(at)))})"
            for what, at in ordered]
