"""`mcusplit cc -c`: one source -> one object, through the same frontend and split-stack codegen
as `mcusplit build` (frontend/c.py, codegen/emit.py: clang -fsplit-stack to bitcode, the llvmlite
child, LLVM's prologue rewritten for Cortex-M, assembled).

A build system compiles each file on its own, but the link needs what `mcusplit build` keeps
from compiling (the functions' plans and checks for the record, their signatures for the
analyzer) and must know every object was made for the same core and pool. So the object carries
them: `.mcusplit.module` holds one JSON line (source, core, layout, plans, checks) and
`.mcusplit.signatures` the module's signatures; neither is loaded, and the linker concatenates
each of them over the objects it links (driver/link.py reads them back from the image).

Outputs (object, assembly, dependency file) are made in a scratch directory and copied into
place under a temporary name then renamed: a failed or interrupted compile leaves them untouched.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .. import children, objcache, sigsection
from ..build import compile as build_compile
from ..build import plan as build_plan
from ..codegen.emit import ModuleResult, compile_module
from ..contract import Layout
from ..cores import Core
from ..errors import BuildError, ToolError
from ..frontend import c as c_frontend
from ..link import libc as libc_link
from ..toolchain import clang, first_error, run_tool
from . import args as args_mod
from .args import Input, Invocation
from .target import Target

MODULE_SECTION = ".mcusplit.module"
# zig's clang: `error: unknown clang option: "-frobnicate"`; clang's own: `unknown argument: '-frobnicate'`
_UNKNOWN_OPTION = re.compile(r"unknown (?:clang option|argument):? [\"'](-[^\"']+)[\"']")


def _stderr(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")


def install(made: Path, target: Path) -> None:
    """Copy into place atomically (a temporary name, then a rename), with the permissions a
    compiler's output gets (0666 less the umask), not the temporary file's 0600."""
    if not target.parent.is_dir():
        raise BuildError("cannot write the output: its directory does not exist", str(target))
    umask = os.umask(0)
    os.umask(umask)
    objcache.atomic_copy(made, target, mode=0o666 & ~umask)


def module_record(result: ModuleResult, display: str, core: Core, layout: Layout) -> dict:
    return {"source": display, "core": core.key, "layout": dataclasses.asdict(layout),
            "plans": [p.as_dict() for p in result.plans], "checks": [c.as_dict() for c in result.checks],
            "elided": [c.as_dict() for c in result.elided], "notes": result.notes}


def module_sections(result: ModuleResult, display: str, core: Core, layout: Layout) -> str:
    """The assembly of the two sections the object carries for the link."""
    line = json.dumps(module_record(result, display, core, layout), separators=(",", ":")) + "\n"
    defined = {name: {sig} for name, sig in result.signatures.items()}
    indirect = {name: set(sigs) for name, sigs in result.indirect_signatures.items()}
    return "\n" + sigsection.ascii_section(MODULE_SECTION, line) + sigsection.section_text(defined, indirect)


def _dep_flags(inv: Invocation, scratch: Path, output: Path) -> tuple[list[str], Path | None]:
    """-MD/-MMD for the frontend's clang run: the file in the scratch directory, the targets the
    user's (-MT/-MQ) or the output as named on the command line."""
    if not inv.deps:
        return [], None
    dep = scratch / "deps.d"
    flags = ["-MM" if inv.deps_user_only else "-M", "-MF", str(dep)]
    for target in inv.dep_targets or [str(output)]:
        flags += ["-MT", target]
    if inv.dep_phony:
        flags.append("-MP")
    return flags, dep


def _frontend_flags(target: Target, inv: Invocation) -> list[str]:
    """What follows the frontend's defaults: the C library's, the project's, then the command line's."""
    clib = libc_link.select(target.project.libc, target.core)
    return build_compile.user_cflags(clib, [*target.project.cflags, *inv.forward])


def compile_source(source: Input, inv: Invocation, target: Target, output: Path) -> Path:
    """Compile (-c) or generate assembly (-S) for one source into `output`."""
    if not source.path.is_file():
        raise BuildError("no such file", str(source.path))
    display = str(source.path)
    with tempfile.TemporaryDirectory(prefix="mcusplit-cc-") as scratch_name:
        scratch = Path(scratch_name)
        dep_flags, dep = _dep_flags(inv, scratch, output)
        if source.language in (args_mod.ASM, args_mod.ASM_CPP):
            if inv.mode == "assembly":
                raise BuildError("is assembly already: -S takes C sources", display)
            made = _assemble(source, inv, target, scratch, dep_flags)
        else:
            made = _compile_c(source, inv, target, scratch, dep_flags)
            if inv.mode == "assembly":
                made = made.with_suffix(".s")          # the rewritten assembly assemble() wrote
        with children.signals_held():     # the object and its dependency file: both or neither
            install(made, output)
            if dep is not None:
                install(dep, args_mod.dep_file_for(inv, output))
    return output


def _compile_c(source: Input, inv: Invocation, target: Target, scratch: Path, dep_flags: list[str]) -> Path:
    core, project = target.core, target.project
    display = str(source.path)
    layout = build_plan.layout_for(project, core)
    clib = libc_link.select(project.libc, core)
    if source.language == args_mod.IR:
        ir = source.path.resolve()
        if dep_flags:
            raise BuildError("dependency files (-MD) are made for C sources, not LLVM IR", display)
    else:
        flags = [*_frontend_flags(target, inv), *(["-x", "c"] if source.path.suffix not in (".c", ".i") else [])]
        includes = build_plan.user_includes(project)
        with _located(display), libc_link.explain_missing(clib, project.libc, core), \
                ThreadPoolExecutor(max_workers=2) as side:
            # while clang runs: llvmlite loads for the codegen child, forked from this process once
            # these threads are gone (codegen/emit.py)
            side.submit(_load_llvm)
            # the dependency run beside the compile: a build system asks for it on every file
            deps = side.submit(c_frontend.dependencies, source.path, core, includes, project.defines, flags,
                               dep_flags) if dep_flags else None
            ir = c_frontend.to_bitcode(source.path, scratch / f"{source.path.stem}.bc", core, includes,
                                       project.defines, flags, split_stack=True, diagnostics=_stderr)
            if deps is not None:
                deps.result()
    opt_out = ("*",) if inv.no_split else build_plan.opt_out(project)
    result = compile_module(ir, display, core, layout, scratch, no_split_stack=opt_out,
                            big_stack=tuple(s.function for s in project.big_stack),
                            appendix=lambda r: module_sections(r, display, core, layout))
    for note in result.notes:
        _stderr(note)
    return result.obj


def _load_llvm() -> None:
    import llvmlite.binding  # noqa: F401 - loaded for the forked codegen child


@contextmanager
def _located(display: str) -> Iterator[None]:
    """clang's first error already starts with the file and line: do not name the file twice."""
    try:
        yield
    except BuildError as exc:
        unknown = _UNKNOWN_OPTION.search(exc.message)
        if unknown:           # a flag clang does not know: name it, as for the flags refused before
            raise BuildError(f"unknown flag '{unknown.group(1)}': clang does not know it") from None
        if exc.where == display and exc.message.startswith(f"{display}:"):
            raise BuildError(exc.message) from None
        raise


def _assemble(source: Input, inv: Invocation, target: Target, scratch: Path, dep_flags: list[str]) -> Path:
    """Assembly passes through clang's assembler: it has no split-stack checks of its own; the link's
    allowance covers calls into it like any code without checks."""
    core, project = target.core, target.project
    out = scratch / f"{source.path.stem}.o"
    language = ["-x", source.language] if args_mod.SUFFIXES.get(source.path.suffix) != source.language else []
    cmd: list[str | Path] = [*clang(), *c_frontend.target_flags(core), "-g"]
    if source.language == args_mod.ASM_CPP:
        cmd += [f"-I{d}" for d in build_plan.user_includes(project)]
        cmd += [f"-D{k}={v}" for k, v in project.defines.items()]
    with _located(str(source.path)):
        if dep_flags:
            run_tool([*cmd, *inv.forward, *dep_flags, *language, source.path], str(source.path))
        proc = run_tool([*cmd, *inv.forward, *language, "-c", source.path, "-o", out], str(source.path))
    if proc.stderr.strip():
        _stderr(proc.stderr)
    return out


def preprocess(inv: Invocation, target: Target) -> None:
    """-E: the frontend's command without code generation, to -o or standard output."""
    core, project = target.core, target.project
    for source in inv.sources:
        cmd: list[str] = [*clang(), *c_frontend.target_flags(core), *c_frontend.BASE_CFLAGS]
        cmd += [f"-I{d}" for d in build_plan.user_includes(project)]
        cmd += [f"-D{k}={v}" for k, v in project.defines.items()]
        cmd += [*_frontend_flags(target, inv), *inv.deps_only]
        if inv.deps:
            cmd += ["-MMD" if inv.deps_user_only else "-MD"]
            if inv.dep_file:
                cmd += ["-MF", str(inv.dep_file)]
            for t in inv.dep_targets:
                cmd += ["-MT", t]
        if source.language != args_mod.SUFFIXES.get(source.path.suffix):
            cmd += ["-x", source.language]
        cmd += ["-E", str(source.path)]
        with tempfile.TemporaryDirectory(prefix="mcusplit-cc-") as scratch:
            made = Path(scratch) / "preprocessed.i"
            if inv.output is not None:          # complete or untouched, as every output
                cmd += ["-o", str(made)]
            try:
                # through children like every tool (its group ends with us); stdout is ours: -E
                # without -o writes the preprocessed text where the build system reads it
                proc = children.run(cmd, capture_stdout=False)
            except OSError as exc:
                raise ToolError(f"cannot run {cmd[0]}: {exc}") from None
            if proc.returncode != 0:
                raise BuildError(first_error(proc.stderr), str(source.path))
            if inv.output is not None:
                install(made, inv.output)
        if proc.stderr.strip():
            _stderr(proc.stderr)
