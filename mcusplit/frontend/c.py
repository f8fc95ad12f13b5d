"""C -> LLVM bitcode with clang -fsplit-stack (the zig-bundled clang 22, matching llvmlite's LLVM)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..cores import Core
from ..toolchain import clang, run_tool

# -fomit-frame-pointer: zig's clang keeps r7 as a frame pointer by default, which
# costs every function 8 bytes of frame and two instructions.
# -gdwarf-aranges: the analyzer finds an address's compile unit without decoding every line table.
BASE_CFLAGS = ("-O2", "-g", "-gdwarf-aranges", "-ffreestanding", "-fomit-frame-pointer", "-fno-unwind-tables",
               "-fno-asynchronous-unwind-tables", "-ffunction-sections", "-fdata-sections",
               "-Wall", "-Werror=implicit-function-declaration",
               # zig's clang turns UBSan on at -O0 (its Debug mode); firmware has no UBSan runtime
               "-fno-sanitize=all",
               # a crashing clang writes no reproducer files into /tmp (mcusplit quotes its error instead)
               "-fno-crash-diagnostics")


def target_flags(core: Core) -> list[str]:
    return ["-target", core.clang_target, f"-mcpu={core.clang_cpu}"]


def to_bitcode(source: Path, out: Path, core: Core, include_dirs: list[Path], defines: dict[str, str],
               cflags: list[str], split_stack: bool = True,
               diagnostics: Callable[[str], None] | None = None) -> Path:
    """diagnostics: gets clang's warnings (a compiler driver shows them; a build keeps quiet)."""
    cmd = [*_frontend(core, include_dirs, defines, split_stack), *cflags, "-emit-llvm", "-c", source, "-o", out]
    proc = run_tool(cmd, str(source))
    if diagnostics is not None and proc.stderr.strip():
        diagnostics(proc.stderr)
    return out


def _frontend(core: Core, include_dirs: list[Path], defines: dict[str, str], split_stack: bool) -> list[str | Path]:
    cmd: list[str | Path] = [*clang(), *target_flags(core), *BASE_CFLAGS]
    if split_stack:
        cmd.append("-fsplit-stack")
    cmd += [f"-I{d}" for d in include_dirs]
    cmd += [f"-D{k}={v}" for k, v in defines.items()]
    return cmd


def dependencies(source: Path, core: Core, include_dirs: list[Path], defines: dict[str, str], cflags: list[str],
                 dep_flags: list[str]) -> None:
    """A make dependency file for what to_bitcode with the same arguments reads (dep_flags: -M or
    -MM, -MF, -MT...). Its own run: zig's clang writes no bitcode when -MD comes with -emit-llvm."""
    run_tool([*_frontend(core, include_dirs, defines, True), *cflags, *dep_flags, source], str(source))


def to_object(source: Path, out: Path, core: Core, include_dirs: list[Path], defines: dict[str, str],
              cflags: list[str]) -> Path:
    """Plain compile (no split stacks): the runtime core and non-split builds."""
    cmd: list[str | Path] = [*clang(), *target_flags(core), *BASE_CFLAGS]
    cmd += [f"-I{d}" for d in include_dirs]
    cmd += [f"-D{k}={v}" for k, v in defines.items()]
    cmd += [*cflags, "-c", source, "-o", out]
    run_tool(cmd, str(source))
    return out
