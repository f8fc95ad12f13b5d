"""`check_elision = "full"`: decide, patch the linked image, and prove the result again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..analysis.analyze import analyze, prepare, solve
from ..analysis.config import AnalyzeConfig
from ..analysis.elf import Firmware
from ..analysis.model import describe
from ..analysis.stackwalk import StackWalker
from ..analysis.steps import OVERFLOW
from ..errors import BuildError
from . import patch, plan


@dataclass
class Report:
    dropped: list[str]
    raised: dict[str, tuple[int, int]]      # function -> (threshold before, after)
    kept: list[str]
    counts: dict[str, int]
    trials: int
    needed_before: int
    needed_after: int


def drop_small_subtrees(elf: Path, config: AnalyzeConfig, allowance: int) -> list[str]:
    """Leaf elision, generalized after linking: checks of functions whose whole subtree fits in the
    leaf allowance go. Needs no annotations and no complete analysis (the property is local)."""
    prepared = prepare(elf, config)
    dropped = plan.small_subtrees(prepared, allowance)
    if dropped:
        patch.apply(prepared, elf, dropped, {})
        # Re-read the patched image: each dropped function must have lost its check, and nothing
        # else may have changed in its walk.
        walker = StackWalker(Firmware(elf))
        walker.noreturn = set(prepared.walker.noreturn)
        for f in dropped:
            info = walker.analyze(walker.starts[f])
            before = prepared.infos[f]
            if info.check is not None or info.unknowns or info.frame != before.frame:
                raise BuildError(f"internal error: the check of {info.name} did not go", str(elf))
    return sorted(prepared.infos[f].name for f in dropped)


def optimize(elf: Path, config: AnalyzeConfig, budget: int) -> Report:
    """Raises plan.NotOptimizable (the image is left as it was) when the analysis is incomplete."""
    before = analyze(elf, config)
    prepared = prepare(elf, config)
    decision = plan.decide(prepared, budget)
    counts = patch.apply(prepared, elf, decision.dropped, decision.thresholds)
    # The patched image is analyzed from scratch, as any user's image would be.
    # The patched image is analyzed from scratch, as any user's image would be: it must pass where
    # the original passed, and what the analysis can see of it must still fit the pool.
    after = analyze(elf, config)
    failures = after.check_failures() if not before.check_failures() else []
    known = solve(prepare(elf, config), paths=False, ignore_unknown=True)
    if known.pool_needed >= OVERFLOW or known.pool_needed > after.layout.segments:
        failures.append(f"{describe(known.pool_needed)} segments needed where the analysis can see")
    if failures:
        raise BuildError(f"internal error: check elision produced an image that fails its analysis: "
                         f"{'; '.join(failures)}", str(elf))
    infos = prepared.infos
    raised = {infos[f].name: (decision.original[f], t) for f, t in decision.thresholds.items()
              if t != decision.original.get(f)}
    kept = sorted(infos[f].name for f in decision.thresholds)
    return Report([infos[f].name for f in sorted(decision.dropped)], raised, kept, counts, decision.trials,
                  decision.needed_before, after.pool_needed)
