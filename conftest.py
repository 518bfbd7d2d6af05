"""pytest configuration shared by the unit tests and the nbval notebook run.

nbval compares the stored output of cells marked ``# NBVAL_CHECK_OUTPUT``. TensorFlow
writes log lines to stderr at import (some before its logging can be silenced), so stderr
streams are left out of that comparison; stdout and rich outputs are still compared.
"""

from labkit.notebooks import is_stderr

import nbval.plugin
import pytest

_compare_streams = nbval.plugin.transform_streams_for_comparison


def _without_stderr(outputs):
    return _compare_streams([o for o in outputs if not is_stderr(o)])


nbval.plugin.transform_streams_for_comparison = _without_stderr


@pytest.fixture
def fails(capsys):
    """``fails(result, name, hint)``: the check printed one line, ``[FAIL] name: ...`` holding ``hint``."""

    def assert_failed(result, name, hint):
        out = capsys.readouterr().out
        assert not result and out.startswith(f"[FAIL] {name}: ") and out.count("\n") == 1, out
        assert hint in out, out

    return assert_failed


# A Python that sees the student release's labkit, not the course's: the course is installed in
# editable mode, whose import hook (a finder class on sys.meta_path, and a path hook) would find
# labkit.answers (and the rest) in the checkout.
_RELEASE_SITE = '''import sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.path_hooks[:] = [h for h in sys.path_hooks if "__editable__" not in getattr(h, "__module__", "")]
sys.path_importer_cache.clear()
'''


@pytest.fixture(scope="session")
def student_release(tmp_path_factory):
    """(the release's folder, the environment variables of a Python that imports labkit from it)."""
    from labkit.course import release

    import os

    root = tmp_path_factory.mktemp("release")
    (root / "site").mkdir()
    (root / "site" / "sitecustomize.py").write_text(_RELEASE_SITE)
    folder = release.build(root / "students")
    return folder, {"PYTHONPATH": os.pathsep.join([str(root / "site"), str(folder)])}
