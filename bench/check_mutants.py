"""Plausible wrong answers to an exercise: single-site mutants of its solution's syntax tree.

``generate(sources, count, seed)`` takes the solution's regions (each a dedented piece of code that
parses on its own) and returns up to ``count`` :class:`Mutant` s, each one change at one place in
one region: operands swapped, an operator, a constant or a dtype changed, a comparison flipped, a
call's arguments swapped, a call left out (``ops.tanh(x)`` -> ``x``), a statement or a keyword
dropped, an axis replaced, an index's axes swapped (``x[:, t]`` -> ``x[t, :]``), a transpose removed
or added, a sibling function called (``tanh`` -> ``sigmoid``), a shape or a ``range`` off by one,
two local names swapped or one put for another, the targets of an unpacking swapped. Mutants that
do not parse or read the same as the solution (after ``ast.unparse``) are skipped; the choice is
deterministic given the seed, spread round-robin over the kinds so that no single kind fills the
quota. Used by ``bench/audit_checks.py``; tested in ``tests/test_bench_audit_checks.py``.
"""

import ast
import copy
import difflib
import random
from dataclasses import dataclass

_SWAPPABLE = (ast.Sub, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult, ast.LShift, ast.RShift)
_OPERATORS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.MatMult: ast.Mult,
              ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.BitOr: ast.BitAnd,
              ast.BitAnd: ast.BitOr}
_COMPARISONS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
_SIBLINGS = {"tanh": "sigmoid", "sigmoid": "tanh", "sin": "cos", "cos": "sin", "mean": "sum", "sum": "mean",
             "reduce_mean": "reduce_sum", "reduce_sum": "reduce_mean", "argmax": "argmin", "argmin": "argmax",
             "max": "min", "min": "max", "tril": "triu", "triu": "tril", "softmax": "sigmoid",
             "lower": "upper", "concatenate": "stack", "stack": "concatenate", "Average": "Add",
             "Add": "Average", "Maximum": "Average", "LSTM": "GRU", "GRU": "LSTM"}
_MATRICES = {"tril", "triu", "ones", "zeros", "matmul", "eye", "outer"}  # a returned one, transposed
_DTYPES = {"bool": "int", "int": "float", "float": "int", "int64": "float32", "int32": "float32",
           "float32": "int32", "float64": "float32"}
_TRANSPOSES = {"transpose", "swapaxes", "swapdims", "permute_dims", "matrix_transpose"}
_AXES = {-1: (1, 0), 0: (1, -1), 1: (0, -1), 2: (1, -1), -2: (-1, 1)}


@dataclass(frozen=True)
class Mutant:
    """One wrong answer: ``regions`` (the exercise's region sources, one of them changed)."""

    kind: str
    region: int
    before: str  # the changed node as it reads in the solution
    after: str  # and in the mutant
    regions: tuple

    @property
    def description(self):
        return f"{self.kind}: `{_short(self.before)}` -> `{_short(self.after)}`"


def _short(text, width=70):
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _number(node):
    """The value of a numeric literal (``3``, ``-1``, ``1e-9``), else None."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def _literal(value):
    return ast.UnaryOp(ast.USub(), ast.Constant(-value)) if value < 0 else ast.Constant(value)


def _numbers(value):
    """The plausible slips of a numeric constant: 0 <-> 1, +1, -1, the sign."""
    if value in (0, 1):
        options = [1 - value, value + 1 if value else -1]
    elif abs(value) < 100:
        options = [value + 1, value - 1, -value]
    else:
        options = [-value, value * 10]
    return [type(value)(v) for v in dict.fromkeys(options) if v != value]


def _call_name(node):
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _stored_names(tree):
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _edits(node, stored, negated):
    """(kind, new node, or (field, statements, dropped) for a body) for every mutation at ``node``;
    ``negated``: ids of the constants under a unary minus (mutated as the negative number they make)."""
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, _SWAPPABLE):
            yield "swap operands", ast.BinOp(node.right, node.op, node.left)
        if type(node.op) in _OPERATORS:
            yield "operator", ast.BinOp(node.left, _OPERATORS[type(node.op)](), node.right)
    elif isinstance(node, ast.AugAssign) and type(node.op) in _OPERATORS:
        yield "operator", ast.AugAssign(node.target, _OPERATORS[type(node.op)](), node.value)
    elif isinstance(node, ast.BoolOp):
        yield "operator", ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)) and _number(node) is None:
        yield "drop unary", node.operand
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            ops = list(node.ops)
            ops[i] = _COMPARISONS[type(op)]()
            yield "comparison", ast.Compare(node.left, ops, node.comparators)
    elif isinstance(node, ast.Call):
        yield from _call_edits(node)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        yield "transpose", node.value
    elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield "constant", ast.Constant(not node.value)
    elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "->" in node.value:
        inputs, output = node.value.split("->")
        if len(output) >= 2:  # an einsum whose output's last two axes come out transposed
            yield "transpose", ast.Constant(f"{inputs}->{output[:-2]}{output[-1]}{output[-2]}")
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and len(node.slice.elts) >= 2:
        first, second = node.slice.elts[:2]
        if isinstance(first, ast.Slice) and not isinstance(second, ast.Slice):  # x[:, t] -> x[t, :]
            elts = [second, first, *node.slice.elts[2:]]
            yield "index axis", ast.Subscript(node.value, ast.Tuple(elts, ast.Load()), node.ctx)
    elif isinstance(node, ast.Assign) and len(getattr(node.targets[0], "elts", ())) > 1:
        elts = list(node.targets[0].elts)
        elts[0], elts[1] = elts[1], elts[0]
        yield "swap targets", _with(node, targets=[ast.Tuple(elts, ast.Store())])
    elif isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Load) and len(node.elts) >= 2 and all(
            isinstance(e, ast.Name) or _number(e) is not None for e in node.elts):  # a shape off by one
        last = ast.BinOp(node.elts[-1], ast.Add(), ast.Constant(1))
        yield "shape", _with(node, elts=[*node.elts[:-1], last])
    elif isinstance(node, ast.Return) and isinstance(node.value, ast.Call) and (
            _call_name(node.value) in _MATRICES):
        yield "transpose", _with(node, value=ast.Attribute(node.value, "T", ast.Load()))
    elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in stored:
        for other in sorted(stored - {node.id}):
            yield "replace name", ast.Name(other, ast.Load())
    elif isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.iter, ast.Name):
        yield "iterate", _with(node, iter=ast.Subscript(node.iter, ast.Slice(ast.Constant(1)), ast.Load()))
    if _number(node) is not None and id(node) not in negated:
        for value in _numbers(_number(node)):
            yield "constant", _literal(value)
    if isinstance(node, (ast.Assign, ast.AugAssign, ast.Return, ast.Expr)) and node.value is not None:
        yield from _name_swaps(node, stored)
    for field in ("body", "orelse"):
        body = getattr(node, field, None)
        if isinstance(body, list) and body and isinstance(body[0], ast.stmt):
            for i in range(len(body) if len(body) > 1 or not isinstance(node, ast.Module) else 0):
                kept = body[:i] + body[i + 1 :]
                yield "drop statement", (field, kept or [ast.Pass()], body[i])


def _with(node, **fields):
    new = copy.copy(node)
    for field, value in fields.items():
        setattr(new, field, value)
    return new


def _call_edits(node):
    name, positional = _call_name(node), [a for a in node.args if not isinstance(a, ast.Starred)]
    if name == "range" and len(node.args) == 1:  # off by one: one step fewer, or from 1
        one = ast.Constant(1)
        yield "range", _with(node, args=[ast.BinOp(node.args[0], ast.Sub(), one)])
        yield "range", _with(node, args=[one, node.args[0]])
    elif node.args and isinstance(node.func, ast.Attribute) and name not in _TRANSPOSES | {"append"}:
        yield "drop call", node.args[0]  # forgot to apply it: ops.tanh(x) -> x
    if name in ("tril", "triu"):
        offset = -1 if name == "tril" else 1  # the diagonal left out
        yield "constant", _with(node, keywords=[*node.keywords, ast.keyword("k", _literal(offset))])
    if len(positional) >= 2 and len(positional) == len(node.args):
        for i in range(len(node.args) - 1):
            args = list(node.args)
            args[i], args[i + 1] = args[i + 1], args[i]
            yield "swap arguments", ast.Call(node.func, args, node.keywords)
    if name in _TRANSPOSES and node.args:
        yield "transpose", node.args[0]
    if name in _SIBLINGS:
        func = copy.copy(node.func)
        if isinstance(func, ast.Attribute):
            func.attr = _SIBLINGS[name]
        else:
            func.id = _SIBLINGS[name]
        yield "function", ast.Call(func, node.args, node.keywords)
    for i, keyword in enumerate(node.keywords):
        others = node.keywords[:i] + node.keywords[i + 1 :]
        value = getattr(keyword.value, "value", getattr(keyword.value, "id", None))
        if keyword.arg == "dtype" and isinstance(value, str) and value in _DTYPES:
            new_value = ast.Constant(_DTYPES[value]) if isinstance(keyword.value, ast.Constant) else ast.Name(
                _DTYPES[value], ast.Load())
            new = ast.keyword("dtype", new_value)
            yield "dtype", _with(node, keywords=others[:i] + [new] + others[i:])
        if keyword.arg == "axis":
            value = _number(keyword.value)
            for axis in _AXES.get(value, (-1,)) if value is not None else (-1, 0):
                replaced = others[:i] + [ast.keyword("axis", _literal(axis))] + others[i:]
                yield "axis", ast.Call(node.func, node.args, replaced)
        if keyword.arg is not None:
            yield "drop keyword" if keyword.arg != "axis" else "axis", ast.Call(node.func, node.args, others)


def _name_swaps(statement, stored):
    """Two distinct local names (both assigned somewhere in the region) swapped in a statement's value."""
    loaded = list(dict.fromkeys(n.id for n in ast.walk(statement.value)
                                if isinstance(n, ast.Name) and n.id in stored))
    for i, first in enumerate(loaded):
        for second in loaded[i + 1 :]:
            swapped = copy.deepcopy(statement)
            for n in ast.walk(swapped.value):
                if isinstance(n, ast.Name) and n.id in (first, second):
                    n.id = second if n.id == first else first
            yield "swap names", swapped


def _replace(parent, old, new):
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list) and any(v is old for v in value):
            value[next(i for i, v in enumerate(value) if v is old)] = new
            return


def _candidates(sources):
    """Every single-site mutant of the regions, as (kind, region, before, after, new sources)."""
    trees = [ast.parse(source) for source in sources]
    originals = [ast.unparse(tree) for tree in trees]
    seen = set(originals)
    for r, tree in enumerate(trees):
        stored = _stored_names(tree)
        negated = {id(n.operand) for n in ast.walk(tree)
                   if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub)}
        for position, node in enumerate(ast.walk(tree)):
            for kind, edit in list(_edits(node, stored, negated)):
                mutated = copy.deepcopy(tree)
                target = list(ast.walk(mutated))[position]
                if isinstance(edit, tuple):  # a statement dropped from a body
                    field, body, dropped = edit
                    new = copy.deepcopy(body)
                    setattr(target, field, new)
                    before, after = ast.unparse(dropped), "(nothing)"
                else:
                    after = ast.unparse(ast.fix_missing_locations(copy.deepcopy(edit)))
                    before = ast.unparse(node)
                    parents = [p for p in ast.walk(mutated)
                               if any(c is target for c in ast.iter_child_nodes(p))]
                    if not parents:
                        continue
                    _replace(parents[0], target, copy.deepcopy(edit))
                try:
                    text = ast.unparse(ast.fix_missing_locations(mutated))
                    ast.parse(text)
                except (SyntaxError, ValueError, TypeError, AttributeError):
                    continue
                if text in seen:
                    continue
                seen.add(text)
                regions = originals[:r] + [text] + originals[r + 1 :]
                yield Mutant(kind, r, before, after, tuple(regions))


def generate(sources, count, seed=0):
    """Up to ``count`` distinct mutants of ``sources`` (a list of region sources), the same for the same
    seed: each kind's candidates shuffled, then taken round-robin over the kinds (in a shuffled order)."""
    by_kind = {}
    for mutant in _candidates(list(sources)):
        by_kind.setdefault(mutant.kind, []).append(mutant)
    rng = random.Random(f"audit-checks:{seed}")
    kinds = sorted(by_kind)
    rng.shuffle(kinds)
    for kind in kinds:
        rng.shuffle(by_kind[kind])
    chosen = []
    while len(chosen) < count and any(by_kind.values()):
        for kind in kinds:
            if by_kind[kind] and len(chosen) < count:
                chosen.append(by_kind[kind].pop(0))
    return chosen


def original(sources):
    """The regions as the mutants' diffs compare against them (``ast.unparse``, comments gone)."""
    return [ast.unparse(ast.parse(source)) for source in sources]


def diff(sources, mutant):
    """The changed lines of ``mutant`` against ``sources``: '- old' and '+ new' lines."""
    old = original(sources)[mutant.region].splitlines()
    new = mutant.regions[mutant.region].splitlines()
    lines = difflib.unified_diff(old, new, lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and not line.startswith(("---", "+++"))]
