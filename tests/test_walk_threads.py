"""The stack walk from several threads at once (benchmarks/bench.py builds in threads, and every
build analyses its image for the allowance): each thread's walk equals the walk done alone. A
shared capstone handle garbled instructions across threads (a `popne {.., pc}` read without its
IT block), which the allowance then reported as code it could not read."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from mcusplit.analysis.elf import Firmware
from mcusplit.analysis.stackwalk import StackWalker, walk_all

from .conftest import EXAMPLES


def summary(elf) -> dict:
    infos = walk_all(StackWalker(Firmware(elf)))
    return {i.name: (i.frame, i.returns, len(i.calls), tuple(u.reason for u in i.unknowns)) for i in infos.values()}


def test_walks_in_threads_equal_the_walk_alone(firmware):
    elves = [firmware(EXAMPLES / "libc", board).elf for board in ("qemu-mps2-an386", "qemu-microbit")]
    alone = [summary(elf) for elf in elves]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(summary, elves * 4))
    for i, result in enumerate(together):
        assert result == alone[i % 2]
