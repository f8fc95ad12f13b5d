"""Which checks a linked image can do without.

A check can go when the exact model (mcusplit.analysis) shows that, without it, no stack can
overflow: the callers' checks already leave room for the function and everything unchecked below
it, or they can be made to (each kept check may demand up to `budget` bytes more than the compiler
gave it). Candidates are tried leaves and most-called first, and the passes repeat until nothing
more can go, so every check left is one whose removal (the others unchanged) can overflow.

These keep their checks, because nobody can prove their callers cover them: functions in a
call-graph cycle, functions whose address is taken (an indirect call may reach them from
anywhere), functions no analyzed entry point reaches, functions on a path through something the
analysis cannot classify (an *unknown*
makes a function's whole subtree unknown: it is "tainted"), and functions that code the walk could
not follow refers to directly. An unknown therefore stops elision only on the paths through it:
the rest of the image is decided with the unknowns counted as calls into checked code (they need
room for __morestack's pushes and nothing else), by a second solve of the model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..analysis.analyze import Prepared, Solution, reachable, solve
from ..analysis.model import CheckPlan
from ..analysis.steps import OVERFLOW
from ..analysis.thumb import branch_target
from ..contract import MORESTACK_PUSH_MAX
from ..errors import McusplitError


class NotOptimizable(McusplitError):
    """The analysis is not complete enough to remove checks safely (unresolved calls, unbounded
    recursion, unknown stack use): the image keeps every check the compiler put in."""


@dataclass
class Decision:
    dropped: set[int] = field(default_factory=set)
    thresholds: dict[int, int] = field(default_factory=dict)   # kept function -> threshold after elision
    original: dict[int, int] = field(default_factory=dict)     # kept function -> threshold before
    trials: int = 0
    solution: Solution | None = None
    needed_before: int = 0


def tainted(p: Prepared) -> set[int]:
    """Functions whose subtree reaches something unknown: an unknown in their own code, an
    unresolved indirect call, recursion without a bound, or a callee that is tainted."""
    graph, infos = p.graph, p.infos
    out: set[int] = set()
    for index, component in enumerate(graph.sccs):                # callees come first
        bad = graph.is_cycle(index) and index not in p.bounds
        for f in component:
            info = infos[f]
            bad = bad or bool(info.unknowns) or any(c.unresolved for c in info.calls)
            bad = bad or any(t in out for c in info.calls for t in c.targets if t not in component)
        if bad:
            out.update(component)
    return out


def referenced_from_unwalked(p: Prepared) -> set[int]:
    """Functions that a function with an unknown may call from code the walk did not reach: every
    direct branch target in that function's bytes, read linearly."""
    out: set[int] = set()
    walker = p.walker
    for info in p.infos.values():
        if not info.unknowns:
            continue
        address = info.address
        while address < info.address + max(info.size, 2):
            ins = walker.insn_at.get(address)
            if ins is None:
                address += 2
                continue
            if ins.base in ("b", "bl", "cbz", "cbnz"):
                target = branch_target(ins.ops)
                resolved = walker.resolve_function(target)[0] if target is not None else None
                if resolved is not None:
                    out.add(resolved)
            address = ins.end
    return out




def small_subtrees(p: Prepared, allowance: int) -> set[int]:
    """Checks that can go without any help from the callers: the function and everything it runs
    without a check stay within `allowance` bytes, the same budget the reserve keeps for an
    unchecked leaf (layout.leaf_allowance), whoever calls it, through a pointer or not.

    Only a subtree known completely counts: direct calls only, no recursion, no sp the walk could
    not follow. A checked callee counts as its call depth plus what __morestack pushes if it splits.
    The property is local, so it holds even when the rest of the analysis is incomplete."""
    infos, graph = p.infos, p.graph
    dropped: set[int] = set()
    unchecked_depth: dict[int, int | None] = {}
    for index, component in enumerate(graph.sccs):               # callees come first
        f = component[0]
        info = infos[f]
        if graph.is_cycle(index) or info.unknowns or info.static_frames:
            for g in component:
                unchecked_depth[g] = None
            continue
        depth: int | None = info.frame
        for call in info.calls:
            if call.indirect or not call.targets:
                depth = None
                break
            for g in call.targets:
                if infos[g].check is not None and g not in dropped:
                    below = MORESTACK_PUSH_MAX                     # it checks: at most a push here
                else:
                    below = unchecked_depth.get(g)
                    if below is None:
                        depth = None
                        break
                depth = max(depth, call.depth + below)
            if depth is None:
                break
        unchecked_depth[f] = depth
        if info.check is not None and depth is not None and depth <= allowance:
            dropped.add(f)
            # As a dropped function, callers see its whole unchecked depth (computed above).
    return dropped


def candidates(p: Prepared) -> list[int]:
    """Functions whose check may go, in the order to try them: leaves first, then most called."""
    indirect_targets = {t for info in p.infos.values() for call in info.calls if call.indirect for t in call.targets}
    keep = indirect_targets | p.graph.address_taken | tainted(p) | referenced_from_unwalked(p)
    # Code no analyzed entry point reaches is entered in ways the model does not know (a handler
    # installed at run time, a callback from outside): its checks stay.
    keep |= set(p.infos) - reachable(p)
    calls_to = Counter(t for info in p.infos.values() for call in info.calls for t in call.targets)
    out = []
    for f, info in p.infos.items():
        if info.check is None or f in keep:
            continue
        if p.graph.is_cycle(p.graph.scc_of[f]):
            continue
        out.append(f)
    return sorted(out, key=lambda f: (bool(p.infos[f].calls), -calls_to[f], p.infos[f].frame, f))


def _acceptable(p: Prepared, solution: Solution, original: dict[int, int], budget: int) -> bool:
    if solution.pool_needed >= OVERFLOW or solution.pool_needed > p.layout.segments:
        return False
    if any(e.value >= OVERFLOW for e in solution.entries):
        return False
    fresh = p.layout.fresh_room(0)
    for f, threshold in solution.thresholds().items():
        if threshold - original.get(f, threshold) > budget or threshold > fresh:
            return False
    return True


def decide(p: Prepared, budget: int) -> Decision:
    base = solve(p, CheckPlan(), paths=False, ignore_unknown=True)
    if base.pool_needed >= OVERFLOW or base.pool_needed > p.layout.segments:
        raise NotOptimizable("the image already needs more than the pool (see mcusplit analyze)")
    original = {f: info.check.threshold for f, info in p.infos.items() if info.check is not None}
    decision = Decision(original=original, needed_before=base.pool_needed)
    dropped: set[int] = set()
    order = candidates(p)
    changed = True
    accepted = base
    while changed:
        changed = False
        for f in order:
            if f in dropped:
                continue
            trial = solve(p, CheckPlan(frozenset(dropped | {f}), raise_thresholds=True), paths=False,
                          ignore_unknown=True)
            decision.trials += 1
            if _acceptable(p, trial, original, budget):
                dropped.add(f)
                accepted = trial
                changed = True
    # The thresholds every kept check ends with (a function has one, whatever interrupts it).
    decision.dropped = dropped
    decision.thresholds = {f: t for f, t in accepted.thresholds().items() if f not in dropped}
    decision.solution = accepted
    return decision
