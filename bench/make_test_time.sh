#!/usr/bin/env bash
# Wall time of `make test` on a warm .venv (installed, nothing to reinstall).
# The budget: all of `make test`, install included, within 11 minutes on 2 cores (20 at most).
#     bash bench/make_test_time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
make --no-print-directory venv >/dev/null  # warm the venv first; not timed
start=$(date +%s.%N)
make --no-print-directory test >/tmp/labkit-make-test.log 2>&1 || { tail -30 /tmp/labkit-make-test.log; exit 1; }
end=$(date +%s.%N)
tail -1 /tmp/labkit-make-test.log
python3 -c "print(f'make test on a warm .venv: {float($end) - float($start):.1f} s wall time')"
