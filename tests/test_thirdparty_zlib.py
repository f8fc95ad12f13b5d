"""A project nobody here wrote, built by its own build system: zlib-ng 2.3.3 (from the `zlib-ng`
source distribution on PyPI, which carries upstream's whole tree) configured and built by its
own CMakeLists.txt with only the toolchain file and CMake options (cmake/mcusplit.cmake), linked
with tests/thirdparty/zlib_roundtrip.c by mcusplit cc, run in QEMU and compared with the same
library and program built for the host by the same CMakeLists.txt with gcc.

Why zlib-ng: a real, widely used C library with a large CMake build (dozens of try_compile checks,
generated headers, a function table of indirect calls initialized at run time), portable to bare
metal, and a deterministic output to compare.

The sdist comes from the package registry (pip download) into a cache directory; without it the
tests skip locally and fail in CI. zlib-ng's defaults otherwise (its optimizations too: ARMv6
slide_hash and runtime CPU detection on the board, SSE/AVX on the host; its streams are the same
byte for byte). Options used on both builds, and why:
  ZLIB_COMPAT=ON         the zlib API (zlib.h) the round trip is written against
  BUILD_SHARED_LIBS=OFF  firmware has no shared libraries
  WITH_CRC32_CHORBA=OFF  crc32_chorba_c.c keeps a 66,560-byte table on the stack, more than a
                         segment: mcusplit cc refuses it in one line (tested first)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

from mcusplit import boards
from mcusplit.emu import qemu

from .conftest import ROOT, require, require_tool

pytestmark = pytest.mark.slow

PACKAGE, VERSION = "zlib-ng", "1.1.0"          # python-zlib-ng 1.1.0 carries zlib-ng 2.3.3
SHA256 = "08a3a8468d4f130e3dc80d28ec42fcc7a878a57dfed616233e791066327d78a3"   # zlib_ng-1.1.0.tar.gz
HERE = ROOT / "tests" / "thirdparty"
BOARDS = ["qemu-mps2-an386", "qemu-mps2-an505"]       # Cortex-M4F; Cortex-M33 with its stack-limit guard
OPTIONS = ["-DZLIB_COMPAT=ON", "-DBUILD_SHARED_LIBS=OFF", "-DZLIB_ENABLE_TESTS=OFF",
           "-DWITH_GTEST=OFF", "-DCMAKE_BUILD_TYPE=Release"]


@pytest.fixture(scope="module")
def zlib_ng() -> Path:
    """Upstream's tree, unpacked from the sdist (cached across runs; several workers may fetch it at
    once: each unpacks into a directory of its own and renames it into place)."""
    cache = Path(os.environ.get("MCUSPLIT_THIRDPARTY_CACHE", Path.home() / ".cache" / "mcusplit" / "thirdparty"))
    unpacked = cache / f"zlib_ng-{VERSION}"
    tree = unpacked / "src" / "zlib_ng" / "zlib-ng"
    if not (tree / "CMakeLists.txt").is_file():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache) as scratch:
            # --no-binary for this package only: its build tools may come as wheels
            fetched = subprocess.run([sys.executable, "-m", "pip", "download", "--no-binary", PACKAGE, "--no-deps",
                                      f"{PACKAGE}=={VERSION}", "-d", scratch], capture_output=True, text=True,
                                     timeout=600)
            archive = Path(scratch) / f"zlib_ng-{VERSION}.tar.gz"
            if not archive.is_file():
                require(f"the {PACKAGE} {VERSION} sdist from the package registry: "
                        f"{(fetched.stderr or fetched.stdout).strip()[-300:]}")
            digest = hashlib.sha256(archive.read_bytes()).hexdigest()
            assert digest == SHA256, f"{archive.name}: sha256 {digest}, expected {SHA256}"
            with tarfile.open(archive) as tar:
                tar.extractall(scratch, filter="data")
            with contextlib.suppress(OSError):          # another worker's copy is already in place
                os.rename(Path(scratch) / unpacked.name, unpacked)
    assert (tree / "CMakeLists.txt").is_file(), f"{unpacked} is incomplete: delete it to fetch it again"
    return tree


def _cmake(source: Path, build: Path, *settings: str) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MCUSPLIT_")}
    proc = subprocess.run([require_tool("cmake"), "-S", str(source), "-B", str(build), *OPTIONS, *settings],
                          capture_output=True, text=True, env=environ, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def _make(build: Path, *targets: str) -> subprocess.CompletedProcess:
    return subprocess.run([require_tool("make"), "-C", str(build), "-j", "2", *targets], capture_output=True, text=True,
                          timeout=900)


@pytest.mark.parametrize("board", BOARDS)
def test_zlib_ng_by_its_own_cmake_runs_as_on_the_host(zlib_ng, cc_script, tmp_path, board):
    """One test, in steps: the module's builds are too long to make twice (pytest-xdist would give
    each of several tests' workers its own copy of a shared fixture)."""
    require_tool("qemu-system-arm")
    target, config = tmp_path / "target", HERE / "zlib.toml"
    _cmake(zlib_ng, target, f"-DCMAKE_TOOLCHAIN_FILE={ROOT / 'cmake' / 'mcusplit.cmake'}",
           f"-DMCUSPLIT_BOARD={board}", f"-DMCUSPLIT_CC={cc_script}", f"-DMCUSPLIT_CONFIG={config}")

    # 1. the default build has a function whose frame no segment holds: one line, naming it
    refused = _make(target, "arch/generic/crc32_chorba_c.c.obj")
    errors = [line for line in refused.stderr.splitlines() if line.startswith("mcusplit cc: error:")]
    assert refused.returncode != 0 and len(errors) == 1, refused.stderr
    assert "crc32_chorba_c.c:" in errors[0] and "'crc32_chorba_118960_nondestructive' needs 66560 bytes" in errors[0]
    assert "more than a 1024-byte segment offers" in errors[0] and "no segment can hold it" in errors[0]
    assert "internal error" not in refused.stderr and "Traceback" not in refused.stderr

    # 2. without it (the project's own option), the library by its CMake; the app by mcusplit cc
    _cmake(zlib_ng, target, "-DWITH_CRC32_CHORBA=OFF")
    library = _make(target)
    assert library.returncode == 0, library.stdout[-2000:] + library.stderr[-2000:]
    elf = tmp_path / "zlib_roundtrip.elf"
    linked = subprocess.run([str(cc_script), f"--mcusplit-board={board}", f"--mcusplit-config={config}", "-O2",
                             f"-I{target}", f"-I{zlib_ng}", str(HERE / "zlib_roundtrip.c"), str(target / "libz.a"),
                             "-o", str(elf)], capture_output=True, text=True, timeout=600)
    assert linked.returncode == 0, linked.stderr

    # 3. the same CMakeLists.txt and program for the host, with gcc: the oracle
    host = tmp_path / "host"
    _cmake(zlib_ng, host, "-DWITH_CRC32_CHORBA=OFF", "-DCMAKE_C_COMPILER=gcc")
    assert _make(host).returncode == 0
    program = tmp_path / "zlib_roundtrip-host"
    subprocess.run([require_tool("gcc"), "-O2", f"-I{host}", f"-I{zlib_ng}", str(HERE / "zlib_roundtrip.c"),
                    str(host / "libz.a"), "-o", str(program)], check=True, capture_output=True, timeout=300)
    expected = subprocess.run([str(program)], capture_output=True, text=True, timeout=60, check=True)

    # 4. the board prints what the host prints, and the round trips split (the recursion around them
    #    moves where zlib-ng's calls find their segment full)
    result = qemu.run(boards.load(board), elf, timeout=120)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert result.application_lines == expected.stdout.splitlines()
    assert result.application_lines[-1] == "failed=0" and len(result.application_lines) == 11
    stats = result.report.stats
    assert stats["splits"] > 100 and stats["in_use"] == 0 and stats["overflows"] == 0

    # 5. the analysis, with the annotations of tests/thirdparty/zlib.toml, bounds what the run used
    report = tmp_path / "analysis.json"
    proc = subprocess.run([sys.executable, "-m", "mcusplit", "analyze", "--check", "--config", str(config),
                           "--format", "json", "-o", str(report), str(elf)],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    analysis = json.loads(report.read_text())
    needed = analysis["needed"]
    assert analysis["check"]["passed"] and analysis["unknowns"] == [], analysis["check"]
    assert stats["hwm"] <= needed <= 16, (stats["hwm"], needed)
