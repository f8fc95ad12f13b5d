"""[tasks] contiguous_stack: builds without split stacks give every task a contiguous stack of its
own (the reference benchmarks/tasks32_memory.py sizes). Big enough, tasks32 passes; too small, the
run must not pass (canary report 102, a fault 101, or a lockup 103)."""

from __future__ import annotations

import dataclasses

import pytest

from mcusplit import boards, build, project
from mcusplit.emu import qemu

from .conftest import EXAMPLES, require_tool

pytestmark = pytest.mark.slow

BOARD = "qemu-mps2-an386"       # 32 stacks of 16 KiB: 4 MiB of RAM


def _run(tmp_path, stack: int) -> qemu.RunResult:
    require_tool("qemu-system-arm")
    base = project.load(EXAMPLES / "tasks32")
    proj = dataclasses.replace(base, contiguous_stack=stack, pool=dataclasses.replace(base.pool, segments=1))
    built = build.build(proj, boards.load(BOARD), tmp_path / str(stack), split_stack=False)
    result = qemu.run(boards.load(BOARD), built.elf, timeout=120, icount_exact=True)
    assert not result.timed_out
    return result


def test_contiguous_task_stacks_run_tasks32(tmp_path):
    result = _run(tmp_path, 16384)
    assert result.exit_code == 0, "\n".join(result.lines[-10:])
    assert any("results ok" in line for line in result.lines)
    assert result.report.stats["segments"] == 0, "no pool: the tasks ran on their contiguous stacks"


def test_contiguous_task_stacks_too_small_do_not_pass(tmp_path):
    # The deep recursion needs about 10 KiB: 8 KiB overflows every task that goes deep.
    result = _run(tmp_path, 8192)
    assert result.exit_code in (101, 102, 103), "\n".join(result.lines[-10:])
