"""`mcusplit analyze`: from a linked ELF to the segments every entry point needs, and the proof's gaps.

Entry points: the reset handler (on the first stack), every interrupt and fault handler in the
vector table (preempting at the worst moment, nested as the configuration allows), the tasks the
firmware registers (MCUSPLIT_TASK_ENTRY: up to N instances, each starting on a pool segment of its
own, interrupts pushing only their frame onto it) and task entries named in the configuration
(each on a fresh stack of the user's). The pool must hold the reset path's worst (interrupts
included) plus every task's.

Gates (MCUSPLIT_GATE, MCUSPLIT_GATED) bound how many tasks are deep at once: a task holds at most
its shallow worst (its gates' functions left out) outside a gate, and at most K tasks are inside
a gate with K permits. So the tasks need the sum of their shallow worsts plus, per gate, the K
largest extras (deep - shallow) among the tasks that can enter it.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..contract import Layout
from ..contract import exception_frame as contract_exception_frame
from . import libfacts, unchecked
from .callgraph import CallGraph
from .config import AnalyzeConfig, ConfigError
from .contiguous import OVERFLOW_BYTES, UNBOUNDED_BYTES, UNKNOWN_BYTES, ByteStep, ContiguousSolver, describe_bytes
from .dwarf import LineTable
from .elf import ElfError, Firmware
from .model import CheckPlan, PathStep, Solver, describe, stack_bytes
from .registry import HOOK_CALLERS, Registry
from .registry import read as read_registry
from .stackwalk import StackWalker, walk_all
from .steps import OVERFLOW, UNBOUNDED, UNKNOWN

GATE_CALL = "mcusplit_gate_call"            # firmware/tasks/sched.c: calls the gated functions
# The scheduler (firmware/tasks/sched.c, mcusplit_tasks_run) runs these at the lowest priority:
# they preempt only thread code, never another handler.
SCHEDULER = "mcusplit_tasks_run"
SCHEDULER_HANDLERS = ("PendSV_Handler", "SysTick_Handler")

SCHEMA_VERSION = 2

# Where a stack's size can come from in an image mcusplit did not build (or built without split
# stacks): the initial sp is the vector table's first word; the stack's bottom is one of these.
STACK_BOTTOM_SYMBOLS = ("__mcusplit_stack_base", "__StackLimit", "__stack_limit", "_sstack", "__stack_start__")
STACK_SIZE_SYMBOLS = ("_Min_Stack_Size", "__stack_size", "__STACK_SIZE", "_stack_size")


@dataclass
class EntryResult:
    name: str
    kind: str                      # reset | interrupt | task
    address: int
    room: int                      # room it starts with (interrupts: the least a check guarantees)
    value: int                     # segments, or OVERFLOW / UNBOUNDED / UNKNOWN; bytes in contiguous mode
    path: list[PathStep]
    instances: int = 1             # registered tasks: how many may run this entry at once
    shallow: int | None = None     # registered tasks: segments outside every gate (first included)
    stack_bytes: int | None = None  # registered tasks: a contiguous stack's worst depth
    byte_path: list[ByteStep] = field(default_factory=list)   # contiguous mode: the deepest path
    unit: str = "segments"         # segments | bytes (contiguous mode)

    @property
    def status(self) -> str:
        if self.unit == "bytes":
            return describe_bytes(self.value) if self.value >= UNBOUNDED_BYTES else "ok"
        return describe(self.value) if self.value >= OVERFLOW else "ok"


@dataclass
class Analysis:
    elf: Path
    layout: Layout | None          # None in contiguous mode
    hard_float: bool
    entries: list[EntryResult]
    pool_needed: int               # segments (bytes in contiguous mode), or a sentinel
    interrupt_model: str
    mode: str = "segments"         # segments | contiguous
    stack_budget: int | None = None         # contiguous mode: the bytes the stack has
    stack_budget_source: str = ""
    exception_frame: int = 36
    unresolved: list[dict] = field(default_factory=list)
    inferred: list[dict] = field(default_factory=list)
    indirect: list[dict] = field(default_factory=list)
    cycles: list[dict] = field(default_factory=list)
    unknowns: list[dict] = field(default_factory=list)
    functions: int = 0
    code_bytes: int = 0
    seconds: float = 0.0
    config: AnalyzeConfig = field(default_factory=AnalyzeConfig)
    gates: list[dict] = field(default_factory=list)
    task_segments: int = 0         # the registered tasks' share of pool_needed
    notes: list[str] = field(default_factory=list)
    # calls from checked code into code without a check (unchecked.py): what the allowance covers
    unchecked: list[dict] = field(default_factory=list)

    @property
    def contiguous(self) -> bool:
        return self.mode == "contiguous"

    @property
    def contiguous_task_bytes(self) -> int | None:
        """What contiguous stacks (each its task's worst depth) would take for the registered tasks."""
        tasks = [e for e in self.entries if e.shallow is not None]
        if not tasks or any(e.stack_bytes is None for e in tasks):
            return None
        return sum(e.instances * e.stack_bytes for e in tasks)

    @property
    def margin(self) -> int | None:
        if self.contiguous:
            if self.pool_needed >= UNBOUNDED_BYTES or self.stack_budget is None:
                return None
            return self.stack_budget - self.pool_needed
        return None if self.pool_needed >= OVERFLOW else self.layout.segments - self.pool_needed

    @property
    def needed_text(self) -> str:
        if self.contiguous:
            return describe_bytes(self.pool_needed)
        return describe(self.pool_needed) if self.pool_needed >= OVERFLOW else str(self.pool_needed)

    @property
    def reachable_unknowns(self) -> list[dict]:
        return [u for u in self.unknowns if u["reachable"]]

    def check_failures(self) -> list[str]:
        """Why `--check` fails (empty: it passes)."""
        failures = []
        unknowns = self.reachable_unknowns
        if unknowns:
            first = unknowns[0]
            failures.append(f"{len(unknowns)} place(s) the analysis cannot classify, e.g. {first['function']} at "
                            f"{first['address']:#x}" + (f" ({first['source']})" if first["source"] else "")
                            + f": {first['reason']}")
        if self.unresolved:
            failures.append(f"{len(self.unresolved)} indirect call(s) unresolved")
        unbounded_cycles = [c for c in self.cycles if c["bound"] is None]
        if unbounded_cycles and not self.config.allow_unbounded:
            failures.append(f"unbounded: {len(unbounded_cycles)} recursion cycle(s) without a bound ("
                            + "; ".join(" → ".join(c["functions"]) for c in unbounded_cycles[:3]) + ")")
        # Whatever value an entry point ends with that is not a number fails, whatever produced it.
        worst = max([self.pool_needed, *(e.value for e in self.entries)])
        unknown, unbounded = (UNKNOWN_BYTES, UNBOUNDED_BYTES) if self.contiguous else (UNKNOWN, UNBOUNDED)
        if worst >= unknown and not failures:
            failures.append("the worst case is unknown: " + ("; ".join(self.notes) or "see the report"))
        elif worst >= unbounded and not unbounded_cycles and not self.config.allow_unbounded:
            failures.append("the worst case is unbounded")
        if self.contiguous and OVERFLOW_BYTES <= worst < UNBOUNDED_BYTES:
            failures.append("a static stack can overflow (code on it needs more than its size)")
        if self.contiguous:
            if self.pool_needed < OVERFLOW_BYTES:
                if self.stack_budget is None:
                    failures.append("the stack's size is unknown: pass --stack-size or define __StackLimit")
                elif self.pool_needed > self.stack_budget:
                    failures.append(f"the stack is too small: {self.pool_needed} bytes needed, "
                                    f"{self.stack_budget} available ({self.stack_budget_source})")
            return failures
        if self.pool_needed < UNBOUNDED:
            if self.pool_needed >= OVERFLOW:
                failures.append("a stack can overflow (code without a check runs past its stack's bottom)")
            elif self.pool_needed > self.layout.segments:
                failures.append(f"the pool is too small: {self.pool_needed} segments needed, "
                                f"{self.layout.segments} configured")
        return failures

    def to_json(self) -> dict:
        def path_json(path: list[PathStep]) -> list[dict]:
            return [{"function": p.function, "address": p.address, "room": p.room, "body_room": p.body_room,
                     "frame": p.frame,
                     "split": p.split, "segments": p.segments, "via": p.via, "call_site": p.call_site,
                     **({"note": p.note} if p.note else {})} for p in path]

        def byte_path_json(path: list[ByteStep]) -> list[dict]:
            return [{"function": p.function, "address": p.address, "depth": p.depth, "frame": p.frame,
                     "via": p.via, "call_site": p.call_site, **({"note": p.note} if p.note else {})}
                    for p in path]

        def entry_json(e: EntryResult) -> dict:
            out = {"name": e.name, "kind": e.kind, "address": e.address, "status": e.status}
            if e.unit == "bytes":
                out.update({"bytes": e.value if e.value < UNBOUNDED_BYTES else None,
                            "path": byte_path_json(e.byte_path)})
                return out
            out.update({"room": e.room, "segments": e.value if e.value < OVERFLOW else None,
                        **({"instances": e.instances, "shallow": e.shallow, "stack_bytes": e.stack_bytes}
                           if e.shallow is not None else {}),
                        "path": path_json(e.path)})
            return out

        common = {
            "schema": SCHEMA_VERSION,
            "elf": str(self.elf),
            "mode": self.mode,
            "interrupt_model": self.interrupt_model,
            "entries": [entry_json(e) for e in self.entries],
            "unresolved": self.unresolved,
            "inferred": self.inferred,
            "indirect": self.indirect,
            "cycles": self.cycles,
            "unknowns": self.unknowns,
            "notes": self.notes,
            "check": {"passed": not self.check_failures(), "failures": self.check_failures()},
            "stats": {"functions": self.functions, "code_bytes": self.code_bytes,
                      "seconds": round(self.seconds, 3)},
        }
        if self.contiguous:
            return {**common, "stack": {"bytes": self.stack_budget, "source": self.stack_budget_source,
                                        "exception_frame": self.exception_frame},
                    "needed": self.pool_needed if self.pool_needed < UNBOUNDED_BYTES else self.needed_text,
                    "margin": self.margin}
        return {**common,
                "pool": {"segment_size": self.layout.segment_size, "segments": self.layout.segments,
                         "reserve": self.layout.reserve, "exception_frame": self.layout.exception_frame},
                "needed": self.needed_text if self.pool_needed >= OVERFLOW else self.pool_needed,
                "margin": self.margin,
                "gates": self.gates,
                "unchecked_calls": self.unchecked,
                "tasks": {"segments": self.task_segments,
                          "bytes": self.task_segments * self.layout.segment_size,
                          "contiguous_bytes": self.contiguous_task_bytes}}


def exception_frame(fw: Firmware) -> int:
    """Worst bytes an exception entry pushes on this image's core (the contract's figure)."""
    return contract_exception_frame(fw.hard_float)


def _layout(fw: Firmware) -> Layout | None:
    """The pool, from the symbols mcusplit's linker script defines; None for one contiguous stack
    (a --no-split-stack build, or an image mcusplit did not build)."""
    values = {}
    for name in ("__mcusplit_seg_size", "__mcusplit_seg_count", "__mcusplit_reserve"):
        value = fw.absolute(name)
        if value is None:
            return None
        values[name] = value
    if values["__mcusplit_seg_count"] == 0:
        return None
    return Layout(values["__mcusplit_seg_size"], values["__mcusplit_seg_count"], values["__mcusplit_reserve"],
                  exception_frame(fw), guard_bytes=fw.absolute("__mcusplit_guard_bytes") or 0)


def _vectors(fw: Firmware) -> tuple[list[int], tuple[int, int]]:
    """The vector table's words and its [start, end): `__isr_vector` in `.vectors` (mcusplit), else
    the section holding the ELF's first loaded words (`.isr_vector` of CMSIS and ST startup files)."""
    table = fw.by_name.get("__isr_vector")
    section = next((s for s in fw.sections if s.name in (".vectors", ".isr_vector")), None)
    if section is None or section["sh_size"] < 8:
        raise ElfError("no vector table (a .vectors or .isr_vector section)", str(fw.path))
    start = table.address if table is not None else section["sh_addr"]
    size = section["sh_size"] - (start - section["sh_addr"])
    data = fw.read(start, size)
    if data is None:
        raise ElfError("the vector table has no contents", str(fw.path))
    return [int.from_bytes(data[i:i + 4], "little") for i in range(0, len(data) - 3, 4)], (start, start + size)


def _stack_budget(fw: Firmware, initial_sp: int, stack_size: int | None) -> tuple[int | None, str]:
    """Bytes of the one stack: --stack-size, or from the linker script's symbols."""
    if stack_size is not None:
        return stack_size, "--stack-size"
    for name in STACK_BOTTOM_SYMBOLS:
        bottom = fw.absolute(name)
        if bottom is not None and bottom < initial_sp:
            return initial_sp - bottom, f"initial sp {initial_sp:#x} - {name} {bottom:#x}"
    for name in STACK_SIZE_SYMBOLS:
        size = fw.absolute(name)
        if size:
            return size, name
    return None, ""


def analyze(elf: Path, config: AnalyzeConfig | None = None, stack_size: int | None = None) -> Analysis:
    # Hundreds of thousands of short-lived objects and no reference cycles: pausing the cyclic
    # collector saves about a fifth of the time on large images.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _analyze(elf, config, stack_size)
    finally:
        if enabled:
            gc.enable()


@dataclass
class Prepared:
    """Everything read from the ELF once: what the model is solved over (possibly many times)."""

    fw: Firmware
    layout: Layout | None
    walker: StackWalker
    infos: dict
    graph: CallGraph
    bounds: dict[int, int]
    cycles: list[dict]
    reset: int
    reset_room: int
    handlers: list[int]
    config: AnalyzeConfig
    registry: Registry = field(default_factory=Registry)
    lowest: frozenset[int] = frozenset()    # handlers at the lowest priority (preempt only threads)
    notes: list[str] = field(default_factory=list)     # annotations that match nothing here
    initial_sp: int = 0
    exception_frame: int = 36
    nodes: list[tuple[int, int]] = field(default_factory=list)   # (vector, handler) of the nesting model


@dataclass
class Solution:
    thread: Solver
    solver_of: dict[int, Solver]
    interrupt_model: str
    pool_needed: int
    entries: list[EntryResult]
    gates: list[dict] = field(default_factory=list)
    task_segments: int = 0
    # the functions each context's entries reach (id(solver) -> set); None: take every context's
    # word for every function (the image has calls the analysis could not resolve)
    reach: dict[int, set[int]] | None = None

    def thresholds(self) -> dict[int, int]:
        """Each function's effective threshold: the highest any context that runs it asked for.
        A context that never runs a function (a handler's callee, in the thread) has no say: its
        threshold there may be one no segment offers. A function no context reaches is asked of
        every context."""
        solvers = list({id(s): s for s in [self.thread, *self.solver_of.values()]}.values())
        reached = set().union(*self.reach.values()) if self.reach is not None else set()
        merged: dict[int, int] = {}
        for solver in solvers:
            runs = self.reach.get(id(solver), set()) if self.reach is not None else None
            for f, t in solver.thresholds.items():
                if runs is None or f in runs or f not in reached:
                    merged[f] = max(merged.get(f, 0), t)
        return merged


def prepare(elf: Path, config: AnalyzeConfig | None = None) -> Prepared:
    config = config or AnalyzeConfig()
    fw = Firmware(elf)
    layout = _layout(fw)
    vectors, vector_span = _vectors(fw)
    walker = StackWalker(fw)
    infos = walk_all(walker)
    registry = read_registry(fw)
    for task in registry.tasks:
        if task.address not in infos:
            raise ElfError(f"task entry '{task.name}' ({task.address:#x}) is not a function", str(elf))
    for gate in registry.gates:
        for fn in gate.functions:
            if fn not in infos:
                raise ElfError(f"gate '{gate.name}': {fn:#x} is not a function", str(elf))
    by_name = {i.name: a for a, i in infos.items()}
    registry_targets = {GATE_CALL: sorted(registry.gated_functions)} if GATE_CALL in by_name else {}
    for caller in HOOK_CALLERS:
        # The core's calls through the hooks table (none registered: the loop calls nothing).
        if caller in by_name:
            registry_targets[caller] = sorted(set(registry.hooks.get(caller, [])))
    for caller, targets in registry_targets.items():
        for fn in targets:
            if fn not in infos:
                raise ElfError(f"{caller}: registered hook {fn:#x} is not a function", str(elf))
    graph = CallGraph(fw, infos, config.indirect, registry_targets, vector_span)
    for message in graph.config_errors:
        raise ConfigError(message, config.source)

    # Cycles and their bounds.
    bounds: dict[int, int] = {}
    cycles = []
    lines: LineTable | None = None
    for index, component in enumerate(graph.sccs):
        if not graph.is_cycle(index):
            continue
        names = sorted(infos[f].name for f in component)
        given = [config.recursion[n] for n in names if n in config.recursion]
        origin = "mcusplit.toml"
        if given:
            bounds[index] = min(given)
        elif len(component) == 1 and any(b.function == names[0] for b in libfacts.RECURSION) and fw.has_dwarf:
            lines = lines or LineTable(fw)
            fact = libfacts.bound_for(names[0], lines.lookup(component[0]))
            if fact is not None:
                bounds[index], origin = fact.bound, fact.reason
        cycles.append({"functions": names, "bound": bounds.get(index), "origin": origin})
    if lines is not None:
        lines.close()
    # A bound for a function this image does not have (or not in a cycle) is not an error: one
    # mcusplit.toml serves builds with different defines. The report lists it.
    notes = list(graph.type_notes)
    for name in config.recursion:
        if name not in graph.by_name:
            notes.append(f"[analyze.recursion] {name}: no such function in this image")
        elif not graph.is_cycle(graph.scc_of[graph.by_name[name]]):
            notes.append(f"[analyze.recursion] {name}: not part of a recursion cycle")
    for name in config.tasks:
        if name not in graph.by_name:
            raise ConfigError(f"[analyze] tasks: no function named '{name}'", config.source)

    initial_sp, reset = vectors[0], vectors[1] & ~1
    if reset not in infos:
        raise ElfError(f"the reset vector ({vectors[1]:#x}) does not point to a function", str(elf))
    stack_base = fw.absolute("__mcusplit_stack_base")
    if layout is not None:
        reset_room = initial_sp - stack_base if stack_base is not None else layout.fresh_room(0)
    else:
        reset_room = 0
    handlers, nodes = _handler_nodes(vectors, infos, reset, walker)
    dynamic = _dynamic_vectors(walker, fw, vectors)
    if dynamic:
        # A vector table moved at run time (SCB->VTOR) may hold any address-taken function.
        extra = sorted(f for f in graph.address_taken if f not in handlers and f != reset)
        handlers += extra
        nodes += [(1000 + i, f) for i, f in enumerate(extra)]
        notes.append(f"the vector table moves at run time ({dynamic}): every address-taken function is counted "
                     "as an interrupt handler that may preempt anything")
    if config.nesting == "priority":
        names = {infos[h].name for h in handlers}
        for name in config.priorities:
            if name not in names:
                raise ConfigError(f"[analyze.interrupts] '{name}' is not a handler in the vector table",
                                  config.source)
    lowest = frozenset()
    if SCHEDULER in graph.by_name:
        named = {fw.by_name[n].address for n in SCHEDULER_HANDLERS if n in fw.by_name}
        lowest = frozenset(h for h in handlers if h in named and infos[h].name not in config.priorities)
    frame = contract_exception_frame(fw.hard_float or fw.has_fp_attribute or walker.uses_fp)
    if layout is not None:
        layout = dataclasses.replace(layout, exception_frame=frame)
    return Prepared(fw, layout, walker, infos, graph, bounds, cycles, reset, reset_room, handlers, config,
                    registry, lowest, notes, initial_sp, frame, nodes)


# Exceptions that preempt whatever the configured nesting says (fixed or configurable above all
# interrupts in practice): NMI, HardFault, MemManage, BusFault, UsageFault, SecureFault.
FAULT_VECTORS = range(2, 8)


def _handler_nodes(vectors: list[int], infos: dict, reset: int, walker) -> tuple[list[int], list[tuple[int, int]]]:
    """The handlers (functions) and the nesting's nodes: one per vector, since a function behind k
    vectors (an IPSR dispatcher) can be active k times. A handler that never returns (the runtime's
    fault handler) counts once: nothing it preempts ever resumes."""
    nodes: list[tuple[int, int]] = []
    seen_noreturn: set[int] = set()
    for number, value in enumerate(vectors):
        f = value & ~1
        if number < 2 or not value or f not in infos or f == reset:
            continue
        if f in walker.noreturn:
            if f in seen_noreturn:
                continue
            seen_noreturn.add(f)
        nodes.append((number, f))
    return sorted({f for _, f in nodes}), nodes


def _dynamic_vectors(walker, fw: Firmware, vectors: list[int]) -> str | None:
    """Where code moves the vector table somewhere else than the linked one (a RAM copy to install
    handlers at run time, CMSIS NVIC_SetVector style), or None."""
    table = fw.by_name.get("__isr_vector")
    known = {table.address} if table is not None else set()
    section = next((s for s in fw.sections if s.name in (".vectors", ".isr_vector")), None)
    if section is not None:
        known.add(section["sh_addr"])
    for address, value in walker.vtor_writes:
        values = {v for v in ({value[1]} if value and value[0] == "c" else
                              value[1] if value and value[0] == "s" else set())}
        if not values or not values <= known:
            return f"a store to SCB->VTOR at {address:#x}"
    return None


def _nesting(p: Prepared, make):
    """(model text, the solver of each handler function, the thread's preempting list) for the
    configured nesting, over the vectors' nodes; make(preempting) builds a solver."""
    config, infos, nodes = p.config, p.infos, p.nodes
    solver_of: dict = {}
    if not nodes:
        return "no interrupt handlers", solver_of, []
    if config.nesting == "none":
        faults = [n for n in nodes if n[0] in FAULT_VECTORS]
        fault_solver = _chain_solvers(faults, make)
        inner = make([(f, fault_solver(frozenset([v]))) for v, f in faults])
        for v, f in nodes:
            solver_of.setdefault(f, fault_solver(frozenset([v])) if v in FAULT_VECTORS else inner)
        return ("handlers never preempt each other (configured); faults preempt them", solver_of,
                [(f, fault_solver(frozenset([v])) if v in FAULT_VECTORS else inner) for v, f in nodes])
    if config.nesting == "priority":
        priority = {v: 1 << 16 if f in p.lowest else config.priorities.get(infos[f].name, -1) for v, f in nodes}
        node_solver: dict[int, object] = {}
        for v, f in sorted(nodes, key=lambda n: priority[n[0]]):
            more_urgent = [(g, node_solver[w]) for w, g in nodes if priority[w] < priority[v] and w in node_solver]
            node_solver[v] = make(more_urgent)
            solver_of.setdefault(f, node_solver[v])
        return ("nesting by the configured priorities (faults and unlisted handlers preempt everything)",
                solver_of, [(f, node_solver[v]) for v, f in nodes])
    nesting = [(v, f) for v, f in nodes if f not in p.lowest]
    model = (f"priorities unknown: any of the {len(nesting)} handler(s) may preempt any other "
             f"(nesting up to {len(nesting) + bool(p.lowest)} deep)")
    if p.lowest:
        model += f"; the scheduler's {len(p.lowest)} run at the lowest priority"
    active_solvers = _chain_solvers(nesting, make)
    for v, f in nesting:
        solver_of.setdefault(f, active_solvers(frozenset([v])))
    if p.lowest:
        solver_of.update(dict.fromkeys(p.lowest, active_solvers(frozenset())))
    return model, solver_of, [(f, solver_of[f] if f in p.lowest else active_solvers(frozenset([v])))
                              for v, f in nodes]


def solve(p: Prepared, plan: CheckPlan | None = None, paths: bool = True, ignore_unknown: bool = False) -> Solution:
    """The model under one plan of checks: interrupt solvers, the thread, every entry's worst."""
    graph, layout, bounds, config, infos, handlers = p.graph, p.layout, p.bounds, p.config, p.infos, p.handlers

    def make(preempting):
        return Solver(graph, layout, bounds, preempting, plan=plan, ignore_unknown=ignore_unknown)

    model, solver_of, thread_preempting = _nesting(p, make)
    thread = make(thread_preempting)

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
    task_entries, gates, task_segments = _registered_tasks(p, plan, paths, ignore_unknown)
    entries += task_entries
    pool_needed = _add(pool_needed, task_segments)
    guaranteed = layout.reserve - layout.exception_frame
    for h in handlers:
        if h in p.lowest:
            continue        # preempts only thread code: the reset path's (and the tasks') worst cover it
        solver = solver_of[h]
        value = solver.need[h](guaranteed)
        entries.append(EntryResult(infos[h].name, "interrupt", h, guaranteed, value,
                                   path(solver, h, guaranteed, "interrupt")))
    return Solution(thread, solver_of, model, pool_needed, entries, gates, task_segments, _reach(p, thread, solver_of))


def _reach(p: Prepared, thread: Solver, solver_of: dict[int, Solver]) -> dict[int, set[int]] | None:
    """What each context runs: the thread its reset path and tasks, a handler's solver its handlers."""
    if p.graph.unresolved() or any(call.open_ended for _, call in p.graph.indirect_sites()) \
            or any(info.unknowns for info in p.infos.values()):
        return None             # calls the walk could not see: any context may run anything
    roots: dict[int, list[int]] = {id(thread): [p.reset, *(p.graph.by_name[n] for n in p.config.tasks),
                                                *(t.address for t in p.registry.tasks)]}
    for handler, solver in solver_of.items():
        roots.setdefault(id(solver), []).append(handler)
    return {key: p.graph.reachable(sources) for key, sources in roots.items()}


def solve_contiguous(p: Prepared) -> tuple[str, list[EntryResult], int, list[str]]:
    """One stack: (interrupt model, entries, the bytes the reset path needs, notes)."""
    graph, bounds, infos = p.graph, p.bounds, p.infos

    def make(preempting):
        return ContiguousSolver(graph, bounds, p.exception_frame, preempting)

    model, solver_of, thread_preempting = _nesting(p, make)
    thread = make(thread_preempting)
    entries = [EntryResult(infos[p.reset].name, "reset", p.reset, 0, thread.worst[p.reset], [],
                           byte_path=thread.worst_path(p.reset), unit="bytes")]
    for name in p.config.tasks:
        f = graph.by_name[name]
        entries.append(EntryResult(name, "task", f, 0, thread.worst[f], [], byte_path=thread.worst_path(f),
                                   unit="bytes"))
    for h in p.handlers:
        if h in p.lowest:
            continue
        solver = solver_of[h]
        entries.append(EntryResult(infos[h].name, "interrupt", h, 0, solver.worst[h], [],
                                   byte_path=solver.worst_path(h, "interrupt"), unit="bytes"))
    notes = sorted({n for s in [thread, *solver_of.values()] for n in s.notes})
    return model, entries, entries[0].value, notes


# Up to this many handlers the "any" model follows every chain of distinct handlers exactly (one
# solver per set of active handlers: 2**n); above it, n layers where any handler may preempt any
# other, itself included: more than can happen, so still safe, and n solvers instead of 2**n.
EXACT_CHAIN_HANDLERS = 8


def _chain_solvers(nesting: list[tuple[int, int]], make):
    """For nesting = "any": the solver for code running while a set of vectors is active.

    An exception cannot preempt itself (the NVIC holds a second request pending until the active
    one returns), so a chain of nested handlers has each vector at most once; a function behind
    several vectors may be active once per vector."""
    memo: dict[frozenset[int], object] = {}

    if len(nesting) > EXACT_CHAIN_HANDLERS:
        layer = make([])
        for _ in range(len(nesting) - 1):
            layer = make([(f, layer) for _, f in nesting])
        top = make([(f, layer) for _, f in nesting])
        return lambda active: top if not active else layer

    def solver(active: frozenset[int]):
        if active not in memo:
            preempting = [(f, solver(active | {v})) for v, f in nesting if v not in active]
            memo[active] = make(preempting)
        return memo[active]

    return solver


def _reaches(graph: CallGraph, sources: list[int], goal: int) -> bool:
    return goal in graph.reachable(sources)


def _registered_tasks(p: Prepared, plan: CheckPlan | None, paths: bool,
                      ignore_unknown: bool = False) -> tuple[list[EntryResult], list[dict], int]:
    """Registered tasks: entries, per-gate figures, and the segments they need together."""
    registry, graph, layout = p.registry, p.graph, p.layout
    if not registry.tasks:
        return [], [], 0
    gate_call = graph.by_name.get(GATE_CALL)
    edges = {g.name: frozenset((gate_call, f) for f in g.functions) for g in registry.gates} if gate_call else {}
    every_gate = frozenset().union(*edges.values()) if edges else frozenset()

    def solver(blocked: frozenset) -> Solver:
        return Solver(graph, layout, p.bounds, plan=plan, blocked=blocked, frames_only=True,
                      ignore_unknown=ignore_unknown)

    full = solver(frozenset())
    shallow_solver = solver(every_gate) if every_gate else full
    per_gate = {}
    for gate in registry.gates:
        # A gate whose functions can reach another gate: its tasks are counted with every gate open.
        nested = gate_call is not None and _reaches(graph, gate.functions, gate_call)
        per_gate[gate.name] = (full if nested else solver(every_gate - edges.get(gate.name, frozenset())), nested)
    depths = stack_bytes(graph, p.bounds, layout.exception_frame)
    room = layout.fresh_room(0)
    entries = []
    costs: list[int] = []                   # segments per task instance outside gates (first included)
    extras: dict[str, list[int]] = {g.name: [] for g in registry.gates}
    for task in registry.tasks:
        f = task.address
        worst, shallow = full.need[f](room), shallow_solver.need[f](room)
        depth = depths.get(f)
        entries.append(EntryResult(task.name, "task", f, room, _add(worst, 1),
                                   full.worst_path(f, room) if paths else [], task.max_instances,
                                   _add(shallow, 1), None if depth is None else (depth + 7) & ~7))
        costs += [_add(shallow, 1)] * task.max_instances
        for gate in registry.gates:
            deep = per_gate[gate.name][0].need[f](room)
            extra = deep if deep >= OVERFLOW or shallow >= OVERFLOW else max(0, deep - shallow)
            extras[gate.name] += [extra] * task.max_instances
    # No more tasks than the scheduler has slots (mcusplit_tasks_max) exist at once.
    slots = p.fw.word(p.fw.by_name["mcusplit_tasks_max"].address) if "mcusplit_tasks_max" in p.fw.by_name else None
    total = 0
    for cost in sorted(costs, reverse=True)[:slots]:
        total = _add(total, cost)
    gates = []
    for gate in registry.gates:
        largest = sorted(extras[gate.name], reverse=True)[:gate.permits]
        added = 0
        for extra in largest:
            added = _add(added, extra)
        total = _add(total, added)
        gates.append({"name": gate.name, "permits": gate.permits,
                      "functions": [p.infos[f].name for f in gate.functions],
                      "nested": per_gate[gate.name][1], "segments_added": added if added < OVERFLOW else None})
    return entries, gates, total


def reachable(p: Prepared) -> set[int]:
    """Functions some entry point (reset, a handler, a task) calls, directly or not."""
    roots = [p.reset, *p.handlers, *(t.address for t in p.registry.tasks),
             *(p.graph.by_name[n] for n in p.config.tasks)]
    seen, work = set(roots), list(roots)
    while work:
        for t in p.graph.callees(work.pop()):
            if t not in seen:
                seen.add(t)
                work.append(t)
    return seen


def _analyze(elf: Path, config: AnalyzeConfig | None, stack_size: int | None = None) -> Analysis:
    started = time.monotonic()
    p = prepare(elf, config)
    fw, graph, infos = p.fw, p.graph, p.infos
    lines = LineTable(fw) if fw.has_dwarf else None

    def source(address: int) -> str | None:
        return lines.lookup(address) if lines else None

    reached = reachable(p)
    unresolved = [{"function": info.name, "call_site": call.address, "source": source(call.address)}
                  for info, call in graph.unresolved()]
    unknowns = [{"function": info.name, "address": u.address, "source": source(u.address), "reason": u.reason,
                 "reachable": info.address in reached}
                for info in infos.values() for u in info.unknowns]
    indirect = [{"function": info.name, "call_site": call.address, "kind": call.kind,
                 "resolution": call.resolution, "source": source(call.address),
                 "targets": [infos[t].name for t in call.targets if t in infos]}
                for info, call in graph.indirect_sites()]
    common = dict(elf=Path(elf), hard_float=fw.hard_float, notes=p.notes, unresolved=unresolved,
                  inferred=[{"function": i.caller, "call_site": i.call_site, "table": i.table,
                             "targets": i.targets} for i in graph.inferences],
                  indirect=indirect, cycles=p.cycles, unknowns=unknowns, functions=len(infos),
                  code_bytes=sum(len(c) for _, c in fw.code_spans()), config=p.config,
                  exception_frame=p.exception_frame)
    if p.layout is None:
        model, entries, needed, notes = solve_contiguous(p)
        budget, budget_source = _stack_budget(fw, p.initial_sp, stack_size)
        analysis = Analysis(layout=None, entries=entries, pool_needed=needed, interrupt_model=model,
                            mode="contiguous", stack_budget=budget, stack_budget_source=budget_source, **common)
        analysis.notes = [*analysis.notes, *notes]
    else:
        solution = solve(p)
        common["unchecked"] = [
            {"function": c.caller, "call_site": c.site, "source": source(c.site), "depth": c.depth,
             "chain": list(c.chain), "bytes": c.below, "needs": c.needs,
             "threshold": infos[c.caller_address].check.threshold, "problem": c.problem or None}
            for c in unchecked.calls(p, p.layout.guard_bytes)]
        analysis = Analysis(layout=p.layout, entries=solution.entries, gates=solution.gates,
                            task_segments=solution.task_segments, pool_needed=solution.pool_needed,
                            interrupt_model=solution.interrupt_model, **common)
        analysis.notes = [*analysis.notes, *sorted({n for s in [solution.thread, *solution.solver_of.values()]
                                                    for n in s.notes})]
    if lines is not None:
        lines.close()
    analysis.seconds = time.monotonic() - started
    return analysis


def _add(a: int, b: int) -> int:
    if a >= OVERFLOW or b >= OVERFLOW:
        return max(a, b)
    return a + b
