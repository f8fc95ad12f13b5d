"""`mcusplit cc`: the drop-in compiler and linker (mcusplit/driver/), the CMake toolchain file and
the Makefile of examples/cmake-app.

The argument parser is tested on its own; everything else runs the real tools: zig's clang, lld,
QEMU, cmake, make, arm-none-eabi-gcc. A missing tool skips its test with the reason, except in CI
(the CI variable set), where the test fails with it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.driver import args as cc_args
from mcusplit.driver import target as cc_target
from mcusplit.driver.link import module_records
from mcusplit.emu import qemu
from mcusplit.errors import BuildError

from .conftest import EXAMPLES, ROOT, require_tool

APP = EXAMPLES / "cmake-app"
APP_OUTPUT = [
    "[app] mcusplit cc example on cortex-m",
    "eval 0: 7",
    "eval 1: 42",
    "eval 2: 55",
    "eval 3: syntax error",
    "sort: ok, min -50 max 50",
    "crc: 90792fcb",
    "leds: 7",
    "mix: 871234a9",                   # hal/hal_asm.S, built with the project's define
]


def require_qemu() -> None:
    require_tool("qemu-system-arm")


def cc(*arguments: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
       check: bool = True) -> subprocess.CompletedProcess:
    """The driver as a build system runs it: a process of its own."""
    environ = {k: v for k, v in os.environ.items() if k not in ("MCUSPLIT_BOARD", "MCUSPLIT_CONFIG")}
    environ.update({"PYTHONPATH": str(ROOT), **(env or {})})
    proc = subprocess.run([sys.executable, "-m", "mcusplit.driver", *map(str, arguments)], capture_output=True,
                          text=True, cwd=cwd, env=environ)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


# ---------------------------------------------------------------- the argument parser


def test_compile_line_of_a_build_system():
    inv = cc_args.parse(["-c", "-o", "out/x.o", "-Iinc", "-I", "inc2", "-isystem", "sys", "-DA=1", "-D", "B",
                         "-UC", "-O2", "-g3", "-std=gnu11", "-Wall", "-Wextra", "-Werror=format",
                         "-ffunction-sections", "-fdata-sections", "-fno-common", "-mcpu=cortex-m4", "-mthumb",
                         "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-MD", "-MT", "out/x.o", "-MF", "out/x.o.d",
                         "x.c"], environ={})
    assert inv.mode == "compile" and inv.output == Path("out/x.o")
    assert [(i.path, i.language) for i in inv.inputs] == [(Path("x.c"), "c")]
    assert inv.forward == ["-I", "inc", "-I", "inc2", "-isystem", "sys", "-D", "A=1", "-D", "B", "-U", "C", "-O2",
                           "-g3", "-std=gnu11", "-Wall", "-Wextra", "-Werror=format", "-ffunction-sections",
                           "-fdata-sections", "-fno-common"]
    assert (inv.mcpu, inv.float_abi, inv.mfpu) == ("cortex-m4", "hard", "fpv4-sp-d16")
    assert inv.deps and not inv.deps_user_only
    assert inv.dep_file == Path("out/x.o.d") and inv.dep_targets == ["out/x.o"]
    assert cc_target.resolve(inv, "x", need_board=False).core.key == "cortex-m4f"


def test_link_line_and_response_file(tmp_path):
    rsp = tmp_path / "objects.rsp"
    rsp.write_text('a.o "dir with space/b.o" -Wl,--print-memory-usage\n')
    inv = cc_args.parse([f"@{rsp}", "libx.a", "-L", "libs", "-lfoo", "-lc", "-lm", "-lgcc", "-lnosys",
                         "-Wl,--gc-sections,-Map=app.map.copy", "-Xlinker", "--cref", "-nostartfiles", "-o", "app"],
                        environ={"MCUSPLIT_BOARD": "qemu-mps2-an386", "MCUSPLIT_CONFIG": "p/mcusplit.toml"})
    assert inv.mode == "link" and inv.output == Path("app")
    assert [(str(i.path), i.language) for i in inv.inputs] == [("a.o", "object"), ("dir with space/b.o", "object"),
                                                             ("libx.a", "archive")]
    assert inv.libraries == ["foo"]            # the C library and libgcc are the link's own
    assert inv.link_flags == ["--print-memory-usage", "-L", "libs", "-lfoo", "--gc-sections", "--cref"]
    assert inv.map_file == Path("app.map.copy")         # the link's own map, copied
    assert cc_args.parse(["a.o", "-Wl,-Map", "-Wl,x.map"], environ={}).map_file == Path("x.map")
    assert cc_args.parse(["a.o", "-Xlinker", "-Map", "-Xlinker", "y.map"], environ={}).map_file == Path("y.map")
    assert inv.board == "qemu-mps2-an386" and inv.config == Path("p/mcusplit.toml")


def test_languages_and_modes():
    inv = cc_args.parse(["-x", "c", "gen.inc", "-x", "assembler-with-cpp", "start.asm", "-x", "none", "v.S",
                         "-S"], environ={})
    assert [i.language for i in inv.inputs] == ["c", "assembler-with-cpp", "assembler-with-cpp"]
    assert inv.mode == "assembly"
    assert cc_args.parse(["-E", "-dM", "x.c"], environ={}).forward == ["-dM"]
    assert cc_args.default_output(Path("src/x.c"), "compile") == Path("x.o")
    assert cc_args.dep_file_for(cc_args.parse(["-c", "x.c", "-MMD", "-o", "o/x.o"], environ={}),
                                Path("o/x.o")) == Path("o/x.d")


@pytest.mark.parametrize(("argv", "named"), [
    (["-c", "x.c", "-frobnicate-everything-zz", "-mfoo"], "-mfoo"),      # -f goes to clang; -m is checked here
    (["-c", "x.c", "--bogus"], "--bogus"),
    (["-c", "x.c", "-fPIC"], "-fPIC"),
    (["x.o", "-T", "link.ld"], "-T"),
    (["x.o", "-Wl,-T,link.ld"], "-Wl,-T,link.ld"),
    (["x.o", "--specs=nano.specs"], "--specs=nano.specs"),
    (["-c", "x.c", "-marm"], "-marm"),
    (["-c", "x.c", "-flto=thin"], "-flto=thin"),
    (["-c", "x.c", "--mcusplit-bord=x"], "--mcusplit-bord=x"),
    (["-c", "x.cpp"], "x.cpp"),
    (["-c", "a.c", "b.c", "-o", "ab.o"], "-o ab.o"),
    (["-c", "x.c", "-I"], "-I"),
])
def test_refused_flags_are_named(argv, named):
    with pytest.raises(BuildError) as info:
        cc_args.parse(argv, environ={})
    assert named in info.value.one_line()


@pytest.mark.parametrize(("argv", "message"), [
    (["-c", "x.c", "-mcpu=cortex-m4", "-mfloat-abi=soft"], "-mfloat-abi=soft"),
    (["-c", "x.c", "-mcpu=cortex-m3", "--mcusplit-board=qemu-mps2-an386"], "cortex-m3"),
    (["-c", "x.c", "-mcpu=cortex-a53"], "-mcpu=cortex-a53"),
    (["-c", "x.c"], "no target"),
    (["x.o", "-mcpu=cortex-m4"], "linking needs a board"),
])
def test_target_errors(argv, message):
    inv = cc_args.parse(argv, environ={})
    with pytest.raises(BuildError) as info:
        cc_target.resolve(inv, "x", need_board=inv.mode == "link")
    assert message in info.value.one_line()


def test_core_from_mcpu_and_board():
    for cpu, key in [("cortex-m0plus", "cortex-m0plus"), ("cortex-m3", "cortex-m3"), ("cortex-m7", "cortex-m7"),
                     ("cortex-m33", "cortex-m33")]:
        assert cc_target.resolve(cc_args.parse(["-c", "x.c", f"-mcpu={cpu}"], environ={}), "x",
                                 False).core.key == key
    target = cc_target.resolve(cc_args.parse(["-c", "x.c"], environ={"MCUSPLIT_BOARD": "qemu-microbit"}), "x",
                               False)
    assert target.board is not None and target.core.key == "cortex-m0"
    # --mcusplit-print-flags gives GCC flags that name the same core back
    for key, flags in cc_target.GCC_FLAGS.items():
        assert cc_target.resolve(cc_args.parse(["-c", "x.c", *flags], environ={}), "x", False).core.key == key


def test_version_and_dumps():
    assert cc("-dumpmachine").stdout == "arm-none-eabi\n"
    assert cc("-dumpversion").stdout.strip().split(".")[0] == "22"
    assert cc("--version").stdout.startswith("mcusplit cc ")
    assert cc("--mcusplit-board=qemu-microbit", "--mcusplit-print-flags").stdout.split() == [
        "-mcpu=cortex-m0", "-mthumb", "-mfloat-abi=soft"]


def test_errors_are_one_line_without_traceback(tmp_path):
    (tmp_path / "x.c").write_text("int f(void) { return 1; }\n")
    for argv in (["-c", "x.c", "--mcusplit-board=qemu-mps2-an386", "-mbogus"],
                 ["-c", "x.c", "--mcusplit-board=no-such-board"],
                 ["-c", "missing.c", "--mcusplit-board=qemu-mps2-an386"]):
        proc = cc(*argv, cwd=tmp_path, check=False)
        assert proc.returncode != 0
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("mcusplit cc: error: "), proc.stderr
        assert "Traceback" not in proc.stderr
    assert "'-mbogus'" in cc("-c", "x.c", "-mbogus", cwd=tmp_path, check=False).stderr
    # an -f flag goes to clang, which does not know this one
    proc = cc("-c", "x.c", "--mcusplit-board=qemu-mps2-an386", "-frobnicate", cwd=tmp_path, check=False)
    assert proc.returncode == 2
    assert proc.stderr == "mcusplit cc: error: unknown flag '-frobnicate': clang does not know it\n"
    assert not (tmp_path / "x.o").exists()
    # the same through `mcusplit cc`
    proc = subprocess.run([sys.executable, "-m", "mcusplit", "cc", "-c", "x.c", "-mbogus"], capture_output=True,
                          text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode != 0 and "'-mbogus'" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- compiling


SOURCE = """\
#include <stdio.h>
#include "mcusplit.h"
#include "deep.h"
int deep(int n)
{
    volatile char frame[300];
    frame[n % 300] = (char)n;         /* a variable index keeps the whole array on the frame */
    int below = n > 0 ? deep(n - 1) : 0;
    return below + frame[n % 300];    /* read after the call: no tail-recursion loop */
}
"""


@pytest.mark.slow
def test_compile_object_assembly_depfile_and_clang_diagnostics(tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "deep.h").write_text("int deep(int n);\n")
    (tmp_path / "deep.c").write_text(SOURCE + "int unused_warning(int x) { int y; return x; }\n")
    board = "--mcusplit-board=qemu-mps2-an386"
    proc = cc(board, "-Iinc", "-O2", "-Wall", "-Wunused-variable", "-MMD", "-MP", "-c", "deep.c", "-o",
              "out.o", cwd=tmp_path)
    assert "unused variable 'y'" in proc.stderr                     # clang's warnings reach the user
    assert (tmp_path / "out.o").read_bytes()[:4] == b"\x7fELF"
    deps = (tmp_path / "out.d").read_text()
    assert deps.startswith("out.o:") and "inc/deep.h" in deps and "stdio.h" not in deps   # -MMD: user headers
    assert "deep.h:" in deps                                         # -MP
    cc(board, "-Iinc", "-S", "deep.c", cwd=tmp_path)
    assembly = (tmp_path / "deep.s").read_text()
    assert "__morestack" in assembly and ".mcusplit.module" in assembly
    # the object says what it was compiled for
    record = json.loads(_section(tmp_path / "out.o", ".mcusplit.module").decode())
    assert record["core"] == "cortex-m4f" and any(c["name"] == "deep" for c in record["checks"])
    # --mcusplit-no-split: the same source without checks
    cc(board, "-Iinc", "--mcusplit-no-split", "-c", "deep.c", "-o", "plain.o", cwd=tmp_path)
    plain = json.loads(_section(tmp_path / "plain.o", ".mcusplit.module").decode())
    assert plain["checks"] == [] and not any(p["split"] for p in plain["plans"])
    # -E: preprocessed text on standard output, with the runtime's and the C library's headers
    pre = cc(board, "-Iinc", "-E", "deep.c", cwd=tmp_path).stdout
    assert "int deep(int n);" in pre and "printf" in pre
    cc(board, "-Iinc", "-E", "deep.c", "-o", "deep.i", cwd=tmp_path)
    assert (tmp_path / "deep.i").read_text() == pre


def _section(obj: Path, name: str) -> bytes:
    from elftools.elf.elffile import ELFFile

    with obj.open("rb") as f:
        return ELFFile(f).get_section_by_name(name).data()


@pytest.mark.slow
def test_a_failed_compile_leaves_the_outputs_untouched(tmp_path):
    (tmp_path / "bad.c").write_text("int f(void) { return undeclared_thing; }\n")
    (tmp_path / "bad.o").write_bytes(b"previous object")
    (tmp_path / "bad.d").write_text("previous deps")
    proc = cc("--mcusplit-board=qemu-mps2-an386", "-MD", "-c", "bad.c", cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert proc.stderr.strip().splitlines() == [
        "mcusplit cc: error: bad.c:1:22: use of undeclared identifier 'undeclared_thing'"]
    assert (tmp_path / "bad.o").read_bytes() == b"previous object"
    assert (tmp_path / "bad.d").read_text() == "previous deps"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    (tmp_path / "good.c").write_text("int g(void) { return 2; }\n")
    proc = cc("--mcusplit-board=qemu-mps2-an386", "-c", "good.c", "-o", "no/such/dir/good.o", cwd=tmp_path,
              check=False)
    assert proc.stderr.strip() == ("mcusplit cc: error: no/such/dir/good.o: cannot write the output: its directory "
                                   "does not exist")


# ---------------------------------------------------------------- linking


MAIN = """\
#include <stdio.h>
#include "mcusplit.h"
int deep(int n);
int asm_twice(int x);
int main(void)
{
    printf("deep=%d twice=%d\\n", deep(10), asm_twice(21));
    return 0;
}
"""
ASM = """\
    .syntax unified
    .thumb
    .text
    .global asm_twice
    .type asm_twice, %function
    .thumb_func
asm_twice:
    lsls r0, r0, #SHIFT
    bx lr
"""


@pytest.mark.slow
def test_compile_and_link_in_one_command_with_assembly_and_an_archive(tmp_path):
    require_qemu()
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "deep.h").write_text("int deep(int n);\n")
    (tmp_path / "deep.c").write_text(SOURCE)
    (tmp_path / "main.c").write_text(MAIN)
    (tmp_path / "twice.S").write_text(ASM)
    env = {"MCUSPLIT_BOARD": "qemu-lm3s6965evb"}
    cc("-Iinc", "-c", "deep.c", "-o", "deep.o", cwd=tmp_path, env=env)
    ar = require_tool("ar", "binutils")
    subprocess.run([ar, "rcs", "libdeep.a", "deep.o"], cwd=tmp_path, check=True)
    cc("-Iinc", "-DSHIFT=1", "main.c", "twice.S", "-L.", "-ldeep", "-lc", "-Wl,--gc-sections,-Map=copy.map", "-o",
       "app", cwd=tmp_path, env=env)
    assert (tmp_path / "copy.map").read_text() == (tmp_path / "app.map").read_text()
    for suffix in ("", ".bin", ".hex", ".map", ".build.json"):
        assert (tmp_path / f"app{suffix}").is_file(), suffix
    assert not list(tmp_path.glob(".app*"))                                  # no scratch left behind
    result = qemu.run(boards.load("qemu-lm3s6965evb"), tmp_path / "app", timeout=60)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert result.application_lines == [f"deep={sum(range(11))} twice=42"]
    assert result.report.stats["splits"] > 0                                 # 11 frames of 300 B: split
    record = json.loads((tmp_path / "app.build.json").read_text())
    assert any(c["name"] == "deep" for c in record["checks"])
    # sources compiled by the link's command are named by their source: their objects are gone
    linked = record["link"]["objects"]
    assert str(tmp_path / "main.c") in linked and str(tmp_path / "twice.S") in linked, linked
    assert not [o for o in linked if "mcusplit-cc-link" in o], linked


@pytest.mark.slow
def test_objects_for_another_pool_are_refused_at_the_link(tmp_path):
    (tmp_path / "main.c").write_text("int main(void) { volatile char b[64]; b[0] = 1; return b[0] - 1; }\n")
    (tmp_path / "mcusplit.toml").write_text("[pool]\nreserve = 512\nsegment_size = 2048\n")
    cc("--mcusplit-board=qemu-mps2-an386", "--mcusplit-config=mcusplit.toml", "-c", "main.c", cwd=tmp_path)
    proc = cc("--mcusplit-board=qemu-mps2-an386", "main.o", "-o", "app.elf", cwd=tmp_path, check=False)
    assert proc.returncode != 0
    assert "main.c: compiled for another pool (segment_size 2048 (link: 1024), reserve 512 (link: 320))" in \
        proc.stderr and "--mcusplit-config" in proc.stderr
    assert not (tmp_path / "app.elf").exists()
    proc = cc("--mcusplit-board=qemu-microbit", "main.o", "-o", "app.elf", cwd=tmp_path, check=False)
    assert proc.returncode != 0 and "cortex-m4f" in proc.stderr


@pytest.mark.slow
def test_the_driver_makes_what_mcusplit_build_makes(tmp_path):
    """examples/libc through `mcusplit build` and through `mcusplit cc`: the same image, the same
    checks and allowance, the same analysis, the same run."""
    require_qemu()
    board = boards.load("qemu-mps2-an386")
    built = build.build(project.load(EXAMPLES / "libc"), board, tmp_path / "build")
    cc("--mcusplit-board=qemu-mps2-an386", f"--mcusplit-config={EXAMPLES / 'libc' / 'mcusplit.toml'}",
       EXAMPLES / "libc" / "main.c", "-o", tmp_path / "cc" / "libc.elf")
    driven = tmp_path / "cc"
    assert (driven / "libc.bin").read_bytes() == built.bin.read_bytes()
    a = json.loads((driven / "libc.build.json").read_text())
    b = json.loads(built.info.read_text())

    def without_source(rows: list[dict]) -> list[dict]:
        return [{k: v for k, v in row.items() if k != "source"} for row in rows]

    for key in ("checks", "elided", "plans"):
        assert without_source(a[key]) == without_source(b[key]), key
    for key in ("allowance", "dropped", "raised", "layout", "flash_bytes", "ram_bytes", "libc"):
        assert a[key] == b[key], key
    assert a["allowance"], "the C library below the callers is covered"
    config = analysis_config.load(EXAMPLES / "libc" / "mcusplit.toml")
    first, second = analyze(driven / "libc.elf", config), analyze(built.elf, config)
    assert first.pool_needed == second.pool_needed
    assert [(e["name"], e.get("segments")) for e in first.to_json()["entries"]] == \
        [(e["name"], e.get("segments")) for e in second.to_json()["entries"]]
    runs = [qemu.run(board, elf, timeout=60) for elf in (driven / "libc.elf", built.elf)]
    assert runs[0].exit_code == runs[1].exit_code == 0
    assert runs[0].lines == runs[1].lines
    assert module_records(driven / "libc.elf")[0]["source"].endswith("main.c")


# ---------------------------------------------------------------- mixed objects


GCC_DEEP = """\
/* Built by arm-none-eabi-gcc: no split-stack checks, a frame of about 700 bytes. */
int gcc_deep(int n)
{
    volatile int table[170];
    for (int i = 0; i < 170; i++)
        table[i] = i * n;
    int sum = 0;
    for (int i = 0; i < 170; i++)
        sum += table[i];
    return sum;
}
"""
MIXED_MAIN = """\
#include <stdio.h>
int gcc_deep(int n);
/* Split code, deep enough that little of its segment is left when it calls the gcc code. */
int descend(int depth)
{
    volatile char pad[180];
    pad[depth % 180] = (char)depth;          /* a variable index keeps the whole array */
    if (depth == 0)
        return gcc_deep(3);
    int below = descend(depth - 1);
    return below + pad[depth % 180];         /* read after the call: no tail-recursion loop */
}
int main(void)
{
    int total = 0;
    for (int d = 0; d < 12; d++)
        total += descend(d);
    printf("mixed: %d\\n", total);
    return 0;
}
"""


@pytest.mark.slow
def test_a_gcc_object_is_covered_by_the_allowance(tmp_path):
    require_qemu()
    gcc = require_tool("arm-none-eabi-gcc", "gcc-arm-none-eabi")
    (tmp_path / "gcc_deep.c").write_text(GCC_DEEP)
    (tmp_path / "main.c").write_text(MIXED_MAIN)
    flags = cc("--mcusplit-board=qemu-mps2-an386", "--mcusplit-print-flags").stdout.split()
    subprocess.run([gcc, *flags, "-O1", "-ffunction-sections", "-c", "gcc_deep.c", "-o", "gcc_deep.o"],
                   cwd=tmp_path, check=True)
    cc("--mcusplit-board=qemu-mps2-an386", "-O2", "-c", "main.c", cwd=tmp_path)
    cc("--mcusplit-board=qemu-mps2-an386", "main.o", "gcc_deep.o", "-o", "mixed.elf", cwd=tmp_path)
    record = json.loads((tmp_path / "mixed.build.json").read_text())
    rows = [r for r in record["allowance"] if "gcc_deep" in r.get("chain", [])]
    assert rows, record["allowance"]
    assert rows[0]["function"] == "descend" and rows[0]["bytes"] >= 680
    assert rows[0]["threshold_after"] > rows[0]["threshold_before"]
    result = qemu.run(boards.load("qemu-mps2-an386"), tmp_path / "mixed.elf", timeout=60)
    assert result.exit_code == 0, "\n".join(result.lines)
    expected = sum(sum(i * 3 for i in range(170)) + d * (d + 1) // 2 for d in range(12))
    assert result.application_lines == [f"mixed: {expected}"]
    assert result.report.stats["splits"] > 0 and result.report.stats["overflows"] == 0


# ---------------------------------------------------------------- CMake and make


def _app_result(elf: Path, board: str) -> qemu.RunResult:
    result = qemu.run(boards.load(board), elf, timeout=60)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert result.application_lines == APP_OUTPUT
    assert result.report.stats["splits"] > 0
    return result


@pytest.mark.slow
def test_cmake_builds_the_example(tmp_path, cc_script):
    require_qemu()
    cmake = require_tool("cmake")
    require_tool("make")
    app = shutil.copytree(APP, tmp_path / "cmake-app")          # a copy: the test touches a header
    out = tmp_path / "build"
    toolchain = ROOT / "cmake" / "mcusplit.cmake"
    settings = [f"-DCMAKE_TOOLCHAIN_FILE={toolchain}", "-DMCUSPLIT_BOARD=qemu-mps2-an386", f"-DMCUSPLIT_CC={cc_script}",
                f"-DMCUSPLIT_CONFIG={app / 'mcusplit.toml'}"]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MCUSPLIT_")}
    # the user's own CMAKE_C_FLAGS replace the toolchain's initial ones: the board must survive that
    configured = subprocess.run([cmake, "-S", app, "-B", out, *settings, "-DCMAKE_C_FLAGS=-Wall -Wextra"],
                                check=True, capture_output=True, text=True, env=environ)
    assert "The C compiler identification is Clang" in configured.stdout
    # try_compile works (the project's own checks, as a static library)
    assert "Looking for stdint.h - found" in configured.stdout
    assert "Performing Test HAVE_STRLEN - Success" in configured.stdout
    subprocess.run([cmake, "--build", out, "-j", "2"], check=True, capture_output=True, env=environ)
    elf = out / "app" / "app.elf"
    for suffix in (".bin", ".hex", ".map", ".build.json"):
        assert elf.with_suffix(suffix).is_file(), suffix
    assert (out / "algo" / "libalgo.a").is_file() and (out / "hal" / "libhal.a").is_file()
    _app_result(elf, "qemu-mps2-an386")
    record = json.loads(elf.with_suffix(".build.json").read_text())
    assert record["layout"]["segments"] == 10                     # the config reached the link
    assert {c["name"] for c in record["checks"]} >= {"expression", "algo_sort"}
    # an edited header rebuilds what includes it (the dependency files work)
    os.utime(app / "algo" / "include" / "algo.h")
    rebuilt = subprocess.run([cmake, "--build", out, "-j", "2"], check=True, capture_output=True, text=True,
                             env=environ)
    assert "eval.c.obj" in rebuilt.stdout and "hal.c.obj" not in rebuilt.stdout
    # without flags of the user's, the core's GCC flags are the initial ones
    plain = tmp_path / "plain"
    subprocess.run([cmake, "-S", app, "-B", plain, *settings], check=True, capture_output=True, env=environ)
    flags = (plain / "algo" / "CMakeFiles" / "algo.dir" / "flags.make").read_text()
    assert "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16" in flags
    assert "--mcusplit-board=qemu-mps2-an386" in flags


@pytest.mark.slow
def test_make_builds_the_example(tmp_path, cc_script):
    require_qemu()
    make = require_tool("make")
    require_tool("ar", "binutils")
    out = tmp_path / "build"
    subprocess.run([make, "-C", APP, "-j2", f"CC={cc_script}", "BOARD=qemu-lm3s6965evb", f"OUT={out}"],
                   check=True, capture_output=True)
    _app_result(out / "app.elf", "qemu-lm3s6965evb")
    again = subprocess.run([make, "-C", APP, f"CC={cc_script}", "BOARD=qemu-lm3s6965evb", f"OUT={out}"],
                           check=True, capture_output=True, text=True)
    assert "mcusplit-cc" not in again.stdout                      # up to date: nothing rebuilt


def _llvmlite_aborts_on(path: Path) -> bool:
    code = ("import sys, llvmlite.binding as l\n"
            "try:\n    l.parse_bitcode(open(sys.argv[1], 'rb').read())\nexcept RuntimeError:\n    pass\n")
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True).returncode < 0


@pytest.mark.parametrize("command", ["cc", "build"])
def test_bitcode_that_aborts_llvm_costs_the_codegen_child_only(tmp_path, command):
    """A damaged bitcode file (found by mutating a module's bytes) trips an assertion in llvmlite's
    LLVM, which aborts the process reading it. `mcusplit cc` forks that child from itself,
    `mcusplit build` starts a new interpreter: either way one line, status 2, no object."""
    damaged = shutil.copy(ROOT / "tests" / "data" / "damaged_aborts_llvmlite.bc", tmp_path / "damaged.bc")
    if command == "cc":
        proc = cc("--mcusplit-board=qemu-mps2-an386", "-c", damaged, "-o", tmp_path / "damaged.o", check=False)
        prefix = "mcusplit cc: error: "
    else:
        proc = subprocess.run([sys.executable, "-m", "mcusplit.cli", "build", "-q", "-b", "qemu-mps2-an386",
                               str(damaged), "-o", str(tmp_path / "out")], capture_output=True, text=True, cwd=ROOT)
        prefix = "mcusplit: error: "
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith(prefix), proc.stderr
    assert "damaged.bc" in lines[0] and "Traceback" not in proc.stderr
    if _llvmlite_aborts_on(damaged):            # the llvmlite this project pins: it does
        assert "LLVM aborted reading this module (assertion `" in lines[0], lines[0]
    assert not (tmp_path / "damaged.o").exists() and not list(tmp_path.glob("out/*.elf"))


def _csmith_seeds() -> list[int]:
    """MCUSPLIT_CC_EQ_SEEDS="1-30" widens the sample (docs/driver.md quotes such a run)."""
    text = os.environ.get("MCUSPLIT_CC_EQ_SEEDS", "6,7")
    seeds: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += range(int(low), int(high or low) + 1)
    return seeds


@pytest.mark.slow
@pytest.mark.parametrize("seed", _csmith_seeds())
def test_cc_makes_the_image_build_makes_of_a_csmith_program(tmp_path, seed):
    """Issue 14 item 2 on code nobody here wrote: a Csmith program (picolibc's printf, many globals
    and pointers) linked by `mcusplit cc` and built by `mcusplit build` from the same mcusplit.toml:
    the same .bin, byte for byte."""
    csmith_path = require_tool("csmith", "csmith libcsmith-dev")
    from mcusplit.fuzz import csmith as csmith_mod

    program = subprocess.run([csmith_path, "--seed", str(seed), *csmith_mod.OPTIONS], capture_output=True, text=True,
                             check=True).stdout
    (tmp_path / "prog.c").write_text(program)
    config = tmp_path / "mcusplit.toml"
    config.write_text(f'[project]\nname = "prog"\ninclude_dirs = ["{csmith_mod.CSMITH_INCLUDE}"]\ncflags = ["-w"]\n'
                      "[pool]\nsegment_size = 2048\nsegments = 6\n")
    board = "qemu-mps2-an386"
    built = build.build(project.load(tmp_path), boards.load(board), tmp_path / "build")
    (tmp_path / "cc").mkdir()
    cc(f"--mcusplit-board={board}", f"--mcusplit-config={config}", f"-I{csmith_mod.CSMITH_INCLUDE}", "-w",
       tmp_path / "prog.c", "-o", tmp_path / "cc" / "prog.elf")
    assert (tmp_path / "cc" / "prog.bin").read_bytes() == built.bin.read_bytes()
