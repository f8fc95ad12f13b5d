"""The soundness corpus as a table: measured / bound (segments) for every program, emulated board
and optimisation level, the same runs tests/test_soundness.py makes.

    python benchmarks/soundness_table.py [--jobs 2] [--out benchmarks/soundness_table.md]

Each cell builds the program with split stacks, runs it in QEMU (-icount shift=0), reads the
runtime's high-water mark and analyzes the ELF; a cell that fails any check of the test (output
against the host gcc build, exit status, segments back, canaries, measured <= bound, = for exact
programs) is marked with its problem.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit import boards  # noqa: E402
from tests import soundness_harness as corpus  # noqa: E402


def cell(job: tuple[str, str, str]) -> tuple[tuple[str, str, str], str]:
    name, board, opt = job
    with tempfile.TemporaryDirectory() as work:
        try:
            outcome = corpus.check(corpus.by_name(name), board, opt, Path(work))
        except Exception as exc:                    # a build error is a cell's result, not the end
            return job, f"error: {type(exc).__name__}"
    text = f"{outcome.measured} / {outcome.bound}"
    return job, text if not outcome.problems else f"**{text}: {outcome.problems[0][:60]}**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "soundness_table.md")
    args = parser.parse_args()
    emulated = [b for b in boards.available() if boards.load(b).emulated]
    programs = corpus.programs()
    jobs = [(p.name, b, o) for p in programs for b in emulated for o in corpus.OPT_LEVELS]
    started = time.monotonic()
    with ProcessPoolExecutor(args.jobs) as pool:
        results = dict(pool.map(cell, jobs))
    workers = f"{args.jobs} job{'s' if args.jobs != 1 else ''}"
    lines = [f"Soundness corpus: measured / bound in segments (`python benchmarks/soundness_table.py`, "
             f"{len(jobs)} builds and runs in {time.monotonic() - started:.0f} s, {workers}).", ""]
    for opt in corpus.OPT_LEVELS:
        lines += [f"### {opt}", "", "| program | " + " | ".join(emulated) + " |",
                  "|---|" + "---:|" * len(emulated)]
        for p in programs:
            label = p.name + (" (exact)" if p.exact else "")
            lines.append(f"| {label} | " + " | ".join(results[(p.name, b, opt)] for b in emulated) + " |")
        lines.append("")
    failures = sum("**" in v for v in results.values())
    lines.append(f"{failures} cell(s) failed.")
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
