#!/usr/bin/env bash
# conformance.sh [TRIALS] - every kernel of the shared conformance suite
# tuned by mscc's search (default 64 trials, a fresh database each), in one
# run: the original's and the tuned kernel's time at the tuning sizes as
# the search measured them (median of repeats, same machine, same run),
# the speedup, and the geometric mean over the kernels. Needs ../shared.
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-64}
suite=../shared/conformance
[ -d "$suite" ] || { echo "no $suite" >&2; exit 1; }
bash scripts/setup.sh >/dev/null
out=build/bench-tune
rm -rf "$out" && mkdir -p "$out"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
printf '%-18s %12s %12s %9s %9s %6s %7s %s\n' kernel "original ms" "tuned ms" speedup "GFLOP/s" "%peak" trials "wall s"
for src in "$suite"/*.c; do
    case "$src" in *.driver.c | */mscc_cmp.c) continue ;; esac
    k=$(basename "$src" .c)
    t0=$(date +%s.%N)
    build/mscc "$src" -o "$out/$k.tuned.c" --trials "$trials" --seed 1 --db "$out/db-$k" \
        2> "$out/$k.log" || true
    t1=$(date +%s.%N)
    # the closing table's row: kernel, original, ms, tuned, ms, speedup, GFLOP/s, %peak, trials
    awk -v k="$k" -v a="$t0" -v b="$t1" '
        $1 != "kernel" && $3 == "ms" && $5 == "ms" {
            printf "%-18s %12.4g %12.4g %8.2fx %9s %6s %7d %6.0f\n", k, $2, $4, $2 / $4, $7, $8, $9, b - a }' \
        "$out/$k.log" | head -1
done | tee "$out/table.txt"
awk '{ s += log($4 + 0); n++ } END { if (n) printf "geometric mean speedup over %d kernels: %.2fx\n", n, exp(s / n) }' \
    "$out/table.txt"
