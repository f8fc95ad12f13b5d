"""What `mcusplit cc` costs per compile over plain clang, and per CMake build.

    python benchmarks/driver_overhead.py [--files 20] [--board qemu-mps2-an386] [--no-cmake]
                                         [--compare-with OLD_CHECKOUT]

1. Generates a 20-file C project (loops, structs, a recursive function, libc calls per file) and
   compiles every file, one after the other, with plain clang (zig's, the executable mcusplit
   runs: `zig cc -target thumb-freestanding-eabihf -mcpu=cortex_m4+vfp4d16sp -O2 -g -c`) and with
   `mcusplit cc --mcusplit-board=... -O2 -g -c`. Each command runs twice and the second is timed:
   warm (the page cache, Python's compiled modules as an installed package has them, mcusplit's
   object cache of the runtime), but on a source edited since the first run (a definition
   appended), because `zig cc` keeps a result cache: an unchanged file is not compiled again, and
   timing that would time a cache lookup. Prints per-file times and the ratio of the totals.
   Then where a compile's time goes: the same files compiled again (edited again) by the driver
   in this process, every child timed (clang to bitcode, the codegen child, clang -S, the
   assembler); the interpreter's start and the driver's imports are the per-file difference to
   the timed runs above. The three clang passes alone are the floor of this design: no work of
   ours can bring a compile below them.
   --compare-with times another checkout's driver too, beside the others, file by file (its
   PYTHONPATH points there): a change to the driver measured side by side in one run.
2. Builds a copy of examples/cmake-app with cmake and make (-j1): configure, then the two static
   libraries (hal, algo: compiles and ar) with plain clang and with the driver, warm (built once,
   cleaned, its C sources edited, built again and timed); and the whole firmware (the link with
   the runtime and the whole-program steps) with the driver.

The figures in docs/driver.md come from this script.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit import boards  # noqa: E402
from mcusplit.link import libc  # noqa: E402
from mcusplit.paths import firmware_dir  # noqa: E402
from mcusplit.toolchain import ziglang  # noqa: E402

TEMPLATE = """\
#include <stdint.h>
#include <string.h>

struct item{n} {{ int32_t key; uint8_t tag[12]; float weight; }};

static struct item{n} items{n}[16];

static int compare{n}(const struct item{n} *a, const struct item{n} *b)
{{
    return a->key != b->key ? a->key - b->key : memcmp(a->tag, b->tag, sizeof a->tag);
}}

void sort{n}(void)
{{
    for (int i = 1; i < 16; i++)
        for (int j = i; j > 0 && compare{n}(&items{n}[j - 1], &items{n}[j]) > 0; j--) {{
            struct item{n} t = items{n}[j];
            items{n}[j] = items{n}[j - 1];
            items{n}[j - 1] = t;
        }}
}}

int32_t walk{n}(int depth, int32_t acc)
{{
    char scratch[64 + {n} * 8];
    memset(scratch, depth, sizeof scratch);
    if (depth == 0)
        return acc + scratch[{n}];
    return walk{n}(depth - 1, acc * 31 + scratch[depth % sizeof scratch]) ^ depth;
}}

float mix{n}(const float *values, unsigned count)
{{
    float sum = 0.0f;
    for (unsigned i = 0; i < count; i++)
        sum += values[i] * (float)(i + {n});
    for (unsigned i = 0; i < 16; i++)
        items{n}[i].weight = sum / (float)(i + 1);
    return sum;
}}
"""


def generate(directory: Path, files: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    sources = []
    for n in range(files):
        path = directory / f"unit{n:02}.c"
        path.write_text(TEMPLATE.format(n=n))
        sources.append(path)
    return sources


def timed(cmd: list[str], cwd: Path, env: dict[str, str], source: Path) -> float:
    """Seconds of the second of two runs: the first warms the caches, then `source` is edited so
    that no tool's result cache answers the second."""
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    with source.open("a") as stream:
        stream.write(f"int edited_{time.perf_counter_ns()};\n")
    started = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def driver_script(directory: Path) -> Path:
    """`mcusplit-cc` as `pip install` makes it, for this checkout."""
    script = directory / "mcusplit-cc"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}${{PYTHONPATH:+:$PYTHONPATH}}" '
                      f'exec "{sys.executable}" -m mcusplit.driver "$@"\n')
    script.chmod(0o755)
    return script


def clang_script(directory: Path, core_flags: list[str]) -> Path:
    """Plain clang (zig's) as a single executable for cmake, for the same core."""
    script = directory / "plain-cc"
    script.write_text(f'#!/bin/sh\nexec {shlex.join([*ziglang(), "cc", *core_flags])} "$@"\n')
    script.chmod(0o755)
    return script


def per_file(args: argparse.Namespace, work: Path, env: dict[str, str], core_flags: list[str],
             includes: list[str]) -> None:
    sources = generate(work / "project", args.files)
    common = ["-O2", "-g", "-ffunction-sections", "-fdata-sections"]
    old_env = None
    if args.compare_with:
        old_root = Path(args.compare_with).resolve()
        old_env = {**env, "PYTHONPATH": f"{old_root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    print(f"{'file':<12} {'clang':>8} {'mcusplit cc':>12} {'ratio':>6}" + ("  other checkout" if old_env else ""))
    totals = [0.0, 0.0]
    old_total = 0.0
    driver = [sys.executable, "-m", "mcusplit.driver", f"--mcusplit-board={args.board}", *common, "-c"]
    for source in sources:
        plain = timed([*ziglang(), "cc", *core_flags, *includes, *common, "-c", source.name,
                       "-o", f"{source.stem}.plain.o"], source.parent, env, source)
        split = timed([*driver, source.name, "-o", f"{source.stem}.split.o"], source.parent, env, source)
        totals[0] += plain
        totals[1] += split
        line = f"{source.name:<12} {plain:8.3f} {split:12.3f} {split / plain:6.2f}"
        if old_env is not None:
            old = timed([*driver, source.name, "-o", f"{source.stem}.old.o"], source.parent, old_env, source)
            old_total += old
            line += f"  {old:14.3f}"
        print(line)
    print(f"{'total':<12} {totals[0]:8.3f} {totals[1]:12.3f} {totals[1] / totals[0]:6.2f}"
          + (f"  {old_total:14.3f}" if old_env else ""))
    if old_env is not None:
        print(f"the other checkout ({args.compare_with}): {old_total / len(sources) * 1000:.0f} ms per file, "
              f"{old_total / totals[0]:.1f}x clang; this one {totals[1] / len(sources) * 1000:.0f} ms")
    each = [t / len(sources) * 1000 for t in totals]
    print(f"per file: clang {each[0]:.0f} ms, mcusplit cc {each[1]:.0f} ms: mcusplit cc takes "
          f"{totals[1] / totals[0]:.1f}x as long ({each[1] - each[0]:.0f} ms more per file)")
    stages(args, sources, totals[1] / len(sources), totals[0] / len(sources))


def _stage_of(cmd: list[str]) -> str:
    if "-emit-llvm" in cmd:
        return "clang to bitcode"
    if "-S" in cmd:
        return "clang -S (codegen)"
    if any(c.endswith(".s") for c in cmd):
        return "assembler"
    if "mcusplit.codegen.worker" in cmd:
        return "codegen child"
    return "other child"


def stages(args: argparse.Namespace, sources: list[Path], per_file_split: float, per_file_plain: float) -> None:
    """Each child of a compile timed, in this process (see the module's docstring)."""
    from mcusplit import children
    from mcusplit import driver as cc_driver

    spent: dict[str, float] = {}
    run, fork_call = children.run, children.fork_call

    def timed_run(cmd, **kwargs):
        started = time.perf_counter()
        try:
            return run(cmd, **kwargs)
        finally:
            stage = _stage_of([str(c) for c in cmd])
            spent[stage] = spent.get(stage, 0.0) + time.perf_counter() - started

    def timed_fork(fn, *fn_args, **kwargs):
        started = time.perf_counter()
        try:
            return fork_call(fn, *fn_args, **kwargs)
        finally:
            spent["codegen child"] = spent.get("codegen child", 0.0) + time.perf_counter() - started

    flags = [f"--mcusplit-board={args.board}", "-O2", "-g", "-ffunction-sections", "-fdata-sections", "-c"]
    # once untimed: the driver imports its compile modules on its first compile
    assert cc_driver.main([*flags, str(sources[0]), "-o", str(sources[0].with_suffix(".stage.o"))]) == 0
    children.run, children.fork_call = timed_run, timed_fork
    whole = 0.0
    try:
        for source in sources:
            with source.open("a") as stream:
                stream.write(f"int again_{time.perf_counter_ns()};\n")
            started = time.perf_counter()
            status = cc_driver.main([*flags, str(source), "-o", str(source.with_suffix(".stage.o"))])
            whole += time.perf_counter() - started
            assert status == 0, source
    finally:
        children.run, children.fork_call = run, fork_call
    n = len(sources)
    ms = {stage: t / n * 1000 for stage, t in spent.items()}
    in_process = whole / n * 1000
    rows = [("interpreter start and the driver's imports", per_file_split * 1000 - in_process)]
    rows += sorted(ms.items(), key=lambda kv: -kv[1])
    rows.append(("the driver's own work (Python, files)", in_process - sum(ms.values())))
    print(f"\nwhere a compile's time goes (mean of {n} files, ms):")
    for stage, value in rows:
        print(f"  {stage:<44} {value:6.0f}")
    clang_passes = sum(v for k, v in ms.items() if k.startswith("clang") or k == "assembler")
    print(f"the three clang passes alone: {clang_passes:.0f} ms per file = "
          f"{clang_passes / (per_file_plain * 1000):.2f}x plain clang's {per_file_plain * 1000:.0f} ms "
          "(the floor of this design)")


def cmake_build(args: argparse.Namespace, work: Path, env: dict[str, str], core_flags: list[str],
                includes: list[str]) -> None:
    cmake = shutil.which("cmake")
    if cmake is None or shutil.which("make") is None:
        print("cmake/make not installed: CMake part skipped")
        return
    app = shutil.copytree(ROOT / "examples" / "cmake-app", work / "cmake-app")    # edited below
    driver = driver_script(work)
    plain = clang_script(work, [*core_flags, *includes])
    rows = []
    for label, compiler, targets in (("clang", plain, ["hal", "algo"]), ("mcusplit cc", driver, ["hal", "algo"]),
                                     ("mcusplit cc", driver, ["app"])):
        out = work / f"cmake-{label.replace(' ', '-')}-{targets[0]}"
        if label == "clang":
            configure = [f"-DCMAKE_C_COMPILER={compiler}", "-DCMAKE_SYSTEM_NAME=Generic",
                         "-DCMAKE_TRY_COMPILE_TARGET_TYPE=STATIC_LIBRARY"]
        else:
            configure = [f"-DCMAKE_TOOLCHAIN_FILE={ROOT / 'cmake' / 'mcusplit.cmake'}", f"-DMCUSPLIT_CC={compiler}",
                         f"-DMCUSPLIT_BOARD={args.board}", f"-DMCUSPLIT_CONFIG={app / 'mcusplit.toml'}"]
        started = time.perf_counter()
        subprocess.run([cmake, "-S", str(app), "-B", str(out), *configure], env=env, check=True, capture_output=True)
        configured = time.perf_counter() - started
        build = [cmake, "--build", str(out), "-j", "1", "--target", *targets]
        subprocess.run(build, env=env, check=True, capture_output=True)                      # warm
        subprocess.run([cmake, "--build", str(out), "--target", "clean"], env=env, check=True, capture_output=True)
        for source in app.rglob("*.c"):       # not a compile zig's result cache can answer
            with source.open("a") as stream:
                stream.write(f"int edited_{time.perf_counter_ns()};\n")
        started = time.perf_counter()
        subprocess.run(build, env=env, check=True, capture_output=True)
        rows.append((label, " ".join(targets), configured, time.perf_counter() - started))
    print(f"\n{'cmake-app':<12} {'targets':<10} {'configure':>10} {'build (warm, -j1)':>18}")
    for label, targets, configured, built in rows:
        print(f"{label:<12} {targets:<10} {configured:10.2f} {built:18.2f}")
    print(f"libraries: mcusplit cc takes {rows[1][3] / rows[0][3]:.1f}x as long as clang")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--board", default="qemu-mps2-an386")
    parser.add_argument("--no-cmake", action="store_true")
    parser.add_argument("--compare-with", metavar="CHECKOUT", help="another checkout's driver, timed beside")
    args = parser.parse_args()
    core = boards.load(args.board).core
    core_flags = ["-target", core.clang_target, f"-mcpu={core.clang_cpu}"]
    lib = libc.picolibc(core)
    includes = [f"-I{firmware_dir() / 'include'}"] + ([f"-isystem{lib.include_dir}"] if lib else [])
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env.pop("MCUSPLIT_BOARD", None)
    print(f"{args.files} files for {args.board} ({core.key}); clang: zig cc {' '.join(core_flags)}\n")
    with tempfile.TemporaryDirectory(prefix="mcusplit-driver-bench-") as scratch:
        # Python's compiled modules, as a pip-installed package has them (an editable checkout under
        # PYTHONDONTWRITEBYTECODE=1 would compile every module at every start): written on the
        # first run of each command, read on the timed second
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(scratch) / "pycache")
        per_file(args, Path(scratch), env, core_flags, includes)
        if not args.no_cmake:
            cmake_build(args, Path(scratch), env, core_flags, includes)


if __name__ == "__main__":
    main()
