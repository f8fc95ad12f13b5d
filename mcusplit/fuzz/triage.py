"""Which known analyzer gap a failure comes from, found by taking each away.

The analyzer has gaps being closed elsewhere (issue 9): it does not follow Thumb-1 jump tables or
indirect tail calls, and it takes a RAM function table's targets from the table's initial data.
A failure that goes away when the program is rebuilt without the construct (and only then) is
that gap's; one that stays whatever is taken away is new and needs a closer look.

    rom-truth     the RAM tables' initial data made what NAME_init writes (the image tells the truth)
    no-jump-tables        -fno-jump-tables: switches become compare chains
    no-tail-calls         -fno-optimize-sibling-calls: every tail call becomes call + return
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..boards import Board
from .program import Program
from .runner import Options, run_pack
from .verdict import Failure

GAPS = {
    "ram-tables": "issue 9: writable function tables (targets stored at run time)",
    "jump-tables": "issue 9: jump tables the analyzer does not follow",
    "tail-calls": "issue 9: indirect tail calls the analyzer does not follow",
}

_TABLE = re.compile(r"static (\w+) (\w+_ram\d+)\[(\d+)\] = \{[^}]*\};")


def truthful_ram_tables(program: Program) -> Program:
    source = program.source
    for m in _TABLE.finditer(program.source):
        sig, name, n = m.groups()
        stores = [re.search(rf"    {name}\[{i}\] = (\w+);", program.source) for i in range(int(n))]
        if all(stores):
            values = ", ".join(s.group(1) for s in stores)
            source = source.replace(m.group(0), f"static {sig} {name}[{n}] = {{{values}}};")
    return dataclasses.replace(program, source=source)


def _with_flag(flag: str) -> Callable[[Program], Program]:
    return lambda p: dataclasses.replace(p, cflags=(*p.cflags, flag))


VARIANTS: dict[str, Callable[[Program], Program]] = {
    "ram-tables": truthful_ram_tables,
    "jump-tables": _with_flag("-fno-jump-tables"),
    "tail-calls": _with_flag("-fno-optimize-sibling-calls"),
}


def _fails(programs: list[Program], board: Board, failure: Failure, work: Path) -> bool:
    result = run_pack(programs, board, work, Options(tasks_every=1))
    build = failure.variant.split("/")[0]
    return any(f.kind == failure.kind and f.variant.split("/")[0] == build and f.seed == failure.seed
               for f in result.failures)


def suspect(program: Program, board: Board, failure: Failure, pack: list[Program] | None = None) -> str:
    """The known gap the failure goes away without, or why none is named. `pack`: the programs it
    ran with (their image decides the room it starts with); the change is made to it alone."""
    pack = pack or [program]
    index = next(i for i, p in enumerate(pack) if p.name == program.name)

    def changed(change: Callable[[Program], Program]) -> list[Program]:
        return [*pack[:index], change(program), *pack[index + 1:]]

    with tempfile.TemporaryDirectory(prefix="mcusplit-triage-") as tmp:
        work = Path(tmp)
        if not _fails(pack, board, failure, work / "as-found"):
            return "does not fail again"
        gone = [name for name, change in VARIANTS.items()
                if change(program).source != program.source or change(program).cflags != program.cflags
                if not _fails(changed(change), board, failure, work / name)]
        if not gone:
            # Several gaps together: each alone may not be enough to take the failure away.
            def everything(p: Program) -> Program:
                for change in VARIANTS.values():
                    p = change(p)
                return p

            if not _fails(changed(everything), board, failure, work / "all"):
                return "several known gaps together: " + "; ".join(GAPS.values())
    if len(gone) == 1:
        return GAPS[gone[0]]
    if gone:
        return "any of: " + "; ".join(GAPS[g] for g in gone)
    return "none of the known analyzer gaps: new"
