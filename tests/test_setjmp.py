"""setjmp/longjmp across split stacks (firmware/core/setjmp.S): a longjmp gives back every segment
taken since its setjmp, puts the hardware guard back and restores the callee-saved registers, d8-d15
included; in main, in tasks switched inside the jumps, and under a splitting interrupt handler.

tests/firmware/setjmp runs in several modes (its MODE define, see its main.c).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mcusplit import boards, build, project
from mcusplit.emu import qemu

from .conftest import EMULATED_BOARDS, FIRMWARE

pytestmark = pytest.mark.slow

SETJMP = FIRMWARE / "setjmp"
ROUNDS = 3000
TIMER_RATE = {"qemu-netduinoplus2": 2000, "nucleo-f4": 2000}     # QEMU's STM32 timer counts at 1 GHz


def variant(tmp_path: Path, name: str, defines: dict[str, int], guard: str = "auto") -> Path:
    root = tmp_path / name
    root.mkdir()
    shutil.copy(SETJMP / "main.c", root / "main.c")
    text = (SETJMP / "mcusplit.toml").read_text()
    text = text.replace('name = "setjmp"', f'name = "{name}"\ndefines = {{ '
                        + ", ".join(f"{k} = {v}" for k, v in defines.items()) + " }")
    (root / "mcusplit.toml").write_text(text.replace("[tasks]", f'guard = "{guard}"\n\n[tasks]'))
    return root


def run(project_dir: Path, board: str, out: Path, split: bool = True) -> qemu.RunResult:
    built = build.build(project.load(project_dir), boards.load(board), out, split_stack=split)
    result = qemu.run(boards.load(board), built.elf, timeout=90, icount_exact=True)
    assert not result.timed_out, "\n".join(result.lines)
    assert result.exit_code == 0, "\n".join(result.lines)
    assert "bad jumps: 0" in result.lines and "in use at the end: 0" in result.lines
    return result


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_jumps_out_of_deep_recursion_give_back_every_segment(firmware, board):
    split = qemu.run(boards.load(board), firmware(SETJMP, board, True).elf, timeout=90)
    plain = qemu.run(boards.load(board), firmware(SETJMP, board, False).elf, timeout=90)
    assert split.exit_code == 0 and plain.exit_code == 0, "\n".join(split.lines + plain.lines)
    assert split.application_lines == plain.application_lines
    assert split.application_lines[0].startswith(f"jumps: {ROUNDS} rounds")
    crossed, given, most = (int(n) for n in re.search(
        r"# (\d+) jumps crossed splits and gave back (\d+) segments \(at most (\d+)",
        "\n".join(split.lines)).groups())
    # Thousands of jumps crossed splits: without the give-backs the 12-segment pool would be gone
    # after a handful. Every fourth round jumps without crossing one (no pool change, checked inside).
    assert crossed > 2000 and given > 5000 and most >= 4
    stats = split.report.stats
    assert stats["in_use"] == 0 and stats["overflows"] == 0 and stats["splits"] > given


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_jumps_in_tasks_switched_inside_them(tmp_path, board):
    result = run(variant(tmp_path, "sjtasks", {"MODE": 1, "TICK": 700}), board, tmp_path / "out")
    assert [line.split()[-1] for line in result.lines if line.startswith("task ")] == ["ok", "ok"]
    sched = next(r for r in result.report.records if r.kind == "sched")
    assert sched.int("switches") > 40


@pytest.mark.parametrize("tick", [680, 690, 720, 800])
def test_pool_statistics_read_while_tasks_switch(tmp_path, tick):
    """The tasks read the pool's statistics (mcusplit_stats_read walks the free list) while SysTick
    switches them: a walk switched out on a segment the other task then took followed its saved
    sp into a stack; on the STM32F405 that read unmapped memory (a bus fault at these ticks before
    the walk was masked; 700 passed by chance)."""
    result = run(variant(tmp_path, "sjticks", {"MODE": 1, "TICK": tick}), "nucleo-f4", tmp_path / "out")
    assert [line.split()[-1] for line in result.lines if line.startswith("task ")] == ["ok", "ok"]


@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_jumps_under_a_splitting_interrupt_handler(tmp_path, board):
    defines = {"MODE": 2, "TIMER_RATE": TIMER_RATE.get(board, 100000)}
    result = run(variant(tmp_path, "sjirq", defines), board, tmp_path / "out")
    interrupts = int(re.search(r"# timer: (\d+) interrupts", "\n".join(result.lines)).group(1))
    assert interrupts > 500


@pytest.mark.parametrize("mode", [0, 1])
@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-lm3s6965evb"])
def test_jumps_move_the_mpu_guard_back(tmp_path, board, mode):
    """The guard must follow sp back to the setjmp's segment (the firmware checks it after every
    jump: region 7 at the bottom of the segment sp is in)."""
    run(variant(tmp_path, f"sjmpu{mode}", {"MODE": mode, "TICK": 700}, guard="mpu"), board, tmp_path / "out")
