"""The analyzer's bound for each program of a pack (mcusplit.analysis.analyze, unchanged).

The annotations are what a careful user would write in mcusplit.toml, derived from what the
generator knows and nothing the analyzer computed about stack use:

- [analyze.recursion]: the bounds the generator wrote (program.recursion)
- the driver's calls through a pointer: per program, only that program's functions (so the bound
  is that program's, not the pack's); for the full-elision optimizer and the tasks image, all
- every other indirect call the analyzer leaves unresolved, by call site: the address-taken
  functions of the same program deeper than the function holding the call (program.levels; every
  call goes deeper, so this covers its real targets even after inlining moved the call into a
  caller). Calls the analyzer resolves by itself (constant registers, function tables it infers)
  are left to it: those are what the fuzzer tests.

A bound that is not a number (unbounded, overflow) or calls still unresolved are reported as
"analysis incomplete", never as a pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.analyze import Analysis, analyze, prepare, solve
from ..analysis.config import AnalyzeConfig
from ..analysis.steps import OVERFLOW
from . import driver
from .program import Program

_SUFFIX = re.compile(r"\..*$")          # LLVM clones: name.constprop.0, name.specialized.1, ...


# The analyzer's known gap this module works around (and reports): a self tail call compiled as a
# branch back to the function's entry makes the walk meet the split-stack check again, and the
# check's branch to its out-of-line stub is then listed as an unresolved indirect call. That
# branch is the function calling itself, so it is annotated as such (the recursion bound holds).
SELF_TAIL = "self tail call to the function's entry: its check's branch to the stub is reported unresolved"


@dataclass
class Bounds:
    pack: int                                   # the whole image's pool_needed
    per_program: dict[str, int] = field(default_factory=dict)
    incomplete: dict[str, str] = field(default_factory=dict)     # program (or "*") -> why
    worked_around: dict[str, str] = field(default_factory=dict)  # program -> analyzer gap annotated around
    config: AnalyzeConfig = field(default_factory=AnalyzeConfig)  # the pack-wide annotations
    seconds: float = 0.0


def _owner(function: str, programs: list[Program]) -> Program | None:
    base = _SUFFIX.sub("", function)
    for p in programs:
        if base.startswith(p.name + "_"):
            return p
    return None


def _driver_targets(programs: list[Program], tasks: bool) -> dict[str, list[str]]:
    targets = {driver.CALL_INIT: [f"{p.name}_init" for p in programs],
               driver.CALL_RUN: [f"{p.name}_run" for p in programs],
               driver.CALL_IRQ: [f"{p.name}_irq" for p in programs]}
    if tasks:
        targets[driver.TASK_ENTRY] = [f"{p.name}_run" for p in programs]
    return targets


def _site_targets(analysis: Analysis, programs: list[Program], present: set[str],
                  worked_around: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """Targets for each unresolved call site of a program's function; the rest, described."""
    sites: dict[str, list[str]] = {}
    left: list[str] = []
    for call in analysis.unresolved:
        function, site = call["function"], f"{call['call_site']:#x}"
        owner = _owner(function, programs)
        if owner is None or not owner.levels:
            left.append(f"{function} at {site}")
            continue
        if _SUFFIX.sub("", function) in owner.recursion and _is_own_check(analysis, function, call["call_site"]):
            sites[site] = [function]
            worked_around[owner.name] = f"{SELF_TAIL} ({function} at {site})"
            continue
        level = owner.levels.get(_SUFFIX.sub("", function), 0)
        targets = [t for t in owner.address_taken if owner.levels.get(t, 0) > level and t in present]
        if not targets:
            left.append(f"{function} at {site} (no address-taken function deeper)")
            continue
        sites[site] = targets
    return sites, left


def _why_incomplete(analysis: _View, program: Program | None = None,
                    programs: list[Program] = ()) -> str | None:
    """Why the bound is no number, or calls stay unresolved; with `program`, only what is its own
    (calls in other programs' functions are theirs: the driver reaches only this one here)."""
    unresolved = analysis.unresolved
    if program is not None:
        unresolved = [c for c in unresolved if _owner(c["function"], programs) in (None, program)]
    if analysis.pool_needed >= OVERFLOW:
        cycles = [c["functions"] for c in analysis.cycles if c["bound"] is None]
        extra = f"; cycles without a bound: {cycles[:2]}" if cycles else ""
        problems = [f"{p['function']}: {p['problem']}" for p in analysis.problems][:2]
        extra += f"; {'; '.join(problems)}" if problems else ""
        return f"pool_needed={'unbounded' if analysis.pool_needed > OVERFLOW else 'overflow'}{extra}"
    if unresolved:
        first = unresolved[0]
        # The walker's own words about that function say more than "unresolved" (e.g. a branch it
        # took for a call to something that is not a function).
        said = next((p["problem"] for p in analysis.problems if p["function"] == first["function"]), "")
        return f"{len(unresolved)} unresolved indirect call(s), e.g. {first['function']} at " \
               f"{first['call_site']:#x}" + (f" ({said})" if said else "")
    return None


def function_names(elf: Path) -> set[str]:
    from elftools.elf.elffile import ELFFile

    with elf.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return {s.name for s in table.iter_symbols() if s["st_info"]["type"] == "STT_FUNC"} if table else set()


def _is_own_check(analysis: Analysis, function: str, site: int) -> bool:
    """Whether `site` is the branch of `function`'s own split-stack check (within its first 16 bytes)."""
    start = _starts(analysis.elf).get(function)
    return start is not None and start <= site < start + 16


def _starts(elf: Path) -> dict[str, int]:
    from elftools.elf.elffile import ELFFile

    with elf.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        return {s.name: s["st_value"] & ~1 for s in table.iter_symbols()
                if s["st_info"]["type"] == "STT_FUNC"} if table else {}


def pack_config(elf: Path, programs: list[Program], tasks: bool = False,
                worked_around: dict[str, str] | None = None) -> tuple[AnalyzeConfig, Analysis, list[str]]:
    """The pack-wide annotations for this image, the analysis under them, and what stays unresolved."""
    present = function_names(elf)
    recursion = {name: bound for p in programs for name, bound in p.recursion.items()}
    indirect = {k: [t for t in v if t in present] for k, v in _driver_targets(programs, tasks).items()
                if k in present}
    config = AnalyzeConfig(recursion=recursion, indirect=indirect, source="mcusplit fuzz annotations")
    first = analyze(elf, config)
    sites, left = _site_targets(first, programs, present, {} if worked_around is None else worked_around)
    if not sites:
        return config, first, left
    config = AnalyzeConfig(recursion=recursion, indirect={**indirect, **sites}, source=config.source)
    return config, analyze(elf, config), left


def _program_bound(elf: Path, config: AnalyzeConfig, program: Program,
                   programs: list[Program]) -> tuple[int, str | None]:
    """pool_needed and why it is incomplete, for one program's annotations: the analyzer's own steps
    (prepare, solve without paths) give the number analyze() gives, without the report's extras
    (worst paths, source lines: seconds on a large image)."""
    prepared = prepare(elf, config)
    needed = solve(prepared, paths=False).pool_needed
    unresolved = [{"function": info.name, "call_site": call.address} for info, call in prepared.graph.unresolved()]
    cycles = prepared.cycles
    problems = [{"function": i.name, "problem": u.reason} for i in prepared.infos.values() for u in i.unknowns]
    view = _View(needed, unresolved, cycles, problems)
    return needed, _why_incomplete(view, program, programs)


@dataclass
class _View:
    """What _why_incomplete reads of an analysis."""
    pool_needed: int
    unresolved: list[dict]
    cycles: list[dict]
    problems: list[dict]


def restricted(config: AnalyzeConfig, program: Program) -> AnalyzeConfig:
    """The annotations under which the driver's pointers reach `program` only."""
    indirect = dict(config.indirect)
    for key in (driver.CALL_INIT, driver.CALL_RUN, driver.CALL_IRQ):
        if key in indirect:
            indirect[key] = [t for t in indirect[key] if t.startswith(program.name + "_")]
    return AnalyzeConfig(recursion=config.recursion, indirect=indirect, source=config.source)


def compute(elf: Path, programs: list[Program], per_program: bool = True, tasks: bool = False) -> Bounds:
    import time

    started = time.monotonic()
    result = Bounds(pack=0)
    config, whole, _ = pack_config(elf, programs, tasks, result.worked_around)
    result.pack, result.config = whole.pool_needed, config
    why = _why_incomplete(_View(whole.pool_needed, whole.unresolved, whole.cycles,
                                [{"function": u["function"], "problem": u["reason"]} for u in whole.unknowns]))
    if why:
        result.incomplete["*"] = why
    if per_program and len(programs) > 1:
        for p in programs:
            result.per_program[p.name], why = _program_bound(elf, restricted(config, p), p, programs)
            if why:
                result.incomplete[p.name] = why
    else:
        result.per_program = {p.name: whole.pool_needed for p in programs}
    result.seconds = time.monotonic() - started
    return result


def write_toml(config: AnalyzeConfig, path: Path) -> Path:
    """The annotations as an mcusplit.toml, for `mcusplit analyze --config` by hand."""
    lines = ["# Annotations mcusplit fuzz used for this image (mcusplit/fuzz/bounds.py).", "[analyze.recursion]"]
    lines += [f'"{k}" = {v}' for k, v in sorted(config.recursion.items())]
    lines.append("[analyze.indirect]")
    lines += [f'"{k}" = [{", ".join(chr(34) + t + chr(34) for t in v)}]' for k, v in sorted(config.indirect.items())]
    path.write_text("\n".join(lines) + "\n")
    return path
