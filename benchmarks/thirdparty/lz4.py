"""A third-party library through `mcusplit cc`: LZ4 1.9.4, its sources unmodified.

    python benchmarks/thirdparty/lz4.py [--board qemu-mps2-an386] [--keep DIR]

Fetches the `lz4` source distribution from PyPI with pip (it carries upstream's lz4libs/: lz4.c,
lz4hc.c, lz4frame.c, xxhash.c), compiles each file with mcusplit cc, archives them with ar, links
lz4_roundtrip.c against the archive, runs it in QEMU and compares its output with the same
program built for the host with gcc. Not part of the test suite: it needs the network.

LZ4 keeps 16 KiB compression states on the stack by default, more than a segment: mcusplit cc
stops with one line naming the function and its frame (LZ4F_compressFrame: 16,896 bytes), so
the library is built with its own switches to put them on the heap (LZ4_HEAPMODE=1,
LZ4F_HEAPMODE=1; picolibc's malloc serves them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
VERSION = "4.3.3"                 # python-lz4, with lz4 1.9.4
FILES = ("lz4", "lz4hc", "lz4frame", "xxhash")
DEFINES = ("-DLZ4_HEAPMODE=1", "-DLZ4F_HEAPMODE=1")


def run(cmd: list[str], cwd: Path) -> str:
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])}...: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout + proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default="qemu-mps2-an386")
    parser.add_argument("--keep", type=Path, help="build here and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="mcusplit-lz4-"))
    work.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps", f"lz4=={VERSION}",
         "-d", str(work)], work)
    with tarfile.open(work / f"lz4-{VERSION}.tar.gz") as tar:
        tar.extractall(work, filter="data")
    libs = work / f"lz4-{VERSION}" / "lz4libs"
    cc = [sys.executable, "-m", "mcusplit.driver", f"--mcusplit-board={args.board}", "-O2", f"-I{libs}", *DEFINES]
    for name in FILES:
        run([*cc, "-c", str(libs / f"{name}.c"), "-o", f"{name}.o"], work)
    run(["ar", "rcs", "liblz4.a", *(f"{n}.o" for n in FILES)], work)
    print(run([*cc, str(HERE / "lz4_roundtrip.c"), "-L.", "-llz4", "-o", "lz4.elf", "-v"], work).strip())
    firmware = run([sys.executable, "-m", "mcusplit", "run", "-b", args.board, "lz4.elf"], work)
    lines = [line for line in firmware.splitlines() if line and not line.startswith(("@mcusplit", "watermarks"))]
    print("\n".join(lines))
    host = None
    if shutil.which("gcc"):
        run(["gcc", "-O2", f"-I{libs}", str(HERE / "lz4_roundtrip.c"), *(str(libs / f"{n}.c") for n in FILES),
             "-o", "host"], work)
        host = run([str(work / "host")], work).strip().splitlines()
    print("same output as the host build" if host == lines else f"DIFFERENT from the host build: {host}")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
