"""Build and run the examples with and without split stacks on every emulated board, side by side.

    python benchmarks/examples_report.py [--boards a,b] [--json out.json]

For each board and example: build time, code size (.text), exact executed
instructions (QEMU -icount shift=0 + the counting plugin), the ratio split /
plain, and the __morestack round trip (instructions inside __morestack per
split, plus the 2-instruction stub). All figures come from this one run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from elftools.elf.elffile import ELFFile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit import boards, build, project  # noqa: E402
from mcusplit.analysis.elf import Firmware  # noqa: E402
from mcusplit.emu import qemu  # noqa: E402

STUB_INSTRUCTIONS = 2      # adr.w/b.w (Thumb-2) or mov/bl (Thumb-1), executed once per split


def text_size(elf: Path) -> int:
    with elf.open("rb") as f:
        return ELFFile(f).get_section_by_name(".text")["sh_size"]


def morestack_range(elf: Path) -> tuple[int, int]:
    fw = Firmware(elf)
    entries = [s for s in fw.symbols if s.name.startswith("__morestack")]
    return min(s.address for s in entries), max(s.address + s.size for s in entries)


def measure(example: str, board_name: str, work: Path) -> dict:
    board = boards.load(board_name)
    proj = project.load(ROOT / "examples" / example)
    row: dict = {"board": board_name, "core": board.core.key, "example": example}
    for split in (False, True):
        label = "split" if split else "plain"
        result = build.build(proj, board, work / f"{example}-{board_name}-{label}", split_stack=split)
        ranges = [morestack_range(result.elf)] if split else []
        run = qemu.run(board, result.elf, timeout=60, count_instructions=True, count_ranges=ranges)
        if run.exit_code != 0:
            raise SystemExit(f"{example} on {board_name} ({label}) exited with {run.exit_code}")
        row[f"{label}_build_s"] = round(result.seconds, 2)
        row[f"{label}_text"] = text_size(result.elf)
        row[f"{label}_instructions"] = run.instructions
        if split:
            stats = run.report.stats
            row["splits"] = stats["splits"]
            row["hwm"] = stats["hwm"]
            inside = run.range_counts[0][2]
            row["morestack_round_trip"] = round(inside / stats["splits"] + STUB_INSTRUCTIONS, 1)
    row["instructions_ratio"] = round(row["split_instructions"] / row["plain_instructions"], 4)
    row["text_ratio"] = round(row["split_text"] / row["plain_text"], 4)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", help="comma-separated boards (default: every emulated board)")
    parser.add_argument("--examples", default="recursion,mixed")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    names = args.boards.split(",") if args.boards else [b for b in boards.available() if boards.load(b).emulated]
    rows = []
    with tempfile.TemporaryDirectory(prefix="mcusplit-bench-") as tmp:
        for example in args.examples.split(","):
            for name in names:
                rows.append(measure(example, name, Path(tmp)))
    header = (f"{'example':<10} {'board':<19} {'core':<11} {'build s':>11} {'.text B':>15} {'ratio':>6} "
              f"{'instructions':>21} {'ratio':>7} {'splits':>6} {'hwm':>4} {'round trip':>10}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['example']:<10} {r['board']:<19} {r['core']:<11} "
              f"{r['plain_build_s']:>5.2f}/{r['split_build_s']:<5.2f} "
              f"{r['plain_text']:>7}/{r['split_text']:<7} {r['text_ratio']:>6.3f} "
              f"{r['plain_instructions']:>10}/{r['split_instructions']:<10} {r['instructions_ratio']:>7.4f} "
              f"{r['splits']:>6} {r['hwm']:>4} {r['morestack_round_trip']:>10}")
    print("\nplain/split: without and with split stacks; round trip: instructions per split "
          "(__morestack + stub); instructions exact (QEMU -icount shift=0, counting plugin)")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
