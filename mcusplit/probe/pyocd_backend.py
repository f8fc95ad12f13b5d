"""pyOCD as mcusplit uses it: find a probe, open a session for a board, program an ELF, reset,
read the watermarks from memory. The same calls serve an ST-LINK on a NUCLEO and the `qemu`
probe type (qemu_probe.py); only the target type differs (the board's CMSIS-pack target for a
real board, the generic `cortex_m` for QEMU, whose flash takes plain memory writes).

Every pyOCD failure a user can cause or meet (no probe, missing pack, target not answering)
becomes a one-line McusplitError; pyOCD's own exceptions do not leak out of this module.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..boards import Board
from ..elfimage import Firmware
from ..errors import ToolError
from . import poolstats
from .qemu_machine import PROBE_TYPE

if TYPE_CHECKING:
    from pyocd.core.session import Session
    from pyocd.probe.debug_probe import DebugProbe

QEMU_TARGET = "cortex_m"


class NoProbeError(ToolError):
    """No debug probe matches (none connected, or not the one asked for)."""


class ProbeError(ToolError):
    """The probe or the target did not do what was asked (connect, program, reset, read)."""


@dataclass(frozen=True)
class ProbeInfo:
    unique_id: str
    description: str
    vendor: str
    product: str
    target: str | None          # the target type pyOCD associates with the probe's board, if any


@dataclass(frozen=True)
class ProbeWatermarks:
    snapshot: dict[str, int]     # mcusplit_stats_snapshot as the firmware last wrote it
    pool: dict[str, int]         # computed from the pool's memory, as pool.c does
    tasks: list[dict] = field(default_factory=list)        # per task slot (firmware with tasks)
    hot_sites: list[dict] = field(default_factory=list)    # the call sites that split most


def is_qemu_uid(unique_id: str | None) -> bool:
    return bool(unique_id) and unique_id.lower().startswith(PROBE_TYPE + ":")


def _pyocd() -> Any:
    """Import pyOCD late (it costs a few hundred ms) and make sure the `qemu` probe type is known."""
    from . import qemu_probe  # noqa: F401  (registers the probe type with pyOCD when imported)

    # pyOCD logs progress and warnings through `logging`; mcusplit reports errors itself. A level
    # the caller chose (to debug pyOCD) is kept.
    logger = logging.getLogger("pyocd")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)
    import pyocd.core.exceptions

    return pyocd.core.exceptions


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def find_probes(unique_id: str | None = None) -> list[DebugProbe]:
    """Connected probes whose unique ID contains `unique_id` (all when None), without waiting."""
    exceptions = _pyocd()
    from pyocd.core.helpers import ConnectHelper

    try:
        # Not session_with_chosen_probe(): with several matches it asks on stdin, and with none it
        # prints to stdout; mcusplit decides and reports itself.
        return ConnectHelper.get_all_connected_probes(blocking=False, unique_id=unique_id, print_wait_message=False)
    except exceptions.Error as exc:
        raise ProbeError(f"cannot list debug probes: {_one_line(exc)}") from None


def list_probes() -> list[ProbeInfo]:
    out = []
    for probe in find_probes():
        info = probe.associated_board_info
        out.append(ProbeInfo(probe.unique_id, probe.description, probe.vendor_name, probe.product_name,
                             info.target if info else None))
    return out


def choose_probe(unique_id: str | None) -> DebugProbe:
    probes = find_probes(unique_id)
    if not probes:
        if unique_id:
            raise NoProbeError(f"no debug probe matches '{unique_id}' (connected: "
                               f"{', '.join(p.unique_id for p in find_probes()) or 'none'})")
        raise NoProbeError("no debug probe connected")
    if len(probes) > 1:
        raise NoProbeError(f"{len(probes)} debug probes match{f' {unique_id!r}' if unique_id else ''}; "
                           f"choose one by unique ID: {', '.join(p.unique_id for p in probes)}")
    return probes[0]


def session_options(board: Board, unique_id: str, pack: str | Path | None = None,
                    resume: bool = True, target: str | None = None) -> dict[str, Any]:
    """pyOCD session options for the board. `resume`: let the core run when the session closes
    (pyOCD's default); False leaves it as it is (a rack run reads it after the program's exit).
    `target` overrides the pyOCD target type chosen from the board and the probe."""
    if not target:
        target = QEMU_TARGET if is_qemu_uid(unique_id) else board.pyocd_target
    if not target:
        raise ToolError(f"board '{board.name}' has no [pyocd] target in {board.path}; it cannot be flashed with pyOCD")
    options: dict[str, Any] = {
        "target_override": target,
        "warning.cortex_m_default": False,
        "hide_programming_progress": True,
        "resume_on_disconnect": resume,
    }
    if is_qemu_uid(unique_id):
        options["reset.post_delay"] = 0              # pyOCD waits 100 ms after a reset for real chips
    if pack is not None:
        options["pack"] = str(pack)
    return options


def _no_target(target: str, board: Board) -> ToolError:
    # pyOCD finds STM32F4 support only in CMSIS packs (`pyocd pack install` needs the network once).
    return ToolError(f"pyOCD has no support for target '{target}' (board {board.name}): install its CMSIS "
                     f"pack with `pyocd pack install {target}`, or give a pack file")


@contextlib.contextmanager
def open_session(board: Board, unique_id: str | None = None, pack: str | Path | None = None,
                 resume: bool = True, target: str | None = None) -> Iterator[Session]:
    """An open pyOCD session on the board behind the probe (connecting halts the core)."""
    exceptions = _pyocd()
    from pyocd.core.session import Session

    probe = choose_probe(unique_id)
    options = session_options(board, probe.unique_id, pack, resume, target)
    target = options["target_override"]
    if pack is not None and not Path(pack).is_file():
        raise ToolError("no such CMSIS pack file", str(pack))
    try:
        session = Session(probe, options=options)
    except exceptions.TargetSupportError:
        raise _no_target(target, board) from None
    except exceptions.Error as exc:
        raise ProbeError(f"{probe.unique_id}: {_one_line(exc)}") from None
    except (OSError, zipfile.BadZipFile) as exc:
        raise ToolError(f"cannot read CMSIS pack: {_one_line(exc)}", str(pack)) from None
    try:
        # pyOCD prints some progress to stdout directly; keep the caller's stdout clean.
        with contextlib.redirect_stdout(io.StringIO()):
            session.open()
    except exceptions.TargetSupportError:
        raise _no_target(target, board) from None
    except exceptions.Error as exc:
        with contextlib.suppress(Exception):
            session.close()
        raise ProbeError(f"{probe.unique_id}: cannot connect to the {board.name} target: {_one_line(exc)}") from None
    try:
        yield session
    except exceptions.Error as exc:
        raise ProbeError(f"{probe.unique_id}: {_one_line(exc)}") from None
    finally:
        with contextlib.suppress(Exception):
            # The target may be gone (a QEMU machine that exited through semihosting).
            session.close()


def program(session: Session, elf: Path, progress: Callable[[float], None] | None = None) -> None:
    """Write the ELF's loadable segments: flash through the pack's flash algorithm on a board,
    plain memory writes on QEMU (its default Cortex-M memory map makes the code region RAM)."""
    from pyocd.flash.file_programmer import FileProgrammer

    with contextlib.redirect_stdout(io.StringIO()):
        FileProgrammer(session, progress=progress).program(str(elf), file_format="elf")


def reset_and_run(session: Session) -> None:
    assert session.target is not None
    session.target.reset()


def exit_breakpoint_address(firmware: Firmware) -> int | None:
    """Where the runtime's exit executes `bkpt 0xab` (the semihosting exit) or None.

    A board with a debugger attached halts there after printing its last line; QEMU would instead
    end the machine (semihosting) or never get there (a NUCLEO image sees no debugger on QEMU). A
    hardware breakpoint on that instruction makes every target stop at the same place."""
    import capstone

    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    # semihosting_exit is usually inlined into mcusplit_exit_quietly (firmware/core/exit.c), where
    # every exit ends (mcusplit_exit prints the report, then calls it).
    for name in ("semihosting_exit", "mcusplit_exit_quietly"):
        symbol = firmware.by_name.get(name)
        if symbol is None or not symbol.size:
            continue
        for address, code in firmware.code_spans():
            if address <= symbol.address < address + len(code):
                start = symbol.address - address
                for insn in md.disasm(code[start:start + symbol.size], symbol.address):
                    if insn.mnemonic == "bkpt" and int(insn.op_str.lstrip("#"), 0) == 0xAB:
                        return insn.address
    return None


def reset_to_exit_breakpoint(session: Session, firmware: Firmware) -> int | None:
    """Reset and run with a hardware breakpoint on the exit's `bkpt` (set after the reset: pyOCD
    drops breakpoints on every reset). Returns the breakpoint address, None if there is none."""
    from pyocd.core.target import Target

    target = session.target
    assert target is not None
    address = exit_breakpoint_address(firmware)
    target.reset_and_halt()
    if address is not None and not target.set_breakpoint(address, Target.BreakpointType.HW):
        address = None
    target.resume()
    return address


def wait_halted(session: Session, timeout: float) -> bool:
    """Whether the core halts by itself (a breakpoint) within `timeout` seconds."""
    from pyocd.core.target import Target

    target = session.target
    assert target is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.get_state() == Target.State.HALTED:
            return True
        time.sleep(0.005)
    return False


def halt(session: Session) -> None:
    assert session.target is not None
    session.target.halt()


def read_watermarks(session: Session, firmware: Firmware | Path) -> ProbeWatermarks:
    """The stats snapshot and the pool's own numbers, read through the probe."""
    fw = firmware if isinstance(firmware, Firmware) else Firmware(Path(firmware))
    symbols = poolstats.PoolSymbols.from_firmware(fw)
    target = session.target
    assert target is not None

    def read_words(address: int, count: int) -> list[int]:
        return list(target.read_memory_block32(address, count))

    return ProbeWatermarks(poolstats.snapshot_stats(read_words, symbols), poolstats.pool_stats(read_words, symbols),
                           poolstats.task_stats(read_words, fw), poolstats.hot_sites(read_words, symbols))

