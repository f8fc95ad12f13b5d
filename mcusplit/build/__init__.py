"""`mcusplit build`: sources -> split-stack firmware (.elf, .bin, .hex, .map) for one board.

The stages, each in its own module, imports running one way:

    plan      what to build: the pool's layout, the runtime for the board, opt-outs, the C library
    compile   frontend (C, Rust, IR -> bitcode) and codegen (split-stack prologues -> objects)
    link      lld with the generated linker script, the C library and compiler-rt
    postlink  the linked image as a whole: check elision, the proof for firmware with tasks
    record    images (.bin, .hex), memory use, <name>.build.json

Every output is written into a staging directory (obj/stage) and moved beside the others only when
the whole set is complete (record.publish): a failed or interrupted build leaves the previous
complete set, never a new .elf beside an old .bin.

A build without split stacks (--no-split-stack) takes the same path with every function opted
out, so the two differ only in their prologues.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from .. import files
from ..boards import Board
from ..demangle import name_matches
from ..link import bigstack
from ..link import libc as libc_link
from ..link.link import link
from ..project import Project
from . import compile as compile_stage
from . import plan as plan_stage
from . import record
from .record import BuildResult

__all__ = ["BuildResult", "build"]


def build(project: Project, board: Board, out_dir: Path, split_stack: bool = True, jobs: int | None = None,
          progress: Callable[[str], None] | None = None, task_hwm: bool | None = None) -> BuildResult:
    """task_hwm: link the __morestack that keeps per-task high-water marks (None: when the firmware
    uses tasks; the benchmarks force it to measure its cost)."""
    started = time.monotonic()
    say = progress or (lambda message: None)
    files.output_dir(out_dir)
    # One build at a time per output directory: a second one into the same -o would interleave its
    # stage and outputs with ours (files.locked fails at once, naming our pid).
    with files.locked(out_dir.resolve(), "build"):
        return _build(project, board, out_dir, split_stack, jobs, say, task_hwm, started)


def _build(project: Project, board: Board, out_dir: Path, split_stack: bool, jobs: int | None,
           say: Callable[[str], None], task_hwm: bool | None, started: float) -> BuildResult:
    plan = plan_stage.make(project, board, out_dir, split_stack)
    say(f"compiling {len(project.sources)} source(s) and the runtime for {board.name} ({board.core.key})")
    compiled = compile_stage.compile_all(plan, jobs, task_hwm)
    notes = list(compiled.notes) + check_names(plan, compiled)
    say("linking")
    elf = link_image(plan, compiled)
    from . import postlink  # here: the analysis it loads is not needed to compile (mcusplit cc -c)

    after = postlink.run(plan, elf, compiled.uses_tasks, say)
    staged = record.write(plan, compiled, after, elf, notes + after.notes, time.monotonic() - started)
    return record.publish(plan, staged)


def check_names(plan: plan_stage.BuildPlan, compiled: compile_stage.Compiled) -> list[str]:
    """big_stack functions must exist; no_split_stack patterns that match nothing are noted."""
    project = plan.project
    defined = {p.name for p in compiled.plans}
    bigstack.check_functions(project.big_stack, defined, libc_link.defined_symbols(plan.clib), plan.where)
    return [f"{project.config_path}: note: no_split_stack entry '{pattern}' matches no function"
            for pattern in project.no_split_stack if not any(name_matches(name, [pattern]) for name in defined)]


def link_image(plan: plan_stage.BuildPlan, compiled: compile_stage.Compiled, archives: tuple[Path, ...] = (),
               flags: tuple[str, ...] = ()) -> Path:
    """archives, flags: the user's (mcusplit cc links static libraries and -Wl, flags): the archives
    before the C library's, so the C library supplies only what they lack."""
    clib = plan.clib
    with libc_link.explain_missing(clib, plan.project.libc, plan.core):
        return link(compiled.objects, plan.link_script, plan.stage / f"{plan.name}.elf",
                    plan.stage / f"{plan.name}.map", plan.core, compiled.lazy_objects,
                    (*archives, *(clib.archives if clib else ())),
                    (*bigstack.link_flags(plan.project.big_stack), *flags), plan.work)
