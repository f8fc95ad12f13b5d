"""Stage 5 of a build: the images (.bin, .hex), the memory the firmware takes, and the build's
record (<name>.build.json: every function's frame, check and opt-out reason)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from elftools.elf.elffile import ELFFile

from ..boards import Board
from ..codegen.prologue import FunctionCheck
from ..codegen.splitstack import FunctionPlan
from ..contract import Layout
from ..errors import BuildError
from ..link import outputs
from .compile import Compiled
from .plan import BuildPlan
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
    plans: list[FunctionPlan] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flash_bytes: int = 0
    ram_bytes: int = 0
    seconds: float = 0.0


def usage(elf: Path, board: Board) -> tuple[int, int]:
    """Bytes of flash (code + data image) and of RAM (data, bss, stack, pool)."""
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
    out_dir, name, board, layout = plan.out_dir, plan.name, plan.board, plan.layout
    bin_path, hex_path = out_dir / f"{name}.bin", out_dir / f"{name}.hex"
    outputs.write_images(elf, bin_path, hex_path)
    flash, ram = usage(elf, board)
    if flash > board.flash.length:
        raise BuildError(f"firmware needs {flash} bytes of flash, the board has {board.flash.length}", name)
    result = BuildResult(elf=elf, bin=bin_path, hex=hex_path, map=out_dir / f"{name}.map",
                         info=out_dir / f"{name}.build.json", board=board, layout=layout,
                         split_stack=plan.split_stack, checks=compiled.checks, elided=compiled.elided,
                         dropped=after.dropped, plans=compiled.plans, notes=notes, flash_bytes=flash, ram_bytes=ram,
                         seconds=seconds)
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
        "plans": [p.as_dict() for p in compiled.plans], "notes": notes,
    }, indent=1))
    return result
