"""Hardware guards: the ARMv8-M stack limit registers and the ARMv7-M MPU guard region follow sp
from segment to segment (in __morestack and at task switches). Provoked, they stop the firmware
at the overrunning instruction; otherwise they stay silent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis.symbols import Symbolizer
from mcusplit.emu import qemu

from .conftest import FIRMWARE, run_cli

pytestmark = pytest.mark.slow

GUARD = FIRMWARE / "guard"
# Board, guard setting and the guard the firmware names in its report.
GUARDED = [("qemu-mps2-an505", "auto", "stack-limit"), ("qemu-mps2-an386", "mpu", "mpu"),
           ("qemu-lm3s6965evb", "mpu", "mpu"), ("qemu-mps2-an500", "mpu", "mpu")]
OVERRUN_IN = {1: "main's stack (MSP)", 2: "a task (PSP)"}


def guard_project(tmp_path: Path, overrun: int, guard: str) -> Path:
    root = tmp_path / f"guard{overrun}-{guard}"
    root.mkdir()
    shutil.copy(GUARD / "main.c", root / "main.c")
    text = (GUARD / "mcusplit.toml").read_text()
    text = text.replace('name = "guard"', f'name = "guard"\ndefines = {{ OVERRUN = {overrun} }}')
    text = text.replace("segments = 12", f'segments = 12\nguard = "{guard}"')
    (root / "mcusplit.toml").write_text(text)
    return root


def run(tmp_path: Path, board: str, overrun: int, guard: str) -> tuple[build.BuildResult, qemu.RunResult]:
    built = build.build(project.load(guard_project(tmp_path, overrun, guard)), boards.load(board), tmp_path / "out")
    # -icount: time slices end at the same instructions on every run. With host-timed ticks a tick
    # can land between the overrun's `sub sp` and its first store, and the context switch then
    # faults below the 32-byte guard before the overrun touches it (a known gap, docs/runtime.md).
    result = qemu.run(boards.load(board), built.elf, timeout=30, icount_exact=True)
    assert not result.timed_out, "\n".join(result.lines)
    return built, result


@pytest.mark.parametrize(("board", "guard", "name"), GUARDED)
def test_guard_is_silent_while_nothing_overruns(tmp_path, board, guard, name):
    built, result = run(tmp_path, board, 0, guard)
    assert built.layout.guard == name
    assert result.exit_code == 0, "\n".join(result.lines)
    assert not [r for r in result.report.records if r.kind in ("fault", "stack-overflow")]
    assert result.report.stats["overflows"] == 0 and result.report.stats["splits"] > 0
    assert result.lines[0] == "guard: 0e216098 64b6a730 aa1075c3"        # as without a guard


@pytest.mark.parametrize("overrun", sorted(OVERRUN_IN))
@pytest.mark.parametrize(("board", "guard", "name"), GUARDED)
def test_guard_stops_an_overrun_where_it_happens(tmp_path, board, guard, name, overrun):
    built, result = run(tmp_path, board, overrun, guard)
    assert result.exit_code == 102, "\n".join(result.lines)
    record = next(r for r in result.report.records if r.kind == "stack-overflow")
    assert record.fields["guard"] == name
    assert Symbolizer(built.elf).name(record.int("pc")).startswith("overrun"), OVERRUN_IN[overrun]


def test_without_a_guard_the_overrun_runs_on_and_corrupts(tmp_path):
    """The same overrun on an ARMv7-M build without the MPU guard is not stopped where it happens:
    it writes over the memory below its segment, and what notices is the canary at exit (102) or
    the core locking up on what it overwrote (103), never a report naming the overrunning code."""
    _, result = run(tmp_path, "qemu-mps2-an386", 1, "none")
    assert result.exit_code in (102, 103), "\n".join(result.lines)
    assert not any(r.kind == "stack-overflow" and "pc" in r.fields for r in result.report.records)


@pytest.mark.parametrize(("board", "guard", "message"), [
    ("qemu-mps2-an386", "stack-limit", "needs ARMv8-M stack limit registers"),
    ("qemu-microbit", "mpu", "is for ARMv7-M MPUs"),
    ("qemu-mps2-an505", "mpu", "is for ARMv7-M MPUs"),
    ("qemu-mps2-an386", "sometimes", "pool.guard must be one of"),
])
def test_a_guard_the_core_cannot_have_is_one_line(tmp_path, board, guard, message):
    proc = run_cli("build", "--board", board, str(guard_project(tmp_path, 0, guard)), "-o", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
