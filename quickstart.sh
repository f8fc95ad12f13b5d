#!/bin/sh
# Sets up mcusplit on a fresh Debian/Ubuntu machine and runs the main job:
# a split-stack build of the recursion demo, run on an emulated Cortex-M4F,
# with the pool's watermarks printed at the end.
set -eu
cd "$(dirname "$0")"

# QEMU runs the firmware; rustc-web + rust-web-src (rustc with LLVM 22 and its library sources)
# build Rust projects (examples/rust and its tests); picolibc-arm-none-eabi is the C library
# (<stdio.h>, printf, malloc: docs/libc.md); gcc, gcc-multilib, csmith, libcsmith-dev and cvise
# serve the fuzzer (docs/fuzz.md: the 32-bit host oracle, the second generator, the shrinker);
# cmake, make and gcc-arm-none-eabi are for the test suite (mcusplit cc under CMake and make,
# zlib-ng by its own CMake, images built by gcc: docs/driver.md).
if ! command -v qemu-system-arm >/dev/null 2>&1 || ! [ -x /usr/bin/rustc ] \
        || ! ls /usr/src/rustc-*/library/core/src/lib.rs >/dev/null 2>&1 \
        || ! [ -f /usr/lib/picolibc/arm-none-eabi/include/picolibc.h ] \
        || ! echo 'int main(void) { return 0; }' | gcc -m32 -x c - -o /dev/null >/dev/null 2>&1 \
        || ! command -v csmith >/dev/null 2>&1 \
        || ! [ -f /usr/include/csmith/csmith.h ] || ! command -v cvise >/dev/null 2>&1 \
        || ! command -v cmake >/dev/null 2>&1 || ! command -v make >/dev/null 2>&1 \
        || ! command -v arm-none-eabi-gcc >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq qemu-system-arm rustc-web rust-web-src picolibc-arm-none-eabi gcc libc6-dev \
        gcc-multilib csmith libcsmith-dev cvise cmake make gcc-arm-none-eabi
fi
python3 -m pip install -q -e ".[test]"

mcusplit build --board qemu-mps2-an386 examples/recursion -o build/quickstart
mcusplit run --board qemu-mps2-an386 build/quickstart/recursion.elf
