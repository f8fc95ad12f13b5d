"""The terminal report (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

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
    unchecked_lines,
    unknown_lines,
    verdict,
    where,
)


def render(analysis: Analysis, console: Console) -> None:
    layout = analysis.layout
    ok, check = verdict(analysis)
    margin = analysis.margin
    colour = "green" if ok else "red"
    console.print(f"[bold]mcusplit analyze[/] {escape(str(analysis.elf))}  "
                  f"[dim]({analysis.functions} functions, {analysis.code_bytes:,} B of code, "
                  f"{analysis.seconds:.2f} s)[/]")
    if analysis.contiguous:
        console.print(f"one contiguous stack (no split-stack pool); exception frame {analysis.exception_frame} B")
    else:
        console.print(f"pool: {layout.segments} segments × {layout.segment_size} B, reserve {layout.reserve} B, "
                      f"exception frame {layout.exception_frame} B")
    console.print(f"[bold {colour}]{escape(headline(analysis))}[/]"
                  + (f", margin [bold {colour}]{margin}[/]" if margin is not None else ""))
    console.print(f"interrupts: {analysis.interrupt_model}")

    table = Table(box=None, pad_edge=False, title_justify="left")
    unit = "stack bytes" if analysis.contiguous else "segments"
    columns = ("entry point", "kind", unit) if analysis.contiguous else ("entry point", "kind", "room at entry", unit)
    for column in columns:
        table.add_column(column, justify="left" if column in ("entry point", "kind") else "right")
    for e in analysis.entries:
        if analysis.contiguous:
            table.add_row(e.name, e.kind, segments_text(e))
        else:
            table.add_row(e.name, e.kind, f"{e.room} B", segments_text(e))
    console.print(table)
    rows = task_rows(analysis)
    if rows:
        tasks = Table(box=None, pad_edge=False)
        for column in ("task entry", "instances", "worst", "outside gates", "contiguous stack"):
            tasks.add_column(column, justify="left" if column == "task entry" else "right")
        for row in rows:
            tasks.add_row(*row)
        console.print()
        console.print(tasks)
        for line in gate_texts(analysis):
            console.print(line)
        console.print(task_summary(analysis))

    for e in analysis.entries:
        if e.unit == "bytes":
            if not e.byte_path:
                continue
            console.print(f"\n[bold]deepest path from {e.name}[/] ({segments_text(e)}):")
            path = Table(box=None, pad_edge=False)
            for column in ("function", "frame", "starts at", ""):
                path.add_column(column, justify="right" if column in ("frame", "starts at") else "left")
            for step in e.byte_path:
                prefix = "↯ " if step.via == "interrupt" else "  "
                path.add_row(prefix + step.function, f"{step.frame} B", f"{step.depth} B", byte_where(step))
            console.print(path)
            continue
        if not e.path or (e.value == 0 and e.kind != "reset"):
            continue
        console.print(f"\n[bold]worst path from {e.name}[/] ({segments_text(e)} segments):")
        path = Table(box=None, pad_edge=False)
        for column in ("function", "frame", "room", "", "segments held"):
            path.add_column(column, justify="right" if column in ("frame", "room", "segments held") else "left")
        for row in fold(e.path):
            note = where(row.first)
            style = "red" if "OVERFLOW" in note or "UNKNOWN" in note else ("yellow" if row.first.split else "")
            prefix = "↯ " if row.first.via == "interrupt" else "  "
            path.add_row(prefix + row.label, f"{row.first.frame} B", row.rooms,
                         f"[{style}]{note}[/]" if style else note, str(row.first.segments))
        console.print(path)

    if analysis.cycles:
        console.print("\n[bold]recursion[/]")
        for c in analysis.cycles:
            bound = (f"bound {c['bound']} ({c.get('origin', 'mcusplit.toml')})" if c["bound"] else
                     "[yellow]no bound (allowed: allow_unbounded)[/]" if analysis.config.allow_unbounded
                     else "[red]no bound: unbounded[/]")
            console.print(f"  {' → '.join(c['functions'])}: {bound}")
    if analysis.unchecked:
        console.print("\n[bold]calls into code without checks[/] (deepest per function; the check demands it: "
                      "the allowance)")
        for line in unchecked_lines(analysis):
            console.print(f"  {escape(line)}")
    summary = indirect_summary(analysis)
    if summary:
        console.print(f"\n[bold]indirect calls[/]: {summary}")
        for i in analysis.indirect:
            targets = ", ".join(i["targets"][:6]) + (f", … ({len(i['targets'])})" if len(i["targets"]) > 6 else "")
            console.print(f"  {i['function']} @ {i['call_site']:#x} ({i['kind']}, {i['resolution']}): "
                          f"{escape(targets) or '-'}", markup=True)
    if analysis.unresolved:
        console.print("\n[bold]unresolved indirect calls[/] (give targets in \\[analyze.indirect])")
        for u in analysis.unresolved:
            console.print(f"  {u['function']} @ {u['call_site']:#x}" + (f"  {u['source']}" if u["source"] else ""))
    if analysis.unknowns:
        console.print("\n[bold]what the analysis cannot classify[/] (every path through it is unknown)")
        for line in unknown_lines(analysis):
            console.print(f"  {escape(line)}")
    for note in analysis.notes:
        console.print(f"[dim]note: {escape(note)}[/]")
    console.print(f"\ncheck: [bold {colour}]{escape(check)}[/]")
