#!/usr/bin/env bash
# fuzz-targets.sh [SECONDS] [TARGET...] - runs the libFuzzer targets of
# tests/fuzz/ (frontend, pragma, trace, db, model, sizes; all without names) for
# SECONDS each (default 60), FUZZ_JOBS at a time (default 2; a long
# campaign runs all six at once), built with clang-19 under
# ASan+UBSan in build-fuzz/. Each starts from its seed corpus
# (tests/fuzz/corpus/T, never written) plus what earlier runs found
# (fuzz-corpus/T); a crash, leak, hang (over 10 s) or broken promise stops
# it, its input lands in fuzz-failures/T/, and the script fails. To turn
# such an input into a regression test, copy it into tests/fuzz/corpus/T/.
# FUZZ_SEED=S fixes libFuzzer's seed (CI: 1); unset, each run draws one.
# FUZZ_TIMEOUT=S: an input taking longer is a hang (default 10; raise it
# when the run shares the cores with other work).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(frontend pragma trace db model sizes)

bash scripts/setup.sh >/dev/null
command -v clang-19 >/dev/null || {
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clang-19 >/dev/null
}
[ -f build-fuzz/build.ninja ] ||
    CC=clang-19 meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined \
        -Db_lundef=false >/dev/null
ninja -C build-fuzz $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") >/dev/null

run_one() {
    local t=$1 rc dict=() seeds=("tests/fuzz/corpus/$t")
    mkdir -p "fuzz-corpus/$t" "fuzz-failures/$t"
    # C's tokens and the pragma's words, for the targets that read C; the
    # frontend also starts from every C file of the other suites
    case $t in frontend | pragma) dict=(-dict=tests/fuzz/c.dict) ;; esac
    [ "$t" != frontend ] ||
        seeds+=(tests/diag tests/golden tests/e2e tests/realc tests/sched/randk -max_len=16384)
    # a leak in any input fails the run, as a crash does
    ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
        "build-fuzz/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" \
        -rss_limit_mb=4096 -seed="${FUZZ_SEED:-0}" -print_final_stats=1 "${dict[@]}" \
        -artifact_prefix="fuzz-failures/$t/" \
        "fuzz-corpus/$t" "${seeds[@]}" > "fuzz-failures/$t.log" 2>&1 && rc=0 || rc=$?
    echo "fuzz-targets: $t: exit $rc, $(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' \
        "fuzz-failures/$t.log" | grep -o '[0-9]*$') runs in ${seconds} s" \
        "(log: fuzz-failures/$t.log)"
    return $rc
}

status=0
pids=()
for t in "${targets[@]}"; do
    run_one "$t" &
    pids+=($!)
    if [ ${#pids[@]} -ge "${FUZZ_JOBS:-2}" ]; then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for p in "${pids[@]}"; do
    wait "$p" || status=1
done
[ $status -eq 0 ] || { echo "fuzz-targets: FAILED; see fuzz-failures/" >&2; exit 1; }
