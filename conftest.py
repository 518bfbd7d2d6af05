"""pytest configuration shared by the unit tests and the nbval notebook run.

nbval compares the stored output of cells marked ``# NBVAL_CHECK_OUTPUT``. TensorFlow
writes log lines to stderr at import (some before its logging can be silenced), so stderr
streams are left out of that comparison; stdout and rich outputs are still compared.
"""

from labkit.notebooks import is_stderr

import nbval.plugin

_compare_streams = nbval.plugin.transform_streams_for_comparison


def _without_stderr(outputs):
    return _compare_streams([o for o in outputs if not is_stderr(o)])


nbval.plugin.transform_streams_for_comparison = _without_stderr
