"""Interrupt safety under stress (tests/firmware/irqstress, run through tests/irqstress_harness.py).

On every emulated board, split-heavy thread work runs while SysTick and the board's timer
interrupt it at random intervals (seeded, deterministic under -icount shift=0). Both handlers
are split-stack code that splits; the timer preempts SysTick's handler, also while both are on
segments their own recursion took. The thread's results must equal those of a quiet run (no
interrupts), every segment must be back at exit, no stack canary touched, and the handlers'
self-checks must hold. One build per board; rate and seed are patched into a copy of the ELF.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from mcusplit import boards

from . import irqstress_harness as harness
from .conftest import EMULATED_BOARDS

INTERVALS = (1000, 3000)        # mean instructions between two interrupts of one source
SEEDS = (1, 2)

_quiet: dict[str, harness.StressRun] = {}


def quiet_run(elf: Path, board: str) -> harness.StressRun:
    if board not in _quiet:
        _quiet[board] = harness.run(elf, board, harness.QUIET)
        assert _quiet[board].result.exit_code == 0, "\n".join(_quiet[board].result.lines)
        assert _quiet[board].irq.get("systick") == 0 and _quiet[board].irq.get("timer") == 0
    return _quiet[board]


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("interval", INTERVALS)
@pytest.mark.parametrize("board", EMULATED_BOARDS)
def test_split_stack_handlers_under_stress(firmware, tmp_path, board, interval, seed):
    elf = firmware(harness.PROJECT, board).elf
    quiet = quiet_run(elf, board)
    stress = harness.run(elf, board, harness.STRESS, seed, interval, work=tmp_path)
    has_timer = boards.load(board).timer is not None
    problems = harness.problems(stress, quiet, expect_timer=has_timer)
    assert not problems, f"{board} interval={interval} seed={seed}: " + "; ".join(problems) + "\n" + \
        "\n".join(stress.result.lines)
    irq = stress.irq
    assert irq["systick"] > 100 and (irq["timer"] > 100 or not has_timer)
    assert irq["handler_splits"] > irq["systick"] // 2, "the handlers should split on most interrupts"


@pytest.mark.slow
def test_same_seed_same_run(firmware, tmp_path):
    """-icount shift=0: the interrupts land on the same instructions, so two runs print the same."""
    elf = firmware(harness.PROJECT, "qemu-mps2-an386").elf
    first = harness.run(elf, "qemu-mps2-an386", harness.STRESS, 7, 1500, work=tmp_path / "a")
    second = harness.run(elf, "qemu-mps2-an386", harness.STRESS, 7, 1500, work=tmp_path / "b")
    assert first.result.lines == second.result.lines
    other = harness.run(elf, "qemu-mps2-an386", harness.STRESS, 8, 1500, work=tmp_path / "c")
    assert other.thread == first.thread and other.irq != first.irq


@pytest.mark.slow
@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit"])
def test_a_handler_overrunning_its_stack_is_caught(firmware, tmp_path, board):
    """The broken mode: the timer handler runs code without a check whose frame reaches the bottom
    of its segment. The run must not pass: the stack canary gives it away."""
    elf = firmware(harness.PROJECT, board).elf
    broken = harness.run(elf, board, harness.BROKEN, 1, 3000, work=tmp_path, timeout=30)
    problems = harness.problems(broken, quiet_run(elf, board), expect_timer=True)
    assert "exit code 102" in problems and broken.stats["overflows"] > 0, "\n".join(broken.result.lines)
    assert broken.thread == quiet_run(elf, board).thread, "only the canary was hit"


GOOD_LINES = [
    "thread: rec=65785b97 args=cf8f111f float=4a2975cf splits=1883",
    "irq: mode=1 seed=1 interval=1000 systick_q16=1638 timer_q16=1636 timer=yes",
    "irq: systick=4124 timer=4538 handler_splits=14965 nested=1793 nested_pool=1078 nested_split=904 errors=0",
    "@mcusplit v1 stats seg_size=1024 segments=14 in_use=0 hwm=11 splits=18770 overflows=0",
    "@mcusplit v1 exit code=0",
]
QUIET_LINES = [GOOD_LINES[0], "irq: mode=0 seed=1 interval=1000 systick_q16=0 timer_q16=0 timer=no",
               "irq: systick=0 timer=0 handler_splits=0 nested=0 nested_pool=0 nested_split=0 errors=0",
               "@mcusplit v1 stats seg_size=1024 segments=14 in_use=0 hwm=6 splits=1883 overflows=0",
               "@mcusplit v1 exit code=0"]


def _run(lines: list[str], exit_code: int = 0, mode: int = harness.STRESS) -> harness.StressRun:
    return harness.parse("qemu-mps2-an386", mode, 1, 1000, harness.result_from_lines(lines, exit_code))


@pytest.mark.parametrize("change, expected", [
    (lambda ls: [ls[0].replace("rec=65785b97", "rec=65785b96"), *ls[1:]], "thread results differ"),
    (lambda ls: [ls[0].replace("float=4a2975cf", "float=4a2975ce"), *ls[1:]], "thread results differ"),
    (lambda ls: ls[1:], "thread results differ"),
    (lambda ls: [*ls[:3], ls[3].replace("in_use=0", "in_use=1"), ls[4]], "in_use=1"),
    (lambda ls: [*ls[:3], ls[3].replace("overflows=0", "overflows=1"), ls[4]], "overflows=1"),
    (lambda ls: [*ls[:2], ls[2].replace("errors=0", "errors=3"), *ls[3:]], "errors=3"),
    (lambda ls: [*ls[:2], ls[2].replace("nested_split=904", "nested_split=0"), *ls[3:]], "never preempted"),
    (lambda ls: [*ls[:2], ls[2].replace("timer=4538", "timer=0"), *ls[3:]], "no timer interrupt"),
    (lambda ls: [*ls[:2], ls[2].replace("handler_splits=14965", "handler_splits=0"), *ls[3:]], "no handler split"),
    (lambda ls: [ls[0], ls[1].replace("timer=yes", "timer=no"), *ls[2:]], "no timer interrupt"),
])
def test_the_checks_catch_each_kind_of_damage(change, expected):
    quiet = _run(QUIET_LINES, mode=harness.QUIET)
    assert harness.problems(_run(GOOD_LINES), quiet, expect_timer=True) == []
    found = harness.problems(_run(change(GOOD_LINES)), quiet, expect_timer=True)
    assert any(expected in problem for problem in found), found


def test_the_checks_catch_a_bad_exit():
    quiet = _run(QUIET_LINES, mode=harness.QUIET)
    lines = [*GOOD_LINES[:4], "@mcusplit v1 exit code=102"]
    assert "exit code 102" in harness.problems(_run(lines, 102), quiet, expect_timer=True)


@pytest.mark.slow
def test_patch_config_rewrites_only_the_three_settings(firmware, tmp_path):
    elf = firmware(harness.PROJECT, "qemu-mps2-an386").elf
    patched = harness.patch_config(elf, tmp_path / "p.elf", harness.BROKEN, 0x01020304, 0x0A0B0C0D)
    before, after = elf.read_bytes(), patched.read_bytes()
    words = struct.pack("<4I", harness.MAGIC, harness.BROKEN, 0x01020304, 0x0A0B0C0D)
    assert after.count(words) == 1
    at = after.index(words)
    changed = [i for i, (x, y) in enumerate(zip(before, after, strict=True)) if x != y]
    assert changed and at + 4 <= changed[0] and changed[-1] < at + 16
