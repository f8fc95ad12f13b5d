"""The watermarks as a debug probe sees them: from target memory, with the ELF's symbols.

Two independent readings, which must agree with the console's `@mcusplit v1 stats` line:

- the snapshot: `struct mcusplit_stats mcusplit_stats_snapshot`, refreshed by the firmware on every
  `mcusplit_stats_read()` (and so at exit, when the stats line is printed);
- the pool itself, walked exactly as firmware/core/pool.c does, which needs nothing from the
  firmware but its memory (also valid while it runs or after a crash).

Keys are those of the console line: seg_size, segments, in_use, hwm, splits, overflows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..contract import HEADER_BYTES, HEADER_SITE_OFFSET  # struct mcusplit_segment_header
from ..elfimage import Firmware, c_string
from ..errors import McusplitError

SITE_BUCKETS = 64                   # MCUSPLIT_SITE_BUCKETS: splits counted by call site
STATS_WORDS = 7                     # struct mcusplit_stats: version, seg_size, seg_count, in_use, hwm, splits,
                                    # overflows
REPORT_VERSION = 1
CANARY = 0x5AFEC0DE                 # MCUSPLIT_CANARY: the bottom word of every stack

ReadWords = Callable[[int, int], list[int]]     # (address, count) -> 32-bit words


class PoolSymbolsError(McusplitError):
    """The ELF lacks the runtime's symbols (not an mcusplit image, or a stripped one)."""


@dataclass(frozen=True)
class PoolSymbols:
    free_head: int          # &__mcusplit_free (a pointer variable: the head of the free list)
    pool_start: int
    pool_end: int
    seg_size: int           # value of the absolute symbol __mcusplit_seg_size
    snapshot: int           # &mcusplit_stats_snapshot
    stack_base: int         # the first stack's bottom (its canary word)
    site_splits: int        # &__mcusplit_site_splits[0]

    @classmethod
    def from_firmware(cls, firmware: Firmware) -> PoolSymbols:
        names = ("__mcusplit_free", "__mcusplit_pool_start", "__mcusplit_pool_end", "__mcusplit_seg_size",
                 "mcusplit_stats_snapshot", "__mcusplit_stack_base", "__mcusplit_site_splits")
        missing = [n for n in names if n not in firmware.by_name]
        if missing:
            raise PoolSymbolsError(f"not an mcusplit image: no {', '.join(missing)}", str(firmware.path))
        s = firmware.by_name
        return cls(s["__mcusplit_free"].address, s["__mcusplit_pool_start"].address,
                   s["__mcusplit_pool_end"].address, s["__mcusplit_seg_size"].address,
                   s["mcusplit_stats_snapshot"].address, s["__mcusplit_stack_base"].address,
                   s["__mcusplit_site_splits"].address)

    @property
    def seg_count(self) -> int:
        return (self.pool_end - self.pool_start) // self.seg_size


def snapshot_stats(read_words: ReadWords, symbols: PoolSymbols) -> dict[str, int]:
    """The firmware's last mcusplit_stats_snapshot. `version` is 0 until the firmware first reads
    its stats; that is reported as it is, for the caller to judge."""
    version, seg_size, seg_count, in_use, hwm, splits, overflows = read_words(symbols.snapshot, STATS_WORDS)
    return {"version": version, "seg_size": seg_size, "segments": seg_count, "in_use": in_use, "hwm": hwm,
            "splits": splits, "overflows": overflows}


def pool_stats(read_words: ReadWords, symbols: PoolSymbols) -> dict[str, int]:
    """What mcusplit_stats_read() would compute now, from the pool's memory (pool.c's rules)."""
    seg, count = symbols.seg_size, symbols.seg_count
    # in_use = segments - length of the free list; the walk is bounded so a corrupted list ends.
    free = 0
    head = read_words(symbols.free_head, 1)[0]
    while head and free <= count:
        free += 1
        head = read_words(head, 1)[0]
    # hwm = segments ever taken (a call site in header word 1), splits = the call-site counters' sum.
    hwm = 0
    # overflows = stacks whose bottom word is no longer the canary painted at reset.
    overflows = int(read_words(symbols.stack_base, 1)[0] != CANARY)
    for i in range(count):
        base = symbols.pool_start + i * seg
        hwm += read_words(base + seg - HEADER_BYTES + HEADER_SITE_OFFSET, 1)[0] != 0
        overflows += read_words(base, 1)[0] != CANARY
    splits = sum(read_words(symbols.site_splits, SITE_BUCKETS))
    return {"seg_size": seg, "segments": count, "in_use": count - free if free <= count else count,
            "hwm": hwm, "splits": splits, "overflows": overflows}


STATES = {0: "free", 1: "ready", 2: "sleeping", 3: "wait-pool", 4: "wait-gate", 5: "done"}   # sched.h


def task_stats(read_words: ReadWords, firmware: Firmware) -> list[dict[str, int | str]]:
    """Every task slot that ran, as the `@mcusplit v1 task` lines give them (id, name, state, depth,
    hwm, switches), from mcusplit_tasks[] and the offsets in mcusplit_task_layout. [] without tasks.
    The running task's mark is kept in mcusplit_running_hwm until it is switched out."""
    s = firmware.by_name
    if "mcusplit_task_layout" not in s or "mcusplit_tasks" not in s:
        return []
    version, slots, size, o_state, o_entry, o_depth, o_hwm, o_switches = read_words(
        s["mcusplit_task_layout"].address, 8)
    if version != 1:
        raise PoolSymbolsError(f"mcusplit_task_layout version {version} is not one this mcusplit reads",
                               str(firmware.path))
    current = read_words(s["mcusplit_task_current"].address, 1)[0] if "mcusplit_task_current" in s else 0
    running = read_words(s["mcusplit_running_hwm"].address, 1)[0] if "mcusplit_running_hwm" in s else 0
    base = s["mcusplit_tasks"].address
    tasks = []
    for i in range(slots):
        tcb = base + i * size

        def word(offset: int, tcb: int = tcb) -> int:
            return read_words(tcb + offset, 1)[0]

        entry = word(o_entry)
        if not entry:
            continue
        name_address = firmware.word(entry + 4)
        hwm = word(o_hwm)
        if tcb == current and running < 0x80000000:
            hwm = max(hwm, running)
        state = word(o_state)
        tasks.append({"id": i, "name": c_string(firmware, name_address) if name_address else "?",
                      "state": STATES.get(state, str(state)), "depth": 0 if state == 5 else word(o_depth),
                      "hwm": hwm, "switches": word(o_switches)})
    return tasks


def hot_sites(read_words: ReadWords, symbols: PoolSymbols, top: int = 3) -> list[dict[str, int]]:
    """The call sites that split most (at least twice), as the `@mcusplit v1 hot-split` lines: splits,
    bucket, and the latest call site a segment header recorded for that bucket (0: none left)."""
    counts = read_words(symbols.site_splits, SITE_BUCKETS)
    site_at = symbols.seg_size - HEADER_BYTES + HEADER_SITE_OFFSET
    sites = [read_words(symbols.pool_start + i * symbols.seg_size + site_at, 1)[0] for i in range(symbols.seg_count)]
    ranked = sorted((b for b in range(SITE_BUCKETS) if counts[b] >= 2), key=lambda b: (-counts[b], b))[:top]
    out = []
    for bucket in ranked:
        site = next((s & ~1 for s in sites if s and (s >> 1) % SITE_BUCKETS == bucket), 0)
        out.append({"splits": counts[bucket], "bucket": bucket, "site": site})
    return out
