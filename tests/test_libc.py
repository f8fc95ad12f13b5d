"""The C library: picolibc per core, its headers and archives, printf on the console, errno (TLS),
the heap, exit(); examples/libc against its --no-split-stack build and a host gcc build.

Needs Debian's picolibc-arm-none-eabi (and gcc for the host build). Without them these tests skip
with the reason, except in CI (the CI variable set), where they fail with it.
"""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from mcusplit import boards, build, project
from mcusplit.cores import CORES
from mcusplit.emu import qemu
from mcusplit.errors import BuildError, ProjectError
from mcusplit.link import libc

from .conftest import EMULATED_BOARDS, EXAMPLES, FIRMWARE, require

EXAMPLE_BOARDS = ["qemu-microbit", "qemu-mps2-an386", "qemu-mps2-an505"]     # M0, M4F, M33


def require_picolibc(core_key: str) -> libc.CLibrary:
    core = CORES[core_key]
    lib = libc.picolibc(core)
    require(None if lib else libc.missing_reason(core))
    assert lib is not None
    return lib


def member_defining(archive: Path, symbol: str) -> bytes:
    """The archive member that defines `symbol` (through the archive's symbol index)."""
    data = archive.read_bytes()
    count = struct.unpack(">I", data[68:72])[0]
    offsets = struct.unpack(f">{count}I", data[72:72 + 4 * count])
    names = data[72 + 4 * count:].split(b"\0")[:count]
    offset = offsets[names.index(symbol.encode())]
    size = int(data[offset + 48:offset + 58])
    return data[offset + 60:offset + 60 + size]


def float_attributes(obj: bytes) -> dict[str, int]:
    section = ELFFile(io.BytesIO(obj)).get_section_by_name(".ARM.attributes")
    return {a.tag: a.value for sub in section.iter_subsections() for subsub in sub.iter_subsubsections()
            for a in subsub.iter_attributes() if a.tag in ("TAG_FP_ARCH", "TAG_ABI_VFP_ARGS", "TAG_ABI_HARDFP_USE")}


@pytest.mark.parametrize("core_key, fp_arch, hardfp_use", [
    ("cortex-m0", None, None),
    ("cortex-m0plus", None, None),
    ("cortex-m3", None, None),
    ("cortex-m4f", 6, 1),            # VFPv4-D16, single precision only: the M4F's FPv4-SP
    ("cortex-m7", 8, None),          # FPv5-D16 with double precision: the M7's FPU does doubles
    ("cortex-m33", 8, 1),            # FPv5, single precision only: the M33's FPU
])
def test_each_core_links_the_multilib_of_its_fpu_and_float_abi(core_key, fp_arch, hardfp_use):
    lib = require_picolibc(core_key)
    attributes = float_attributes(member_defining(lib.archives[0], "vfprintf"))
    assert attributes.get("TAG_FP_ARCH") == fp_arch
    assert attributes.get("TAG_ABI_HARDFP_USE") == hardfp_use
    # hard-float cores pass floats in s/d registers, as zig's clang does for *-eabihf
    assert attributes.get("TAG_ABI_VFP_ARGS") == (1 if CORES[core_key].hard_float else None)


def test_archive_symbols_come_from_the_symbol_index():
    lib = require_picolibc("cortex-m4f")
    symbols = libc.defined_symbols(lib)
    assert {"printf", "snprintf", "strtod", "qsort", "memcpy", "malloc", "sqrt", "setjmp"} <= symbols
    assert "mcusplit_printf" not in symbols


def without_libc_project(tmp_path: Path, libc_key: str | None) -> project.Project:
    (tmp_path / "main.c").write_text('#include <stdio.h>\nint main(void) { return printf("x") - 1; }\n')
    if libc_key:
        (tmp_path / "mcusplit.toml").write_text(f'[project]\nlibc = "{libc_key}"\n')
    return project.load(tmp_path)


def test_a_libc_header_without_a_libc_is_one_line_saying_why(tmp_path):
    proj = without_libc_project(tmp_path, "none")
    with pytest.raises(BuildError) as info:
        build.build(proj, boards.load("qemu-mps2-an386"), tmp_path / "out")
    line = info.value.one_line()
    assert "\n" not in line and "main.c:1" in line and "stdio.h" in line
    assert 'libc = "none"' in line


def test_a_missing_picolibc_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("MCUSPLIT_PICOLIBC", str(tmp_path / "nowhere"))
    proj = without_libc_project(tmp_path, None)
    with pytest.raises(BuildError) as info:
        build.build(proj, boards.load("qemu-mps2-an386"), tmp_path / "out")
    assert "apt-get install picolibc-arm-none-eabi" in info.value.one_line()


def test_the_libc_key_takes_picolibc_or_none(tmp_path):
    (tmp_path / "main.c").write_text("int main(void) { return 0; }\n")
    (tmp_path / "mcusplit.toml").write_text('[project]\nlibc = "newlib"\n')
    with pytest.raises(ProjectError, match=r"project\.libc must be one of picolibc, none"):
        project.load(tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_printf_errno_heap_and_exit_work_on_every_board(firmware, board):
    require_picolibc(boards.load(board).core.key)
    built = firmware(FIRMWARE / "libc", board, True)
    result = qemu.run(boards.load(board), built.elf, timeout=60)
    assert result.exit_code == 7, "\n".join(result.lines)         # exit(7), after the atexit handler
    assert result.application_lines == [
        "snprintf: 3.1416|ab   |  -42|6.250000e-03",
        "strtol: 2147483647 errno=ERANGE",                          # errno: thread-local, through the TLS block
        "math: sqrt(2)=1.414214 floor(-2.5)=-3.0 fabs(-3)=3.0",
        "heap: 768 bytes in 8 blocks",
        "stderr: on the console too",
        "atexit handler ran",
    ]


def host_build(tmp_path: Path) -> list[str]:
    gcc = shutil.which("gcc")
    require(None if gcc else "no host gcc (Debian: apt-get install gcc) to build examples/libc for the host")
    exe = tmp_path / "libc-host"
    subprocess.run([gcc, "-O2", "-Wall", "-Werror", "-o", exe, EXAMPLES / "libc" / "main.c", "-lm"], check=True)
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if not line.startswith("#")]


@pytest.mark.slow
@pytest.mark.parametrize("board", EXAMPLE_BOARDS)
def test_example_prints_what_its_plain_build_and_a_host_gcc_build_print(firmware, board, tmp_path):
    require_picolibc(boards.load(board).core.key)
    split = qemu.run(boards.load(board), firmware(EXAMPLES / "libc", board, True).elf, timeout=60)
    plain = qemu.run(boards.load(board), firmware(EXAMPLES / "libc", board, False).elf, timeout=60)
    assert split.exit_code == 0, "\n".join(split.lines)
    assert plain.exit_code == 0, "\n".join(plain.lines)
    host = host_build(tmp_path)
    assert len(host) == 8 and host[-1] == "from the heap: 14 bytes"
    assert split.application_lines == plain.application_lines == host
    stats = split.report.stats
    assert stats["splits"] > 0 and stats["hwm"] >= 3, "the recursion must run over several segments"
    assert stats["in_use"] == 0 and stats["overflows"] == 0
