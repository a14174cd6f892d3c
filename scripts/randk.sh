#!/usr/bin/env bash
# randk.sh [KERNELS] [FIRST_SEED] [SECONDS] - a campaign of the random-kernel
# fuzzer: KERNELS random kernels (default 500) from FIRST_SEED (default
# 1000000), each under the default schedule and random schedules in both
# fp models, stopping early after SECONDS (0: no limit). JOBS=N (default:
# the processing units) runs N processes, each on its own slice of the
# seeds. Failures are shrunk and written to randk-failures/ (NAME.c and
# NAME.json, a regression once copied into tests/sched/randk/); each
# process's report is randk-failures/jobI.log. The harnesses are built
# by clang at -O0 with UBSan's checks as traps (MSCC_RANDK_CC=clang
# MSCC_RANDK_OPT=-O0 MSCC_RANDK_TRAP=1, the defaults here: 1.9x the
# kernels an hour of gcc -O1 with UBSan's handlers; see
# tests/sched/randk_test.c); MSCC_RANDK_CC= (empty) builds with gcc.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
kernels=${1:-500} first=${2:-1000000} seconds=${3:-0} jobs=${JOBS:-$(nproc)}
export MSCC_RANDK_CC=${MSCC_RANDK_CC-clang} MSCC_RANDK_OPT=${MSCC_RANDK_OPT--O0}
export MSCC_RANDK_TRAP=${MSCC_RANDK_TRAP-1}
mkdir -p randk-failures
per=$(((kernels + jobs - 1) / jobs))
pids=()
for ((j = 0; j < jobs; j++)); do
    MSCC_SRC=$PWD MSCC_BIN=$PWD/build/mscc MSCC_DB=/nonexistent/mscc-randk MSCC_TRIALS=0 \
        MSCC_RANDK_KERNELS=$per MSCC_RANDK_SEED=$((first + j * per)) MSCC_RANDK_SECONDS=$seconds \
        MSCC_RANDK_OUT=$PWD/randk-failures \
        build/tests/test_sched --filter='sched/random_kernels' --timeout 0 -j1 \
        >"randk-failures/job$j.log" 2>&1 &
    pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
grep -h "^randk: [0-9]" randk-failures/job*.log || true
grep -h "^randk: FAILURE" randk-failures/job*.log || true
exit $status
