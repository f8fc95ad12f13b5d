"""Markdown, to paste into a review."""

from __future__ import annotations

from ..analyze import Analysis
from .common import (
    byte_where,
    fold,
    gate_texts,
    headline,
    indirect_summary,
    segments_text,
    task_rows,
    task_summary,
    unknown_lines,
    verdict,
    where,
)


def render(analysis: Analysis) -> str:
    layout = analysis.layout
    ok, check = verdict(analysis)
    mark = "✅" if ok else "❌"
    if analysis.contiguous:
        lines = [f"### Stack: {mark} {headline(analysis)}"
                 + (f" (margin {analysis.margin} B)" if analysis.margin is not None else ""), "",
                 f"`{analysis.elf.name}`: one contiguous stack, exception frame {analysis.exception_frame} B. "
                 f"Interrupts: {analysis.interrupt_model}.", "",
                 "| entry point | kind | stack bytes |", "| --- | --- | ---: |"]
        lines += [f"| `{e.name}` | {e.kind} | {segments_text(e)} |" for e in analysis.entries]
    else:
        lines = [
            f"### Segment pool: {mark} {analysis.needed_text} of {layout.segments} segments needed"
            + (f" (margin {analysis.margin})" if analysis.margin is not None else ""),
            "",
            f"`{analysis.elf.name}`: {layout.segments} × {layout.segment_size} B segments, reserve "
            f"{layout.reserve} B, exception frame {layout.exception_frame} B. Interrupts: {analysis.interrupt_model}.",
            "",
            "| entry point | kind | room at entry | segments |",
            "| --- | --- | ---: | ---: |",
        ]
        lines += [f"| `{e.name}` | {e.kind} | {e.room} B | {segments_text(e)} |" for e in analysis.entries]
    rows = task_rows(analysis)
    if rows:
        lines += ["", "| task entry | instances | worst (segments) | outside gates | contiguous stack |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| `{r[0]}` | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
        lines += [""] + [f"- {t}" for t in gate_texts(analysis)] + [f"- {task_summary(analysis)}"]
    for e in analysis.entries:
        if e.unit == "bytes" and e.byte_path:
            lines += ["", f"<details><summary>Deepest path from <code>{e.name}</code> ({segments_text(e)})"
                          "</summary>", "", "| function | frame | starts at | |", "| --- | ---: | ---: | --- |"]
            for step in e.byte_path:
                marker = "↯ " if step.via == "interrupt" else ""
                lines.append(f"| {marker}`{step.function}` | {step.frame} B | {step.depth} B | {byte_where(step)} |")
            lines += ["", "</details>"]
            continue
        if not e.path or (e.value == 0 and e.kind != "reset"):
            continue
        lines += ["", f"<details><summary>Worst path from <code>{e.name}</code> ({segments_text(e)} segments)"
                      "</summary>", "", "| function | frame | room | | segments held |",
                  "| --- | ---: | ---: | --- | ---: |"]
        for row in fold(e.path):
            marker = "↯ " if row.first.via == "interrupt" else ""
            lines.append(f"| {marker}`{row.label}` | {row.first.frame} B | {row.rooms} | {where(row.first)} | "
                         f"{row.first.segments} |")
        lines += ["", "</details>"]
    if analysis.cycles:
        lines += ["", "**Recursion:** " + "; ".join(
            f"`{' → '.join(c['functions'])}` " + (f"bound {c['bound']}" if c["bound"] else "**unbounded**")
            for c in analysis.cycles)]
    summary = indirect_summary(analysis)
    if summary:
        lines += ["", f"**Indirect calls:** {summary}."]
    if analysis.inferred:
        lines += ["", "**From tables in flash:** " + "; ".join(
            f"`{i['function']}` → table `{i['table']}` ({', '.join(i['targets'])})" for i in analysis.inferred)]
    if analysis.unresolved:
        lines += ["", "**Unresolved indirect calls:** " + "; ".join(
            f"`{u['function']}` @ {u['call_site']:#x}" + (f" ({u['source']})" if u["source"] else "")
            for u in analysis.unresolved)]
    if analysis.unknowns:
        lines += ["", "**What the analysis cannot classify:**", ""] + [f"- {line}" for line in unknown_lines(analysis)]
    if analysis.notes:
        lines += ["", "Notes: " + "; ".join(analysis.notes)]
    lines += ["", f"Check: **{check}**"]
    return "\n".join(lines) + "\n"
