"""How fast `mcusplit analyze` is on a large image: 10,000 functions, about 1 MiB of code.

    python benchmarks/analyzer_speed.py [--functions 10000] [--runs 5]

Generates a C program (a random call DAG, every function reachable from main, frames of varied
size, two to five calls each), builds it with split stacks for qemu-mps2-an386 through the real
pipeline (cached in benchmarks/.cache/), then times the analysis of the linked ELF: ELF reading,
decoding every instruction, the call graph and the exact segment model.
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
    args = parser.parse_args()
    cache = ROOT / "benchmarks" / ".cache" / f"synthetic-{args.functions}"
    elf = cache / "out" / "synthetic.elf"
    if not elf.is_file():
        print(f"generating and building {args.functions} functions (once; cached in {cache}) ...", flush=True)
        generate(cache / "src", args.functions)
        started = time.monotonic()
        build.build(project.load(cache / "src"), boards.load("qemu-mps2-an386"), cache / "out")
        print(f"  built in {time.monotonic() - started:.1f} s")
    times = []
    result = None
    for _ in range(args.runs):
        started = time.monotonic()
        result = analyze(elf)
        times.append(time.monotonic() - started)
    print(f"analyzed {result.functions} functions, {result.code_bytes:,} bytes of code "
          f"({result.code_bytes / 1048576:.2f} MiB): min {min(times):.2f} s, median {statistics.median(times):.2f} s "
          f"over {args.runs} runs; answer: {result.to_json()['needed']} segments")


if __name__ == "__main__":
    main()
