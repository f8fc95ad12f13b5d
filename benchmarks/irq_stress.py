"""The interrupt stress matrix: split-stack handlers for SysTick and the board's timer, nested, on
every emulated board, at several interrupt rates and seeds.

    python benchmarks/irq_stress.py                                   # the matrix (about 20 s on 2 cores)
    python benchmarks/irq_stress.py --boards qemu-microbit --intervals 700 --seeds 1,2,3

The firmware is tests/firmware/irqstress (built once per board; rate and seed are patched into
a copy of the ELF, see tests/irqstress_harness.py); runs use QEMU's -icount shift=0, so every
row is reproducible. A row is OK when the thread's results equal the quiet run's (no
interrupts), every segment is back at exit, no stack canary was touched, the handlers' own
checks hold, both sources interrupted, the handlers split, and (on a board with a timer) the
timer preempted a SysTick handler running on a segment its recursion took and split too.

Columns: interval = mean instructions between two interrupts of one source; thread splits =
the thread's own (equal in every run); handler splits = levels of handler recursion that ran
on a new segment; nested = timer handlers that preempted SysTick's; nested splits = of those,
while SysTick was on a segment its recursion took and the timer handler split as well;
interrupts = SysTick + timer handlers run; hwm = most segments in use at once (of 14).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit import boards, build, project  # noqa: E402
from tests import irqstress_harness as harness  # noqa: E402

INTERVALS = (700, 1000, 3000)
SEEDS = (1, 2, 3)


def board_rows(board: str, intervals: list[int], seeds: list[int], work: Path) -> list[dict]:
    built = build.build(project.load(harness.PROJECT), boards.load(board), work / board, jobs=1)
    quiet = harness.run(built.elf, board, harness.QUIET)
    has_timer = boards.load(board).timer is not None
    rows = []
    for interval in intervals:
        for seed in seeds:
            run = harness.run(built.elf, board, harness.STRESS, seed, interval, count_instructions=True)
            problems = harness.problems(run, quiet, expect_timer=has_timer)
            irq = run.irq
            thread_splits = run.thread.rsplit("splits=", 1)[-1] if "splits=" in run.thread else "-"
            rows.append({
                "board": board, "core": boards.load(board).core.key, "interval": interval, "seed": seed,
                "result": "OK" if not problems else "FAIL", "problems": problems,
                "thread_splits": thread_splits, "handler_splits": irq.get("handler_splits", 0),
                "nested": irq.get("nested", 0), "nested_splits": irq.get("nested_split", 0),
                "interrupts": irq.get("systick", 0) + irq.get("timer", 0),
                "hwm": run.stats.get("hwm", "-"), "instructions": run.result.instructions or 0,
            })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", default=",".join(n for n in boards.available() if boards.load(n).emulated))
    parser.add_argument("--intervals", default=",".join(map(str, INTERVALS)))
    parser.add_argument("--seeds", default=",".join(map(str, SEEDS)))
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    names = args.boards.split(",")
    intervals = [int(i) for i in args.intervals.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    with tempfile.TemporaryDirectory(prefix="mcusplit-irq-") as tmp, ThreadPoolExecutor(args.jobs) as pool:
        rows = [row for rows in pool.map(lambda b: board_rows(b, intervals, seeds, Path(tmp)), names)
                for row in rows]
    header = ["board", "core", "interval", "seed", "result", "thread splits", "handler splits", "nested",
              "nested splits", "interrupts", "hwm", "instructions"]
    keys = ["board", "core", "interval", "seed", "result", "thread_splits", "handler_splits", "nested",
            "nested_splits", "interrupts", "hwm", "instructions"]
    cells = [[f"{r[k]:,}" if isinstance(r[k], int) and k not in ("interval", "seed", "hwm") else str(r[k])
              for k in keys] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    left = {0, 1, 4}

    def line(values: list[str]) -> str:
        return "| " + " | ".join(v.ljust(w) if i in left else v.rjust(w)
                                 for i, (v, w) in enumerate(zip(values, widths, strict=True))) + " |"

    print("Interrupt stress matrix: split-stack SysTick and timer handlers, the timer preempting SysTick")
    print("(QEMU -icount shift=0; tests/firmware/irqstress; python benchmarks/irq_stress.py)\n")
    print(line(header))
    print("|" + "|".join(("-" * (w + 1) + ":") if i not in left else ("-" * (w + 2))
                         for i, w in enumerate(widths)) + "|")
    for c in cells:
        print(line(c))
    failed = [r for r in rows if r["result"] != "OK"]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} runs OK")
    for r in failed:
        print(f"FAIL {r['board']} interval={r['interval']} seed={r['seed']}: {'; '.join(r['problems'])}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
