"""bench/check_mutants.py, the mutant generator of bench/audit_checks.py: on a tiny function its mutants
parse, differ from the original and from each other, are the same for the same seed, and their diffs
show the change. No lesson runs here."""

from labkit import config, notebooks

import ast
import importlib.util

BENCH = config.REPO_ROOT / "bench"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_mutants = _load("check_mutants")

TINY = '''def loss(x, w, mask):
    scores = ops.matmul(x, ops.transpose(w)) - 1.0
    keep = mask > 0
    total = ops.sum(ops.tanh(scores) * keep, axis=-1)
    return ops.mean(total)
'''


def test_mutants_parse_and_differ_from_the_original_and_each_other():
    mutants = check_mutants.generate([TINY], 30, seed=0)
    original = ast.unparse(ast.parse(TINY))
    assert len(mutants) >= 8
    texts = [m.regions[0] for m in mutants]
    assert all(ast.parse(text) for text in texts)
    assert original not in texts and len(set(texts)) == len(texts)
    assert len({m.kind for m in mutants}) >= 6  # spread over the kinds, not one kind filling the quota


def test_the_same_seed_gives_the_same_mutants_and_another_seed_another_order():
    first = check_mutants.generate([TINY], 10, seed=3)
    assert first == check_mutants.generate([TINY], 10, seed=3)
    assert [m.regions for m in first] != [m.regions for m in check_mutants.generate([TINY], 10, seed=4)]


def test_the_kinds_the_audit_relies_on_are_found():
    everything = check_mutants.generate([TINY], 1000, seed=0)
    texts = {m.kind: set() for m in everything}
    for m in everything:
        texts[m.kind].add(m.regions[0])
    assert any("ops.matmul(x, w)" in t for t in texts["transpose"])  # ops.transpose removed
    assert any("mask >= 0" in t for t in texts["comparison"])
    assert any("axis=1" in t or "axis=0" in t for t in texts["axis"])
    assert any("ops.matmul(ops.transpose(w), x)" in t for t in texts["swap arguments"])
    assert any("ops.sigmoid(scores)" in t for t in texts["function"])
    assert any("- 0.0" in t or "- 2.0" in t for t in texts["constant"])
    assert any("keep = mask > 0" not in t for t in texts["drop statement"])


def test_regions_other_than_the_mutated_one_stay_as_they_were_and_the_diff_shows_the_change():
    sources = ["y = a - b", "z = y * 2"]
    for mutant in check_mutants.generate(sources, 20, seed=1):
        other = 1 - mutant.region
        assert mutant.regions[other] == ast.unparse(ast.parse(sources[other]))
        changed = check_mutants.diff(sources, mutant)
        assert changed and all(line[:1] in "+-" for line in changed)
    swapped = [m for m in check_mutants.generate(sources, 20, seed=1) if m.kind == "swap operands"]
    assert swapped and check_mutants.diff(sources, swapped[0]) == ["-y = a - b", "+y = b - a"]


def test_the_report_finds_the_names_a_check_needs_and_how_a_lesson_run_ended():
    audit_report = _load("audit_report")
    code = lambda source, outputs=(), count=1: {"cell_type": "code", "source": source,  # noqa: E731
                                                "outputs": list(outputs), "execution_count": count}
    lesson = {"cells": [code("import numpy as np\nSEED, SIZE = 0, 4"),
                        code("def helper(x):\n    return x * SIZE\n\n\ndef solve(x, seed=SEED):\n"
                             "    SIZE = 3  # a local, not the global\n    return helper(x) + SIZE"),
                        code("checks.solve_check(solve)"),
                        code("print('later')", [{"output_type": "stream", "name": "stdout",
                                                 "text": "[FAIL] x: y\n"}])]}
    assert sorted(notebooks.names_to_load(lesson, "solve")) == ["SEED", "SIZE", "helper", "solve"]
    broke = {"status": "broke", "cell": 4, "error": "[FAIL] x: y"}
    assert audit_report.classify(lesson, check_cell=2) == broke
    lesson["cells"][3]["outputs"] = [{"output_type": "error", "ename": "AssertionError", "evalue": "a\nb"}]
    assert audit_report.classify(lesson, 2) == {"status": "broke", "cell": 4, "error": "AssertionError: b"}
    lesson["cells"][3]["outputs"] = []
    assert audit_report.classify(lesson, 2)["status"] == "harmless"


def _solutions():
    """(lesson stem, exercise number, the solution's dedented regions) of every exercise."""
    from labkit import assign, notebooks

    import textwrap

    for path in sorted(config.NOTEBOOKS_DIR.glob("0*.ipynb")):
        for exercise in assign.exercises(notebooks.read(path), path.name):
            yield path.stem, exercise.number, [textwrap.dedent("\n".join(r.lines)) for r in exercise.regions]


def _check_slips():
    import sys

    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))  # check_slips imports check_mutants as the audit does
    return _load("check_slips")


def test_every_exercise_has_typical_slips_that_apply_to_its_solution_and_change_it():
    check_slips = _check_slips()
    few = []
    for lesson, number, sources in _solutions():
        found = check_slips.slips(lesson, number, sources)  # a stale slip raises, naming itself
        original = [ast.unparse(ast.parse(s)) for s in sources]
        unchanged = [slip.kind for slip in found if list(slip.regions) == original]
        assert not unchanged, f"{lesson} {number}: slips that change nothing: {unchanged}"
        if len(found) < 4:
            few.append(f"{lesson[:2]} exercise {number}: {len(found)}")
    assert not few, f"exercises with fewer than 4 typical slips in bench/check_slips.py: {few}"


def test_a_stale_slip_names_itself():
    import pytest

    check_slips = _check_slips()
    lesson, number, sources = next(_solutions())
    name, old, _ = check_slips.SLIPS[(lesson[:2], number)][0]
    with pytest.raises(ValueError, match=f"slip '{name}' of {lesson[:2]} exercise {number}"):
        check_slips.slips(lesson, number, [s.replace(old, "") for s in sources])
