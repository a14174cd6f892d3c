#!/usr/bin/env bash
# example.sh - set up, then tune the bundled example and show the kernel's
# time before and after (mscc --check builds and runs both side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "tuning examples/gemm.c -> build/gemm.tuned.c"
build/mscc examples/gemm.c -o build/gemm.tuned.c --check
echo
echo "the same kernel with a hand-written schedule (register tile, packed B: bench/traces/gemm.json)"
echo "  -> build/gemm.traced.c"
build/mscc examples/gemm.c -o build/gemm.traced.c --trace bench/traces/gemm.json --check
