#!/usr/bin/env bash
# run.sh [N [TRIALS]] - sgemm at N x N x N (default 1024), in one run: naive
# -O3, the kernel tuned by mscc, and OpenBLAS, with 1 and 2 threads; GFLOP/s,
# median of repeats. Tuned with the hand trace bench/traces/gemm.json, or,
# given TRIALS, by mscc's own search at N (TRIALS measured candidates, 2
# threads, a fresh database; the search's time and candidates per second
# are printed). Compiled as issue #3 asks: -std=c11 -O3 -march=native -fopenmp.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh >/dev/null
n=${1:-1024}
out=build/bench-gemm
mkdir -p "$out"
if [ $# -ge 2 ]; then
    rm -rf "$out/db"
    t0=$(date +%s.%N)
    build/mscc bench/gemm/gemm.c -o "$out/gemm.tuned.c" --trials "$2" --seed 1 --threads 2 \
        --sizes "M=$n,N=$n,K=$n" --db "$out/db" -q
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v n="$2" 'BEGIN { printf "search: %d trials in %.1f s (%.2f candidates/s, the naive original timed once included)\n", n, b - a, n / (b - a) }'
else
    build/mscc bench/gemm/gemm.c -o "$out/gemm.tuned.c" --trace bench/traces/gemm.json -q
fi
cc -std=c11 -O3 -march=native -fopenmp -Wno-unknown-pragmas \
    -DNAIVE_FILE="\"$PWD/bench/gemm/gemm.c\"" -DTUNED_FILE="\"$PWD/$out/gemm.tuned.c\"" \
    bench/gemm/bench_main.c -o "$out/bench" -lopenblas -lm
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf '%-6s %-8s %12s %12s %12s %10s\n' size threads "naive GF/s" "mscc GF/s" "OpenBLAS" "max err"
for t in 1 2; do
    # the naive kernel takes seconds per call at 1024: one timed call after the warm-up
    "$out/bench" "$n" "$t" 1 | awk '{printf "%-6s %-8s %12s %12s %12s %10s\n", $1, $2, $3, $4, $5, $6}'
done
