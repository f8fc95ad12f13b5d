"""`mcusplit build`: sources -> split-stack firmware (.elf, .bin, .hex, .map) for one board.

Pipeline (imports run one way): frontend (C -> bitcode) -> codegen (LLVM in a
child process, prologue rewrite, assemble) -> link (generated board file and
linker script, lld, images).

A build without split stacks (--no-split-stack) takes the same path with every
function opted out, so the two differ only in their prologues.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from elftools.elf.elffile import ELFFile

from . import objcache, paths
from .boards import Board
from .codegen import layout as build_layout
from .codegen.emit import ModuleResult, compile_module
from .codegen.prologue import FunctionCheck
from .codegen.splitstack import FunctionPlan
from .contract import Layout
from .demangle import name_matches
from .errors import BuildError
from .frontend import c as c_frontend
from .frontend import rust as rust_frontend
from .link import bigstack, board_source, outputs, script
from .link import libc as libc_link
from .link.link import link
from .project import Project

RUNTIME_CORE = ["startup.c", "pool.c", "exit.c", "console.c", "setjmp.S"]
TASK_API = "mcusplit_task_create"          # an object that refers to it uses the scheduler


def _refers_to(obj: Path, symbol: str) -> bool:
    with obj.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return table is not None and any(s.name == symbol for s in table.get_symbol_by_name(symbol) or [])


@dataclass
class BuildResult:
    elf: Path
    bin: Path
    hex: Path
    map: Path
    info: Path
    board: Board
    layout: Layout
    split_stack: bool
    checks: list[FunctionCheck] = field(default_factory=list)
    elided: list[FunctionCheck] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)            # checks removed after linking ("full")
    plans: list[FunctionPlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flash_bytes: int = 0
    ram_bytes: int = 0
    seconds: float = 0.0


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        try:
            return str(path.relative_to(root))
        except ValueError:
            return str(path)


def _usage(elf: Path, board: Board) -> tuple[int, int]:
    """Bytes of flash (code + data image) and of RAM (data, bss, stack, pool)."""
    flash = ram = 0
    with elf.open("rb") as f:
        for section in ELFFile(f).iter_sections():
            if not section["sh_flags"] & 0x2 or not section["sh_size"]:   # SHF_ALLOC
                continue
            address, size = section["sh_addr"], section["sh_size"]
            if board.ram.origin <= address < board.ram.end:
                ram += size
                if section["sh_type"] != "SHT_NOBITS":
                    flash += size                                          # .data's load image
            else:
                flash += size
    return flash, ram


def build(project: Project, board: Board, out_dir: Path, split_stack: bool = True, jobs: int | None = None,
          progress: Callable[[str], None] | None = None, prologue_style: str = "mcusplit",
          task_hwm: bool | None = None) -> BuildResult:
    """prologue_style "llvm" keeps LLVM's own split-stack prologue (reading a limit word) with a
    __morestack of LLVM's contract: the baseline the benchmarks compare against. "r9" keeps the
    limit in a reserved register: a measured experiment. Neither is for products.
    task_hwm: link the __morestack that keeps per-task high-water marks (None: when the firmware
    uses tasks; the benchmarks force it to measure its cost)."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    out_dir = out_dir.resolve()
    work = out_dir / "obj"
    work.mkdir(parents=True, exist_ok=True)
    core = board.core
    leaf_allowance = project.leaf_allowance if project.check_elision in ("leaf", "full") else 0
    try:
        layout = build_layout.for_build(project.pool, core, leaf_allowance)
    except ValueError as exc:
        raise BuildError(str(exc), str(project.config_path or project.root)) from None
    if prologue_style != "mcusplit":
        layout = dataclasses.replace(layout, guard="none")     # the baseline runtimes move no guard
    if layout.unchecked_allowance < 0:
        from .contract import HANDLER_ENTRY_BYTES, MORESTACK_PUSH_MAX

        least = layout.least_reserve
        raise BuildError(f"pool.reserve = {layout.reserve} is too small for {core.key}: it must hold an "
                         f"exception frame ({layout.exception_frame} B), __morestack's pushes "
                         f"({MORESTACK_PUSH_MAX} B), a handler's entry ({HANDLER_ENTRY_BYTES} B), an "
                         f"unchecked leaf ({leaf_allowance} B) and the guard ({layout.guard_bytes} B): "
                         f"at least {least} B",
                         str(project.config_path or project.root))
    firmware = paths.firmware_dir()

    runtime_defines = {
        "MCUSPLIT_SEG_SHIFT": str(layout.shift),
        "MCUSPLIT_CONSOLE_BASE": f"{board.console.base:#x}u",
        "MCUSPLIT_CONSOLE_BAUD": f"{board.console.baud}u",
        "MCUSPLIT_CONSOLE_CLOCK": f"{board.console.clock_hz}u",
        "MCUSPLIT_MAX_TASKS": str(project.max_tasks),
    }
    if layout.guard == "stack-limit":
        runtime_defines["MCUSPLIT_GUARD_SPLIM"] = "1"
    elif layout.guard == "mpu":
        runtime_defines["MCUSPLIT_GUARD_MPU"] = "1"
    if board.timer is not None:
        runtime_defines.update({"MCUSPLIT_TIMER_BASE": f"{board.timer.base:#x}u",
                                "MCUSPLIT_TIMER_IRQ": f"{board.timer.irq}u",
                                "MCUSPLIT_TIMER_CLOCK": f"{board.timer.clock_hz}u"})
    includes = [firmware / "include", firmware / "core", firmware / "tasks"]
    board_c = work / "board.c"
    board_c.write_text(board_source.render(board))
    link_script = work / "link.ld"
    link_script.write_text(script.render(board, layout, paths.linker_dir(), split_stack))

    core_sources = [firmware / "core" / name for name in RUNTIME_CORE]
    core_sources.append(firmware / "core" / "console" / f"{board.console.driver}.c")
    core_sources.append(firmware / "core" / "timer" / f"{board.timer.driver if board.timer else 'none'}.c")
    if prologue_style in ("llvm", "r9"):
        if prologue_style == "r9" and not core.thumb2:
            raise BuildError("the register-limit (r9) experiment is for Thumb-2 cores only", board.name)
        morestack = firmware / "core" / f"morestack_{prologue_style}_{core.morestack_variant}.S"
    else:
        morestack = firmware / "core" / f"morestack_{core.morestack_variant}.S"
    core_sources.append(board_c)
    core_sources += filter(None, [bigstack.source(project.big_stack, layout, work)])
    # The scheduler is linked only into firmware that uses it (lazily, like an archive member), so
    # its SysTick and PendSV handlers replace the default ones only there.
    task_sources = [firmware / "tasks" / "sched.c", firmware / "tasks" / f"switch_{core.morestack_variant}.S"]
    lib_sources = sorted((firmware / "lib").glob("*.c"))

    user_includes = [*project.include_dirs, firmware / "include"]
    clib = libc_link.select(project.libc, core)         # None: freestanding (docs/libc.md)
    big_stack = tuple(s.function for s in project.big_stack)    # they run on their own stacks: no check
    opt_out = (*project.no_split_stack, *big_stack) if split_stack else ("*",)

    core_flags = ["-Os", "-ffixed-r9"] if prologue_style == "r9" else ["-Os"]

    def compile_core(source: Path, variant: str = "", defines: dict[str, str] | None = None) -> Path:
        out = work / f"rt_{source.stem}{variant}.o"
        all_defines = {**runtime_defines, **(defines or {})}
        entry = objcache.key("core", source, core.key, all_defines, core_flags, [str(i) for i in includes])
        if objcache.fetch(entry, out):
            return out
        c_frontend.to_object(source, out, core, includes, all_defines, core_flags)
        objcache.store(entry, out)
        return out

    def compile_runtime_split(source: Path) -> ModuleResult:
        """The runtime's split-stack C (printf): cached like the core, with its codegen report."""
        out = work / f"rt_{source.stem}.bc.o"
        entry = objcache.key("split", source, core.key, dataclasses.asdict(layout), opt_out, prologue_style)
        report = work / f"rt_{source.stem}.module.json"
        if objcache.fetch(entry, out) and objcache.fetch(entry, report, ".json"):
            data = json.loads(report.read_text())
            return ModuleResult(out, [FunctionPlan(**p) for p in data["plans"]],
                                [FunctionCheck(**c) for c in data["checks"]],
                                [FunctionCheck(**c) for c in data["elided"]], data["notes"])
        result = compile_split(source, "rt_", firmware)
        report.write_text(json.dumps({"plans": [p.as_dict() for p in result.plans],
                                      "checks": [c.as_dict() for c in result.checks],
                                      "elided": [c.as_dict() for c in result.elided], "notes": result.notes}))
        objcache.store(entry, result.obj)
        objcache.store(entry, report, ".json")
        return result

    def compile_split(source: Path, prefix: str, root: Path) -> ModuleResult:
        display = _display(source, root)
        if source.suffix == ".c":
            user = prefix == ""
            with libc_link.explain_missing(clib, project.libc, core):
                ir = c_frontend.to_bitcode(source, work / f"{prefix}{source.stem}.bc", core,
                                           user_includes if user else [firmware / "include"],
                                           project.defines if user else {},
                                           [*(clib.cflags if clib else []), *project.cflags] if user else [],
                                           split_stack=True)
        elif source.suffix == ".rs":
            ir = rust_frontend.to_bitcode(source, work / f"{prefix}{source.stem}.rs.bc", core,
                                          list(project.rustflags))
        elif source.suffix in (".ll", ".bc"):
            ir = source
        else:
            raise BuildError("unsupported source type", display)
        return compile_module(ir, display, core, layout, work, no_split_stack=opt_out,
                              prologue_style=prologue_style, big_stack=big_stack)

    say(f"compiling {len(project.sources)} source(s) and the runtime for {board.name} ({core.key})")
    workers = jobs or os.cpu_count() or 2
    with ThreadPoolExecutor(max_workers=workers) as pool:
        core_futures = [pool.submit(compile_core, s) for s in core_sources]
        task_futures = [pool.submit(compile_core, s) for s in task_sources]
        # Firmware with tasks gets the __morestack that keeps per-task high-water marks.
        morestack_futures = [pool.submit(compile_core, morestack),
                             pool.submit(compile_core, morestack, "_tasks", {"MCUSPLIT_TASK_HWM": "1"})]
        lib_futures = [pool.submit(compile_runtime_split, s) for s in lib_sources]
        libc_future = pool.submit(libc_link.glue_object, clib, core, work, includes) if clib else None
        user_futures = [pool.submit(compile_split, s, "", project.root) for s in project.sources]
        # Report the first failing user source before runtime problems: that is what users can fix.
        modules: list[ModuleResult] = [f.result() for f in user_futures]
        modules += [f.result() for f in lib_futures]
        uses_tasks = prologue_style == "mcusplit" and any(_refers_to(m.obj, TASK_API) for m in modules)
        with_hwm = uses_tasks if task_hwm is None else task_hwm and prologue_style == "mcusplit"
        objects = [f.result() for f in core_futures] + [morestack_futures[with_hwm].result()]
        objects += [m.obj for m in modules]
        objects += [libc_future.result()] if libc_future else []
        lazy_objects = [f.result() for f in task_futures]

    plans = [p for m in modules for p in m.plans]
    checks = [c for m in modules for c in m.checks]
    elided = [c for m in modules for c in m.elided]
    notes = [n for m in modules[:len(user_futures)] for n in m.notes]   # the runtime's are known
    defined = {p.name for p in plans}
    bigstack.check_functions(project.big_stack, defined, libc_link.defined_symbols(clib),
                             str(project.config_path or project.root))
    for pattern in project.no_split_stack:
        if not any(name_matches(name, [pattern]) for name in defined):
            notes.append(f"{project.config_path}: note: no_split_stack entry '{pattern}' matches no function")

    say("linking")
    name = project.name
    with libc_link.explain_missing(clib, project.libc, core):
        elf = link(objects, link_script, out_dir / f"{name}.elf", out_dir / f"{name}.map", core, lazy_objects,
                   clib.archives if clib else (), bigstack.link_flags(project.big_stack))
    dropped: list[str] = []
    raised: dict[str, tuple[int, int]] = {}
    if split_stack and prologue_style == "mcusplit" and project.check_elision in ("leaf", "full"):
        from .analysis.config import load as load_annotations
        from .optimize import plan as optimize_plan
        from .optimize.run import drop_small_subtrees, optimize

        annotations = load_annotations(project.config_path)
        dropped = drop_small_subtrees(elf, annotations, layout.leaf_allowance)
        if project.check_elision == "full":
            say("removing the checks the analysis proves unnecessary")
            try:
                report = optimize(elf, annotations, project.cover_budget)
                dropped, raised = sorted({*dropped, *report.dropped}), report.raised
            except optimize_plan.NotOptimizable as exc:
                notes.append(f"{name}: note: check elision stopped at small subtrees: {exc.one_line()}")
    if split_stack and uses_tasks:
        from .analysis.config import load as load_annotations
        from .errors import McusplitError
        from .optimize.proof import embed

        try:
            notes.append(f"{name}: note: {embed(elf, load_annotations(project.config_path))}")
        except McusplitError as exc:
            notes.append(f"{name}: note: no proof embedded: {exc.one_line()}")
    bin_path, hex_path = out_dir / f"{name}.bin", out_dir / f"{name}.hex"
    outputs.write_images(elf, bin_path, hex_path)
    flash, ram = _usage(elf, board)
    if flash > board.flash.length:
        raise BuildError(f"firmware needs {flash} bytes of flash, the board has {board.flash.length}", name)

    result = BuildResult(elf=elf, bin=bin_path, hex=hex_path, map=out_dir / f"{name}.map",
                         info=out_dir / f"{name}.build.json", board=board, layout=layout,
                         split_stack=split_stack, checks=checks, elided=elided, dropped=dropped, plans=plans,
                         notes=notes,
                         flash_bytes=flash, ram_bytes=ram, seconds=time.monotonic() - started)
    result.info.write_text(json.dumps({
        "board": board.name, "variant": board.variant, "core": core.key, "split_stack": split_stack,
        "prologue_style": prologue_style,
        "project": str(project.root), "config": str(project.config_path) if project.config_path else None,
        "layout": {"segment_size": layout.segment_size, "segments": layout.segments,
                   "reserve": layout.reserve, "guard": layout.guard},
        "uses_tasks": uses_tasks,
        "libc": f"{clib.name} ({clib.multilib})" if clib else None,
        "link": {"objects": [str(o) for o in objects], "lazy_objects": [str(o) for o in lazy_objects]},
        "flash_bytes": flash, "ram_bytes": ram, "seconds": round(result.seconds, 3),
        "check_elision": project.check_elision, "leaf_allowance": leaf_allowance,
        "checks": [c.as_dict() for c in checks], "elided": [c.as_dict() for c in elided],
        "dropped": dropped, "raised": {k: list(v) for k, v in raised.items()},
        "plans": [p.as_dict() for p in plans], "notes": notes,
    }, indent=1))
    return result
