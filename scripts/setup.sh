#!/usr/bin/env bash
# setup.sh [--asan] [--boards] - installs what mscc needs from Debian (only
# what is missing), then configures and builds build/ (and build-asan/ with
# --asan). --boards adds the bare-metal tools (arm-none-eabi-gcc, newlib,
# qemu-system-arm: 850 MB) that the lib suite's cortex-m7 check uses; CI
# leaves them out for time.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc pkg-config meson ninja-build llvm-19-dev libclang-19-dev libcjson-dev
          libcriterion-dev libhwloc-dev libelf-dev libxgboost-dev libopenblas-dev libdnnl-dev clang
          libomp-dev cmake crossbuild-essential-arm64 crossbuild-essential-armhf
          gcc-riscv64-linux-gnu qemu-user)
asan=false
for a in "$@"; do
    case $a in
    --asan) asan=true ;;
    --boards) packages+=(gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm) ;;
    *) echo "setup: unknown option $a" >&2; exit 1 ;;
    esac
done
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
if $asan; then
    [ -f build-asan/build.ninja ] ||
        meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
    ninja -C build-asan >/dev/null
fi
echo "setup: built build/mscc"
