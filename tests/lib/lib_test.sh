#!/usr/bin/env bash
# lib_test.sh MSCC SRC - mscc --lib: the library of tests/lib/kernels.c
# (gemm with three size sets from sizes.json, softmax with one that
# replaces its pragma's, kernels sized by a #define and by an enum, with a
# typedef in a prototype), built with the make
# rules it writes and again with its meson.build, each linked with
# check.c, which compares every kernel with the original (kernels.c
# compiled with its names prefixed ref_) at the listed sizes and odd ones.
# Also: the dispatch and variants are there, a search with a database
# searches each set once and a second run replays them, and bad command
# lines and sizes files are errors that write nothing.
set -euo pipefail
mscc=$1 src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "lib_test: $*" >&2; exit 1; }
cd "$work"
cp "$src"/tests/lib/{kernels.c,sizes.json,check.c} .
export MSCC_DB=$work/no-db MSCC_TRIALS=0
cflags=(-std=c11 -O2 -Wall -Wextra -Werror)
ref=(-Wno-unknown-pragmas -Dgemm=ref_gemm -Dsoftmax=ref_softmax -Dscale_channels=ref_scale_channels -Dfir=ref_fir)

"$mscc" --lib kl -o out kernels.c --sizes-file sizes.json 2> log || { cat log; fail "mscc --lib failed"; }
for f in kl.h kl.mk meson.build gemm.c softmax.c scale_channels.c fir.c; do
    [ -f "out/$f" ] || fail "no out/$f"
done
grep -q 'if (M == 128 && N == 128 && K == 128) {' out/gemm.c || fail "gemm.c: no dispatch to the 128 set"
grep -q 'static void gemm__mscc_sizes3' out/gemm.c || fail "gemm.c: no variant for the third set"
grep -q 'if (R == 4 && L == 1000) {' out/softmax.c || fail "softmax.c: not tuned at the file's sizes"
grep -q 'M=7, N=5, K=3' out/kl.h || fail "kl.h does not say the sets"
grep -q '#define CH 8' out/kl.h || fail "kl.h lacks the file's #define"
grep -q 'typedef float real;' out/kl.h || fail "kl.h lacks the file's typedef"
grep -q 'enum { TAPS = 5 };' out/kl.h || fail "kl.h lacks the file's enum"
if grep -q 'pragma mscc' out/*.c out/kl.h; then fail "mscc's pragma left in the library"; fi

# -MD: a depfile for the header (the library's stand-in in a build rule)
# naming the input and the sizes file
"$mscc" --lib kl -o out kernels.c --sizes-file sizes.json -MD 2> log || { cat log; fail "-MD failed"; }
grep -q '^out/kl.h: *\\$' out/kl.d || { cat out/kl.d; fail "out/kl.d does not make out/kl.h"; }
grep -q 'kernels.c' out/kl.d && grep -q 'sizes.json' out/kl.d || { cat out/kl.d; fail "kl.d lacks its inputs"; }

# make: the rules it wrote, with warnings as errors
cat > Makefile <<'MK'
include out/kl.mk
kl_CFLAGS := -std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror
check: check.o ref.o $(kl_LIB)
	$(CC) -o $@ check.o ref.o $(kl_LIB) $(kl_LDFLAGS)
MK
cc "${cflags[@]}" -Iout -c check.c -o check.o
cc -std=c11 -O2 "${ref[@]}" -c kernels.c -o ref.o
make -s check > make.log 2>&1 || { cat make.log; fail "make did not build the library"; }
./check > run.log || { cat run.log; fail "the make-built library differs from the original"; }
[ "$(grep -c ': ok' run.log)" = 23 ] || { cat run.log; fail "not every call was checked"; }

# meson: subdir() the folder, link kl_dep
mkdir proj
cp -r out proj/kl
cp check.c ref.o proj/
cat > proj/meson.build <<'MB'
project('uses_kl', 'c', default_options : ['c_std=c11', 'warning_level=2', 'werror=true'])
subdir('kl')
executable('check', 'check.c', objects : 'ref.o', dependencies : kl_dep)
MB
(cd proj && meson setup build > ../meson.log 2>&1 && ninja -C build >> ../meson.log 2>&1) ||
    { cat meson.log; fail "meson did not build the library"; }
proj/build/check > run2.log || { cat run2.log; fail "the meson-built library differs from the original"; }

# --workspace=caller: NAME_ws and NAME_ws_size beside each kernel (the
# gemm hand trace packs B in each size set); check.c through each NAME
# (no workspace: the heap's), then through each NAME_ws, given NAME_ws_size
# bytes 1 past malloc's alignment (ws_shim.c)
"$mscc" --lib kl -o cw kernels.c --sizes-file sizes.json --workspace=caller \
    --trace "$src/bench/traces/gemm.json" 2> log || { cat log; fail "mscc --lib --workspace=caller failed"; }
grep -q 'size_t gemm_ws_size(int M, int N, int K);' cw/kl.h || fail "kl.h: no gemm_ws_size"
grep -q 'float C\[restrict M\]\[N\], void \*mscc_ws);' cw/kl.h || fail "kl.h: no gemm_ws"
grep -q 'return gemm__mscc_sizes2_ws_size(M, N, K);' cw/gemm.c || fail "gemm_ws_size: no dispatch"
[ "$(grep -c 'B_packed_bytes;$' cw/gemm.c)" = 6 ] || fail "gemm.c: not every set packs B"
make -s -f cw/kl.mk kl_CFLAGS="-std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror" \
    cw/libkl.a > make.log 2>&1 || { cat make.log; fail "the caller-workspace library did not build"; }
ws=(-Dgemm=ws_gemm -Dsoftmax=ws_softmax -Dscale_channels=ws_scale_channels -Dfir=ws_fir)
cc "${cflags[@]}" -Icw -c check.c -o cw_check.o
cc "${cflags[@]}" -Icw "${ws[@]}" -c check.c -o cw_check_ws.o
cc "${cflags[@]}" -Icw -c "$src/tests/lib/ws_shim.c" -o ws_shim.o
for way in cw_check cw_check_ws; do
    objs=("$way.o" ref.o)
    [ "$way" = cw_check_ws ] && objs+=(ws_shim.o)
    cc -fopenmp -o "$way" "${objs[@]}" cw/libkl.a -lm
    ./"$way" > run.log || { cat run.log; fail "$way: the caller-workspace library differs"; }
    [ "$(grep -c ': ok' run.log)" = 23 ] || { cat run.log; fail "$way: not every call was checked"; }
done

# for another machine: the rules carry the target's flags, and the cross
# compiler builds the library with them
if command -v aarch64-linux-gnu-gcc > /dev/null; then
    "$mscc" --lib kl -o arm kernels.c --sizes-file sizes.json --target aarch64-linux-gnu 2> log ||
        { cat log; fail "mscc --lib --target aarch64-linux-gnu failed"; }
    grep -q 'march=native' arm/kl.mk && fail "the aarch64 rules say -march=native"
    grep -q -- '-static' arm/kl.mk && fail "the aarch64 rules carry a link option"
    make -s -f arm/kl.mk CC=aarch64-linux-gnu-gcc \
        kl_CFLAGS="$(sed -n 's/^kl_CFLAGS ?= //p' arm/kl.mk) -Wall -Wextra -Werror" arm/libkl.a \
        > make.log 2>&1 || { cat make.log; fail "aarch64-linux-gnu-gcc did not build the library"; }
fi

# an object's read-only bytes (its allocated sections not written), as
# readelf lists them: what --max-code-size counts, counted apart from mscc
image_bytes() {
    local sum=0 size
    for size in $(arm-none-eabi-readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] //p' |
        awk '$2 != "NOBITS" && $7 ~ /A/ && $7 !~ /W/ { print $5 }'); do
        sum=$((sum + 16#$size))
    done
    echo $sum
}

# a bare-metal Cortex-M7 (when the tools are installed: setup.sh --boards):
# the library builds with arm-none-eabi-gcc under -Werror, calls no
# allocator, keeps every function's stack (gcc's -fstack-usage) within
# --max-stack and every body's code within --max-code-size (a kernel of
# one body: its object holds what mscc said), and the checking program
# runs correctly under qemu-system-arm -M mps2-an500 (examples/cortex-m7)
if command -v arm-none-eabi-gcc > /dev/null && command -v qemu-system-arm > /dev/null; then
    m7=(-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard -mthumb)
    "$mscc" --lib kl -o m7 kernels.c --sizes-file sizes.json --target cortex-m7 --max-stack 4096 \
        --max-code-size 8192 2> log || { cat log; fail "mscc --lib --target cortex-m7 failed"; }
    grep -q -- '-fopenmp' m7/kl.mk && fail "the cortex-m7 rules use OpenMP"
    make -s -f m7/kl.mk CC=arm-none-eabi-gcc \
        kl_CFLAGS="$(sed -n 's/^kl_CFLAGS ?= //p' m7/kl.mk) -fstack-usage -Wall -Wextra -Werror" \
        m7/libkl.a > make.log 2>&1 || { cat make.log; fail "arm-none-eabi-gcc did not build the library"; }
    if arm-none-eabi-nm -u m7/*.o | grep -qwE 'malloc|calloc|realloc|free'; then
        fail "the cortex-m7 library calls the allocator"
    fi
    cat m7/*.su
    awk -F'\t' '$2 > 4096 { print "over --max-stack: " $0; bad = 1 } END { exit bad }' m7/*.su ||
        fail "a function of the cortex-m7 library takes more stack than --max-stack"
    for c in m7/*.c; do
        said=$(grep -o '[0-9]* bytes of code and constants, within --max-code-size' "$c" | cut -d' ' -f1)
        [ -n "$said" ] || fail "$c: no code size said"
        for s in $said; do
            [ "$s" -le 8192 ] || fail "$c: $s bytes of code, beyond --max-code-size 8192"
        done
        got=$(image_bytes "${c%.c}.o")
        echo "lib_test: $c: mscc said $(echo $said) bytes of code, the object holds $got"
        [ "$(echo "$said" | wc -l)" != 1 ] || [ "$got" = "$said" ] ||
            fail "$c: mscc said $said bytes of code, the object holds $got"
    done
    # a budget softmax's body is beyond: it stays as written, the rest tuned
    "$mscc" --lib kl -o m7small kernels.c --target cortex-m7 --max-code-size 400 2> log ||
        { cat log; fail "mscc --lib --max-code-size 400 failed"; }
    grep -q "kernel 'softmax' left unchanged: its tuned code is [0-9]* bytes, beyond --max-code-size 400" log ||
        { cat log; fail "softmax was not refused for its code size"; }
    grep -q "tuned by mscc" m7small/softmax.c && fail "softmax was tuned beyond --max-code-size"
    grep -q "tuned by mscc" m7small/fir.c || fail "fir, within the budget, was not tuned"
    # --check on the board: mscc's harnesses linked for it (--ldflags) and
    # run under qemu-system-arm (examples/cortex-m7/qemu-run.sh, untimed),
    # each size set's bodies against the originals; then a compiler that
    # breaks the harnesses' tuned gemm: caught, though qemu's exit status
    # does not carry the program's
    ex=$src/examples/cortex-m7
    board=(--target cortex-m7 --check --ldflags "--specs=rdimon.specs -T $ex/mps2-an500.ld $ex/startup.c"
           --runner "$ex/qemu-run.sh {exe} {args}" --runner-timing=none)
    "$mscc" --lib kl -o m7chk kernels.c --sizes-file sizes.json "${board[@]}" > check.log 2> log ||
        { cat check.log log; fail "mscc --lib --check on the cortex-m7 under qemu failed"; }
    [ "$(grep -c '^gemm  *yes  *[0-9]* .*untimed' check.log)" = 3 ] &&
        [ "$(grep -c ' yes ' check.log)" = 6 ] ||
        { cat check.log; fail "cortex-m7: not every body checked under qemu"; }
    cat > faultyarm.sh << 'EOS'
#!/bin/sh
for a in "$@"; do case "$a" in */k[0-9]*.c)
    ! grep -q mscc_new_C "$a" || sed -i '/^    mscc_fp_mscc(/a\
    ((float *)mscc_new_C)[0] += 1.0f;' "$a";; esac; done
exec arm-none-eabi-gcc "$@"
EOS
    chmod +x faultyarm.sh
    set +e
    "$mscc" kernels.c -o m7bad.c "${board[@]}" --cc ./faultyarm.sh > check.log 2> log
    rc=$?
    set -e
    [ $rc = 2 ] && grep -q "kernel 'gemm' left unchanged: the check failed: wrong result" log ||
        { cat check.log log; fail "a wrong gemm on the cortex-m7 was not caught (exit $rc)"; }
    grep -q "tuned by mscc" m7bad.c && ! grep -A3 '^void gemm' m7bad.c | grep -q "tuned by mscc" ||
        fail "the cortex-m7 check dropped the wrong kernel, or more"
    arm-none-eabi-gcc "${m7[@]}" -std=c11 -O2 "${ref[@]}" -c kernels.c -o m7ref.o
    arm-none-eabi-gcc "${m7[@]}" "${cflags[@]}" -Im7 -c check.c -o m7check.o
    arm-none-eabi-gcc "${m7[@]}" -O2 --specs=rdimon.specs -T "$src/examples/cortex-m7/mps2-an500.ld" \
        "$src/examples/cortex-m7/startup.c" m7check.o m7ref.o m7/libkl.a -lm -o check.elf
    timeout 300 qemu-system-arm -M mps2-an500 -nographic -semihosting -kernel check.elf \
        > m7run.log 2>&1 || { cat m7run.log; fail "the cortex-m7 library differs from the original"; }
    [ "$(grep -c ': ok' m7run.log)" = 23 ] || { cat m7run.log; fail "cortex-m7: not every call checked"; }
    # the caller's workspace on the board: reentrant, still no allocator
    # (NAME with none runs the loops as written); check.c through NAME_ws
    "$mscc" --lib kl -o m7cw kernels.c --sizes-file sizes.json --target cortex-m7 --workspace=caller \
        --trace "$src/bench/traces/gemm.json" 2> log || { cat log; fail "mscc --lib cortex-m7 caller failed"; }
    grep -q 'static char mscc_ws' m7cw/*.c && fail "the caller's workspace is static"
    make -s -f m7cw/kl.mk CC=arm-none-eabi-gcc \
        kl_CFLAGS="$(sed -n 's/^kl_CFLAGS ?= //p' m7cw/kl.mk) -Wall -Wextra -Werror" \
        m7cw/libkl.a > make.log 2>&1 || { cat make.log; fail "arm-none-eabi-gcc: no caller library"; }
    if arm-none-eabi-nm -u m7cw/*.o | grep -qwE 'malloc|calloc|realloc|free'; then
        fail "the cortex-m7 caller-workspace library calls the allocator"
    fi
    arm-none-eabi-gcc "${m7[@]}" "${cflags[@]}" -Im7cw "${ws[@]}" -c check.c -o m7cw_check.o
    arm-none-eabi-gcc "${m7[@]}" "${cflags[@]}" -Im7cw -c "$src/tests/lib/ws_shim.c" -o m7cw_shim.o
    arm-none-eabi-gcc "${m7[@]}" -O2 --specs=rdimon.specs -T "$src/examples/cortex-m7/mps2-an500.ld" \
        "$src/examples/cortex-m7/startup.c" m7cw_check.o m7cw_shim.o m7ref.o m7cw/libkl.a -lm \
        -o check_cw.elf
    timeout 300 qemu-system-arm -M mps2-an500 -nographic -semihosting -kernel check_cw.elf \
        > m7run.log 2>&1 || { cat m7run.log; fail "the cortex-m7 caller library differs"; }
    [ "$(grep -c ': ok' m7run.log)" = 23 ] || { cat m7run.log; fail "cortex-m7 caller: not every call checked"; }
    # the conformance kernels (when ../shared is there), each a cortex-m7
    # library within --max-stack 16384, calling no allocator, its driver
    # run under qemu against the original's at the driver's check sizes
    # (tests/lib/m7_posix.c: what newlib lacks and the drivers use)
    conf=$src/../shared/conformance
    if [ -d "$conf" ]; then
        cc -std=c11 -O2 -o cmp "$conf/mscc_cmp.c" -lm
        elf=(--specs=rdimon.specs -T "$src/examples/cortex-m7/mps2-an500.ld"
             "$src/examples/cortex-m7/startup.c" "$src/tests/lib/m7_posix.c"
             -include "$src/tests/lib/m7_posix.h" -I"$conf" -lm)
        qemu() { # qemu ELF ARGS...: the program's arguments through semihosting
            local a="enable=on,target=native,arg=prog" x
            for x in "${@:2}"; do a+=",arg=${x//,/,,}"; done
            timeout 300 qemu-system-arm -M mps2-an500 -nographic -semihosting-config "$a" -kernel "$1"
        }
        nconf=0
        for f in "$conf"/*.c; do
            case $f in *.driver.c | */mscc_cmp.c) continue ;; esac
            k=$(basename "$f" .c) d=m7c/$(basename "$f" .c)
            "$mscc" --lib "c_$k" -o "$d" "$f" --target cortex-m7 --max-stack 16384 2> log ||
                { cat log; fail "$k: mscc --lib --target cortex-m7 failed"; }
            : > "$d/all.c"
            for c in "$d"/*.c; do
                [ "$c" = "$d/all.c" ] && continue
                echo "#include \"$(basename "$c")\"" >> "$d/all.c"
                arm-none-eabi-gcc "${m7[@]}" "${cflags[@]}" -Wno-unused-parameter -fstack-usage \
                    -I"$d" -c "$c" -o "${c%.c}.o" 2> log || { cat log; fail "$k: $c does not build"; }
            done
            if arm-none-eabi-nm -u "$d"/*.o | grep -qwE 'malloc|calloc|realloc|free'; then
                fail "$k: the cortex-m7 library calls the allocator"
            fi
            sed "s|^|$k: |" "$d"/*.su
            awk -F'\t' '$2 > 16384 { bad = 1 } END { exit bad }' "$d"/*.su || fail "$k: over --max-stack"
            arm-none-eabi-gcc "${m7[@]}" -std=c11 -O2 -DKERNEL_FILE="\"$f\"" "$conf/$k.driver.c" \
                "${elf[@]}" -o "$d/ref.elf" 2> log || { cat log; fail "$k: the original does not build"; }
            arm-none-eabi-gcc "${m7[@]}" -std=c11 -O2 -DKERNEL_FILE="\"all.c\"" -I"$d" \
                "$conf/$k.driver.c" "${elf[@]}" -o "$d/tuned.elf" 2> log ||
                { cat log; fail "$k: the tuned driver does not build"; }
            # the driver's small settings: its default sizes are a server's
            # (megabytes), beyond the board's 4 MiB of data memory
            settings=()
            while read -r x; do settings+=("$x"); done < <(sed -n 's/.*check-sizes:\(.*\)\*\/.*/\1/p' \
                "$conf/$k.driver.c" | tr ';' '\n' | tr -d ' \t' | grep -v '^$')
            for x in "${settings[@]}"; do
                args=()
                [ "$x" = "-" ] || args=(--sizes "$x")
                qemu "$d/ref.elf" "${args[@]}" --dump "$d/ref.bin" > "$d/run.log" 2>&1 ||
                    { cat "$d/run.log"; fail "$k: the original failed under qemu at $x"; }
                qemu "$d/tuned.elf" "${args[@]}" --dump "$d/tuned.bin" > "$d/run.log" 2>&1 ||
                    { cat "$d/run.log"; fail "$k: the library failed under qemu at $x"; }
                ./cmp dump "$d/ref.bin" "$d/tuned.bin" > "$d/cmp.log" 2>&1 ||
                    { cat "$d/cmp.log"; fail "$k: the library differs from the original at $x"; }
            done
            nconf=$((nconf + 1))
        done
        echo "lib_test: $nconf conformance kernels as cortex-m7 libraries agree with the originals under qemu"
    fi
else
    echo "lib_test: no arm-none-eabi-gcc or qemu-system-arm (bash scripts/setup.sh --boards):" \
        "the cortex-m7 library is not checked"
fi

# searched: each set once (3 gemm, 1 softmax, 1 scale_channels, 1 fir), then replayed
"$mscc" --lib kl -o out2 kernels.c --sizes-file sizes.json --trials 2 --db db 2> log ||
    { cat log; fail "mscc --lib --trials 2 failed"; }
n=$(grep -c '"status":"ok"' db/records.jsonl || true)
[ "$n" -ge 6 ] || { cat log; fail "$n measured records for 6 kernel sets"; }
cp db/records.jsonl before.jsonl
"$mscc" --lib kl -o out3 kernels.c --sizes-file sizes.json --trials 2 --db db 2> log ||
    { cat log; fail "the second mscc --lib failed"; }
cmp -s before.jsonl db/records.jsonl || fail "the second run measured again instead of replaying"
diff -r out2 out3 > /dev/null || fail "the replayed library differs"

# --check: each size set's bodies against the original at its sizes,
# aligned and not (gemm's second and third sets as variants alone)
"$mscc" --lib kl -o chk kernels.c --sizes-file sizes.json --check > check.log 2> log ||
    { cat check.log log; fail "mscc --lib --check failed"; }
[ "$(grep -c '^gemm  *yes ' check.log)" = 3 ] || { cat check.log; fail "gemm not checked in each set"; }
grep -q '^size set 3:' check.log || { cat check.log; fail "no third size set checked"; }
# a compiler that breaks the check harnesses at gemm's second set: that
# variant is dropped (exit 2, a warning), the rest of the library written
cat > faultycc.sh << 'EOS'
#!/bin/sh
for a in "$@"; do case "$a" in */k[0-9]*.c)
    sed -i '/^    mscc_fp_mscc(/a\
    if (M == 128) ((float *)mscc_new_C)[0] += 1.0f;' "$a";; esac; done
exec cc "$@"
EOS
chmod +x faultycc.sh
set +e
"$mscc" --lib kl -o chk2 kernels.c --sizes-file sizes.json --check --cc ./faultycc.sh > check.log 2> log
rc=$?
set -e
[ $rc = 2 ] || { cat check.log log; fail "a failed --check of a library exited $rc, not 2"; }
grep -q "kernel 'gemm' left unchanged: the check failed: wrong result at M=128,N=128,K=128" log ||
    { cat log; fail "the failed variant was not named"; }
grep -q 'gemm__mscc_sizes3' chk2/gemm.c && ! grep -q 'gemm__mscc_sizes2' chk2/gemm.c ||
    fail "the library kept the variant that failed, or lost the one that passed"

# refused: nothing written, a reason
bad() {
    local want=$1
    shift
    if "$mscc" "$@" > out.txt 2>&1; then fail "accepted: $*"; fi
    grep -q -- "$want" out.txt || { cat out.txt; fail "'$*' does not say '$want'"; }
}
bad "needs --lib" kernels.c -o x.c --sizes-file sizes.json
bad "C identifier" --lib 2x -o o4 kernels.c
bad "not standard output" --lib kl -o - kernels.c
bad "does not print traces" --lib kl -o o4 --print-trace=json kernels.c
echo '{"gemm": [{"M": 1.5}]}' > s1.json
bad "whole number" --lib kl -o o4 kernels.c --sizes-file s1.json
echo '{"gemm": []}' > s2.json
bad "1 to 64 size sets" --lib kl -o o4 kernels.c --sizes-file s2.json
echo '[1, 2]' > s3.json
bad "not a JSON object" --lib kl -o o4 kernels.c --sizes-file s3.json
bad "cannot be read" --lib kl -o o4 kernels.c --sizes-file nowhere.json
[ ! -e o4 ] || fail "a refused run wrote o4"
# a warning, not an error: sizes for a kernel the file lacks, or a name
# that is no parameter
echo '{"gemm": [{"M": 8, "Q": 3}], "gemv": [{"M": 8}]}' > s4.json
"$mscc" --lib kl -o o5 kernels.c --sizes-file s4.json 2> log || { cat log; fail "s4 refused"; }
grep -q "sizes for 'gemv', which is not a kernel" log || { cat log; fail "no warning for gemv"; }
grep -q "names 'Q', which is not an integer parameter" log || { cat log; fail "no warning for Q"; }
echo "lib_test: ok"
