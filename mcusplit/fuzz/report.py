"""The campaign's summary as the CLI prints it."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .campaign import Summary
from .verdict import KINDS

MAX_LISTED = 30


def render(summary: Summary, out: Console) -> None:
    c = summary.campaign
    js = summary.to_json()
    out.print(f"[bold]mcusplit fuzz[/]: generator {c.generator}, seeds {js['seeds']}, "
              f"{len(c.boards)} board(s): {', '.join(c.boards)}")
    out.print(f"  {js['checked']} program runs checked ({c.count} programs x {len(c.boards)} boards"
              + (f", {len(js['skipped'])} skipped" if js["skipped"] else "") + f"), {js['runs']} QEMU runs, "
              f"{js['interrupts']:,} timer interrupts served")
    out.print(f"  {summary.seconds:.0f} s wall, {summary.per_minute:.1f} programs per minute "
              f"({c.jobs or 'all'} jobs)")
    table = Table(box=None, pad_edge=False)
    table.add_column("failure kind")
    table.add_column("failures", justify="right")
    table.add_column("programs", justify="right")
    for kind in KINDS:
        found = [f for f in summary.failures if f.kind == kind]
        if found:
            table.add_row(kind, str(len(found)), str(len({(f.seed, f.board) for f in found})))
    if summary.failures:
        out.print(table)
        listed = sorted(summary.failures, key=lambda f: (f.seed, f.board, f.variant))
        for f in listed[:MAX_LISTED]:
            out.print(f"  {f.one_line()}", markup=False, soft_wrap=True)
        if len(listed) > MAX_LISTED:
            out.print(f"  ... and {len(listed) - MAX_LISTED} more (--json has them all)")
    else:
        out.print("  [bold green]no failures[/]")
    for seed_board in sorted({(s, r.board, why) for r in summary.results for s, why in r.skipped})[:10]:
        out.print(f"  skipped: seed {seed_board[0]} on {seed_board[1]}: {seed_board[2]}", markup=False)
