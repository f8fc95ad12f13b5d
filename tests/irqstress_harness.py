"""The interrupt stress firmware (tests/firmware/irqstress): run settings, results, and the checks.

One build per board serves every run: the mode, seed and interval are words of the constant
`irqstress_config` in flash, patched in a copy of the ELF (QEMU loads the ELF's segments, and a
real board would be flashed with the copy). Runs use -icount shift=0, so the interrupts land on
the same instructions every time: a run is reproducible from (board, seed, interval).

Used by tests/test_interrupts.py and benchmarks/irq_stress.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from mcusplit import boards
from mcusplit.elfimage import patch_object
from mcusplit.emu import qemu
from mcusplit.watermarks import parse_line

PROJECT = Path(__file__).resolve().parent / "firmware" / "irqstress"
MAGIC = 0x53515249
QUIET, STRESS, BROKEN = 0, 1, 2
MODES = {"quiet": QUIET, "stress": STRESS, "broken": BROKEN}
TIMEOUT = 120.0


def patch_config(elf: Path, out: Path, mode: int, seed: int, interval: int) -> Path:
    """A copy of `elf` whose irqstress_config is {MAGIC, mode, seed, interval}."""
    return patch_object(elf, out, "irqstress_config", [MAGIC, mode, seed, interval], first=MAGIC)


@dataclass
class StressRun:
    board: str
    mode: int
    seed: int
    interval: int
    result: qemu.RunResult
    thread: str = ""                              # the thread's result line
    irq: dict[str, int] = field(default_factory=dict)
    timer: bool = False

    @property
    def stats(self) -> dict[str, int]:
        return self.result.report.stats or {}


_FIELD = re.compile(r"(\w+)=(\d+)")


def parse(board: str, mode: int, seed: int, interval: int, result: qemu.RunResult) -> StressRun:
    run = StressRun(board, mode, seed, interval, result)
    for line in result.lines:
        if line.startswith("thread:"):
            run.thread = line
        elif line.startswith("irq:"):
            run.irq.update({k: int(v) for k, v in _FIELD.findall(line)})
            if " timer=yes" in line:
                run.timer = True
    return run


def result_from_lines(lines: list[str], exit_code: int = 0) -> qemu.RunResult:
    """A RunResult as the runner would build it from these console lines (for checking the checks)."""
    result = qemu.RunResult(exit_code=exit_code, lines=list(lines))
    for line in lines:
        record = parse_line(line)
        if record is not None:
            result.report.add(record)
    return result


def run(elf: Path, board: str, mode: int = STRESS, seed: int = 1, interval: int = 1000,
        work: Path | None = None, count_instructions: bool = False, timeout: float = TIMEOUT) -> StressRun:
    """Run one configuration (deterministic: -icount shift=0)."""
    work = work or elf.parent
    patched = patch_config(elf, work / f"irqstress-m{mode}-s{seed}-i{interval}.elf", mode, seed, interval)
    result = qemu.run(boards.load(board), patched, timeout=timeout, icount_exact=True,
                      count_instructions=count_instructions)
    return parse(board, mode, seed, interval, result)


def problems(stress: StressRun, quiet: StressRun, expect_timer: bool) -> list[str]:
    """Everything wrong with a stress run, compared with the quiet run of the same build (empty: OK)."""
    found = []
    if stress.result.timed_out:
        found.append("timed out")
    if stress.result.exit_code != 0:
        found.append(f"exit code {stress.result.exit_code}")
    if not quiet.thread:
        found.append("the quiet run printed no thread results")
    if stress.thread != quiet.thread:
        found.append(f"thread results differ from the quiet run: {stress.thread!r} vs {quiet.thread!r}")
    stats = stress.stats
    if stats.get("in_use") != 0:
        found.append(f"in_use={stats.get('in_use')} at exit")
    if stats.get("overflows") != 0:
        found.append(f"overflows={stats.get('overflows')}")
    irq = stress.irq
    if irq.get("errors", -1) != 0:
        found.append(f"handler self-checks failed: errors={irq.get('errors')}")
    if irq.get("systick", 0) == 0:
        found.append("no SysTick interrupt")
    if irq.get("handler_splits", 0) == 0:
        found.append("no handler split")
    if expect_timer:
        if not stress.timer or irq.get("timer", 0) == 0:
            found.append("no timer interrupt")
        if irq.get("nested_split", 0) == 0:
            found.append("the timer never preempted a splitting SysTick handler while splitting itself")
    return found
