"""One contiguous stack: the worst bytes below every entry point, interrupts included.

For images without split stacks: a `--no-split-stack` build (the pool's memory is one stack) or
any Cortex-M ELF another toolchain made. worst(f) = the most bytes below f's entry sp on any path:
its own frame with an interrupt at its deepest point (the exception frame, then the handler's own
worst), or a call at depth d plus the callee's worst. Handlers nest as in the segment model
(analyze.py: "any" follows every chain of distinct handlers, "none", or by priority). A cycle runs
as deep as its bound (in closed form, periodic.py); without a bound it is unbounded; anything the
walk could not classify makes the paths through it unknown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .callgraph import CallGraph
from .periodic import MAX_LAYERS, unroll

OVERFLOW_BYTES = 1 << 49           # sentinels above any real byte count
UNBOUNDED_BYTES = 1 << 50
UNKNOWN_BYTES = 1 << 51


def badd(a: int, b: int) -> int:
    return max(a, b) if a >= OVERFLOW_BYTES or b >= OVERFLOW_BYTES else a + b


def describe_bytes(value: int) -> str:
    if value >= UNKNOWN_BYTES:
        return "unknown"
    if value >= UNBOUNDED_BYTES:
        return "unbounded"
    if value >= OVERFLOW_BYTES:
        return "overflow"
    return f"{value} B"


@dataclass
class ByteStep:
    function: str
    address: int
    depth: int              # bytes below the entry point's sp where this function starts
    frame: int
    via: str                # entry | call | tail | interrupt
    call_site: int | None = None
    note: str = ""


class ContiguousSolver:
    """worst() of every function on one stack, with the handlers that may preempt code here."""

    def __init__(self, graph: CallGraph, bounds: dict[int, int], exception_frame: int,
                 preempting: list[tuple[int, ContiguousSolver]] | None = None) -> None:
        self.g = graph
        self.bounds = bounds
        self.exception_frame = exception_frame
        self.preempting = preempting or []
        self.irq = max((badd(exception_frame, s.worst[h]) for h, s in self.preempting), default=exception_frame)
        self.worst: dict[int, int] = {}
        self.notes: list[str] = []
        self._layers: dict = {}
        self._solve()

    def _body(self, f: int, callee) -> int:
        info = self.g.info[f]
        if info.unknowns:
            return UNKNOWN_BYTES
        worst = badd(info.frame, self.irq)
        for call in info.calls:
            if call.open_ended:
                return UNKNOWN_BYTES
            for target in call.targets:
                below = callee(target)
                if below is None:
                    continue
                if call.stack is None:
                    worst = max(worst, badd(call.depth, below))
                elif badd(call.depth, below) >= call.stack_room:
                    worst = max(worst, OVERFLOW_BYTES)   # the callee runs past the static stack's bottom
        if any(used + self.exception_frame > size for size, _, used in info.static_frames.values()):
            return max(worst, OVERFLOW_BYTES)   # its own use of a static stack does not fit it
        return worst

    def _solve(self) -> None:
        g = self.g
        for index, component in enumerate(g.sccs):
            if not g.is_cycle(index):
                f = component[0]
                self.worst[f] = self._body(f, self.worst.get)
                continue
            bound = self.bounds.get(index)
            if bound is None:
                for f in component:
                    self.worst[f] = UNBOUNDED_BYTES
                continue
            members = set(component)

            def layer(inner, component=component, members=members):
                return {f: self._body(f, lambda t: (inner.get(t) if inner is not None else None)
                                      if t in members else self.worst.get(t)) for f in component}

            def normalize(values: dict) -> tuple[object, int]:
                finite = [v for v in values.values() if v < UNBOUNDED_BYTES]
                offset = min(finite) if finite else 0
                return tuple((f, v - offset if v < UNBOUNDED_BYTES else v) for f, v in sorted(values.items())), offset

            layers = unroll(layer(None), layer, normalize,
                            lambda values, c: {f: badd(v, c) for f, v in values.items()}, bound)
            outermost = layers.at(bound)
            if outermost is None:
                self.notes.append(f"no repeating pattern within {MAX_LAYERS} frames of a recursion")
                outermost = dict.fromkeys(component, UNKNOWN_BYTES)
            self.worst.update(outermost)
            self._layers[index] = layers

    def _worst_in(self, f: int, layer: int) -> int | None:
        scc = self.g.scc_of[f]
        layers = self._layers.get(scc)
        if layers is None:
            return self.worst.get(f)
        values = layers.at(self.bounds[scc] - layer + 1)
        return values[f] if values is not None else None

    def worst_path(self, entry: int, via: str = "entry", limit: int = 500) -> list[ByteStep]:
        path: list[ByteStep] = []
        solver, f, depth, layer, site = self, entry, 0, 1, None
        while len(path) < limit:
            info = solver.g.info[f]
            value = solver._worst_in(f, layer)
            step = ByteStep(info.name, f, depth, info.frame, via, site)
            path.append(step)
            if value is None or value >= UNKNOWN_BYTES:
                step.note = "unknown"
                break
            if value >= UNBOUNDED_BYTES:
                step.note = "unbounded"
                break
            scc = solver.g.scc_of[f]
            cycle = scc in solver._layers
            best = None
            best_value = info.frame
            for call in info.calls:
                if call.stack is not None:
                    continue
                for target in call.targets:
                    if cycle and target in solver.g.members(scc):
                        if layer >= solver.bounds[scc]:
                            continue
                        next_layer = layer + 1
                    else:
                        next_layer = 1
                    below = solver._worst_in(target, next_layer) if target in solver.g.info else None
                    if below is None:
                        continue
                    v = badd(call.depth, below)
                    if v > best_value:
                        best_value, best = v, (solver, target, depth + call.depth, next_layer, call.kind, call.address)
            for handler, handler_solver in solver.preempting:
                v = badd(info.frame + solver.exception_frame, handler_solver.worst[handler])
                if v > best_value:
                    best_value, best = v, (handler_solver, handler, depth + info.frame + solver.exception_frame, 1,
                                           "interrupt", None)
            if best is None:
                break
            solver, f, depth, layer, via, site = best
        return path
