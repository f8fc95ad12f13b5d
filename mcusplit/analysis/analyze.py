"""`mcusplit analyze`: from a linked ELF to the segments every entry point needs, and the proof's gaps.

Entry points: the reset handler (on the first stack), every interrupt and fault handler in the
vector table (preempting at the worst moment, nested as the configuration allows), and task
entries named in the configuration (each on a fresh segment). The pool must hold the reset
path's worst (interrupts included) plus every task's worst.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

from .callgraph import CallGraph
from .config import AnalyzeConfig, ConfigError
from .dwarf import LineTable
from .elf import ElfError, Firmware
from .functions import FunctionWalker
from .model import CheckPlan, Layout, PathStep, Solver, describe
from .steps import OVERFLOW, UNBOUNDED

SCHEMA_VERSION = 1


@dataclass
class EntryResult:
    name: str
    kind: str                      # reset | interrupt | task
    address: int
    room: int                      # room it starts with (interrupts: the least a check guarantees)
    value: int                     # segments, or OVERFLOW / UNBOUNDED
    path: list[PathStep]

    @property
    def status(self) -> str:
        return describe(self.value) if self.value >= OVERFLOW else "ok"


@dataclass
class Analysis:
    elf: Path
    layout: Layout
    hard_float: bool
    entries: list[EntryResult]
    pool_needed: int               # OVERFLOW / UNBOUNDED when there is no finite answer
    interrupt_model: str
    unresolved: list[dict] = field(default_factory=list)
    inferred: list[dict] = field(default_factory=list)
    cycles: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    functions: int = 0
    code_bytes: int = 0
    seconds: float = 0.0
    config: AnalyzeConfig = field(default_factory=AnalyzeConfig)

    @property
    def margin(self) -> int | None:
        return None if self.pool_needed >= OVERFLOW else self.layout.segments - self.pool_needed

    def check_failures(self) -> list[str]:
        """Why `--check` fails (empty: it passes)."""
        failures = []
        if self.pool_needed >= UNBOUNDED:
            if not self.config.allow_unbounded:
                failures.append("the worst case is unbounded (recursion without a bound, or unknown sp changes)")
        elif self.pool_needed >= OVERFLOW:
            failures.append("a stack can overflow (code without a check runs past its stack's bottom)")
        elif self.pool_needed > self.layout.segments:
            failures.append(f"the pool is too small: {self.pool_needed} segments needed, "
                            f"{self.layout.segments} configured")
        if self.unresolved and not self.config.allow_unresolved:
            failures.append(f"{len(self.unresolved)} indirect call(s) unresolved")
        unbounded_cycles = [c for c in self.cycles if c["bound"] is None]
        if unbounded_cycles and not self.config.allow_unbounded and self.pool_needed < UNBOUNDED:
            failures.append(f"{len(unbounded_cycles)} recursion cycle(s) without a bound")
        return failures

    def to_json(self) -> dict:
        def path_json(path: list[PathStep]) -> list[dict]:
            return [{"function": p.function, "address": p.address, "room": p.room, "body_room": p.body_room,
                     "frame": p.frame,
                     "split": p.split, "segments": p.segments, "via": p.via, "call_site": p.call_site,
                     **({"note": p.note} if p.note else {})} for p in path]

        return {
            "schema": SCHEMA_VERSION,
            "elf": str(self.elf),
            "pool": {"segment_size": self.layout.segment_size, "segments": self.layout.segments,
                     "reserve": self.layout.reserve, "exception_frame": self.layout.exception_frame},
            "needed": describe(self.pool_needed) if self.pool_needed >= OVERFLOW else self.pool_needed,
            "margin": self.margin,
            "interrupt_model": self.interrupt_model,
            "entries": [{"name": e.name, "kind": e.kind, "address": e.address, "room": e.room,
                         "segments": e.value if e.value < OVERFLOW else None, "status": e.status,
                         "path": path_json(e.path)} for e in self.entries],
            "unresolved": self.unresolved,
            "inferred": self.inferred,
            "cycles": self.cycles,
            "problems": self.problems,
            "check": {"passed": not self.check_failures(), "failures": self.check_failures()},
            "stats": {"functions": self.functions, "code_bytes": self.code_bytes,
                      "seconds": round(self.seconds, 3)},
        }


def _layout(fw: Firmware) -> Layout:
    values = {}
    for name in ("__mcusplit_seg_size", "__mcusplit_seg_count", "__mcusplit_reserve"):
        value = fw.absolute(name)
        if value is None:
            raise ElfError(f"no {name} symbol: not firmware built by mcusplit (or stripped of its symbols)",
                           str(fw.path))
        values[name] = value
    frame = (104 if fw.hard_float else 32) + 4
    return Layout(values["__mcusplit_seg_size"], values["__mcusplit_seg_count"], values["__mcusplit_reserve"],
                  frame)


def _vectors(fw: Firmware) -> list[int]:
    table = fw.by_name.get("__isr_vector")
    section = next((s for s in fw.sections if s.name == ".vectors"), None)
    if table is None or section is None or section["sh_size"] < 8:
        raise ElfError("no vector table (__isr_vector in .vectors)", str(fw.path))
    data = fw.read(table.address, section["sh_size"])
    if data is None:
        raise ElfError("the vector table has no contents", str(fw.path))
    return [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data) - 3, 4)]


def analyze(elf: Path, config: AnalyzeConfig | None = None) -> Analysis:
    # Hundreds of thousands of short-lived objects and no reference cycles: pausing the cyclic
    # collector saves about a fifth of the time on large images.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze(elf, config)
    finally:
        if enabled:
            gc.enable()


@dataclass
class Prepared:
    """Everything read from the ELF once: what the model is solved over (possibly many times)."""

    fw: Firmware
    layout: Layout
    walker: FunctionWalker
    infos: dict
    graph: CallGraph
    bounds: dict[int, int]
    cycles: list[dict]
    reset: int
    reset_room: int
    handlers: list[int]
    config: AnalyzeConfig


@dataclass
class Solution:
    thread: Solver
    solver_of: dict[int, Solver]
    interrupt_model: str
    pool_needed: int
    entries: list[EntryResult]

    def thresholds(self) -> dict[int, int]:
        """Each function's effective threshold: the highest any interrupt context asked for."""
        merged: dict[int, int] = {}
        for solver in [self.thread, *self.solver_of.values()]:
            for f, t in solver.thresholds.items():
                merged[f] = max(merged.get(f, 0), t)
        return merged


def prepare(elf: Path, config: AnalyzeConfig | None = None) -> Prepared:
    config = config or AnalyzeConfig()
    fw = Firmware(elf)
    layout = _layout(fw)
    vectors = _vectors(fw)
    walker = FunctionWalker(fw)
    infos = {s.address: walker.analyze(s) for s in walker.functions}
    graph = CallGraph(fw, infos, config.indirect)
    for message in graph.config_errors:
        raise ConfigError(message, config.source)

    # Cycles and their bounds.
    bounds: dict[int, int] = {}
    cycles = []
    for index, component in enumerate(graph.sccs):
        if not graph.is_cycle(index):
            continue
        names = sorted(infos[f].name for f in component)
        given = [config.recursion[n] for n in names if n in config.recursion]
        if given:
            bounds[index] = min(given)
        cycles.append({"functions": names, "bound": bounds.get(index)})
    for name in config.recursion:
        if name not in graph.by_name:
            raise ConfigError(f"[analyze.recursion] names '{name}', which is not a function", config.source)
        if not graph.is_cycle(graph.scc_of[graph.by_name[name]]):
            raise ConfigError(f"[analyze.recursion] '{name}' is not part of a recursion cycle", config.source)
    for name in config.tasks:
        if name not in graph.by_name:
            raise ConfigError(f"[analyze] tasks: no function named '{name}'", config.source)

    initial_sp, reset = vectors[0], vectors[1] & ~1
    if reset not in infos:
        raise ElfError(f"the reset vector ({vectors[1]:#x}) does not point to a function", str(elf))
    stack_base = fw.absolute("__mcusplit_stack_base")
    reset_room = initial_sp - stack_base if stack_base is not None else layout.fresh_room(0)
    handlers = sorted({v & ~1 for v in vectors[2:] if v and (v & ~1) in infos and (v & ~1) != reset})
    if config.nesting == "priority":
        names = {infos[h].name for h in handlers}
        for name in config.priorities:
            if name not in names:
                raise ConfigError(f"[analyze.interrupts] '{name}' is not a handler in the vector table",
                                  config.source)
    return Prepared(fw, layout, walker, infos, graph, bounds, cycles, reset, reset_room, handlers, config)


def solve(p: Prepared, plan: CheckPlan | None = None, paths: bool = True) -> Solution:
    """The model under one plan of checks: interrupt solvers, the thread, every entry's worst."""
    graph, layout, bounds, config, infos, handlers = p.graph, p.layout, p.bounds, p.config, p.infos, p.handlers
    solver_of: dict[int, Solver] = {}
    if not handlers:
        model = "no interrupt handlers"
        thread_preempting: list[tuple[int, Solver]] = []
    elif config.nesting == "none":
        model = "handlers never preempt each other (configured)"
        inner = Solver(graph, layout, bounds, plan=plan)
        solver_of = dict.fromkeys(handlers, inner)
        thread_preempting = [(h, inner) for h in handlers]
    elif config.nesting == "priority":
        model = "nesting by the configured priorities (faults and unlisted handlers preempt everything)"
        priority = {h: config.priorities.get(infos[h].name, -1) for h in handlers}
        for h in sorted(handlers, key=lambda h: priority[h]):
            more_urgent = [(o, solver_of[o]) for o in handlers if priority[o] < priority[h] and o in solver_of]
            solver_of[h] = Solver(graph, layout, bounds, more_urgent, plan=plan)
        thread_preempting = [(h, solver_of[h]) for h in handlers]
    else:
        model = (f"priorities unknown: any of the {len(handlers)} handler(s) may preempt any other "
                 f"(nesting up to {len(handlers)} deep)")
        layer = Solver(graph, layout, bounds, plan=plan)
        for _ in range(len(handlers) - 1):
            layer = Solver(graph, layout, bounds, [(h, layer) for h in handlers], plan=plan)
        solver_of = dict.fromkeys(handlers, layer)
        thread_preempting = [(h, layer) for h in handlers]
    thread = Solver(graph, layout, bounds, thread_preempting, plan=plan)

    def path(solver: Solver, f: int, room: int, via: str = "entry") -> list[PathStep]:
        return solver.worst_path(f, room, via=via) if paths else []

    reset = p.reset
    entries = [EntryResult(infos[reset].name, "reset", reset, p.reset_room, thread.need[reset](p.reset_room),
                           path(thread, reset, p.reset_room))]
    pool_needed = entries[0].value
    for name in config.tasks:
        f = graph.by_name[name]
        room = layout.fresh_room(0)
        value = thread.need[f](room)
        entries.append(EntryResult(name, "task", f, room, value, path(thread, f, room)))
        pool_needed = _add(pool_needed, value)
    guaranteed = layout.reserve - layout.exception_frame
    for h in handlers:
        solver = solver_of[h]
        value = solver.need[h](guaranteed)
        entries.append(EntryResult(infos[h].name, "interrupt", h, guaranteed, value,
                                   path(solver, h, guaranteed, "interrupt")))
    return Solution(thread, solver_of, model, pool_needed, entries)


def _analyze(elf: Path, config: AnalyzeConfig | None) -> Analysis:
    started = time.monotonic()
    p = prepare(elf, config)
    solution = solve(p)
    fw, graph, infos = p.fw, p.graph, p.infos
    lines = LineTable(fw) if fw.has_dwarf else None
    unresolved = [{"function": info.name, "call_site": call.address,
                   "source": lines.lookup(call.address) if lines else None}
                  for info, call in graph.unresolved()]
    problems = [{"function": info.name, "problem": problem} for info in infos.values() for problem in info.problems]
    analysis = Analysis(elf=Path(elf), layout=p.layout, hard_float=fw.hard_float, entries=solution.entries,
                        pool_needed=solution.pool_needed, interrupt_model=solution.interrupt_model,
                        unresolved=unresolved,
                        inferred=[{"function": i.caller, "call_site": i.call_site, "table": i.table,
                                   "targets": i.targets} for i in graph.inferences],
                        cycles=p.cycles, problems=problems, functions=len(infos),
                        code_bytes=sum(len(c) for _, c in fw.code_spans()), config=p.config)
    analysis.seconds = time.monotonic() - started
    return analysis


def _add(a: int, b: int) -> int:
    if a >= OVERFLOW or b >= OVERFLOW:
        return max(a, b)
    return a + b
