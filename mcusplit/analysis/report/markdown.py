"""Markdown, to paste into a review."""

from __future__ import annotations

from ..analyze import Analysis
from .common import fold, gate_texts, segments_text, task_rows, task_summary, verdict, where


def render(analysis: Analysis) -> str:
    layout = analysis.layout
    ok, check = verdict(analysis)
    needed = analysis.to_json()["needed"]
    lines = [
        f"### Segment pool: {'✅' if ok else '❌'} {needed} of {layout.segments} segments needed"
        + (f" (margin {analysis.margin})" if analysis.margin is not None else ""),
        "",
        f"`{analysis.elf.name}`: {layout.segments} × {layout.segment_size} B segments, reserve {layout.reserve} B, "
        f"exception frame {layout.exception_frame} B. Interrupts: {analysis.interrupt_model}.",
        "",
        "| entry point | kind | room at entry | segments |",
        "| --- | --- | ---: | ---: |",
    ]
    for e in analysis.entries:
        lines.append(f"| `{e.name}` | {e.kind} | {e.room} B | {segments_text(e)} |")
    rows = task_rows(analysis)
    if rows:
        lines += ["", "| task entry | instances | worst (segments) | outside gates | contiguous stack |",
                  "| --- | ---: | ---: | ---: | ---: |"]
        lines += [f"| `{r[0]}` | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
        lines += [""] + [f"- {t}" for t in gate_texts(analysis)] + [f"- {task_summary(analysis)}"]
    for e in analysis.entries:
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
    if analysis.inferred:
        lines += ["", "**Inferred indirect calls:** " + "; ".join(
            f"`{i['function']}` → table `{i['table']}` ({', '.join(i['targets'])})" for i in analysis.inferred)]
    if analysis.unresolved:
        lines += ["", "**Unresolved indirect calls:** " + "; ".join(
            f"`{u['function']}` @ {u['call_site']:#x}" + (f" ({u['source']})" if u["source"] else "")
            for u in analysis.unresolved)]
    if analysis.problems:
        lines += ["", "**Stack use not followed:** " + "; ".join(f"`{p['function']}`: {p['problem']}"
                                                               for p in analysis.problems)]
    if analysis.notes:
        lines += ["", "Notes: " + "; ".join(analysis.notes)]
    lines += ["", f"Check: **{check}**"]
    return "\n".join(lines) + "\n"
