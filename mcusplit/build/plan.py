"""Stage 0 of a build: what to build, decided before anything runs.

The pool's layout (checked: the reserve must hold what runs without a check), the runtime's
defines and sources for the board, include paths, which functions get no check, the C library,
the generated board file and linker script."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..boards import Board
from ..codegen import layout as build_layout
from ..contract import HANDLER_ENTRY_BYTES, MORESTACK_PUSH_MAX, Layout
from ..cores import Core
from ..errors import BuildError
from ..link import bigstack, board_source, script
from ..link import libc as libc_link
from ..project import Project

RUNTIME_CORE = ["startup.c", "pool.c", "report.c", "policy.c", "exit.c", "console.c", "setjmp.S"]


@dataclass
class BuildPlan:
    project: Project
    board: Board
    core: Core
    layout: Layout
    split_stack: bool
    out_dir: Path
    work: Path
    runtime_defines: dict[str, str]
    includes: list[Path]                   # the runtime's
    user_includes: list[Path]              # the project's, then the runtime's API
    core_sources: list[Path]
    morestack: Path
    task_sources: list[Path]               # linked lazily: only firmware that uses tasks gets them
    lib_sources: list[Path]                # the runtime's split-stack C (printf)
    opt_out: tuple[str, ...]               # no_split_stack patterns (everything without split stacks)
    big_stack: tuple[str, ...]             # functions that run on a big stack of their own
    clib: libc_link.CLibrary | None
    link_script: Path
    leaf_allowance: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def stage(self) -> Path:
        """Where this build's outputs are made, before record.publish moves the complete set."""
        return self.work / "stage"

    @property
    def where(self) -> str:
        return str(self.project.config_path or self.project.root)


def layout_for(project: Project, core: Core) -> Layout:
    """The pool's layout for this project on this core, checked: the reserve must hold what runs
    without a check. Code generation depends on it, so every object of a firmware is made with
    the same one (mcusplit cc compiles files one at a time, and checks this at the link)."""
    leaf_allowance = project.leaf_allowance if project.check_elision in ("leaf", "full") else 0
    where = str(project.config_path or project.root)
    try:
        layout = build_layout.for_build(project.pool, core, leaf_allowance)
    except ValueError as exc:
        raise BuildError(str(exc), where) from None
    if layout.unchecked_allowance < 0:
        raise BuildError(f"pool.reserve = {layout.reserve} is too small for {core.key}: it must hold an "
                         f"exception frame ({layout.exception_frame} B), __morestack's pushes "
                         f"({MORESTACK_PUSH_MAX} B), a handler's entry ({HANDLER_ENTRY_BYTES} B), an "
                         f"unchecked leaf ({leaf_allowance} B) and the guard ({layout.guard_bytes} B): "
                         f"at least {layout.least_reserve} B", where)
    return layout


def user_includes(project: Project) -> list[Path]:
    """The include path of the project's C: its own directories, then the runtime's API (mcusplit.h)."""
    return [*project.include_dirs, paths.firmware_dir() / "include"]


def opt_out(project: Project, split_stack: bool = True) -> tuple[str, ...]:
    """The no_split_stack patterns codegen gets: the project's and the big_stack functions (they run
    on stacks of their own), or everything for a build without split stacks."""
    return (*project.no_split_stack, *(s.function for s in project.big_stack)) if split_stack else ("*",)


def make(project: Project, board: Board, out_dir: Path, split_stack: bool = True,
         work: Path | None = None) -> BuildPlan:
    """work: where intermediate files go (default: out_dir/obj)."""
    out_dir = out_dir.resolve()
    work = (work or out_dir / "obj").resolve()
    work.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work / "stage", ignore_errors=True)       # an earlier build's unfinished outputs
    (work / "stage").mkdir()
    core = board.core
    layout = layout_for(project, core)
    leaf_allowance = layout.leaf_allowance
    firmware = paths.firmware_dir()
    runtime_defines = {
        "MCUSPLIT_SEG_SHIFT": str(layout.shift),
        "MCUSPLIT_CONSOLE_BASE": f"{board.console.base:#x}u",
        "MCUSPLIT_CONSOLE_BAUD": f"{board.console.baud}u",
        "MCUSPLIT_CONSOLE_CLOCK": f"{board.console.clock_hz}u",
        "MCUSPLIT_MAX_TASKS": str(project.max_tasks),
    }
    if not split_stack and project.contiguous_stack:
        runtime_defines["MCUSPLIT_TASK_STACK"] = str(project.contiguous_stack)
    if layout.guard == "stack-limit":
        runtime_defines["MCUSPLIT_GUARD_SPLIM"] = "1"
    elif layout.guard == "mpu":
        runtime_defines["MCUSPLIT_GUARD_MPU"] = "1"
    if board.timer is not None:
        runtime_defines.update({"MCUSPLIT_TIMER_BASE": f"{board.timer.base:#x}u",
                                "MCUSPLIT_TIMER_IRQ": f"{board.timer.irq}u",
                                "MCUSPLIT_TIMER_CLOCK": f"{board.timer.clock_hz}u"})
    board_c = work / "board.c"
    board_c.write_text(board_source.render(board))
    link_script = work / "link.ld"
    link_script.write_text(script.render(board, layout, paths.linker_dir(), split_stack))
    core_sources = [firmware / "core" / name for name in RUNTIME_CORE]
    core_sources.append(firmware / "core" / "console" / f"{board.console.driver}.c")
    core_sources.append(firmware / "core" / "timer" / f"{board.timer.driver if board.timer else 'none'}.c")
    core_sources.append(board_c)
    core_sources += filter(None, [bigstack.source(project.big_stack, layout, work)])
    big_stack = tuple(s.function for s in project.big_stack)    # they run on their own stacks: no check
    return BuildPlan(
        project=project, board=board, core=core, layout=layout, split_stack=split_stack, out_dir=out_dir,
        work=work, runtime_defines=runtime_defines,
        includes=[firmware / "include", firmware / "core", firmware / "tasks"],
        user_includes=user_includes(project),
        core_sources=core_sources, morestack=firmware / "core" / f"morestack_{core.morestack_variant}.S",
        task_sources=[firmware / "tasks" / "sched.c", firmware / "tasks" / f"switch_{core.morestack_variant}.S"],
        lib_sources=sorted((firmware / "lib").glob("*.c")),
        opt_out=opt_out(project, split_stack), big_stack=big_stack,
        clib=libc_link.select(project.libc, core), link_script=link_script, leaf_allowance=leaf_allowance)
