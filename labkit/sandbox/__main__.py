"""``python -m labkit.sandbox CONFIG -- COMMAND...``: see :mod:`labkit.sandbox`."""

from labkit.sandbox import main

import sys

main(sys.argv[1:])
