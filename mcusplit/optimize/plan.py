"""Which checks a linked image can do without.

A check can go when the exact model (mcusplit.analysis) shows that, without it, no stack can
overflow: the callers' checks already leave room for the function and everything unchecked below
it, or they can be made to (each kept check may demand up to `budget` bytes more than the compiler
gave it). Candidates are tried leaves and most-called first, and the passes repeat until nothing
more can go, so every check left is one whose removal (the others unchanged) can overflow.

Recursion (functions in a call-graph cycle) and functions reached through pointers keep their
checks: their callers cannot be known to cover them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..analysis.analyze import Prepared, Solution, solve
from ..analysis.model import CheckPlan
from ..analysis.steps import OVERFLOW
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


def _complete(p: Prepared) -> None:
    unresolved = p.graph.unresolved()
    if unresolved:
        info, call = unresolved[0]
        raise NotOptimizable(f"{len(unresolved)} unresolved indirect call(s), e.g. in {info.name} at "
                             f"{call.address:#x}")
    unknown = [i.name for i in p.infos.values() if i.unbounded]
    if unknown:
        raise NotOptimizable(f"stack use not followed in {', '.join(unknown[:3])}")
    unbounded = [c for c in p.cycles if c["bound"] is None]
    if unbounded:
        raise NotOptimizable(f"recursion without a bound: {', '.join(unbounded[0]['functions'])}")


MORESTACK_PUSH = 24        # the most __morestack pushes before it switches (a checked callee that splits)


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
        if graph.is_cycle(index) or info.unbounded or info.stack_switch:
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
                    below = MORESTACK_PUSH                         # it checks: at most a push here
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
    calls_to = Counter(t for info in p.infos.values() for call in info.calls for t in call.targets)
    out = []
    for f, info in p.infos.items():
        if info.check is None or f in indirect_targets:
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
    _complete(p)
    base = solve(p, CheckPlan(), paths=False)
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
            trial = solve(p, CheckPlan(frozenset(dropped | {f}), raise_thresholds=True), paths=False)
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
