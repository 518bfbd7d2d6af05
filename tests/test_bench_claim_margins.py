"""bench/claim_margins.py: the instrumented asserts record both sides of every comparison without
stopping the run, and the table calls a claim fragile when its margin is not larger than its spread."""

from labkit import config

import importlib.util
import json
import types

import pytest

BENCH = config.REPO_ROOT / "bench" / "claim_margins.py"
spec = importlib.util.spec_from_file_location("claim_margins", BENCH)
claim_margins = importlib.util.module_from_spec(spec)
spec.loader.exec_module(claim_margins)

LESSON = {"cells": [
    {"cell_type": "markdown", "source": "assert nothing here"},
    {"cell_type": "code", "source": "%matplotlib inline\nratio = 1.5\nassert ratio > 1.2 and ratio < 2, 'r'"},
    {"cell_type": "code", "source": "for x in (1, 2):\n    assert x > 1.5  # fails for x = 1\nok = True"},
    {"cell_type": "code", "source": "if not config.FAST:\n    assert ratio > 3, 'full mode'\n"
                                    "if config.FAST:\n    pass\nelse:\n    assert ratio > 3, 'full mode'"},
    {"cell_type": "code", "source": "assert ratio > 1, f'{ratio:.1f} vs {undefined_name}'"},
]}


def run_instrumented(nb, log, monkeypatch):
    """Execute the instrumented notebook's code cells in one namespace, as a kernel would."""
    monkeypatch.setenv("CLAIM_LOG", str(log))
    namespace = {"config": types.SimpleNamespace(FAST=True)}  # fast mode: full-mode asserts skipped
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            source = "\n".join(line for line in cell["source"].splitlines() if not line.startswith("%"))
            exec(source, namespace)  # noqa: S102
    return namespace, [json.loads(line) for line in log.read_text().splitlines()]


def test_instrumented_asserts_record_each_comparison_and_never_stop_the_run(tmp_path, monkeypatch):
    nb, listed = claim_margins.instrument(LESSON, "99")
    assert [(c["where"], c["full_mode_only"]) for c in listed] == [
        ("99 cell 1", False), ("99 cell 2", False), ("99 cell 3", True), ("99 cell 3", True),
        ("99 cell 4", False)]
    namespace, records = run_instrumented(nb, tmp_path / "claims.jsonl", monkeypatch)
    assert namespace["ok"] is True  # the failing assert in the loop did not stop the cell
    first, *loop, broken = records
    assert first["pairs"] == [["ratio", ">", "1.2", 1.5, 1.2], ["ratio", "<", "2", 1.5, 2.0]]
    assert first["holds"] is True and first["message"] == "r" and loop[0]["message"] is None
    assert broken["holds"] and broken["message"].startswith("error: NameError")  # found before it fails
    assert [(r["pairs"][0][3], r["holds"]) for r in loop] == [(1.0, False), (2.0, True)]


def test_the_table_tells_robust_from_fragile_and_failed():
    listed = [{"where": "99 cell 1", "source": "a > 1", "full_mode_only": False},
              {"where": "99 cell 2", "source": "b > 1", "full_mode_only": False},
              {"where": "99 cell 3", "source": "c < 1", "full_mode_only": False},
              {"where": "99 cell 4", "source": "d > 1", "full_mode_only": True}]

    def runs(name, values, where):
        return [{"where": where, "source": f"{name} > 1" if name != "c" else "c < 1", "holds": True,
                 "pairs": [[name, "<" if name == "c" else ">", "1", v, 1.0]]} for v in values]

    by_run = list(zip(runs("a", [2.0, 2.1, 1.9], "99 cell 1"), runs("b", [1.1, 1.6, 1.05], "99 cell 2"),
                      runs("c", [0.5, 1.2, 0.4], "99 cell 3")))
    rows = {r["where"]: r for r in claim_margins.table(listed, by_run)}
    assert rows["99 cell 1"]["verdict"] == "robust" and rows["99 cell 1"]["margin"] == pytest.approx(1.0)
    assert rows["99 cell 2"]["verdict"] == "FRAGILE"  # margin 0.1, spread 0.55
    assert rows["99 cell 3"]["verdict"] == "FAILED in 1 of 3"
    assert rows["99 cell 4"]["verdict"] == "full mode only"
    assert "| 99 cell 2 | `b > 1` | 1 | 1.05 / 1.1 / 1.6 |" in claim_margins.markdown(list(rows.values()))


def test_a_ratio_far_above_its_threshold_is_judged_on_a_log_scale():
    claim = {"where": "99 cell 1", "source": "speedup > 1.5", "full_mode_only": False}
    runs = [[{"where": "99 cell 1", "source": "speedup > 1.5", "holds": True,
              "pairs": [["speedup", ">", "1.5", v, 1.5]]}] for v in (6.0, 8.0, 17.0)]
    (row,) = claim_margins.table([claim], runs)
    assert row["margin"] == pytest.approx(6.5) and row["spread"] == pytest.approx(11.0)  # linear: 6.5 < 11
    assert row["scale"] == "log" and row["verdict"] == "robust"  # log: median 1.67 > spread 1.04
