"""The allowance: checks that cover the unchecked code below them, computed on the linked image.

The compiler gives a check `frame + reserve`; the reserve holds an exception frame, __morestack's
pushes, a handler's entry and a small unchecked leaf. Code without a check that a function calls
(a C library, vendor objects, assembly, `no_split_stack` and variadic functions, and whatever they
call) may need far more. So after linking, for every function with a check, the segment model
(analysis/model.py, with `raise_thresholds`) finds the least room at which its body, with every
unchecked callee and an interrupt at every point, cannot overflow, and the check's compare
immediate is patched in place to demand that (optimize/patch.py; the image keeps its size). A
function whose callees all have checks keeps the threshold the compiler gave it.

Build errors, each naming the caller, the chain and the numbers:
- unchecked code whose stack use the analysis cannot bound (analysis/unchecked.py);
- a threshold that more than a fresh segment offers: the unchecked code cannot run anywhere
  (raise the segment size, or run it on a big stack: docs/libc.md).
`[split_stack] allow_uncovered` names functions the allowance leaves out (code that must run as it
is, the guards' tests): a call to one counts as a call into checked code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..analysis import unchecked
from ..analysis.analyze import Prepared, prepare, solve
from ..analysis.config import AnalyzeConfig
from ..analysis.dwarf import LineTable
from ..analysis.model import CheckPlan
from ..demangle import name_matches
from ..errors import BuildError
from . import patch


@dataclass
class Raised:
    function: str
    before: int
    after: int
    call: unchecked.UncheckedCall | None      # the deepest call into unchecked code, if any


@dataclass
class AllowanceReport:
    raised: list[Raised] = field(default_factory=list)
    calls: list[unchecked.UncheckedCall] = field(default_factory=list)
    accepted: list[unchecked.UncheckedCall] = field(default_factory=list)   # allow_uncovered
    # checks that cover their unchecked code but not interrupts nesting on top of it
    interrupts_uncovered: list[str] = field(default_factory=list)


def _where(lines: LineTable | None, address: int | None, fallback: str) -> str:
    found = lines.lookup(address) if lines is not None and address is not None else None
    return found or fallback


def _allowed(call: unchecked.UncheckedCall, allow: tuple[str, ...]) -> bool:
    return any(name_matches(name, allow) for name in (call.caller, *call.chain))


def _big_stack_hint(call: unchecked.UncheckedCall) -> str:
    callee = call.chain[0] if call.chain and call.chain[0] != call.caller else None
    if callee is None:
        return ""
    size = "<bytes>" if call.below is None else str(-(-call.below // 8) * 8)
    return f", or run '{callee}' on its own stack ([split_stack] big_stack = {{ {callee} = {size} }})"


def apply(elf: Path, config: AnalyzeConfig, allow: tuple[str, ...] = (), display: str | None = None) \
        -> AllowanceReport:
    """Raise every check that its unchecked callees need; BuildError when one cannot be covered.
    The image is patched only when every check can be (outputs are complete or untouched)."""
    p = prepare(elf, config)
    if p.layout is None:
        return AllowanceReport()
    shown = display or str(elf)
    lines = LineTable(p.fw) if p.fw.has_dwarf else None
    try:
        report = AllowanceReport(calls=unchecked.calls(p, p.layout.guard_bytes))
        for call in report.calls:
            if _allowed(call, allow):
                report.accepted.append(call)
                continue
            if call.below is not None:
                continue
            site = _where(lines, call.site, f"{shown}: {call.site:#x}")
            cause = _where(lines, call.problem_address, f"{call.problem_address or 0:#x}")
            what = (f"'{call.caller}' runs code whose stack use the analysis cannot bound"
                    if call.chain == (call.caller,) else
                    f"'{call.caller}' calls {' > '.join(repr(n) for n in call.chain)} without a check, "
                    f"whose stack use the analysis cannot bound")
            raise BuildError(f"{what}: {call.problem} ({cause}); bound it ([analyze.recursion], "
                             f"[analyze.indirect]){_big_stack_hint(call)}, or accept it with [split_stack] "
                             f"allow_uncovered = [\"{call.chain[-1]}\"]", site)
        uncovered = frozenset(f for f, info in p.infos.items() if name_matches(info.name, allow))
        report.raised = _raise(p, elf, report, lines, shown, uncovered)
    finally:
        if lines is not None:
            lines.close()
    return report


def _raise(p: Prepared, elf: Path, report: AllowanceReport, lines: LineTable | None, shown: str,
           uncovered: frozenset[int]) -> list[Raised]:
    solution = solve(p, CheckPlan(raise_thresholds=True, uncovered=uncovered), paths=False, ignore_unknown=True)
    deepest: dict[int, unchecked.UncheckedCall] = {}
    names = {p.infos[f].name for f in uncovered}
    for call in report.calls:
        if any(n in names for n in call.chain):
            continue
        if call.needs is not None and (call.caller_address not in deepest
                                       or call.needs > deepest[call.caller_address].needs):
            deepest[call.caller_address] = call
    raised: list[Raised] = []
    thresholds: dict[int, int] = {}
    impossible: list[int] = []
    without_interrupts: dict[int, int] | None = None
    for f, threshold in sorted(solution.thresholds().items()):
        info = p.infos[f]
        if info.check is None or threshold <= info.check.threshold:
            continue
        fresh = p.layout.fresh_room(info.check.arg_bytes)
        if threshold > fresh:
            # Interrupts nesting on top of the unchecked code may be what no segment holds: cover
            # the code itself and leave that overflow to the analysis of the image, which reports it.
            if without_interrupts is None:
                without_interrupts = solve(p, CheckPlan(raise_thresholds=True, uncovered=uncovered,
                                                        interrupts=False),
                                           paths=False, ignore_unknown=True).thresholds()
            threshold = without_interrupts.get(f, threshold)
            if threshold <= info.check.threshold:
                continue
            if threshold > fresh:
                impossible.append(f)
            else:
                report.interrupts_uncovered.append(info.name)
        thresholds[f] = threshold
        raised.append(Raised(info.name, info.check.threshold, threshold, deepest.get(f)))
    if impossible:
        # Callers of a function that cannot be covered cannot be either: name the one whose own
        # unchecked call goes deepest (the cause), not the first by address.
        f = max(impossible, key=lambda g: (deepest[g].needs, -g) if g in deepest else (-1, -g))
        info, call = p.infos[f], deepest.get(f)
        fresh = p.layout.fresh_room(info.check.arg_bytes)
        site = _where(lines, call.site if call else f, f"{shown}: {f:#x}")
        what = (f"'{info.name}' calls {' > '.join(repr(n) for n in call.chain)} without a check, which goes "
                f"{call.below} B below the call" if call else f"'{info.name}' needs more than its frame")
        depth = call.depth if call else 0
        raise BuildError(f"{what}: its check would have to demand more than a {p.layout.segment_size}-byte "
                         f"segment offers ({fresh} B; its frame is {info.frame} B, the call {depth} B deep); "
                         f"raise pool.segment_size{_big_stack_hint(call) if call else ''}", site)
    if thresholds:
        patch.apply(p, elf, set(), thresholds)
    return raised
