#!/usr/bin/env bash
# run.sh - the real-C benchmark: the kernels of tests/realc/{blas,solvers,
# stencils}.c (the real-C issue's kernels in C89 style, sizes from their
# fixed arrays, here made large with -D) with the default schedule
# (--trials 0), under each floating-point model. Each round is
# one `mscc --check` run, which times the original and the tuned kernel
# side by side (median of repeats after a warm-up); the table gives the
# median over the rounds of each time and of their ratio.
# Usage: bash bench/realc/run.sh [ROUNDS]   (default 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/setup.sh >/dev/null
rounds=${1:-5}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
for model in reassoc strict; do
    flags=()
    [ "$model" = strict ] && flags=(--cflags "-O3 -march=native -fopenmp -ffp-contract=off")
    log=$(mktemp)
    for r in $(seq "$rounds"); do
        for f in blas solvers stencils; do
            build/mscc tests/realc/$f.c -o build/realc.$f.tuned.c --trials 0 --check --sizes tsteps=10 \
                -DNI=600 -DNJ=640 -DNK=560 -DN=700 -DW=1200 -DH=1000 \
                --fp-model=$model "${flags[@]}" 2>/dev/null >>"$log" || true
        done
    done
    echo
    echo "--fp-model=$model, $rounds rounds (times in ms, medians)"
    printf '%-12s %8s %10s %10s %8s %8s %8s\n' kernel correct original tuned speedup min max
    awk '
        function median(list,   n, a, i, j, t) {
            n = split(list, a, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        function lo(list,   n, a, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
        function hi(list,   n, a, i, m) { n = split(list, a, " "); m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
        $1 != "kernel" && $1 != "target:" && NF >= 3 {
            if (!($1 in seen)) { order[++k] = $1; seen[$1] = 1 }
            ok[$1] = ok[$1] (ok[$1] == "" || ok[$1] == $2 ? "" : "!") ; last[$1] = $2
            if ($2 == "yes") { o[$1] = o[$1] " " $4; t[$1] = t[$1] " " $6; s[$1] = s[$1] " " ($4 / $6) }
        }
        END {
            for (i = 1; i <= k; i++) {
                n = order[i]
                if (o[n] == "") { printf "%-12s %8s\n", n, last[n]; continue }
                printf "%-12s %8s %10.3f %10.3f %7.2fx %7.2fx %7.2fx\n", n, last[n] (ok[n] == "" ? "" : "*"),
                       median(o[n]), median(t[n]), median(s[n]), lo(s[n]), hi(s[n])
            }
        }' "$log"
    rm -f "$log"
done
