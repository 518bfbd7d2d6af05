"""Lets a student notebook run top to bottom while exercises are unfinished.

A stub raises ``NotImplementedError("Exercise N: <hint>")``. Without help, the first cell that
calls it stops "Run All" with a traceback and the later self-checks never print their verdicts.
In IPython, :func:`install` (called when labkit is imported) rewrites every cell as::

    __labkit_last__, __labkit_ok__ = None, True
    if __labkit_ok__:            # for each top-level statement, its last expression assigned
        try:                     # to __labkit_last__
            <the statement>
        except Exception:        # re-raised unless it comes from an unfinished exercise (below)
            __labkit_ok__ = False
            <one line: "[SKIPPED] this cell needs Exercise N (<hint>): finish it, ...">
    ...
    __labkit_last__              # shown as the cell's value, as before

A cell is skipped when a stub raises in it, or when it fails while reading a name that a skipped
cell would have set or changed (``model``, ``models["attention"]``): those names wait for the
stub's exercise until a cell that sets them runs. Any other error raises as usual. The grader
turns this off (``LABKIT_SKIP_UNFINISHED=0``): there a stub's error must stay an error.
"""

import ast
import os
import sys

_GUARD, _LAST, _OK = "__labkit_unfinished__", "__labkit_last__", "__labkit_ok__"


def exercise_of(error):
    """(number, hint) of the stub an exception came from, or None."""
    from labkit.assign import STUB_MESSAGE  # the stub's format lives with the stub; loaded on first error

    found = STUB_MESSAGE.search(str(error)) if isinstance(error, NotImplementedError) else None
    return (int(found.group(1)), found.group(2).strip()) if found else None


def _names(module):
    """(names the cell binds, names it changes in place or binds, names it reads)."""
    bound, changed, read = set(), set(), []
    for node in ast.walk(module):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.Name):
            (bound.add if isinstance(node.ctx, ast.Store) else read.append)(node.id)
        elif isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, ast.Store):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                changed.add(base.id)
    bound -= {_LAST}
    return bound, bound | changed, list(dict.fromkeys(read))


class Guard:
    """The state shared by the rewritten cells: which names wait for which exercise."""

    def __init__(self):
        self.waiting = {}  # name -> (exercise number, hint)

    def skip(self, error, changed, read):
        """Whether the cell's exception comes from an unfinished exercise; if so say it in one line
        and let the names the cell would have set wait for that exercise."""
        cause = exercise_of(error) or next((self.waiting[n] for n in read if n in self.waiting), None)
        if cause is None:
            return False
        self.waiting.update(dict.fromkeys(changed, cause))
        number, hint = cause
        print(f"[SKIPPED] this cell needs Exercise {number} ({hint}): finish it, then run this cell again")
        return True

    def done(self, bound):
        for name in bound:
            self.waiting.pop(name, None)


def _call(method, *args):
    return ast.Call(ast.Attribute(ast.Name(_GUARD, ast.Load()), method, ast.Load()), list(args), [])


def _strings(names):
    return ast.List([ast.Constant(n) for n in sorted(names)], ast.Load())


class _Rewrite(ast.NodeTransformer):
    """The cell, guarded (see the module docstring); its last expression's value is still shown.

    Each top-level statement gets its own ``try``, whose handler stands at that statement's
    position: a re-raised error's traceback then points at the statement that failed (IPython shows
    the cell frame's last line, which is the handler's ``raise``), not at the cell's first line."""

    def visit_Module(self, module):
        if not module.body:
            return module
        body, shown = list(module.body), []
        if isinstance(body[-1], ast.Expr):  # keep the value to show it after the try
            body[-1] = ast.copy_location(ast.Assign([ast.Name(_LAST, ast.Store())], body[-1].value), body[-1])
            shown = [ast.Expr(ast.Name(_LAST, ast.Load()))]
        bound, changed, read = _names(module)
        error, ok = ast.Name("__labkit_error__", ast.Load()), ast.Name(_OK, ast.Load())
        guarded, read_names = [], ast.List([ast.Constant(n) for n in read], ast.Load())
        for statement in body:
            skip = _call("skip", error, _strings(changed), read_names)
            handler = ast.ExceptHandler(ast.Name("Exception", ast.Load()), error.id, [
                ast.Assign([ast.Name(_OK, ast.Store())], ast.Constant(False)),
                ast.If(ast.UnaryOp(ast.Not(), skip), [ast.Raise()], [])])
            for node in ast.walk(handler):
                ast.copy_location(node, statement)
            guarded.append(ast.If(ok, [ast.Try([statement], [handler], [], [])], []))
        module.body = [ast.Assign([ast.Name(_LAST, ast.Store())], ast.Constant(None)),
                       ast.Assign([ast.Name(_OK, ast.Store())], ast.Constant(True)), *guarded,
                       ast.If(ok, [ast.Expr(_call("done", _strings(bound)))], []), *shown]
        return ast.fix_missing_locations(module)


def install(shell=None):
    """Rewrite every later cell of this IPython session (nothing outside IPython, nor when the
    environment sets ``LABKIT_SKIP_UNFINISHED=0``)."""
    if os.environ.get("LABKIT_SKIP_UNFINISHED", "1") == "0":
        return
    if shell is None:
        if "IPython" not in sys.modules:  # not in a kernel; importing IPython would only cost time
            return
        shell = sys.modules["IPython"].get_ipython()
    if shell is None or any(isinstance(t, _Rewrite) for t in shell.ast_transformers):
        return
    shell.user_ns.setdefault(_GUARD, Guard())
    shell.ast_transformers.append(_Rewrite())
