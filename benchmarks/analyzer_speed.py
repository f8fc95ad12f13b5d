"""How fast `mcusplit analyze` is on a large image: 10,000 functions, about 1 MiB of code.

    python benchmarks/analyzer_speed.py [--functions 10000] [--runs 5] [--compare-with CHECKOUT]

Generates a C program (a random call DAG, every function reachable from main, frames of varied
size, two to five calls each), builds it with split stacks for qemu-mps2-an386 through the real
pipeline (cached in benchmarks/.cache/), then times the analysis of the linked ELF: ELF reading,
decoding every instruction, the call graph and the exact segment model.

--compare-with times another checkout's analyzer (e.g. an earlier commit, `git worktree add
../old <rev>`) on the same ELF, run for run alternating with this one, so both are measured in one
run under the same load.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit import boards, build, project  # noqa: E402
from mcusplit.analysis.analyze import analyze  # noqa: E402

FILES = 20


def generate(directory: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    callers: dict[int, list[int]] = {i: [] for i in range(count)}
    for i in range(1, count):                      # every function has a caller before it: all reachable
        callers[rng.randrange(max(0, i - 200), i)].append(i)
    for i in range(count):                         # and a few more calls forward (still a DAG)
        for _ in range(rng.randrange(1, 4)):
            j = rng.randrange(i + 1, min(count, i + 400)) if i + 1 < count else None
            if j is not None and j not in callers[i]:
                callers[i].append(j)
    directory.mkdir(parents=True, exist_ok=True)
    per_file = (count + FILES - 1) // FILES
    header = "#include <stdint.h>\n" + "".join(f"uint32_t f{i}(uint32_t x);\n" for i in range(count))
    (directory / "funcs.h").write_text(header)
    for n in range(FILES):
        lines = ['#include "funcs.h"', ""]
        for i in range(n * per_file, min(count, (n + 1) * per_file)):
            words = rng.choice((2, 4, 8, 16, 24, 40))
            lines.append(f"__attribute__((noinline)) uint32_t f{i}(uint32_t x)\n{{")
            lines.append(f"    volatile uint32_t buf[{words}];")
            lines.append(f"    buf[x % {words}u] = x * {rng.randrange(3, 999)}u;")
            lines.append(f"    uint32_t r = buf[(x + 1u) % {words}u];")
            for k, j in enumerate(callers[i][:5]):
                lines.append(f"    if (x & {1 << k}u)\n        r += f{j}(x + {rng.randrange(1, 99)}u);")
            lines.append("    return r;\n}\n")
        (directory / f"part{n:02}.c").write_text("\n".join(lines))
    (directory / "main.c").write_text('#include "funcs.h"\n\nint main(void) { return (int)f0(12345u); }\n')
    (directory / "mcusplit.toml").write_text('[project]\nname = "synthetic"\ninclude_dirs = ["."]\n\n'
                                             "[pool]\nsegment_size = 2048\nsegments = 64\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compare-with", type=Path, help="another mcusplit checkout to time on the same ELF")
    args = parser.parse_args()
    cache = ROOT / "benchmarks" / ".cache" / f"synthetic-{args.functions}"
    elf = cache / "out" / "synthetic.elf"
    if not elf.is_file():
        print(f"generating and building {args.functions} functions (once; cached in {cache}) ...", flush=True)
        generate(cache / "src", args.functions)
        started = time.monotonic()
        build.build(project.load(cache / "src"), boards.load("qemu-mps2-an386"), cache / "out")
        print(f"  built in {time.monotonic() - started:.1f} s")
    times, other = [], []
    result = None
    for _ in range(args.runs):
        started = time.monotonic()
        result = analyze(elf)
        times.append(time.monotonic() - started)
        if args.compare_with:
            other.append(_time_checkout(args.compare_with, elf))
    print(f"analyzed {result.functions} functions, {result.code_bytes:,} bytes of code "
          f"({result.code_bytes / 1048576:.2f} MiB): min {min(times):.2f} s, median {statistics.median(times):.2f} s "
          f"over {args.runs} runs; answer: {result.to_json()['needed']} segments")
    if other:
        print(f"{args.compare_with}: min {min(t for t, _ in other):.2f} s, median "
              f"{statistics.median(t for t, _ in other):.2f} s; answer: {other[0][1]} segments; "
              f"ratio of minima {min(times) / min(t for t, _ in other):.2f}")


def _time_checkout(checkout: Path, elf: Path) -> tuple[float, str]:
    """The analysis time (inside the process, as above) of another checkout's analyzer."""
    import json
    import subprocess

    code = ("import json, sys, time\nfrom mcusplit.analysis.analyze import analyze\n"
            "t = time.monotonic(); r = analyze(sys.argv[1])\n"
            "print(json.dumps([time.monotonic() - t, r.to_json()['needed']]))")
    proc = subprocess.run([sys.executable, "-c", code, str(elf)], cwd=checkout, capture_output=True, text=True,
                          check=True)
    seconds, needed = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, str(needed)


if __name__ == "__main__":
    main()
