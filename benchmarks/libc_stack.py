"""How deep the C library calls of examples/libc go below their call site, per core (stack painting).

    python benchmarks/libc_stack.py [--boards a,b]

Builds benchmarks/workloads/libc_stack without split stacks (one contiguous stack: nothing splits,
so what a call writes below its call site is all its own) and runs it: the firmware paints the
stack below each call, makes it, and prints the lowest byte it changed. Then, per call, the reserve
a build without the allowance analysis needs for the call to run below a checked frame:
depth + exception frame + __morestack's pushes + a handler's entry + an unchecked leaf (the terms
of codegen/layout.py's unchecked allowance), rounded up to 8. The table is in docs/libc.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit import boards, build, project  # noqa: E402
from mcusplit.contract import HANDLER_ENTRY_BYTES, MORESTACK_PUSH_MAX  # noqa: E402
from mcusplit.emu import qemu  # noqa: E402
from mcusplit.project import DEFAULT_LEAF_ALLOWANCE  # noqa: E402

BOARDS = ["qemu-microbit", "qemu-lm3s6965evb", "qemu-mps2-an386", "qemu-mps2-an500", "qemu-mps2-an505"]


def measure(board_name: str, work: Path) -> dict[str, int]:
    board = boards.load(board_name)
    built = build.build(project.load(ROOT / "benchmarks" / "workloads" / "libc_stack"), board,
                        work / board_name, split_stack=False)
    run = qemu.run(board, built.elf, timeout=60)
    if run.exit_code != 0:
        raise SystemExit(f"{board_name}: exit {run.exit_code}\n" + "\n".join(run.lines))
    depths = {}
    for line in run.lines:
        name, _, value = line.rpartition(" ")
        if name and not line.startswith(("#", "@")) and value.isdigit() and "  " in name:
            depths[name.strip()] = int(value)
    return depths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", default=",".join(BOARDS))
    names = parser.parse_args().boards.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: measure(name, Path(tmp)) for name in names}
    cores = {name: boards.load(name).core for name in names}
    calls = list(next(iter(results.values())))
    print("| call | " + " | ".join(f"{cores[n].key}" for n in names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for call in calls:
        print(f"| `{call}` | " + " | ".join(str(results[n][call]) for n in names) + " |")
    deepest = {n: max(results[n].values()) for n in names}
    needs = {n: -(-(deepest[n] + cores[n].exception_frame_bytes + MORESTACK_PUSH_MAX + HANDLER_ENTRY_BYTES
                    + DEFAULT_LEAF_ALLOWANCE) // 8) * 8 for n in names}
    print("| reserve the deepest call needs | " + " | ".join(str(needs[n]) for n in names) + " |")


if __name__ == "__main__":
    main()
