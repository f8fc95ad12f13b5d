"""`mcusplit cc` (also `mcusplit-cc`): a drop-in C compiler and linker for build systems.

It takes the GCC/clang command line (args.py), compiles C into split-stack objects through the
build's own frontend and codegen (compile.py) and links through the build's own stages, the
runtime, the C library and the whole-program steps included (link.py). docs/driver.md has the
flags it accepts, forwards and refuses.

Imports run one way: the driver uses build/, codegen/, link/; nothing there imports the driver.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .. import __version__
from ..errors import McusplitError
from . import args as args_mod
from .args import Invocation

PROG = "mcusplit cc"
USAGE = """usage: mcusplit cc [GCC/clang flags] [--mcusplit-board=B] [--mcusplit-config=FILE] [--mcusplit-no-split]
                   -c|-S|-E SOURCE... [-o OUT]       compile (split-stack objects), assembly, preprocess
       mcusplit cc [flags] OBJECTS/ARCHIVES/SOURCES... [-Wl,...] [-L dir] [-l name] -o app.elf   link
       mcusplit cc --mcusplit-board=B --mcusplit-print-flags                 the GCC flags of the board's core
The board: --mcusplit-board or MCUSPLIT_BOARD; the pool: --mcusplit-config or MCUSPLIT_CONFIG.
docs/driver.md lists the flags accepted, forwarded and refused."""


def run(inv: Invocation) -> int:
    """Do what the command line says; errors are raised as McusplitError (one line)."""
    from ..toolchain import clang, run_tool
    from . import compile as compile_mod
    from . import target as target_mod

    if inv.help:
        print(USAGE)
        return 0
    if inv.dump == "-dumpmachine":
        print("arm-none-eabi")              # what a cross build asks to tell the target's family
        return 0
    if inv.dump == "-dumpversion":
        print(run_tool([*clang(), "-dumpversion"], "clang -dumpversion").stdout.strip())
        return 0
    if inv.version:
        clang_version = run_tool([*clang(), "--version"], "clang --version").stdout.splitlines()
        using = clang_version[0] if clang_version else "clang"
        print(f"mcusplit cc {__version__} (split-stack C for Cortex-M), using {using}")
        return 0
    if inv.print_flags:
        target = target_mod.resolve(inv, "flags", need_board=False)
        print(" ".join(target_mod.GCC_FLAGS[target.core.key]))
        return 0
    if inv.mode == "preprocess":
        compile_mod.preprocess(inv, target_mod.resolve(inv, "preprocess", need_board=False))
        return 0
    if inv.mode in ("compile", "assembly"):
        target = target_mod.resolve(inv, "compile", need_board=False)
        for source in inv.sources:
            compile_mod.compile_source(source, inv, target, inv.output or args_mod.default_output(source.path,
                                                                                                 inv.mode))
        return 0
    output = inv.output or Path("a.out")
    from . import link as link_mod  # here: the link's analysis is not needed to compile (-c)

    target = target_mod.resolve(inv, link_mod.output_name(output), need_board=True)
    with tempfile.TemporaryDirectory(prefix="mcusplit-cc-link-") as scratch:
        inputs: list[Path] = []
        compiled_from: dict[Path, Path] = {}
        for index, item in enumerate(inv.inputs):
            if item.compiled:
                # compile-and-link in one command: the objects are temporary, as with GCC
                obj = Path(scratch) / f"{index}-{item.path.stem}.o"
                compile_mod.compile_source(item, inv, target, obj)
                inputs.append(obj)
                compiled_from[obj] = item.path
            else:
                inputs.append(item.path)
        result = link_mod.link(inv, target, inputs, output, compiled_from)
    if inv.map_file is not None:
        compile_mod.install(result.map, inv.map_file)
    for note in result.notes:
        print(note, file=sys.stderr)
    if inv.verbose:
        for row in result.allowance:
            chain = " > ".join(row.get("chain", []))
            print(f"{PROG}: allowance: {row['function']} check {row['threshold_before']} -> "
                  f"{row['threshold_after']} B" + (f" (calls {chain}, {row['bytes']} B)" if chain else ""),
                  file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """The console script: one line on stderr and a non-zero status for every failure."""
    from .. import children

    argv = sys.argv[1:] if argv is None else argv
    # SIGTERM and SIGHUP as SIGINT: end clang and the codegen child, then us (make and ninja stop
    # their jobs with a signal; without these handlers Python died at once and clang ran on)
    children.install_signal_handlers()
    try:
        return run(args_mod.parse(argv))
    except McusplitError as exc:
        print(f"mcusplit cc: error: {exc.one_line()}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        children.stop_all()
        what, status = children.stopped(exc)
        print(f"mcusplit cc: error: {what}; outputs left as they were", file=sys.stderr)
        return status
    except BrokenPipeError:                # a reader (| head) went away: as a C program would, quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:          # never a traceback: one line, and the way to see more
        import os
        import traceback

        if os.environ.get("MCUSPLIT_DEBUG"):
            traceback.print_exc()
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"mcusplit cc: error: internal error: {type(exc).__name__}: {message} (MCUSPLIT_DEBUG=1 shows more)",
              file=sys.stderr)
        return 70
