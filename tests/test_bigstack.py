"""Big stacks ([split_stack] big_stack): every call of a listed function runs on its own static
stack (firmware/core/big_stack.inc, mcusplit/link/bigstack.py). tests/firmware/bigstack runs in
several modes (its MODE define, see its main.c)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from mcusplit import boards, build, project
from mcusplit.emu import qemu
from mcusplit.errors import BuildError, ProjectError

from .conftest import EMULATED_BOARDS, FIRMWARE, require

BIGSTACK = FIRMWARE / "bigstack"


def variant(tmp_path: Path, mode: int) -> Path:
    root = tmp_path / f"bigstack{mode}"
    root.mkdir()
    shutil.copy(BIGSTACK / "main.c", root / "main.c")
    text = (BIGSTACK / "mcusplit.toml").read_text()
    defines = f'name = "bigstack"\ndefines = {{ MODE = {mode} }}'
    text = text.replace('name = "bigstack"', defines)
    if mode == 2:
        # legacy_log is entered again through its callback (the runtime must refuse it): a cycle
        # of two frames of it at most, for the allowance to bound
        text = text.replace("[analyze.recursion]\n", "[analyze.recursion]\nlegacy_log = 2\n")
    (root / "mcusplit.toml").write_text(text)
    return root


def objects(elf: Path) -> dict[str, tuple[int, int]]:
    with elf.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return {s.name: (s["st_value"], s["st_size"]) for s in table.iter_symbols()
                if s["st_info"]["type"] in ("STT_OBJECT", "STT_FUNC")}


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_a_4k_frame_runs_on_its_big_stack_with_1k_segments(firmware, board):
    split_build = firmware(BIGSTACK, board, True)
    split = qemu.run(boards.load(board), split_build.elf, timeout=60)
    plain = qemu.run(boards.load(board), firmware(BIGSTACK, board, False).elf, timeout=60)
    assert split.exit_code == 0 and plain.exit_code == 0, "\n".join(split.lines + plain.lines)
    assert split.application_lines == plain.application_lines
    assert split.application_lines[0].startswith("big stacks: total ")
    stats = split.report.stats
    assert stats["seg_size"] == 1024 and stats["splits"] > 0            # the callers really split
    assert stats["in_use"] == 0 and stats["overflows"] == 0
    layout = split_build.layout
    symbols = objects(split_build.elf)
    address, size = symbols["__mcusplit_big_stack_legacy"]
    # 4352 configured + the reserve + the MPU guard, in whole segments, segment-aligned
    assert size >= 4352 + layout.reserve + layout.guard_bytes and size % 1024 == 0 and address % 1024 == 0
    assert "__wrap_legacy" in symbols and "__wrap_legacy_log" in symbols


@pytest.mark.slow
@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit", "qemu-mps2-an505"])
def test_tasks_take_turns_on_a_big_stack(tmp_path, board):
    built = build.build(project.load(variant(tmp_path, 1)), boards.load(board), tmp_path / "out")
    result = qemu.run(boards.load(board), built.elf, timeout=60, icount_exact=True)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert result.application_lines[0].startswith("overlaps 0,")
    assert result.application_lines[1:] == [line for line in result.application_lines[1:] if line.endswith(" ok")]


@pytest.mark.slow
@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit"])
def test_a_call_that_finds_its_stack_in_use_is_one_line_and_exit_106(tmp_path, board):
    built = build.build(project.load(variant(tmp_path, 2)), boards.load(board), tmp_path / "out")
    result = qemu.run(boards.load(board), built.elf, timeout=60)
    assert result.exit_code == 106
    record = result.report.last("big-stack-busy")
    assert record is not None, "\n".join(result.lines)
    assert objects(built.elf)["legacy_log"][0] & ~1 == record.int("fn")


@pytest.mark.slow
@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit", "qemu-mps2-an505"])
def test_longjmp_out_of_a_big_stack_frees_it_and_its_segments(tmp_path, board):
    built = build.build(project.load(variant(tmp_path, 3)), boards.load(board), tmp_path / "out")
    result = qemu.run(boards.load(board), built.elf, timeout=60)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert result.report.stats["splits"] >= 1000 and result.report.stats["in_use"] == 0


def config_project(tmp_path: Path, big_stack: str, source: str | None = None) -> Path:
    (tmp_path / "main.c").write_text(source or """#include <stdint.h>
__attribute__((noinline)) uint32_t heavy(uint32_t x)
{
    volatile uint32_t b[300];
    for (int i = 0; i < 300; i++) b[i] = x + i;
    return b[299];
}
int main(void) { return (int)heavy(3) & 1; }
""")
    (tmp_path / "mcusplit.toml").write_text(f"[split_stack]\nbig_stack = {big_stack}\n")
    return tmp_path


@pytest.mark.parametrize("big_stack, expected", [
    ("{ heavy = 1020 }", "split_stack.big_stack.heavy: the size must be a multiple of 8"),
    ("{ heavy = 16 }", "split_stack.big_stack.heavy: the size must be a multiple of 8 from 64"),
    ('{ heavy = "4k" }', "'split_stack.big_stack.heavy' must be int"),
    ("{ heavy = { size = 2048, stack_arg = 4 } }", "[split_stack.big_stack.heavy]: unknown key(s) stack_arg"),
    ("{ heavy = { stack_args = 4 } }", "split_stack.big_stack.heavy needs a size"),
    ("{ heavy = { size = 2048, stack_args = 6 } }", "stack_args must be a multiple of 4"),
    ('{ "a::b" = 1024 }', "a function with a C symbol name"),
])
def test_bad_big_stack_settings_are_one_line_naming_the_key(tmp_path, big_stack, expected):
    with pytest.raises(ProjectError) as info:
        project.load(config_project(tmp_path, big_stack))
    line = info.value.one_line()
    assert "mcusplit.toml" in line and expected in line and "\n" not in line


@pytest.mark.parametrize("big_stack, source, expected", [
    ("{ heavy = 2048, nosuch = 1024 }", None, "split_stack.big_stack.nosuch: no function 'nosuch'"),
    ("{ heavy = 2048 }", "#include <stdint.h>\nuint32_t heavy(uint32_t x) { return x + 1; }\n"
     "int main(void) { return (int)heavy(3); }\n", "main.c:2: big_stack function 'heavy' may be inlined"),
    ("{ heavy = 2048 }", "#include <stdint.h>\n__attribute__((noinline)) static uint32_t heavy(uint32_t x) "
     "{ volatile uint32_t b[4]; b[0] = x; return b[0]; }\nint main(void) { return (int)heavy(3); }\n",
     "big_stack function 'heavy' is static"),
])
def test_big_stack_functions_must_exist_and_stay_calls(tmp_path, big_stack, source, expected):
    proj = project.load(config_project(tmp_path, big_stack, source))
    with pytest.raises((BuildError, ProjectError)) as info:
        build.build(proj, boards.load("qemu-microbit"), tmp_path / "out")
    assert expected in info.value.one_line()


def test_a_c_library_function_can_have_a_big_stack(tmp_path):
    """vfprintf is called inside the library (by printf): --wrap redirects those calls too."""
    proj = project.load(config_project(tmp_path, "{ vfprintf = 1024 }",
                                       '#include <stdio.h>\nint main(void) { return printf("%d\\n", 42) != 3; }\n'))
    from mcusplit.link import libc

    require(None if libc.picolibc(boards.load("qemu-mps2-an386").core) else
            "picolibc not installed (Debian: apt-get install picolibc-arm-none-eabi)")
    built = build.build(proj, boards.load("qemu-mps2-an386"), tmp_path / "out")
    assert "__wrap_vfprintf" in objects(built.elf)
