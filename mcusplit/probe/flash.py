"""What `mcusplit flash` and `mcusplit probes` call.

    flash(board, elf, probe_uid=None, run=True) -> FlashResult
    list_probes() -> list[ProbeInfo]

Both raise McusplitError subclasses with one-line messages (no probe, several probes and none
chosen, no pyOCD target for the board, missing CMSIS pack, target not answering, bad ELF);
pyOCD's exceptions and tracebacks do not reach the caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import boardrecord
from ..boards import Board
from ..elfimage import Firmware
from ..errors import ToolError
from . import pyocd_backend
from .pyocd_backend import NoProbeError, ProbeError, ProbeInfo

__all__ = ["FlashResult", "NoProbeError", "ProbeError", "ProbeInfo", "flash", "list_probes"]


@dataclass(frozen=True)
class FlashResult:
    probe_uid: str
    target: str             # the pyOCD target type used
    image_bytes: int        # bytes of loadable data written
    running: bool           # reset and left running (run=True) or left halted at the reset vector
    seconds: float


def _image_bytes(elf: Path) -> int:
    from elftools.elf.elffile import ELFFile

    with elf.open("rb") as f:
        return sum(seg["p_filesz"] for seg in ELFFile(f).iter_segments() if seg["p_type"] == "PT_LOAD")


def flash(board: Board, elf: Path, probe_uid: str | None = None, run: bool = True,
          progress: Callable[[float], None] | None = None, pack: str | Path | None = None) -> FlashResult:
    """Program `elf` into the board behind the probe (the only connected one when `probe_uid` is
    None; `qemu:HOST:PORT` for a QEMU machine's gdbstub), then reset and run it, or leave the core
    halted at its reset vector (`run=False`)."""
    started = time.monotonic()
    elf = Path(elf)
    if not elf.is_file():
        raise ToolError("no such ELF file", str(elf))
    Firmware(elf)                                   # a readable ARM ELF, or a one-line ElfError
    boardrecord.check(elf, board, "flash")           # never program a board with another board's image
    probe = pyocd_backend.choose_probe(probe_uid)
    options = pyocd_backend.session_options(board, probe.unique_id, pack, resume=run)
    # Closing the session resumes the core only when it is to run (pyOCD would resume it anyway).
    with pyocd_backend.open_session(board, probe.unique_id, pack, resume=run) as session:
        pyocd_backend.program(session, elf, progress)
        assert session.target is not None
        if run:
            session.target.reset()
        else:
            session.target.reset_and_halt()
    return FlashResult(probe.unique_id, options["target_override"], _image_bytes(elf), run,
                       time.monotonic() - started)


def list_probes() -> list[ProbeInfo]:
    """Every probe pyOCD sees now (USB probes; `qemu` ones only for machines this process runs)."""
    return pyocd_backend.list_probes()
