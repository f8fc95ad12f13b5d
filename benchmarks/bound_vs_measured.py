"""The analyzer's bound against what the firmware measures, for every example and the analyzer's
test programs, on every emulated board.

    python benchmarks/bound_vs_measured.py [--boards a,b] [--out benchmarks/bound_vs_measured.md]

Each program is built with split stacks, run in QEMU, and its pool high-water mark (the runtime's
exit line) is set beside `mcusplit analyze`'s bound for the same ELF and mcusplit.toml. The bound
must never be below the measurement; on the straight-line programs written for it (recursion,
worstpath B) the two are equal. Markdown to stdout (and --out).
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
from mcusplit.analysis import config as analysis_config  # noqa: E402
from mcusplit.analysis.analyze import analyze  # noqa: E402
from mcusplit.emu import qemu  # noqa: E402
from mcusplit.errors import BuildError  # noqa: E402

# (label, project directory, defines over the project's, the program is written to reach its bound)
PROGRAMS = [
    ("examples/recursion", "examples/recursion", {}, True),
    ("examples/mixed", "examples/mixed", {}, False),
    ("examples/tasks32", "examples/tasks32", {}, False),
    ("worstpath A (deeper in bytes)", "tests/firmware/worstpath", {"WHICH": "0"}, False),
    ("worstpath B (more segments)", "tests/firmware/worstpath", {"WHICH": "1"}, True),
    ("abi", "tests/firmware/abi", {}, False),
    ("tasks", "tests/firmware/tasks", {}, False),
]


def measure(label: str, directory: str, defines: dict[str, str], board: str,
            out: Path) -> tuple[int, int, str] | None:
    """(measured, bound, check verdict), or None when the program does not fit the board's RAM."""
    proj = project.load(ROOT / directory)
    if defines:
        proj = dataclasses.replace(proj, defines={**proj.defines, **defines})
    try:
        built = build.build(proj, boards.load(board), out)
    except BuildError as e:
        if "will not fit in region" in str(e):
            return None
        raise
    result = qemu.run(boards.load(board), built.elf, timeout=120)
    if result.exit_code != 0:
        raise SystemExit(f"{label} on {board}: exit {result.exit_code}")
    analysis = analyze(built.elf, analysis_config.load(proj.config_path))
    failures = analysis.check_failures()
    return result.report.stats["hwm"], analysis.pool_needed, "; ".join(failures) or "passed"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", help="comma-separated (default: every emulated board)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    names = args.boards.split(",") if args.boards else [n for n in boards.available() if boards.load(n).emulated]
    lines = ["| program | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    bad = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, directory, defines, exact) in enumerate(PROGRAMS):
            cells = []
            for board in names:
                figures = measure(label, directory, defines, board, Path(tmp) / f"{i}-{board}")
                if figures is None:
                    cells.append("does not fit")
                    continue
                measured, bound, check = figures
                cells.append(f"{measured} / {bound}" + ("" if check == "passed" else " (check: " + check + ")"))
                if measured > bound or (exact and measured != bound):
                    bad.append(f"{label} on {board}: measured {measured}, bound {bound}")
            lines.append(f"| {label}{' (exact)' if exact else ''} | " + " | ".join(cells) + " |")
            print(lines[-1] if i else "\n".join(lines), flush=True)
    text = ("Pool high-water mark measured in QEMU / the analyzer's bound, in segments "
            "(python benchmarks/bound_vs_measured.py)\n\n" + "\n".join(lines) + "\n")
    if args.out:
        args.out.write_text(text)
    for line in bad:
        print("WRONG:", line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
