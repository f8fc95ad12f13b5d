"""tasks32: the stack RAM contiguous task stacks need, measured, beside the pool the split build has.

    python benchmarks/tasks32_memory.py                      # about 2 minutes; writes nothing
    python benchmarks/tasks32_memory.py > benchmarks/tasks32_memory.txt

Both builds are examples/tasks32 on qemu-mps2-an386 (4 MiB of RAM: 32 contiguous stacks do not fit
in a NUCLEO-F411RE's 128 KiB), run under -icount shift=0 so every run takes the same path.

- split: the example as it is; the pool is `pool.segments x pool.segment_size` from its
  mcusplit.toml, and the run must end with exit 0, `results ok` and no overflow.
- contiguous: `--no-split-stack` with `[tasks] contiguous_stack = S` (firmware/tasks/sched.c gives
  every task slot a stack of S bytes with a canary in its bottom word) and `pool.segments = 1`
  (the first stack, where main and the handlers run, is then 2 segments: 2 KiB). S is one size for
  all 32 tasks (every task goes deep at least once, so each needs the deep recursion's stack); it
  is binary-searched, in steps of 8 bytes, for the smallest at which the run passes: exit 0 (no
  canary of a task stack or of the first stack changed, no fault) and `results ok`.

What the contiguous figure is: the least that this run needs. A run only meets the interrupts it
meets, so a contiguous stack sized this way is not proven for every interleaving (a SysTick frame
at the deepest point, a lazily stacked FP frame); the pool as built is (mcusplit analyze). The
ratio therefore leans towards contiguous stacks.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit import boards, build, project  # noqa: E402
from mcusplit.emu import qemu  # noqa: E402

EXAMPLE = ROOT / "examples" / "tasks32"
BOARD = "qemu-mps2-an386"
TASKS = 32


def passes(result: qemu.RunResult) -> bool:
    return (not result.timed_out and result.exit_code == 0
            and any("results ok" in line for line in result.lines)
            and result.report.stats.get("overflows", 0) == 0)


def run_contiguous(stack: int, work: Path) -> qemu.RunResult:
    base = project.load(EXAMPLE)
    proj = dataclasses.replace(base, contiguous_stack=stack, pool=dataclasses.replace(base.pool, segments=1))
    built = build.build(proj, boards.load(BOARD), work / f"contiguous-{stack}", split_stack=False, jobs=1)
    return qemu.run(boards.load(BOARD), built.elf, timeout=120, icount_exact=True)


def smallest_contiguous(low: int, high: int, work: Path, say) -> tuple[int, int]:
    """The smallest passing size in [low, high] (multiples of 8), and the number of runs it took."""
    runs = 0
    result = run_contiguous(high, work)
    runs += 1
    if not passes(result):
        raise SystemExit(f"contiguous stacks of {high} B do not pass either:\n" + "\n".join(result.lines[-8:]))
    while high - low > 8:
        middle = (low + high) // 2 // 8 * 8
        result = run_contiguous(middle, work)
        runs += 1
        ok = passes(result)
        say(f"# {middle} B per task: {'pass' if ok else f'fail (exit {result.exit_code})'}")
        if ok:
            high = middle
        else:
            low = middle
    return high, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--low", type=int, default=256, help="a size known to fail (bytes)")
    parser.add_argument("--high", type=int, default=32768, help="a size known to pass (bytes)")
    args = parser.parse_args()

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="tasks32-memory-") as tmp:
        work = Path(tmp)
        proj = project.load(EXAMPLE)
        split = build.build(proj, boards.load(BOARD), work / "split", jobs=1)
        split_run = qemu.run(boards.load(BOARD), split.elf, timeout=120, icount_exact=True)
        if not passes(split_run):
            raise SystemExit("the split-stack build does not pass:\n" + "\n".join(split_run.lines[-8:]))
        stats = split_run.report.stats
        pool = proj.pool.segments * proj.pool.segment_size
        stack, runs = smallest_contiguous(args.low, args.high, work, say)
        if passes(run_contiguous(stack - 8, work)):
            raise SystemExit(f"{stack - 8} B passes too: the search is wrong")
        contiguous = TASKS * stack

    print(f"tasks32 on {BOARD} (-icount shift=0), {TASKS} tasks; command: python benchmarks/tasks32_memory.py")
    print(f"split stacks:  pool as built {proj.pool.segments} x {proj.pool.segment_size} B = {pool} B "
          f"({pool / 1024:.1f} KiB); measured high-water mark {stats['hwm']} segments "
          f"({stats['hwm'] * proj.pool.segment_size} B), {stats['splits']} splits")
    print(f"contiguous:    smallest stack per task that passes {stack} B ({stack - 8} B fails; {runs} runs); "
          f"{TASKS} x {stack} B = {contiguous} B ({contiguous / 1024:.1f} KiB)")
    print(f"contiguous / pool as built: {contiguous / pool:.2f}x")
    print("(both builds also have the first stack, where main and the handlers run: 1 KiB split, 2 KiB contiguous)")


if __name__ == "__main__":
    main()
