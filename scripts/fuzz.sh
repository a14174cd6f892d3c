#!/usr/bin/env bash
# fuzz.sh [N] [FIRST_SEED] - a longer run of the differential schedule
# fuzzer: N random schedules (default 3000) on every kernel of tests/e2e and
# tests/realc, then N/2 more under --fp-model=strict.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
MSCC_SRC=$PWD MSCC_FUZZ_SCHEDULES=${1:-3000} MSCC_FUZZ_SEED=${2:-1} \
    build/tests/test_sched --filter='sched/differential*' --timeout 0
