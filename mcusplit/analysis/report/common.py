"""Shared by the renderers: the worst path with repeated frames folded, and status words."""

from __future__ import annotations

from dataclasses import dataclass

from ..analyze import Analysis, EntryResult
from ..model import PathStep


@dataclass
class Row:
    first: PathStep
    count: int                  # frames folded into this row (same function, no split in between)
    last_room: int

    @property
    def label(self) -> str:
        return self.first.function + (f" ×{self.count}" if self.count > 1 else "")

    @property
    def rooms(self) -> str:
        return str(self.first.room) if self.count == 1 else f"{self.first.room}..{self.last_room}"


def fold(path: list[PathStep]) -> list[Row]:
    rows: list[Row] = []
    for step in path:
        last = rows[-1] if rows else None
        if (last and last.first.function == step.function and not step.split and not last.first.split
                and step.via == last.first.via and not step.note and not last.first.note):
            last.count += 1
            last.last_room = step.room
        else:
            rows.append(Row(step, 1, step.room))
    return rows


def where(step: PathStep) -> str:
    if step.note == "overflow":
        return "OVERFLOW: runs past the stack's bottom"
    if step.note == "unbounded":
        return "unbounded"
    if step.split:
        return f"split: takes segment {step.segments}"
    if step.via == "interrupt":
        return "interrupt"
    return ""


def segments_text(entry: EntryResult) -> str:
    return str(entry.value) if entry.status == "ok" else entry.status.upper()


def verdict(analysis: Analysis) -> tuple[bool, str]:
    failures = analysis.check_failures()
    if failures:
        return False, "; ".join(failures)
    return True, "passed"
