#!/usr/bin/env bash
# example.sh - set up, then tune the bundled example and show the kernel's
# time before and after (mscc --check builds and runs both side by side):
# with the default schedule, with mscc's search (64 measured candidates,
# a database in build/), and with a hand-written schedule.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "examples/gemm.c with the default schedule (no measurement) -> build/gemm.default.c"
build/mscc examples/gemm.c -o build/gemm.default.c --trials 0 --check
echo
echo "examples/gemm.c tuned by the search (--trials 64) -> build/gemm.tuned.c"
rm -rf build/example-db
build/mscc examples/gemm.c -o build/gemm.tuned.c --trials 64 --db build/example-db
echo
echo "the same kernel with a hand-written schedule (register tile, packed B: bench/traces/gemm.json)"
echo "  -> build/gemm.traced.c"
build/mscc examples/gemm.c -o build/gemm.traced.c --trace bench/traces/gemm.json --check
