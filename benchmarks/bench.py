"""The prologue benchmark: no split stacks / LLVM's stock prologue / mcusplit's, measured in one run.

    python benchmarks/bench.py                       # everything (about 5 minutes on 2 cores)
    python benchmarks/bench.py --boards qemu-mps2-an386 --workloads coremark_like --json out.json

Instruction counts are exact: QEMU with -icount shift=0 and mcusplit's counting plugin. Every
workload is built twice, with ITERATIONS = N and 2N, and the per-iteration count is the difference
divided by N, so start-up and printing cancel out. Variants:

  plain    no split stacks (the reference: ratios are against it)
  llvm     LLVM's own split-stack prologue (limit read from a word instead of CP15) and a
           __morestack of LLVM's contract: what "stock LLVM" costs on Cortex-M
  checks   mcusplit's prologue on every function LLVM gives one (check_elision = "none")
  leaf     the default: no checks on leaves and on small subtrees (check_elision = "leaf")
  full     and every check the analysis proves unnecessary (check_elision = "full")

and, for the split cost only:

  noguard  the default without the ARMv8-M stack-limit guard (M33: the default has it)
  mpu      the default with the ARMv7-M MPU guard region (M4F)
  tasks    the __morestack firmware with tasks links (exact per-task high-water marks)

The split cost (roundtrip, hotsplit) is per call: the same build run with and without a forced
split on every call, the difference divided by the number of calls.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from elftools.elf.elffile import ELFFile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from baseline.llvm_stock import build_stock  # noqa: E402

from mcusplit import boards, build, project  # noqa: E402
from mcusplit.emu import qemu  # noqa: E402

WORKLOADS = ROOT / "benchmarks" / "workloads"
BOARDS = ["qemu-microbit", "qemu-mps2-an386", "qemu-mps2-an505"]
VARIANTS = ["plain", "llvm", "checks", "leaf", "full", "noguard", "mpu", "tasks"]
SPLIT_ONLY = {"noguard": ("v8m.main",), "mpu": ("v7m", "v7em"), "tasks": ("v6m", "v7m", "v7em", "v8m.main")}
PER_ITERATION = {"coremark_like": 4, "recursion": 4}          # workload -> N (runs N and 2N)
SPLIT_COST = {"roundtrip": 100, "hotsplit": 100}   # N, 2N print the same number of digits


def build_variant(workload: str, board: str, variant: str, defines: dict[str, str], out: Path) -> Path:
    proj = project.load(WORKLOADS / workload)
    elision = {"checks": "none", "full": "full"}.get(variant, "leaf")
    guard = {"noguard": "none", "mpu": "mpu"}.get(variant, proj.pool.guard)
    proj = dataclasses.replace(proj, defines={**proj.defines, **defines}, check_elision=elision,
                               pool=dataclasses.replace(proj.pool, guard=guard))
    if variant == "llvm":
        return build_stock(proj, boards.load(board), out, jobs=1).elf
    result = build.build(proj, boards.load(board), out, split_stack=variant != "plain", jobs=1,
                         task_hwm=variant == "tasks")
    return result.elf


def text_bytes(elf: Path) -> int:
    with elf.open("rb") as f:
        return ELFFile(f).get_section_by_name(".text")["sh_size"]


def instructions(elf: Path, board: str) -> tuple[int, list[str]]:
    run = qemu.run(boards.load(board), elf, timeout=120, count_instructions=True)
    if run.exit_code != 0:
        raise SystemExit(f"{elf}: exit {run.exit_code}\n" + "\n".join(run.lines[-5:]))
    return run.instructions, run.application_lines


def measure(workload: str, board: str, variant: str, work: Path) -> dict:
    tag = f"{workload}-{board}-{variant}"
    row: dict = {"workload": workload, "board": board, "core": boards.load(board).core.key, "variant": variant}
    if workload in PER_ITERATION:
        n = PER_ITERATION[workload]
        elf_n = build_variant(workload, board, variant, {"ITERATIONS": str(n)}, work / f"{tag}-1")
        elf_2n = build_variant(workload, board, variant, {"ITERATIONS": str(2 * n)}, work / f"{tag}-2")
        (count_n, lines), (count_2n, _) = instructions(elf_n, board), instructions(elf_2n, board)
        row.update(per_iteration=(count_2n - count_n) / n, text=text_bytes(elf_n), result=lines)
    else:
        calls = SPLIT_COST[workload]
        counts = {}
        for mode, defines in (("split", {}), ("nosplit", {"NO_SPLIT_CALL": "1"})):
            for k in (1, 2):
                elf = build_variant(workload, board, variant, {"ITERATIONS": str(k * calls), **defines},
                                    work / f"{tag}-{mode}-{k}")
                counts[mode, k] = instructions(elf, board)[0]
        per_call = {m: (counts[m, 2] - counts[m, 1]) / calls for m in ("split", "nosplit")}
        row.update(split_call=per_call["split"], plain_call=per_call["nosplit"],
                   split_cost=per_call["split"] - per_call["nosplit"])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--boards", default=",".join(BOARDS))
    parser.add_argument("--workloads", default=",".join([*PER_ITERATION, *SPLIT_COST]))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every measurement as JSON")
    args = parser.parse_args()
    jobs = []
    for workload in args.workloads.split(","):
        for board in args.boards.split(","):
            for variant in args.variants.split(","):
                arch = boards.load(board).core.arch
                if variant in SPLIT_ONLY and (workload not in SPLIT_COST or arch not in SPLIT_ONLY[variant]):
                    continue
                if workload in SPLIT_COST and variant == "plain":
                    continue
                jobs.append((workload, board, variant))
    with tempfile.TemporaryDirectory(prefix="mcusplit-bench-") as tmp, ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(measure, w, b, v, Path(tmp)) for w, b, v in jobs]
        rows = []
        for (w, b, v), f in zip(jobs, futures, strict=True):
            rows.append(f.result())
            print(f"  measured {w} on {b}, {v}", file=sys.stderr, flush=True)
    report(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def report(rows: list[dict]) -> None:
    variants = [v for v in VARIANTS if any(r["variant"] == v for r in rows) and v not in SPLIT_ONLY]
    keyed = {(r["workload"], r["board"], r["variant"]): r for r in rows}
    cores = {r["board"]: r["core"] for r in rows}
    header = f"{'workload':<15}{'core':<12}" + "".join(f"{v:>14}" for v in variants)

    def ratio_table(title: str, key: str, plain_format: str, same_result: bool) -> None:
        """One row per workload and core: the plain build's figure, then each variant's ratio."""
        print(title)
        print(header)
        print("-" * len(header))
        for workload in PER_ITERATION:
            for board in cores:
                plain = keyed.get((workload, board, "plain"))
                if not plain:
                    continue
                cells = []
                for v in variants:
                    r = keyed.get((workload, board, v))
                    if not r:
                        cells.append(f"{'-':>14}")
                    elif v == "plain":
                        cells.append(f"{r[key]:>14{plain_format}}")
                    else:
                        if same_result and r["result"] != plain["result"]:
                            raise SystemExit(f"{workload} on {board}: {v} printed a different result")
                        cells.append(f"{100 * (r[key] / plain[key] - 1):>+13.2f}%")
                print(f"{workload:<15}{cores[board]:<12}" + "".join(cells))

    ratio_table("\ninstructions per iteration, and the ratio to no split stacks (exact; QEMU -icount shift=0)",
                "per_iteration", ",.0f", True)
    ratio_table("\ncode size (.text bytes; runtime and printf included), and the ratio to no split stacks",
                "text", ",", False)
    print("\nsplit cost: extra instructions per call that splits (the same call without a split: 0)")
    split_variants = [v for v in VARIANTS if v != "plain" and any(r["variant"] == v for r in rows)]
    print(f"{'workload':<15}{'core':<12}" + "".join(f"{v:>14}" for v in split_variants))
    for workload in SPLIT_COST:
        for board in cores:
            cells = []
            for v in split_variants:
                r = keyed.get((workload, board, v))
                cells.append(f"{r['split_cost']:>14.1f}" if r else f"{'-':>14}")
            if any(c.strip() != "-" for c in cells):
                print(f"{workload:<15}{cores[board]:<12}" + "".join(cells))
    print("\n(full removes the forced splits themselves where the analysis can: a split cost of 0 there "
          "means no call split.)")
    print("\nthe straddling loop: instructions per iteration with a split on every call / with no split")
    print(f"{'core':<12}" + "".join(f"{v:>14}" for v in split_variants))
    for board in cores:
        cells = []
        for v in split_variants:
            r = keyed.get(("hotsplit", board, v))
            cells.append(f"{r['split_call']:>7.1f} /{r['plain_call']:>5.1f}" if r else f"{'-':>14}")
        if any(c.strip() != "-" for c in cells):
            print(f"{cores[board]:<12}" + "".join(cells))


if __name__ == "__main__":
    main()
