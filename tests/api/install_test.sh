#!/usr/bin/env bash
# install_test.sh BUILD SRC - `meson install` into a scratch root puts the
# command, its manual page, the library with its soname, the public header
# and the pkg-config file in place; a program built with pkg-config's flags
# alone (examples/api/tune.c) links the installed library and tunes a file.
set -euo pipefail
build=$1 src=$2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
want() { # the first file under root whose path ends with $1
    local f
    f=$(find "$root" -path "*$1" -print -quit)
    [ -n "$f" ] || { echo "install_test: nothing installed at */$1" >&2; exit 1; }
    echo "$f"
}
want /bin/mscc >/dev/null
want /man1/mscc.1 >/dev/null
want /include/mscc.h >/dev/null
lib=$(want /libmscc.so.0)
pc=$(want /pkgconfig/mscc.pc)
readelf -d "$lib" | grep -q 'SONAME.*libmscc.so.0' || { echo "install_test: no soname" >&2; exit 1; }
# the library exports mscc_ names alone
if nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^mscc_' | grep -q .; then
    echo "install_test: libmscc exports more than mscc_*:" >&2
    nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^mscc_' | head >&2
    exit 1
fi
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$(dirname "$pc")
cc -Wall -Wextra -Werror "$src/examples/api/tune.c" $(pkg-config --cflags --libs mscc) \
    -o "$root/tune"
cp "$src/examples/lib/kernels.c" "$src/examples/lib/kernels.h" "$root/"
LD_LIBRARY_PATH=$(dirname "$lib") MSCC_DB=/nonexistent/mscc-install-test \
    "$root/tune" "$root/kernels.c" "$root/kernels.tuned.c" 0 >"$root/out.txt"
grep -q "tuned" "$root/out.txt" || { cat "$root/out.txt" >&2; exit 1; }
grep -q "tuned by mscc" "$root/kernels.tuned.c"
echo "install_test: ok ($(grep -c ': tuned' "$root/out.txt") kernels tuned through the installed library)"
