"""Stage 5 of a build: the images (.bin, .hex), the memory the firmware takes, and the build's
record (<name>.build.json: every function's frame, check and opt-out reason)."""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import children
from ..boards import Board
from ..codegen.prologue import FunctionCheck
from ..codegen.splitstack import FunctionPlan
from ..contract import Layout
from ..errors import BuildError
from ..link import outputs
from .compile import Compiled
from .plan import BuildPlan

if TYPE_CHECKING:                          # the analysis behind it is not loaded to compile
    from .postlink import PostLink


@dataclass
class BuildResult:
    elf: Path
    bin: Path
    hex: Path
    map: Path
    info: Path
    board: Board
    layout: Layout
    split_stack: bool
    checks: list[FunctionCheck] = field(default_factory=list)
    elided: list[FunctionCheck] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)            # checks removed after linking
    # checks raised to cover the unchecked code below them (optimize/allowance.py): function,
    # threshold before and after, the deepest call into unchecked code (site, chain, bytes)
    allowance: list[dict] = field(default_factory=list)
    plans: list[FunctionPlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flash_bytes: int = 0
    ram_bytes: int = 0
    seconds: float = 0.0


def usage(elf: Path, board: Board) -> tuple[int, int]:
    """Bytes of flash (code + data image) and of RAM (data, bss, stack, pool)."""
    from elftools.elf.elffile import ELFFile  # here: mcusplit cc -c does not read ELF files

    flash = ram = 0
    with elf.open("rb") as f:
        for section in ELFFile(f).iter_sections():
            if not section["sh_flags"] & 0x2 or not section["sh_size"]:   # SHF_ALLOC
                continue
            address, size = section["sh_addr"], section["sh_size"]
            if board.ram.origin <= address < board.ram.end:
                ram += size
                if section["sh_type"] != "SHT_NOBITS":
                    flash += size                                          # .data's load image
            else:
                flash += size
    return flash, ram


def write(plan: BuildPlan, compiled: Compiled, after: PostLink, elf: Path, notes: list[str],
          seconds: float) -> BuildResult:
    out_dir, name, board, layout = plan.stage, plan.name, plan.board, plan.layout
    bin_path, hex_path = out_dir / f"{name}.bin", out_dir / f"{name}.hex"
    outputs.write_images(elf, bin_path, hex_path)
    flash, ram = usage(elf, board)
    if flash > board.flash.length:
        raise BuildError(f"firmware needs {flash} bytes of flash, the board has {board.flash.length}", name)
    result = BuildResult(elf=elf, bin=bin_path, hex=hex_path, map=out_dir / f"{name}.map",
                         info=out_dir / f"{name}.build.json", board=board, layout=layout,
                         split_stack=plan.split_stack, checks=compiled.checks, elided=compiled.elided,
                         dropped=after.dropped, plans=compiled.plans, notes=notes, flash_bytes=flash, ram_bytes=ram,
                         seconds=seconds, allowance=_allowance(after))
    project, clib = plan.project, plan.clib
    result.info.write_text(json.dumps({
        "board": board.name, "variant": board.variant, "core": plan.core.key, "split_stack": plan.split_stack,
        "project": str(project.root), "config": str(project.config_path) if project.config_path else None,
        "layout": {"segment_size": layout.segment_size, "segments": layout.segments,
                   "reserve": layout.reserve, "guard": layout.guard},
        "uses_tasks": compiled.uses_tasks,
        "libc": f"{clib.name} ({clib.multilib})" if clib else None,
        "link": {"objects": [str(o) for o in compiled.objects],
                 "lazy_objects": [str(o) for o in compiled.lazy_objects]},
        "flash_bytes": flash, "ram_bytes": ram, "seconds": round(seconds, 3),
        "check_elision": project.check_elision, "leaf_allowance": plan.leaf_allowance,
        "checks": [c.as_dict() for c in compiled.checks], "elided": [c.as_dict() for c in compiled.elided],
        "dropped": after.dropped, "raised": {k: list(v) for k, v in after.raised.items()},
        "allowance": result.allowance,
        "plans": [p.as_dict() for p in compiled.plans], "notes": notes,
    }, indent=1))
    return result


OUTPUTS = (".elf", ".map", ".bin", ".hex", ".build.json")


def publish(plan: BuildPlan, staged: BuildResult, elf: Path | None = None) -> BuildResult:
    """Move the complete output set from the stage into the output directory, with SIGINT and
    SIGTERM (and SIGHUP) held until every file is in place (each move is an atomic rename on one file system).
    elf: where the ELF goes when its name is not <name>.elf (mcusplit cc -o app)."""
    moves = [(plan.stage / f"{plan.name}{suffix}", plan.out_dir / f"{plan.name}{suffix}") for suffix in OUTPUTS]
    if elf is not None:
        moves[0] = (moves[0][0], elf)
    with children.signals_held():
        for source, target in moves:
            os.replace(source, target)
    final = {suffix: target for (_, target), suffix in zip(moves, OUTPUTS, strict=True)}
    return dataclasses.replace(staged, elf=final[".elf"], map=final[".map"], bin=final[".bin"], hex=final[".hex"],
                               info=final[".build.json"])


def _allowance(after: PostLink) -> list[dict]:
    if after.allowance is None:
        return []
    rows = []
    for r in after.allowance.raised:
        row: dict = {"function": r.function, "threshold_before": r.before, "threshold_after": r.after}
        if r.call is not None:
            row.update(call_site=r.call.site, depth=r.call.depth, chain=list(r.call.chain), bytes=r.call.below)
        rows.append(row)
    return rows
