#!/usr/bin/env bash
# cross_test.sh MSCC SRC [TARGET...] - mscc's output for other machines:
# every kernel of ../shared/conformance when it is there and of
# tests/e2e/conv.c, gemm_forms.c, types.c and tensorizable.c (whose
# products the default schedule tensorizes: NEON's micro-kernel on
# aarch64, chosen without measurement) (those for the first target
# only when the conformance kernels are there; with CROSS_ALL=1, all of
# tests/e2e and tests/realc for each: 4 min a target on 2 cores), tuned for each cross
# target (default: aarch64, armhf and riscv64) with --trials 0, built by
# the target's cross compiler into the check harness and run against the
# original under qemu-user, through --runner with --runner-timing=none;
# the whole output file then compiles for the target with -Wall -Wextra
# -Werror (less the unused warnings of the user's own file). A kernel mscc
# refuses stays as it is; one it tunes must pass. Also: the runner is what runs
# the harness (a runner that fails reverts the kernel), and the target's
# options refuse what cannot be (a contradicting -march, trials without a
# runner, --check without one). scripts/setup.sh installs the compilers
# and qemu-user.
set -euo pipefail
mscc=$1 src=$2
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(aarch64-linux-gnu arm-linux-gnueabihf riscv64-linux-gnu)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "cross_test: $*" >&2; exit 1; }

files=() short=("$src"/tests/e2e/{conv,gemm_forms,types,tensorizable}.c)
for f in "$src"/tests/e2e/*.c "$src"/tests/realc/*.c; do
    case $f in *_test.c) continue ;; esac
    files+=("$f")
done
if [ -d "$src/../shared/conformance" ]; then
    for f in "$src"/../shared/conformance/*.c; do
        case $f in *.driver.c | */mscc_cmp.c) continue ;; esac
        files+=("$f")
        short+=("$f")
    done
fi

emulator() {
    case $1 in
    aarch64-linux-gnu) echo qemu-aarch64 ;;
    arm-linux-gnueabihf) echo qemu-arm ;;
    riscv64-linux-gnu) echo qemu-riscv64 ;;
    *) fail "no emulator known for $1" ;;
    esac
}

# one file for one target: checked under the emulator, then built whole
one() {
    local t=$1 f=$2 out
    out=$work/$t.$(basename "$(dirname "$f")").$(basename "$f")
    if ! "$mscc" "$f" -o "$out" --target "$t" --check -q --jobs 1 \
        --runner "$(emulator "$t") {exe} {args}" --runner-timing=none >"$out.log" 2>&1 ||
        grep -q "the check failed" "$out.log"; then
        echo "FAIL $t $f:"
        cat "$out.log"
        return 1
    fi
    if ! "$t-gcc" -std=c11 -O2 -fopenmp -Wall -Wextra -Werror -Wno-unknown-pragmas \
        -Wno-unused-parameter -Wno-unused-function -I "$(dirname "$f")" -c "$out" -o "$out.o" \
        >"$out.cc.log" 2>&1; then
        echo "FAIL $t $f: the output does not build for $t:"
        cat "$out.cc.log"
        return 1
    fi
    echo "ok $t $f ($(grep -c ' yes ' "$out.log") kernels checked)"
}
export -f one emulator fail
export mscc work

for t in "${targets[@]}"; do
    command -v "$t-gcc" >/dev/null || fail "no $t-gcc (scripts/setup.sh installs it)"
    command -v "$(emulator "$t")" >/dev/null || fail "no $(emulator "$t") (qemu-user)"
done
status=0
for t in "${targets[@]}"; do
    [ "${CROSS_ALL:-0}" = 1 ] || files=("${short[@]}")
    # where the conformance kernels are, the others take them alone
    if [ "${CROSS_ALL:-0}" != 1 ] && [ "$t" != "${targets[0]}" ] && [ ${#short[@]} -gt 3 ]; then
        files=("${short[@]:3}")
    fi
    printf '%s\n' "${files[@]}" | xargs -P "$(nproc)" -I{} bash -c 'one "$0" "$1"' "$t" {} \
        >"$work/$t.report" 2>&1 || status=1
    cat "$work/$t.report"
done
[ $status = 0 ] || fail "some outputs are wrong or do not build"

# the runner runs the harness: one that fails reverts the kernel (exit 2)
t=${targets[0]} f=$src/tests/realc/blas.c
set +e
"$mscc" "$f" -o "$work/false.c" --target "$t" --check -q --runner 'false {exe} {args}' \
    --runner-timing=none >"$work/false.log" 2>&1
rc=$?
set -e
[ $rc = 2 ] && grep -q "the check failed" "$work/false.log" ||
    fail "a failing runner did not fail the check (exit $rc): $(cat "$work/false.log")"
cmp -s "$f" "$work/false.c" || fail "a kernel whose check failed was not left unchanged"

# what cannot be is refused, with the reason
refused() { # refused WORD ARGS...: mscc exits 1 and says WORD
    local word=$1
    shift
    set +e
    "$mscc" "$f" -o "$work/refused.c" "$@" >"$work/refused.log" 2>&1
    local rc=$?
    set -e
    [ $rc = 1 ] && grep -q -- "$word" "$work/refused.log" ||
        fail "mscc $* gave exit $rc without '$word': $(cat "$work/refused.log")"
}
refused "contradicts --target" --target "$t" --cflags "-O2 -march=native"
refused "contradicts --target" --target x86-64-v3 --cflags "-O2 -march=x86-64-v4"
refused "takes no --trials" --target "$t" --trials 4
refused "needs a --runner" --target "$t" --check
refused "describes a --runner" --target "$t" --runner-timing=none
refused "wants one of" --target cortex-a53
echo "cross_test: ${#targets[@]} targets: every output right and built"
