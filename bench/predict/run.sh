#!/usr/bin/env bash
# run.sh [TRIALS] - --predict on kernels its cost model never saw. The five
# kernels of train/ are tuned by measurement (TRIALS each, default 128,
# evolutionary search, one database), which leaves the cost model trained
# on all of their measured candidates. Then each kernel of test/ is
# scheduled three ways: the default schedule (--trials 0, no model), the
# model's pick (--predict: nothing timed) and a measured tuning of its own
# (TRIALS, a fresh database), each run with --check, which times the
# original beside the result in that same run. Speedups are over the
# original; "pred/tuned" is the predicted schedule's speedup over the
# measured tuning's. Medians of --check's repeats; one run each.
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-128}
bash scripts/setup.sh >/dev/null
out=build/bench-predict
rm -rf "$out" && mkdir -p "$out"
db=$out/db
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
t0=$(date +%s)
for f in bench/predict/train/*.c; do
    k=$(basename "$f" .c)
    build/mscc "$f" -o "$out/train-$k.c" --trials "$trials" --seed 1 --db "$db" -q 2> "$out/train-$k.log"
done
echo "trained on $(cat "$db"/cost-rows-*.txt | wc -l) measured candidates of $(ls bench/predict/train/*.c | wc -l) kernels ($trials trials each) in $(($(date +%s) - t0)) s"
# the --check row: kernel yes SIZES ORIG ms TUNED ms SPEEDUPx
speedup() { awk '$2 == "yes" { sub("x", "", $8); print $8; exit }' "$1"; }
printf '%-12s %9s %10s %9s %11s %9s %8s\n' kernel default predicted tuned pred/tuned predict-s tune-s
for f in bench/predict/test/*.c; do
    k=$(basename "$f" .c)
    build/mscc "$f" -o "$out/$k.default.c" --trials 0 --check --db "$out/no-db" > "$out/$k.default.log" 2>&1
    a=$(date +%s.%N)
    build/mscc "$f" -o "$out/$k.predicted.c" --predict --check --db "$db" > "$out/$k.predicted.log" 2>&1
    b=$(date +%s.%N)
    build/mscc "$f" -o "$out/$k.tuned.c" --trials "$trials" --seed 1 --check --db "$out/db-$k" > "$out/$k.tuned.log" 2>&1
    c=$(date +%s.%N)
    d=$(speedup "$out/$k.default.log") p=$(speedup "$out/$k.predicted.log") t=$(speedup "$out/$k.tuned.log")
    awk -v k="$k" -v d="$d" -v p="$p" -v t="$t" -v a="$a" -v b="$b" -v c="$c" 'BEGIN {
        printf "%-12s %8.2fx %9.2fx %8.2fx %10.2fx %9.1f %8.0f\n", k, d, p, t, p / t, b - a, c - b }'
done | tee "$out/table.txt"
awk '{ sub("x", "", $2); sub("x", "", $3); sub("x", "", $4); sub("x", "", $5)
       d += log($2); p += log($3); t += log($4); r += log($5); n++ }
     END { if (n) printf "geometric means over %d kernels: default %.2fx, predicted %.2fx, tuned %.2fx, predicted/tuned %.2fx\n",
           n, exp(d / n), exp(p / n), exp(t / n), exp(r / n) }' "$out/table.txt"
