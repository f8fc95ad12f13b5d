"""Shared by the renderers: the worst path with repeated frames folded, and status words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..analyze import Analysis, EntryResult
from ..contiguous import ByteStep
from ..model import PathStep
from ..steps import OVERFLOW


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
    if step.note == "unknown":
        return "UNKNOWN: see below"
    if step.split:
        return f"split: takes segment {step.segments}"
    if step.via == "interrupt":
        return "interrupt"
    return ""


def segments_text(entry: EntryResult) -> str:
    if entry.unit == "bytes":
        return f"{entry.value} B" if entry.status == "ok" else entry.status.upper()
    return str(entry.value) if entry.status == "ok" else entry.status.upper()


def byte_where(step: ByteStep) -> str:
    if step.note == "unknown":
        return "UNKNOWN: see below"
    if step.note == "unbounded":
        return "unbounded"
    return "interrupt" if step.via == "interrupt" else ""


def headline(analysis: Analysis) -> str:
    """`needed: ...` in words: segments of the pool, or bytes of the one stack."""
    if analysis.contiguous:
        budget = (f" of {analysis.stack_budget} B ({analysis.stack_budget_source})"
                  if analysis.stack_budget is not None else " (stack size unknown)")
        return f"stack: {analysis.needed_text} needed{budget}"
    return f"needed: {analysis.needed_text} segments"


def indirect_summary(analysis: Analysis) -> str | None:
    """'7 indirect call sites: 4 by type, 2 constant, 1 table' (how each was resolved)."""
    if not analysis.indirect:
        return None
    counts = Counter("table" if i["resolution"].startswith("table:") else i["resolution"] for i in analysis.indirect)
    return (f"{len(analysis.indirect)} indirect call site(s): "
            + ", ".join(f"{n} {how}" for how, n in counts.most_common()))


def unknown_lines(analysis: Analysis) -> list[str]:
    return [f"{u['function']} @ {u['address']:#x}" + (f" ({u['source']})" if u["source"] else "")
            + f": {u['reason']}" + ("" if u["reachable"] else " [no entry point reaches it]")
            for u in analysis.unknowns]


def deepest_unchecked(analysis: Analysis) -> list[tuple[dict, int]]:
    """Per function with calls into unchecked code: its deepest (or unbounded) call, and how many
    such calls it makes."""
    by_function: dict[str, list[dict]] = {}
    for row in analysis.unchecked:
        by_function.setdefault(row["function"], []).append(row)
    out = []
    for rows in by_function.values():
        worst = max(rows, key=lambda r: (r["needs"] is None, r["needs"] or 0))
        out.append((worst, len(rows)))
    return sorted(out, key=lambda item: (item[0]["needs"] is None, item[0]["needs"] or 0), reverse=True)


def unchecked_lines(analysis: Analysis, limit: int = 12) -> list[str]:
    lines = []
    rows = deepest_unchecked(analysis)
    for row, count in rows[:limit]:
        where = f" ({row['source']})" if row["source"] else ""
        chain = " > ".join(row["chain"])
        if row["bytes"] is None:
            what = f"{chain}: {row['problem']}"
        else:
            what = (f"{chain}: {row['bytes']} B below a call {row['depth']} B deep = {row['needs']} B; "
                    f"its check demands {row['threshold']} B")
        lines.append(f"{row['function']} @ {row['call_site']:#x}{where}: {what}"
                     + (f" ({count} calls)" if count > 1 else ""))
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more functions (all in --format json)")
    return lines


def verdict(analysis: Analysis) -> tuple[bool, str]:
    failures = analysis.check_failures()
    if failures:
        return False, "; ".join(failures)
    return True, "passed"


def kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB"


def task_rows(analysis: Analysis) -> list[tuple[str, str, str, str, str]]:
    """Registered tasks: (entry, instances, worst segments, shallow segments, contiguous stack)."""
    return [(e.name, str(e.instances), segments_text(e), str(e.shallow) if e.shallow < OVERFLOW else "-",
             f"{e.stack_bytes} B" if e.stack_bytes is not None else "unbounded")
            for e in analysis.entries if e.shallow is not None]


def task_summary(analysis: Analysis) -> str | None:
    """One line: the tasks' share of the pool against contiguous worst-case stacks."""
    if not task_rows(analysis):
        return None
    pool_bytes = analysis.task_segments * analysis.layout.segment_size
    contiguous = analysis.contiguous_task_bytes
    if analysis.task_segments >= OVERFLOW:
        return "tasks: no finite bound"
    line = f"tasks: {analysis.task_segments} segments ({kib(pool_bytes)}) of the pool"
    if contiguous is not None and pool_bytes:
        line += (f"; contiguous worst-case stacks would take {kib(contiguous)} "
                 f"({contiguous / pool_bytes:.1f}× as much)")
    return line


def gate_texts(analysis: Analysis) -> list[str]:
    return [f"gate {g['name']}: {g['permits']} permit(s) for {', '.join(g['functions']) or 'no function'}; "
            f"adds {g['segments_added'] if g['segments_added'] is not None else 'no finite number of'} segments"
            + (" (its functions reach another gate: counted with every gate open)" if g["nested"] else "")
            for g in analysis.gates]
