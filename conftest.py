"""pytest configuration shared by the unit tests and the nbval notebook run.

nbval compares the stored output of cells marked ``# NBVAL_CHECK_OUTPUT``. TensorFlow
writes log lines to stderr at import (some before its logging can be silenced), so stderr
streams are left out of that comparison; stdout and rich outputs are still compared.

``make test`` runs on pytest-xdist workers with ``--dist loadgroup``: a worker takes a whole file
(a notebook keeps its kernel, a module's fixtures are built once), except the files whose tests
run each lesson on its own, which are shared out a lesson at a time so the workers end together.
"""

from labkit.notebooks import is_stderr

import re

import nbval.plugin
import pytest

_BY_LESSON = ("test_classroom.py", "test_student_notebooks.py")


def pytest_collection_modifyitems(items):
    for item in items:
        group, lesson = item.path.name, re.search(r"\[(\d\d)_", item.nodeid)
        if group in _BY_LESSON and lesson:
            group += f"-{lesson.group(1)}"
        item.add_marker(pytest.mark.xdist_group(group))

_compare_streams = nbval.plugin.transform_streams_for_comparison


def _without_stderr(outputs):
    return _compare_streams([o for o in outputs if not is_stderr(o)])


nbval.plugin.transform_streams_for_comparison = _without_stderr
