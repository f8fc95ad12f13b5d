"""The analyzer's result, written into the firmware it is about (firmware with tasks).

report.c keeps `mcusplit_proof` (struct mcusplit_proof) in flash with pool = 0xFFFFFFFF ("not
proven"); after linking, the build analyzes the ELF and writes the proven pool, the tasks'
share and what contiguous stacks would take into it. The firmware then prints them next to
what it measured, on any console, real board or QEMU. Constants only change: the analysis of
the patched image is the same.
"""

from __future__ import annotations

import struct
from pathlib import Path

from ..analysis.analyze import analyze
from ..analysis.config import AnalyzeConfig
from ..analysis.elf import Firmware
from ..analysis.steps import OVERFLOW
from .patch import Image

SYMBOL = "mcusplit_proof"
MAGIC = 0x464F5250                  # "PROF"


def embed(elf: Path, config: AnalyzeConfig) -> str:
    """Writes the proof into elf; returns a one-line summary (or why there is none)."""
    symbol = Firmware(elf).by_name.get(SYMBOL)
    if symbol is None or symbol.size != 16:
        return "no mcusplit_proof in the image"
    analysis = analyze(elf, config)
    if analysis.pool_needed >= OVERFLOW:
        return f"not proven: {'; '.join(analysis.check_failures()) or 'no finite bound'}"
    contiguous = analysis.contiguous_task_bytes or 0
    image = Image(elf)
    if struct.unpack("<I", image.read(symbol.address, 4))[0] != MAGIC:
        return "mcusplit_proof has an unexpected layout"
    image.write(symbol.address + 4, struct.pack("<III", analysis.pool_needed, analysis.task_segments, contiguous))
    image.save()
    short = (f" (the pool has {analysis.layout.segments}: too small)"
             if analysis.pool_needed > analysis.layout.segments else "")
    return (f"proven: {analysis.pool_needed} segments{short} ({analysis.task_segments} for tasks); contiguous "
            f"task stacks would take {contiguous} B")
