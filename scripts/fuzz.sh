#!/usr/bin/env bash
# fuzz.sh [N] [FIRST_SEED] - a longer run of the differential schedule
# fuzzer: N random schedules (default 3000) on every kernel of tests/e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
MSCC_SRC=$PWD MSCC_FUZZ_SCHEDULES=${1:-3000} MSCC_FUZZ_SEED=${2:-1} \
    build/tests/test_sched --filter='sched/differential_fuzzer' --timeout 0
