#!/bin/sh
# qemu-run.sh EXE [ARG...] - runs a Cortex-M7 program (built with
# startup.c, the mps2-an500.ld link map and newlib's semihosting,
# --specs=rdimon.specs) on qemu-system-arm's MPS2 AN500 board: its
# arguments through semihosting, its files at this machine's paths, its
# output on stdout. As mscc's runner (an emulator: checked, not timed):
#   mscc k.c -o out.c --target cortex-m7 --check \
#       --ldflags "--specs=rdimon.specs -T DIR/mps2-an500.ld DIR/startup.c" \
#       --runner 'DIR/qemu-run.sh {exe} {args}' --runner-timing=none
# A program that faults never exits on its own: 300 s, then it is stopped.
exe=$1
shift
cfg="enable=on,target=native,arg=$exe"
for a in "$@"; do
    cfg="$cfg,arg=$(printf '%s' "$a" | sed 's/,/,,/g')"
done
exec timeout "${QEMU_RUN_TIMEOUT:-300}" qemu-system-arm -M mps2-an500 -nographic \
    -semihosting-config "$cfg" -kernel "$exe"
