#!/usr/bin/env bash
# test.sh - set up, then run every test suite (unit, golden, diag, e2e) in
# the normal build and again under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --asan
status=0
for b in build build-asan; do
    echo "== meson test -C $b"
    meson test -C "$b" --print-errorlogs || status=1
    # each Criterion binary's own closing line, for the record
    grep -h "Synthesis" "$b/meson-logs/testlog.txt" || true
done
exit $status
