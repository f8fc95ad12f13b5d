"""Stages 1 and 2 of a build: every source to an object. User sources go through the frontend
(C, Rust, IR) and split-stack codegen; the runtime is compiled for the board (its objects cached by
content, objcache.py), the runtime's split-stack C too; the C library's glue object."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import objcache, paths, sigsection
from ..codegen import signatures
from ..codegen.emit import ModuleResult, compile_module
from ..codegen.prologue import FunctionCheck
from ..codegen.splitstack import FunctionPlan
from ..errors import BuildError
from ..frontend import c as c_frontend
from ..frontend import rust as rust_frontend
from ..link import libc as libc_link
from ..toolchain import clang, run_tool
from .plan import BuildPlan

TASK_API = "mcusplit_task_create"          # an object that refers to it uses the scheduler
# Code generation of one module: the product's (split-stack prologues); the benchmarks' stock-LLVM
# baseline brings its own (benchmarks/baseline/).
Codegen = Callable[..., ModuleResult]


@dataclass
class Compiled:
    objects: list[Path]
    lazy_objects: list[Path]               # linked like archive members (the scheduler)
    modules: list[ModuleResult]            # user modules first, then the runtime's
    user_modules: int
    uses_tasks: bool
    plans: list[FunctionPlan] = field(default_factory=list)
    checks: list[FunctionCheck] = field(default_factory=list)
    elided: list[FunctionCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _refers_to(obj: Path, symbol: str) -> bool:
    from elftools.elf.elffile import ELFFile  # here: mcusplit cc -c does not read ELF files

    with obj.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return table is not None and any(s.name == symbol for s in table.get_symbol_by_name(symbol) or [])


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)


Signatures = tuple[dict[str, str], dict[str, list[str]]]   # codegen/signatures.of_module


def signature_object(plan: BuildPlan, modules: list[ModuleResult], core_signatures: list[Signatures]) -> Path:
    """The .mcusplit.signatures section of every function the build compiled (mcusplit/sigsection.py):
    the split modules' and the runtime core's."""
    defined: dict[str, set[str]] = {}
    indirect: dict[str, set[str]] = {}
    pairs = [(m.signatures, m.indirect_signatures) for m in modules] + list(core_signatures)
    for own, calls in pairs:
        for name, sig in own.items():
            defined.setdefault(name, set()).add(sig)
        for name, sigs in calls.items():
            indirect.setdefault(name, set()).update(sigs)
    source = sigsection.section_source(defined, indirect, plan.work / "signatures.s")
    out = plan.work / "signatures.o"
    run_tool([*clang(), *c_frontend.target_flags(plan.core), "-c", source, "-o", out], "the signatures section")
    return out


def user_cflags(clib: libc_link.CLibrary | None, cflags: tuple[str, ...] | list[str]) -> list[str]:
    """The flags of the project's C after the frontend's defaults: the C library's, then the project's."""
    return [*(clib.cflags if clib else []), *cflags]


def compile_all(plan: BuildPlan, jobs: int | None = None, task_hwm: bool | None = None,
                codegen: Codegen = compile_module, core_flags: tuple[str, ...] = ("-Os",),
                prebuilt: tuple[Path, ...] = ()) -> Compiled:
    """task_hwm: link the __morestack that keeps per-task high-water marks (None: when the firmware
    uses tasks). prebuilt: the project's objects compiled elsewhere (mcusplit cc), linked where its
    sources' objects would be."""
    core, work, project = plan.core, plan.work, plan.project
    firmware = paths.firmware_dir()
    cached = codegen is compile_module

    core_signatures: dict[Path, Signatures] = {}

    def compile_core(source: Path, variant: str = "", defines: dict[str, str] | None = None) -> Path:
        """The object, and its functions' signatures into core_signatures (from the same flags'
        bitcode: codegen inlines nothing the IR has not)."""
        out = work / f"rt_{source.stem}{variant}.o"
        sigs = work / f"rt_{source.stem}{variant}.signatures.json"
        all_defines = {**plan.runtime_defines, **(defines or {})}
        entry = objcache.key("core", source, core.key, all_defines, list(core_flags), [str(i) for i in plan.includes])
        if not (objcache.fetch(entry, out) and objcache.fetch(entry, sigs, ".json")):
            c_frontend.to_object(source, out, core, plan.includes, all_defines, list(core_flags))
            found: Signatures = ({}, {})     # assembly has no types: its functions stay untyped
            if source.suffix == ".c":
                bitcode = c_frontend.to_bitcode(source, work / f"rt_{source.stem}{variant}.bc", core, plan.includes,
                                                all_defines, list(core_flags), split_stack=False)
                found = signatures.of_bitcode(bitcode)
            sigs.write_text(json.dumps(found))
            objcache.store(entry, out)
            objcache.store(entry, sigs, ".json")
        defined, indirect = json.loads(sigs.read_text())
        core_signatures[out] = (defined, indirect)
        return out

    def compile_split(source: Path, user: bool) -> ModuleResult:
        prefix = "" if user else "rt_"
        display = _display(source, project.root if user else firmware)
        if source.suffix == ".c":
            with libc_link.explain_missing(plan.clib, project.libc, core):
                ir = c_frontend.to_bitcode(source, work / f"{prefix}{source.stem}.bc", core,
                                           plan.user_includes if user else [firmware / "include"],
                                           project.defines if user else {},
                                           user_cflags(plan.clib, project.cflags) if user else [],
                                           split_stack=True)
        elif source.suffix == ".rs":
            ir = rust_frontend.to_bitcode(source, work / f"{prefix}{source.stem}.rs.bc", core, list(project.rustflags))
        elif source.suffix in (".ll", ".bc"):
            ir = source
        else:
            raise BuildError("unsupported source type", display)
        return codegen(ir, display, core, plan.layout, work, no_split_stack=plan.opt_out, big_stack=plan.big_stack)

    def compile_runtime_split(source: Path) -> ModuleResult:
        """The runtime's split-stack C (printf): cached like the core, with its codegen report."""
        if not cached:
            return compile_split(source, user=False)
        out = work / f"rt_{source.stem}.bc.o"
        entry = objcache.key("split", source, core.key, dataclasses.asdict(plan.layout), plan.opt_out)
        report = work / f"rt_{source.stem}.module.json"
        if objcache.fetch(entry, out) and objcache.fetch(entry, report, ".json"):
            data = json.loads(report.read_text())
            return ModuleResult(out, [FunctionPlan(**p) for p in data["plans"]],
                                [FunctionCheck(**c) for c in data["checks"]],
                                [FunctionCheck(**c) for c in data["elided"]], data["notes"],
                                data["signatures"], data["indirect_signatures"])
        result = compile_split(source, user=False)
        report.write_text(json.dumps({"plans": [p.as_dict() for p in result.plans],
                                      "checks": [c.as_dict() for c in result.checks],
                                      "elided": [c.as_dict() for c in result.elided], "notes": result.notes,
                                      "signatures": result.signatures,
                                      "indirect_signatures": result.indirect_signatures}))
        objcache.store(entry, result.obj)
        objcache.store(entry, report, ".json")
        return result

    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 2) as pool:
        core_futures = [pool.submit(compile_core, s) for s in plan.core_sources]
        task_futures = [pool.submit(compile_core, s) for s in plan.task_sources]
        # Firmware with tasks gets the __morestack that keeps per-task high-water marks.
        morestack_futures = [pool.submit(compile_core, plan.morestack),
                             pool.submit(compile_core, plan.morestack, "_tasks", {"MCUSPLIT_TASK_HWM": "1"})]
        lib_futures = [pool.submit(compile_runtime_split, s) for s in plan.lib_sources]
        libc_future = pool.submit(libc_link.glue_object, plan.clib, core, work, plan.includes) if plan.clib else None
        user_futures = [pool.submit(compile_split, s, True) for s in project.sources]
        # Report the first failing user source before runtime problems: that is what users can fix.
        modules: list[ModuleResult] = [f.result() for f in user_futures]
        modules += [f.result() for f in lib_futures]
        uses_tasks = any(_refers_to(m.obj, TASK_API) for m in modules)
        with_hwm = uses_tasks if task_hwm is None else task_hwm
        objects = [f.result() for f in core_futures] + [morestack_futures[with_hwm].result()]
        objects += [m.obj for m in modules[:len(user_futures)]] + list(prebuilt)
        objects += [m.obj for m in modules[len(user_futures):]]
        objects += [libc_future.result()] if libc_future else []
        lazy_objects = [f.result() for f in task_futures]
        linked_core = set(objects) | set(lazy_objects)
        objects.append(signature_object(plan, modules, [s for o, s in core_signatures.items() if o in linked_core]))
    return Compiled(objects, lazy_objects, modules, len(user_futures), uses_tasks,
                    plans=[p for m in modules for p in m.plans], checks=[c for m in modules for c in m.checks],
                    elided=[c for m in modules for c in m.elided],
                    notes=[n for m in modules[:len(user_futures)] for n in m.notes])   # the runtime's are known
