#!/usr/bin/env bash
# run.sh - one command, one run: every kernel of bench/kernels.c naive (as
# written, compiled with the same flags) and with mscc's default schedule,
# timed side by side by `mscc --check` (median of repeats after a warm-up);
# then the table with GFLOP/s. Usage: bash bench/run.sh [extra mscc options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
out=$(build/mscc bench/kernels.c -o build/bench.tuned.c --trials 0 --check "$@")
echo "$out" | grep '^target:' || true
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
# FLOPs at the tuning sizes (padding taps counted for the convolutions)
declare -A flops=(
    [gemm]=$((2 * 1024 * 1024 * 1024))
    [conv2d]=$((2 * 64 * 56 * 56 * 64 * 9))
    [depthwise]=$((2 * 256 * 28 * 28 * 9))
    [dense_bias_relu]=$((2 * 128 * 1024 * 1024 + 2 * 128 * 1024))
    [softmax]=$((5 * 1024 * 1024))
    [gelu_erf]=$((5 * 512 * 4096))
    [gelu_tanh]=$((9 * 512 * 4096))
)
printf '%-18s %12s %12s %9s %12s %12s\n' kernel "naive ms" "mscc ms" speedup "naive GF/s" "mscc GF/s"
echo "$out" | awk -v list="$(for k in "${!flops[@]}"; do printf '%s=%s ' "$k" "${flops[$k]}"; done)" '
    BEGIN { n = split(list, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); fl[p[1]] = p[2] } }
    $2 == "yes" && ($1 in fl) {
        naive = $4; tuned = $6;
        printf "%-18s %12.3f %12.3f %8.2fx %12.2f %12.2f\n", $1, naive, tuned, naive / tuned,
               fl[$1] / (naive * 1e6), fl[$1] / (tuned * 1e6)
    }
    $2 != "yes" && $1 != "kernel" && $1 != "target:" { print "not tuned or not correct: " $0 }'
