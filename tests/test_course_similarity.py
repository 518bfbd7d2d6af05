"""``python -m labkit similarity`` (labkit.course.similarity, issue 37 item 4) on a synthetic class of
lesson 05, ``bench/similarity_class.py``'s small class: ann hands in the lesson's solution, ben a
copy of it with every name it binds renamed and its statements reordered and reformatted, cat
answers written independently (``INDEPENDENT``: they pass lesson 05's self-checks, tested here),
eve and fay the untouched student version, gus a file that is not a notebook.

- ann and ben rank first, flagged; the independent pairs stay below the threshold; the untouched
  stubs score 0 against each other (the stub and the given code are boilerplate).
- The HTML is self-contained and escaped, and shows the copy side by side, every line marked.
- Renaming, reordering and reformatting change no fingerprint; changing an expression does.
- Bad input is a one-line error (exit 2).
"""

from labkit import assign, checks, config, notebooks
from labkit.__main__ import main
from labkit.course import similarity

import ast
import importlib.util
import json
import textwrap
from html.parser import HTMLParser

import pytest

LESSON = config.NOTEBOOKS_DIR / "05_attention.ipynb"


def _bench():
    path = config.REPO_ROOT / "bench" / "similarity_class.py"
    spec = importlib.util.spec_from_file_location("similarity_class", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.fixture(scope="module")
def student():
    return notebooks.read(assign.student_path(LESSON))


@pytest.fixture(scope="module")
def work(student):
    return bench.small_class(notebooks.read(LESSON), student)


@pytest.fixture(scope="module")
def ranked(work, student, tmp_path_factory):
    """(similarity.json's dict, similarity.html's text) for the class, made by the command."""
    folder = tmp_path_factory.mktemp("class")
    bench.write_class(folder, work, student)
    (folder / "gus").mkdir()
    (folder / "gus" / "05_attention.ipynb").write_text("{ not a notebook")
    out = tmp_path_factory.mktemp("out")
    assert main(["similarity", str(folder), "--lesson", "05", "--out", str(out)]) == 0
    return json.loads((out / "similarity.json").read_text()), (out / "similarity.html").read_text()


def _pair(result, first, second):
    return next(p for p in result["pairs"] if p["students"] == [first, second])


def _statements(lines, names_as=None):
    """The region's top-level statements as syntax trees (every name ``names_as`` where given)."""
    tree = ast.parse(textwrap.dedent("\n".join(lines)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and names_as:
            node.id = names_as
    return [ast.dump(statement) for statement in tree.body]


def _bound(lines):
    tree = ast.parse(textwrap.dedent("\n".join(lines)))
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def test_the_copy_really_is_renamed_and_reordered(work):
    original, copy = work["ann"], work["ben"]
    for number in range(1, 6):
        [ours], [theirs] = original[number], copy[number]
        assert sorted(_statements(ours, "V")) == sorted(_statements(theirs, "V"))  # the same code but names
        assert _bound(ours) != _bound(theirs) and _statements(ours) != _statements(theirs)
    reordered = [n for n in original if _statements(original[n][0], "V") != _statements(copy[n][0], "V")]
    assert len(reordered) >= 2, f"statements reordered only in exercises {reordered}"


def test_the_copy_ranks_first_flagged_and_independent_answers_stay_below(ranked):
    result, _ = ranked
    threshold = result["threshold"]
    assert result["pairs"][0]["students"] == ["ann", "ben"] and result["pairs"][0]["flagged"]
    assert result["pairs"][0]["score"] >= threshold and result["pairs_above_threshold"] == 1
    for pair in (("ann", "cat"), ("ben", "cat")):
        found = _pair(result, *pair)
        assert found["score"] < threshold and not found["flagged"], found
        assert max(found["exercises"].values()) < threshold, found  # each exercise apart, too
    assert _pair(result, "eve", "fay") == {"students": ["eve", "fay"], "score": 0.0, "flagged": False,
                                           "exercises": {str(n): 0.0 for n in range(1, 6)}}
    assert result["students"] == 5 and list(result["not_compared"]) == ["gus"]
    assert "not valid notebook JSON" in result["not_compared"]["gus"]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.links, self.blocks, self.marked, self.inside = [], [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.links += [value for name, value in attrs if name in ("src", "href")]
        if tag == "pre":
            self.blocks.append("")
            self.marked.append("")
        self.inside = tag if tag in ("pre", "mark") else self.inside

    def handle_endtag(self, tag):
        self.inside = "pre" if tag == "mark" else None if tag == "pre" else self.inside

    def handle_data(self, data):
        if self.inside in ("pre", "mark"):
            self.blocks[-1] += data
        if self.inside == "mark":
            self.marked[-1] += data + "\n"


def test_the_html_shows_the_copy_side_by_side_marked_escaped_and_self_contained(ranked, work):
    _, page = ranked
    parsed = _Page()
    parsed.feed(page)
    assert "script" not in parsed.tags and not parsed.links  # nothing to fetch, nothing to run
    assert "bkv->bqk" not in page and "bkv-&gt;bqk" in page  # code is escaped
    assert len(parsed.blocks) == 10, "one flagged pair: five exercises, two sides each"
    for block, marked in zip(parsed.blocks, parsed.marked):
        written = [line for line in block.split("\n") if assign.is_written(line)]
        assert written and sorted(marked.split("\n")[:-1]) == sorted(written)  # a whole copy: every line
    assert [block.split("\n") for block in parsed.blocks[:2]] == [work["ann"][1][0], work["ben"][1][0]]


ORIGINAL = '''d = ops.cast(ops.shape(k)[-1], q.dtype)
scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / ops.sqrt(d)  # (..., T_q, T_k)
if mask is not None:
    scores = ops.where(mask, scores, -1e9)
weights = ops.softmax(scores, axis=-1)'''
DISGUISED = '''depth = ops.cast(ops.shape(k)[-1],
                 q.dtype)
logits = (ops.matmul(q, ops.swapaxes(k, -1, -2)) / ops.sqrt(depth))
if mask is not None:
    logits = ops.where(mask, logits, -1000000000.0)
weights = ops.softmax(logits, axis=(-1))'''


def test_renaming_reordering_and_reformatting_change_no_fingerprint_and_an_edit_does():
    original = similarity.fingerprints(ORIGINAL)
    assert similarity.fingerprints(DISGUISED).keys() == original.keys()
    moved = "\n".join(ORIGINAL.split("\n")[-1:] + ORIGINAL.split("\n")[:-1])  # the softmax line first
    assert similarity.fingerprints(moved).keys() == original.keys()
    edited = similarity.fingerprints(ORIGINAL.replace("axis=-1", "axis=-2"))
    assert edited.keys() != original.keys() and len(edited.keys() & original.keys()) > len(original) / 2
    assert original[next(iter(similarity.fingerprints("d = ops.cast(ops.shape(k)[-1], q.dtype)")))] == {0}


@pytest.mark.parametrize("arguments, error", [
    (["--threshold", "1.5"], "--threshold: expected a score from 0 to 1, got 1.5"),
    (["--top", "0"], "--top: expected a whole number >= 1, got 0"),
    (["--lesson", "99"], "lesson: no lesson '99'"),
])
def test_bad_arguments_are_one_line_errors(arguments, error, tmp_path, capsys, work, student):
    bench.write_class(tmp_path / "class", {"ann": work["ann"], "cat": work["cat"]}, student)
    code = main(["similarity", str(tmp_path / "class"), "--out", str(tmp_path / "out"), *arguments])
    printed = capsys.readouterr().err
    assert code == 2 and printed.startswith(f"labkit similarity: {error}"), printed
    assert printed.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_too_few_submissions_or_an_out_that_is_a_file_are_one_line_errors(tmp_path, capsys, work, student):
    bench.write_class(tmp_path / "one", {"ann": work["ann"]}, student)
    (tmp_path / "empty").mkdir()
    (tmp_path / "file").write_text("")
    for paths, out, error in (
            (["one"], "out", "PATH: 1 readable submission(s) in"),
            (["empty"], "out", "PATH: no .ipynb files in"),
            (["one"], "file", "--out: "),
            (["missing"], "out", "PATH: no notebook or folder at")):
        code = main(["similarity", *(str(tmp_path / p) for p in paths), "--out", str(tmp_path / out),
                     "--lesson", "05"])
        printed = capsys.readouterr().err
        assert code == 2 and printed.startswith(f"labkit similarity: {error}") and printed.count("\n") == 1


def test_the_independent_answers_pass_lesson_05s_self_checks(tmp_path, student, capsys):
    pytest.importorskip("keras")
    filled = assign.with_answers(student, {n: [text.split("\n")] for n, text in bench.INDEPENDENT.items()})
    (tmp_path / "05_attention.ipynb").write_text(notebooks.dumps(filled))
    lesson = notebooks.load_definitions(tmp_path / "05_attention.ipynb", [
        "scaled_dot_product_attention", "MultiHeadSelfAttention", "copy_keras_weights", "LuongAttention",
        "positional_encoding", "TransformerBlock"])
    results = [checks.luong_attention(lesson["LuongAttention"]),
               checks.scaled_dot_product_attention(lesson["scaled_dot_product_attention"]),
               checks.multi_head_self_attention(lesson["MultiHeadSelfAttention"],
                                                lesson["copy_keras_weights"]),
               checks.positional_encoding(lesson["positional_encoding"]),
               checks.transformer_block(lesson["TransformerBlock"])]
    printed = capsys.readouterr().out
    assert all(results) and printed.count("[PASS]") == 5, printed
