from labkit import files

import pytest


def test_write_text_atomically_creates_folders_and_replaces_the_file(tmp_path):
    path = tmp_path / "a" / "b.json"
    assert files.write_text_atomically(path, "one") == path and path.read_text() == "one"
    files.write_text_atomically(path, "two")
    assert path.read_text() == "two" and [p.name for p in path.parent.iterdir()] == ["b.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "tune.mid"
    path.write_text("old")

    def half_write(temporary):
        open(temporary, "w").write("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        files.write_atomically(path, half_write)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["tune.mid"]
