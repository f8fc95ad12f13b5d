"""Calls from checked code into code without a check: how deep the unchecked code goes.

A function with a check demands room for its frame plus the reserve; a callee without a check (a
C library, vendor objects, assembly, `no_split_stack` or variadic functions, and everything they
call in turn) runs below that frame, in whatever room the caller's check left. For every call from
a checked function into unchecked code, directly or through veneers, this finds the deepest the
unchecked code goes below the call (its own frames, and the unchecked functions it calls, on one
contiguous stack; a checked function it calls costs the push __morestack makes if it splits), and
the chain of functions that gets that deep. The build raises each caller's threshold to cover it
(optimize/allowance.py); `mcusplit analyze` lists the rows.

Unchecked code whose stack use the analysis cannot bound (recursion without a bound, an indirect
call without targets, an sp move it cannot read, a static stack it overflows) gets a *problem*
instead of a number, with the chain down to the place that causes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contract import MORESTACK_PUSH_MAX
from .model import stack_bytes

CHAIN_LIMIT = 12            # functions shown in a chain


@dataclass(frozen=True)
class UncheckedCall:
    caller: str             # the function with a check
    caller_address: int
    site: int               # the call instruction
    depth: int              # bytes below the caller's entry sp at the call
    chain: tuple[str, ...]  # the callee, then the unchecked functions down the deepest path
    below: int | None       # bytes the unchecked code uses below the call; None: see problem
    problem: str = ""       # why it cannot be bounded
    problem_address: int | None = None

    @property
    def needs(self) -> int | None:
        """Bytes below the caller's entry sp, the call's depth included."""
        return None if self.below is None else self.depth + self.below


def checked(p) -> set[int]:
    return {f for f, info in p.infos.items() if info.check is not None}


def depths(p, guard_bytes: int = 0) -> dict[int, int | None]:
    """Bytes each unchecked function uses below its entry sp (checked callees cost a push)."""
    stop = {f: MORESTACK_PUSH_MAX + guard_bytes for f in checked(p)}
    return stack_bytes(p.graph, p.bounds, 0, stop=stop)


def calls(p, guard_bytes: int = 0) -> list[UncheckedCall]:
    """Every call from a checked function into unchecked code, and every checked function whose own
    stack use the walk could not read (an unknown in its body: a row with itself as the chain)."""
    below = depths(p, guard_bytes)
    has_check = checked(p)
    rows: list[UncheckedCall] = []
    for f, info in sorted(p.infos.items()):
        if f not in has_check:
            continue
        for unknown in info.unknowns:
            rows.append(UncheckedCall(info.name, f, unknown.address, 0, (info.name,), None,
                                      unknown.reason, unknown.address))
        for call in info.calls:
            if call.open_ended:
                rows.append(UncheckedCall(info.name, f, call.address, call.depth, (info.name,), None,
                                          "an indirect call whose targets the analysis cannot find", call.address))
                continue
            for target in call.targets:
                if target in has_check or target not in p.infos or call.stack is not None:
                    continue
                value = below.get(target)
                if value is None:
                    chain, problem, where = _explain(p, target, below, has_check)
                    rows.append(UncheckedCall(info.name, f, call.address, call.depth, chain, None, problem, where))
                else:
                    rows.append(UncheckedCall(info.name, f, call.address, call.depth,
                                              _deepest(p, target, below, has_check), value))
    return rows


def _deepest(p, f: int, below: dict, has_check: set[int]) -> tuple[str, ...]:
    """The chain that reaches below(f): from f, the call whose depth plus callee is the largest."""
    chain = [p.infos[f].name]
    seen = {f}
    while len(chain) < CHAIN_LIMIT:
        info = p.infos[f]
        best, best_value = None, info.frame
        for call in info.calls:
            if call.stack is not None:
                continue
            for target in call.targets:
                if target in has_check or target not in p.infos or target in seen:
                    continue
                value = below.get(target)
                if value is not None and call.depth + value > best_value:
                    best, best_value = target, call.depth + value
        if best is None:
            break
        chain.append(p.infos[best].name)
        seen.add(best)
        f = best
    return tuple(chain)


def _explain(p, f: int, below: dict, has_check: set[int]) -> tuple[tuple[str, ...], str, int | None]:
    """(chain, reason, address) down to what makes f's unchecked stack use unbounded."""
    chain: list[int] = [f]
    on_chain = {f}
    while len(chain) <= 4 * CHAIN_LIMIT:
        info = p.infos[chain[-1]]
        if info.unknowns:
            u = info.unknowns[0]
            return _names(p, chain), u.reason, u.address
        for call in info.calls:
            if call.open_ended:
                return _names(p, chain), "an indirect call whose targets the analysis cannot find", call.address
        for size, _, used in info.static_frames.values():
            if used > size:
                return _names(p, chain), "it overflows the static stack it switches to", info.address
        following = None
        for call in info.calls:
            for target in call.targets:
                if target in has_check or target not in p.infos:
                    continue
                if target in on_chain:
                    return _names(p, [*chain, target]), "recursion without a bound ([analyze.recursion])", call.address
                if below.get(target) is None and following is None:
                    following = target
                if call.stack is not None and below.get(target) is not None \
                        and call.depth + below[target] > call.stack_room:
                    return (_names(p, [*chain, target]),
                            f"it needs more than the {call.stack_room}-byte static stack it runs on", call.address)
        if following is None:
            scc = p.graph.scc_of[chain[-1]]
            if p.graph.is_cycle(scc):
                return _names(p, chain), "recursion without a bound ([analyze.recursion])", info.address
            return _names(p, chain), "its stack use cannot be bounded", info.address
        chain.append(following)
        on_chain.add(following)
    return _names(p, chain), "its stack use cannot be bounded", None


def _names(p, chain: list[int]) -> tuple[str, ...]:
    names = [p.infos[f].name for f in chain]
    return tuple(names if len(names) <= CHAIN_LIMIT else [*names[:CHAIN_LIMIT - 1], "...", names[-1]])
