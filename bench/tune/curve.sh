#!/usr/bin/env bash
# curve.sh DB_DIR FLOPS [LIBRARY_GFLOPS] [OUT] - the tuning curve of a search
# from its database: best GFLOP/s against trials, in the order the candidates
# were measured, as OUT.csv (trial, GFLOP/s of that candidate or empty if it
# failed, best so far, seconds since the first batch was recorded: the
# curve against wall time, to the second the records keep) and OUT.svg (the best-so-far line, with the library's
# GFLOP/s as a dashed line when given). FLOPS: the kernel's FLOPs per call.
set -euo pipefail
db=$1 flops=$2 lib=${3:-0} out=${4:-curve}
awk -v flops="$flops" '
    BEGIN { print "trial,gflops,best_gflops,seconds" }
    {
        st = $0; sub(/.*"status":"/, "", st); sub(/".*/, "", st)
        # what a search ended with is not a trial
        if (st == "chosen" || st == "original" || st == "refused") next
        n++
        s = $0; sub(/.*"seconds":/, "", s); sub(/[,}].*/, "", s)
        g = (st == "ok" && s + 0 > 0) ? flops / (s * 1e9) : -1
        if (g > best) best = g
        t = $0; sub(/.*"time_unix":/, "", t); sub(/[,}].*/, "", t)
        if (n == 1) t0 = t
        printf "%d,%s,%.3f,%d\n", n, (g >= 0 ? sprintf("%.3f", g) : ""), best, t - t0
    }' "$db/records.jsonl" > "$out.csv"
awk -F, -v lib="$lib" '
    NR > 1 { x[NR - 1] = $1; y[NR - 1] = $3; n = NR - 1; if ($3 > ymax) ymax = $3 }
    END {
        if (lib > ymax) ymax = lib
        ymax *= 1.1; W = 640; H = 360; L = 60; B = 40
        printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H
        printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
        printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, H - B, W - 10, H - B
        printf "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, L, H - B
        printf "<text x=\"%d\" y=\"%d\">trials (%d)</text>\n", W / 2, H - 8, n
        printf "<text x=\"4\" y=\"20\">GFLOP/s</text><text x=\"4\" y=\"36\">max %.0f</text>\n", ymax / 1.1
        printf "<polyline fill=\"none\" stroke=\"steelblue\" stroke-width=\"2\" points=\""
        for (i = 1; i <= n; i++)
            printf "%.1f,%.1f ", L + (W - 10 - L) * x[i] / n, (H - B) - (H - B - 10) * y[i] / ymax
        printf "\"/>\n"
        if (lib > 0) {
            yl = (H - B) - (H - B - 10) * lib / ymax
            printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"gray\" stroke-dasharray=\"6,4\"/>\n", L, yl, W - 10, yl
            printf "<text x=\"%d\" y=\"%.1f\" fill=\"gray\">library %.1f</text>\n", W - 120, yl - 4, lib
        }
        printf "</svg>\n"
    }' "$out.csv" > "$out.svg"
tail -1 "$out.csv" | awk -F, '{ printf "%d trials, best %.2f GFLOP/s\n", $1, $3 }'
