#!/usr/bin/env bash
# vmath.sh - the vector math's accuracy tests over every float of each
# range, in every build (CI checks every float for expf as the tuning
# harness builds it, and every 61st float elsewhere). About 5 minutes on two
# cores: libm's double tanh and erf, the reference, are slow.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
MSCC_SRC=$PWD MSCC_VMATH_EXHAUSTIVE=1 build/tests/test_vmath --verbose "$@"
