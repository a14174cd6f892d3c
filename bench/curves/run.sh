#!/usr/bin/env bash
# run.sh [TRIALS [OPS...]] - tuning curves for six operators (gemm 1024,
# conv2d NHWC 56x56x64->64 3x3, conv2d 224x224x3->64 7x7 stride 2,
# depthwise 3x3 112x112x32, softmax 1024x1024, a dot product of 4M
# floats), in one run on this machine:
# each kernel of bench/curves/ops/ tuned by mscc's search (TRIALS measured
# candidates, default 512, 2 threads, seed SEED (default 1), a fresh
# database each; the strategy from SEARCH, default evolutionary, or
# replay); then, side by side, the naive kernel, the tuned one, OpenBLAS
# (gemm, dot) and oneDNN, each timed with 2 threads (median of repeats,
# mscc and oneDNN in turns, OpenBLAS alone; the better of a run with free
# threads and one with threads bound to the cores), and the measured fp32
# FMA peak (bench/peak.c). Writes build/bench-curves/OP.csv and OP.svg: best
# GFLOP/s against trials, with the best library as a dashed line.
# Compiled as the issues ask: -std=c11 -O3 -march=native -fopenmp.
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-512}
shift || true
ops=("$@")
[ ${#ops[@]} -gt 0 ] || ops=(gemm conv3x3 conv7x7s2 dwconv softmax dot)
bash scripts/setup.sh >/dev/null
out=build/bench-curves
mkdir -p "$out/tuned"
declare -A wall
for op in gemm conv3x3 conv7x7s2 dwconv softmax dot; do
    # an operator not asked for keeps its last tuned file (or a plain copy)
    [ -f "$out/tuned/$op.c" ] || cp "bench/curves/ops/$op.c" "$out/tuned/$op.c"
done
for op in "${ops[@]}"; do
    rm -rf "$out/db-$op"
    t0=$(date +%s.%N)
    build/mscc "bench/curves/ops/$op.c" -o "$out/tuned/$op.c" --trials "$trials" --seed "${SEED:-1}" \
        --threads 2 --db "$out/db-$op" --search "${SEARCH:-evolutionary}" 2> "$out/$op.log"
    t1=$(date +%s.%N)
    wall[$op]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
done
flags=(-std=c11 -O3 -march=native -fopenmp -Wno-unknown-pragmas)
cc "${flags[@]}" -I "$out" bench/curves/bench.c -o "$out/bench" -lopenblas -ldnnl -lm
cc "${flags[@]}" bench/peak.c -o "$out/peak"
peak=$("$out/peak" 2 | awk '{ print $2 }')
echo "search: ${SEARCH:-evolutionary}, $trials trials, seed ${SEED:-1}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); measured fp32 FMA peak with 2 threads: $peak GFLOP/s"
printf '%-10s %8s %8s %8s %8s %8s %9s %7s %7s %7s\n' op naive mscc OpenBLAS oneDNN "mscc/lib" "mscc/peak" trials "wall s" "max err"
for op in "${ops[@]}"; do
    # each way at its best of two runs: threads free, and bound to the
    # cores as mscc's measurer runs candidates (bound, depthwise took 54-61
    # us against 61-71 free; OpenBLAS's own threads then share one core)
    free_run=$(OMP_NUM_THREADS=2 "$out/bench" "$op" 2)
    bound_run=$(OMP_NUM_THREADS=2 OMP_PROC_BIND=close OMP_PLACES=cores "$out/bench" "$op" 2)
    line=$(printf '%s\n%s\n' "$free_run" "$bound_run" | awk 'NR == 1 { split($0, a) }
        NR == 2 { for (i = 3; i <= NF; i++) if (i != 5 && $i ~ /^[0-9.e+-]+$/ && $i > a[i]) $i = a[i]
                  if (a[5] > $5) $5 = a[5]; print }')
    # OP FLOPS naive tuned err [LIB seconds]...
    lib=$(echo "$line" | awk '{ b = 0; for (i = 6; i < NF; i += 2) { g = $2 / $(i + 1) * 1e-9; if (g > b) b = g } printf "%.2f", b }')
    trials_done=$(grep -c '"status":"\(ok\|emit\|build\|crash\|timeout\|memory\|wrong\)"' "$out/db-$op/records.jsonl" || true)
    echo "$line" | awk -v peak="$peak" -v lib="$lib" -v tr="$trials_done" -v w="${wall[$op]}" '{
        g = $2 * 1e-9; blas = "-"; dnnl = "-"
        for (i = 6; i < NF; i += 2) {
            if ($i == "OpenBLAS") blas = sprintf("%.1f", g / $(i + 1))
            if ($i == "oneDNN") dnnl = sprintf("%.1f", g / $(i + 1))
        }
        printf "%-10s %8.1f %8.1f %8s %8s %7.2fx %8.1f%% %7d %7s %7.2g\n", $1, g / $3, g / $4, blas, dnnl,
            g / $4 / lib, 100 * g / $4 / peak, tr, w, $5 }'
    flops=$(echo "$line" | awk '{ print $2 }')
    bash bench/tune/curve.sh "$out/db-$op" "$flops" "$lib" "$out/$op"
done | tee "$out/table.txt"
echo "GFLOP/s, 2 threads; mscc/lib: against the faster library; curves in $out/*.csv, *.svg"
