"""The exact segment model: how many pool segments each entry point needs, and along which path.

Rules (the runtime's, docs/runtime.md):
- A stack has `room` bytes between sp and its bottom. A call `depth` bytes below a function's
  entry sp starts with room - depth.
- A split function demanding T bytes: with room < T, __morestack pushes its registers on the old
  stack, takes one segment and runs the body there with room = SEG - 16 - align8(arg_bytes).
- Code without a check must fit: room never below 0.
- An interrupt can arrive at any instruction: the exception frame (36 bytes, 108 with an FPU)
  lands at the interrupted sp and the handler starts with what is left. need() never grows with
  more room, so the worst moment is each function's deepest point.
- Segments held along a path add up: a handler that splits while the thread holds k segments
  needs k + its own.

need_f(r) is solved for all r at once as a step function, callees before callers (Tarjan order);
a cycle runs as deep as its configured bound (its layers in closed form: periodic.py), or is
unbounded. What the walk could not classify makes every path through it *unknown*.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contract import MORESTACK_PUSH_MAX, Layout, push_bytes
from .callgraph import CallGraph
from .functions import FunctionInfo
from .periodic import MAX_LAYERS, Layers, unroll
from .steps import OVERFLOW, UNBOUNDED, UNKNOWN, Step, maximum, piecewise, saturating_add


@dataclass
class PathStep:
    function: str
    address: int
    room: int                    # room when the function was entered (before its check)
    frame: int
    split: bool                  # took a new segment here
    segments: int                # segments held while this function runs
    via: str                     # "entry" | "call" | "tail" | "interrupt"
    call_site: int | None = None
    note: str = ""               # "overflow" | "unbounded" where the path ends badly
    body_room: int = 0           # room its body runs with (after a split: what __morestack gave it)


@dataclass(frozen=True)
class CheckPlan:
    """What the optimizer may change: checks removed, and whether kept checks may demand more room
    (enough for the unchecked code below them) than the compiler gave them."""

    dropped: frozenset[int] = frozenset()
    raise_thresholds: bool = False
    # functions whose stack use checks above them need not cover ([split_stack] allow_uncovered):
    # a call to one needs room for __morestack's pushes, as a call to checked code
    uncovered: frozenset[int] = frozenset()
    # False: no handler preempts (the allowance's fallback where interrupts on top of the unchecked
    # code cannot fit in any segment; the analysis of the image then reports that overflow)
    interrupts: bool = True


def encodable_threshold(layout: Layout, variant: str, threshold: int) -> int:
    """The least threshold >= `threshold` a check of this variant can compare with."""
    if variant == "thumb2":
        return layout.thumb2_threshold(threshold)
    return layout.thumb1_threshold(threshold) * layout.thumb1_unit()


def first_safe_room(step: Step) -> int | None:
    """The least room at which `step` does not overflow (it never grows with more room)."""
    for x, v in zip(step.xs, step.values, strict=True):
        if v < OVERFLOW:
            return x
    return None


class Solver:
    """need() of every function, with the handlers that may preempt code solved here."""

    def __init__(self, graph: CallGraph, layout: Layout, bounds: dict[int, int],
                 preempting: list[tuple[int, Solver]] | None = None, plan: CheckPlan | None = None,
                 blocked: frozenset[tuple[int, int]] = frozenset(), frames_only: bool = False,
                 ignore_unknown: bool = False) -> None:
        """blocked: calls (caller, target) left out (a gate's deep functions, for a task's shallow
        part). frames_only: interrupts push their frame here but run elsewhere (a task on PSP).
        ignore_unknown: what the walk could not classify counts as a call to a checked function
        (it needs room for __morestack's pushes at that depth) and unbounded cycles as one layer:
        for check elision, which never drops a check on a path through an unknown (plan.py)."""
        self.g = graph
        self.layout = layout
        self.bounds = bounds                        # SCC index -> how many frames of the cycle at once
        self.plan = plan or CheckPlan()
        self.blocked = blocked
        self.ignore_unknown = ignore_unknown
        self.preempting = (preempting or []) if self.plan.interrupts else []
        if self.preempting:
            self.irq: Step | None = maximum([s.need[h] for h, s in self.preempting])
        else:
            self.irq = Step.const(0) if frames_only and self.plan.interrupts else None
        self.need: dict[int, Step] = {}
        self.layers: dict[int, Layers] = {}        # SCC index -> its layers (periodic.py)
        self.thresholds: dict[int, int] = {}       # effective threshold of every function with a check
        self.split_value: dict[int, int] = {}      # segments a checked function holds when it splits
        self.bodies: dict[int, Step] = {}          # a checked function's need past its check
        self.notes: list[str] = []
        self._static_memo: dict[tuple[int, int, int], int] = {}
        self._solve()

    def _minimal(self, depth: int) -> Step:
        """What a call into checked code needs at the least: room for __morestack's pushes."""
        return Step.const(0, MORESTACK_PUSH_MAX + self.layout.guard_bytes).shift(depth)

    def _body(self, info: FunctionInfo, callee_need) -> Step:
        if info.unknowns and not self.ignore_unknown:
            return Step.const(UNKNOWN)
        parts = [Step.const(0, info.frame + self.layout.guard_bytes)]
        for call in info.calls:
            if call.open_ended:
                if not self.ignore_unknown:
                    return Step.const(UNKNOWN)
                parts.append(self._minimal(call.depth) if call.stack is None else Step.const(0))
                continue
            for target in call.targets:
                if (info.address, target) in self.blocked:
                    continue
                if target in self.plan.uncovered:
                    parts.append(self._minimal(call.depth) if call.stack is None else Step.const(0))
                    continue
                need = callee_need(target)
                if need is None:
                    if self.ignore_unknown and target in self.g.info:
                        parts.append(self._minimal(call.depth) if call.stack is None else Step.const(0))
                    continue
                if call.stack is not None:
                    value = self._on_static_stack(target, need, call.stack_top - call.depth,
                                                  call.stack_room - call.depth)
                    parts.append(Step.const(self._static_part(value)))
                else:
                    parts.append(need.shift(call.depth))
        for size, top, depth in info.static_frames.values():
            if size - depth - self.layout.guard_bytes < 0:
                parts.append(Step.const(self._static_part(OVERFLOW)))
            elif self.irq is not None:
                parts.append(Step.const(self._static_part(self._interrupt_at(top - depth, size - depth))))
        if self.irq is not None:
            parts.append(self.irq.shift(info.frame + self.layout.exception_frame))
        return maximum(parts, self.layout.segment_size)

    # ---- static stacks (big stacks, the fault stack) ----
    # On a static stack the room a check sees (sp mod SEG) and the room that is really there differ:
    # a big stack is segment-aligned and may be many segments deep. A Step is a function of one
    # room, so what runs there is evaluated here, for one (sp, physical room) at a time.
    def _static_part(self, value: int) -> int:
        """A static stack's own overflow does not depend on the room of the stack the call is made
        from: raising a check cannot cover it (the analysis reports it), so thresholds ignore it."""
        return 0 if self.plan.raise_thresholds and value >= OVERFLOW else value

    def _checked_at(self, f: int, need: Step, sp: int, room: int) -> int:
        """A checked function entered with sp on a static stack and `room` bytes really below it:
        its check decides by sp mod SEG, its body has the real room."""
        info = self.g.info[f]
        threshold = self.thresholds.get(f, info.check.threshold)
        view = sp % self.layout.segment_size
        body = self.bodies.get(f)
        if view >= threshold:
            if body is None or self.g.is_cycle(self.g.scc_of[f]):
                # a cycle's member (its body differs per layer): in place with the real room, or
                # an overflow where the real room is less than the check believes
                return need(view) if room >= threshold else OVERFLOW
            return body(min(view, room))
        push = push_bytes(info.check.variant, info.check.arg_bytes)
        if room < push + self.layout.guard_bytes:
            return OVERFLOW
        # it splits: what the new segment holds, and an interrupt while the push is on this stack
        # (with the new segment already taken, as in _with_check)
        return max(self.split_value.get(f, need(0)), saturating_add(self._interrupt_at(sp - push, room - push), 1))

    def _on_static_stack(self, f: int, need: Step, sp: int, room: int, depth: int = 0) -> int:
        """Segments `f` holds when entered with sp on a static stack and `room` bytes below it."""
        seg = self.layout.segment_size
        view = sp % seg
        info = self.g.info.get(f)
        if info is None:
            return need(min(view, room))
        if info.check is not None and f not in self.plan.dropped:
            return self._checked_at(f, need, sp, room)
        if (room < seg and view == room) or self.g.is_cycle(self.g.scc_of[f]) or depth > 64:
            return need(min(view, room))                # exact, or (cycles) the smaller room: safe
        key = (f, sp, room)
        if key in self._static_memo:
            return self._static_memo[key]
        if info.unknowns and not self.ignore_unknown:
            return UNKNOWN
        worst = OVERFLOW if info.frame + self.layout.guard_bytes > room else 0
        for call in info.calls:
            if call.open_ended:
                if not self.ignore_unknown:
                    return UNKNOWN
                continue
            for target in call.targets:
                callee = self.need.get(target)
                if (f, target) in self.blocked or callee is None:
                    continue
                if call.stack is not None:
                    value = self._on_static_stack(target, callee, call.stack_top - call.depth,
                                                  call.stack_room - call.depth, depth + 1)
                else:
                    value = self._on_static_stack(target, callee, sp - call.depth, room - call.depth, depth + 1)
                worst = max(worst, value)
        for size, top, used in info.static_frames.values():
            worst = max(worst, OVERFLOW if size - used < self.layout.guard_bytes else
                        self._interrupt_at(top - used, size - used))
        worst = max(worst, self._interrupt_at(sp - info.frame, room - info.frame))
        self._static_memo[key] = worst
        return worst

    def _interrupt_at(self, sp: int, room: int) -> int:
        """The handlers that may preempt code here, entered below an exception frame pushed at sp."""
        if self.irq is None:
            return 0
        frame = self.layout.exception_frame
        if room - frame < self.layout.guard_bytes:
            return OVERFLOW
        worst = 0
        for handler, solver in self.preempting:
            worst = max(worst, solver._on_static_stack(handler, solver.need[handler], sp - frame, room - frame))
        return worst if self.preempting else 0

    def _with_check(self, info: FunctionInfo, body: Step) -> Step:
        if info.check is None or info.address in self.plan.dropped:
            return body
        threshold = info.check.threshold
        if self.plan.raise_thresholds:
            safe = first_safe_room(body)
            threshold = max(threshold, safe if safe is not None else self.layout.segment_size)
            threshold = encodable_threshold(self.layout, info.check.variant, threshold)
        self.thresholds[info.address] = threshold
        push = push_bytes(info.check.variant, info.check.arg_bytes)
        fresh = self.layout.fresh_room(info.check.arg_bytes)
        self.split_value[info.address] = body(fresh) + 1 if body(fresh) < OVERFLOW else body(fresh)
        self.bodies[info.address] = body
        split_here = [Step.const(body(fresh), push + self.layout.guard_bytes).plus(1)]
        if self.irq is not None:
            # an interrupt while __morestack is on the old stack: between taking the new segment
            # and moving sp to it (and between coming back and giving it back) that segment is
            # held too (found by mcusplit fuzz: tests/fuzz_regressions/own-90002-*)
            split_here.append(self.irq.shift(push + self.layout.exception_frame).plus(1))
        return piecewise(threshold, maximum(split_here), body)

    def _layer(self, component: list[int], inner: dict[int, Step] | None) -> dict[int, Step]:
        """One frame of a cycle around `inner` (the layer below it; None: no deeper frame)."""
        members = set(component)
        out = {}
        for f in component:
            def callee(target: int) -> Step | None:
                if target in members:
                    return inner.get(target) if inner is not None else None
                return self.need.get(target)

            out[f] = self._with_check(self.g.info[f], self._body(self.g.info[f], callee))
        return out

    def _solve(self) -> None:
        g = self.g
        for index, component in enumerate(g.sccs):
            if not g.is_cycle(index):
                f = component[0]
                self.need[f] = self._with_check(g.info[f], self._body(g.info[f], self.need.get))
                continue
            bound = self.bounds.get(index)
            if bound is None:
                if self.ignore_unknown:
                    self.need.update(self._layer(component, None))
                else:
                    for f in component:
                        self.need[f] = Step.const(UNBOUNDED)
                continue
            layers = unroll(self._layer(component, None), lambda inner, c=component: self._layer(c, inner),
                            _normalize, _add, bound)
            self.layers[index] = layers
            outermost = layers.at(bound)
            if outermost is None:
                names = ", ".join(sorted(g.info[f].name for f in component))
                self.notes.append(f"recursion {names}: no repeating pattern within {MAX_LAYERS} frames, so a "
                                  f"bound of {bound} cannot be evaluated")
                for f in component:
                    self.need[f] = Step.const(UNKNOWN)
                continue
            self.need.update(outermost)

    def _need_in(self, f: int, layer: int) -> Step | None:
        scc = self.g.scc_of[f]
        if scc in self.layers:
            values = self.layers[scc].at(self.bounds[scc] - layer + 1)
            return values[f] if values is not None else None
        return self.need.get(f)

    def worst_path(self, entry: int, room: int, via: str = "entry", limit: int = 500) -> list[PathStep]:
        """The path that needs the most segments (ties: the first found), frame by frame."""
        path: list[PathStep] = []
        solver, f, r, layer, site = self, entry, room, 1, None
        segments = 0
        while len(path) < limit:
            g = solver.g
            info = g.info[f]
            need = solver._need_in(f, layer)
            if need is None:
                break
            entry_room = r
            split = info.address in solver.thresholds and r < solver.thresholds[info.address]
            if split:
                segments += 1
                r = solver.layout.fresh_room(info.check.arg_bytes)
            step = PathStep(info.name, f, entry_room, info.frame, split, segments, via, site, body_room=r)
            path.append(step)
            value = need(entry_room)
            if value >= UNKNOWN:
                step.note = "unknown"
            elif value >= UNBOUNDED:
                step.note = "unbounded"
            elif r - info.frame < solver.layout.guard_bytes:
                step.note = "overflow"
                break
            scc = g.scc_of[f]
            cycle = scc in solver.layers
            best_value, best = 0, None
            for call in info.calls:
                for target in call.targets:
                    if (f, target) in solver.blocked or call.stack is not None:
                        continue
                    if cycle and target in g.members(scc):
                        if layer >= solver.bounds[scc]:
                            continue
                        next_layer = layer + 1
                    else:
                        next_layer = 1
                    callee_need = solver._need_in(target, next_layer) if target in g.info else None
                    if callee_need is None:
                        continue
                    v = callee_need(r - call.depth)
                    if v > best_value:
                        best_value, best = v, (solver, target, r - call.depth, next_layer, call.kind, call.address)
            if solver.irq is not None:
                irq_room = r - info.frame - solver.layout.exception_frame
                for handler, handler_solver in solver.preempting:
                    v = handler_solver.need[handler](irq_room)
                    if v > best_value:
                        best_value, best = v, (handler_solver, handler, irq_room, 1, "interrupt", None)
            if best is None or (best_value <= 0 and not step.note):
                break
            solver, f, r, layer, via, site = best
        return path


def _normalize(layer: dict[int, Step]) -> tuple[object, int]:
    finite = [v for step in layer.values() for v in step.values if v < OVERFLOW]
    offset = min(finite) if finite else 0
    shape = tuple((f, tuple(step.xs), tuple(v - offset if v < OVERFLOW else v for v in step.values))
                  for f, step in sorted(layer.items()))
    return shape, offset


def _add(layer: dict[int, Step], c: int) -> dict[int, Step]:
    return {f: step.plus(c) for f, step in layer.items()}


def describe(value: int) -> str:
    if value >= UNKNOWN:
        return "unknown"
    if value >= UNBOUNDED:
        return "unbounded"
    if value >= OVERFLOW:
        return "overflow"
    return str(value)


def stack_bytes(graph: CallGraph, bounds: dict[int, int], exception_frame: int,
                blocked: frozenset[tuple[int, int]] = frozenset(),
                stop: dict[int, int] | None = None) -> dict[int, int | None]:
    """The deepest a contiguous stack gets under each function, in bytes, with an exception frame
    at the deepest point: what a stack without segments would have to reserve. None: unbounded or
    unknown (recursion without a bound, something the walk could not classify). stop: functions
    not followed, with what a call to each costs instead (a check's push: analysis/unchecked.py)."""
    stop = stop or {}
    depth: dict[int, int | None] = {}

    def body(f: int, callee) -> int | None:
        info = graph.info[f]
        if info.unknowns:
            return None
        worst = info.frame + exception_frame
        for call in info.calls:
            if call.unresolved:
                return None
            for target in call.targets:
                if (f, target) in blocked:
                    continue
                below = stop[target] if target in stop else callee(target)
                if below is _SKIP:
                    continue
                if below is None:
                    return None
                if call.stack is None:
                    worst = max(worst, call.depth + below)
                elif call.depth + below + exception_frame > call.stack_room:
                    return None                     # the callee overflows the static stack it runs on
        if any(used > size for size, _, used in info.static_frames.values()):
            return None                             # a static stack of its own overflows
        return worst

    for index, component in enumerate(graph.sccs):
        if not graph.is_cycle(index):
            f = component[0]
            depth[f] = body(f, lambda t: depth.get(t, _SKIP))
            continue
        bound = bounds.get(index)
        if bound is None:
            for f in component:
                depth[f] = None
            continue
        members = set(component)

        def layer(inner: dict[int, int | None] | None, component=component, members=members) -> dict:
            return {f: body(f, lambda t: (inner.get(t, _SKIP) if inner is not None else _SKIP)
                            if t in members else depth.get(t, _SKIP)) for f in component}

        def normalize(values: dict) -> tuple[object, int]:
            finite = [v for v in values.values() if v is not None]
            offset = min(finite) if finite else 0
            return tuple((f, None if v is None else v - offset) for f, v in sorted(values.items())), offset

        layers = unroll(layer(None), layer, normalize,
                        lambda values, c: {f: None if v is None else v + c for f, v in values.items()}, bound)
        outermost = layers.at(bound)
        for f in component:
            depth[f] = outermost[f] if outermost is not None else None
    return depth


_SKIP = object()        # a call target outside the walked code (no stack of its own to count)
