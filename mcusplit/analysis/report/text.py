"""The terminal report (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..analyze import Analysis
from .common import fold, gate_texts, segments_text, task_rows, task_summary, verdict, where


def render(analysis: Analysis, console: Console) -> None:
    layout = analysis.layout
    ok, check = verdict(analysis)
    needed = analysis.to_json()["needed"]
    margin = analysis.margin
    colour = "green" if ok else "red"
    console.print(f"[bold]mcusplit analyze[/] {analysis.elf}  "
                  f"[dim]({analysis.functions} functions, {analysis.code_bytes:,} B of code, "
                  f"{analysis.seconds:.2f} s)[/]")
    console.print(f"pool: {layout.segments} segments × {layout.segment_size} B, reserve {layout.reserve} B, "
                  f"exception frame {layout.exception_frame} B")
    console.print(f"needed: [bold {colour}]{needed}[/] segments"
                  + (f", margin [bold {colour}]{margin}[/]" if margin is not None else ""))
    console.print(f"interrupts: {analysis.interrupt_model}")

    table = Table(box=None, pad_edge=False, title_justify="left")
    for column in ("entry point", "kind", "room at entry", "segments"):
        table.add_column(column, justify="right" if column != "entry point" and column != "kind" else "left")
    for e in analysis.entries:
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
        if not e.path or (e.value == 0 and e.kind != "reset"):
            continue
        console.print(f"\n[bold]worst path from {e.name}[/] ({segments_text(e)} segments):")
        path = Table(box=None, pad_edge=False)
        for column in ("function", "frame", "room", "", "segments held"):
            path.add_column(column, justify="right" if column in ("frame", "room", "segments held") else "left")
        for row in fold(e.path):
            note = where(row.first)
            style = "red" if "OVERFLOW" in note else ("yellow" if row.first.split else "")
            prefix = "↯ " if row.first.via == "interrupt" else "  "
            path.add_row(prefix + row.label, f"{row.first.frame} B", row.rooms,
                         f"[{style}]{note}[/]" if style else note, str(row.first.segments))
        console.print(path)

    if analysis.cycles:
        console.print("\n[bold]recursion[/]")
        for c in analysis.cycles:
            bound = (f"bound {c['bound']} (mcusplit.toml)" if c["bound"] else
                     "[yellow]no bound (allowed: allow_unbounded)[/]" if analysis.config.allow_unbounded
                     else "[red]no bound: unbounded[/]")
            console.print(f"  {' → '.join(c['functions'])}: {bound}")
    if analysis.inferred:
        console.print("\n[bold]inferred indirect calls[/]")
        for i in analysis.inferred:
            console.print(f"  {i['function']} @ {i['call_site']:#x}: table {i['table']} → {', '.join(i['targets'])}")
    if analysis.unresolved:
        allowed = " [dim](allowed: allow_unresolved)[/]" if analysis.config.allow_unresolved else ""
        console.print("\n[bold]unresolved indirect calls[/] (give targets in \\[analyze.indirect])" + allowed)
        for u in analysis.unresolved:
            console.print(f"  {u['function']} @ {u['call_site']:#x}" + (f"  {u['source']}" if u["source"] else ""))
    if analysis.problems:
        console.print("\n[bold]stack use the analysis cannot follow[/]")
        for p in analysis.problems:
            console.print(f"  {p['function']}: {p['problem']}")
    for note in analysis.notes:
        console.print(f"[dim]note: {escape(note)}[/]")
    console.print(f"\ncheck: [bold {colour}]{check}[/]")
