"""Stage 4 of a build: what is done to the linked image as a whole. Checks the leaf allowance
covers go (small subtrees); every check is raised to cover the unchecked code below it (the
allowance: optimize/allowance.py); then, with check_elision = "full", every check the analysis
proves unnecessary goes; firmware with tasks gets the analyzer's proof written into it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.config import load as load_annotations
from ..errors import McusplitError
from ..optimize import allowance
from ..optimize import plan as optimize_plan
from ..optimize.proof import embed
from ..optimize.run import drop_small_subtrees, optimize
from .plan import BuildPlan


@dataclass
class PostLink:
    dropped: list[str] = field(default_factory=list)
    raised: dict[str, tuple[int, int]] = field(default_factory=dict)
    allowance: allowance.AllowanceReport | None = None
    notes: list[str] = field(default_factory=list)


def run(plan: BuildPlan, elf: Path, uses_tasks: bool, say) -> PostLink:
    result = PostLink()
    project = plan.project
    if not plan.split_stack:
        return result
    annotations = load_annotations(project.config_path)
    if project.check_elision in ("leaf", "full"):
        result.dropped = drop_small_subtrees(elf, annotations, plan.layout.leaf_allowance)
    if project.allowance:
        say("covering the calls into code without checks")
        result.allowance = allowance.apply(elf, annotations, project.allow_uncovered, plan.name)
        for call in result.allowance.accepted:
            what = (f"whose stack use the analysis cannot bound ({call.problem})" if call.below is None
                    else f"which goes {call.below} B below the call")
            note = (f"{plan.name}: note: '{call.caller}' calls {' > '.join(call.chain)}, {what}: "
                    "not covered (allow_uncovered)")
            if note not in result.notes:
                result.notes.append(note)
        if result.allowance.interrupts_uncovered:
            names = ", ".join(result.allowance.interrupts_uncovered)
            result.notes.append(f"{plan.name}: note: no segment holds the unchecked code below {names} with the "
                                "interrupts that may nest on top of it: their checks cover the code alone "
                                "(mcusplit analyze reports the overflow)")
    else:
        result.notes.append(f"{plan.name}: note: allowance = false: calls into code without checks are not "
                            "covered (debugging only)")
    if project.check_elision == "full":
        say("removing the checks the analysis proves unnecessary")
        try:
            report = optimize(elf, annotations, project.cover_budget)
            result.dropped, result.raised = sorted({*result.dropped, *report.dropped}), report.raised
        except optimize_plan.NotOptimizable as exc:
            result.notes.append(f"{plan.name}: note: check elision stopped at small subtrees: {exc.one_line()}")
    if uses_tasks:
        try:
            result.notes.append(f"{plan.name}: note: {embed(elf, load_annotations(project.config_path))}")
        except McusplitError as exc:
            result.notes.append(f"{plan.name}: note: no proof embedded: {exc.one_line()}")
    return result
