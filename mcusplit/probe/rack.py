"""A rack: the boards a HIL run uses, from a TOML file.

    name = "lab-3"

    [[slot]]                        # a real board: its probe and its console
    name = "f411-a"
    board = "nucleo-f4@f411re"
    probe = "066DFF485550755187121234"       # pyOCD unique ID (`pyocd list`)
    serial = "/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_066DFF485550755187121234-if02"
    pack = "/opt/packs/Keil.STM32F4xx_DFP.2.17.1.pack"   # optional: a pack file instead of pyOCD's cache

    [[slot]]                        # the same board, emulated
    name = "f411-qemu"
    board = "nucleo-f4"
    qemu = true

Running firmware on a slot is the same sequence for both kinds: open the console, open a pyOCD
session (an ST-LINK, or the `qemu` probe of a QEMU machine started for the run), program the ELF,
reset, read the console to the exit line, halt, read the watermarks through the probe.
"""

from __future__ import annotations

import contextlib
import shutil
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import serial

from .. import boards
from ..boards import Board
from ..elfimage import Firmware
from ..errors import McusplitError, ToolError
from ..watermarks import ConsoleReport
from . import console as console_mod
from . import pyocd_backend
from .qemu_machine import QemuMachine

SLOT_KEYS = {"name", "board", "qemu", "probe", "serial", "baud", "pack"}
# After the exit line a board (debugger attached) halts at the exit breakpoint within microseconds;
# a NUCLEO image on QEMU never gets there (it sees no debugger) and is halted by the probe instead.
EXIT_HALT_WAIT = 0.25


class RackError(McusplitError):
    """A rack file is missing or invalid."""


class SlotUnavailable(McusplitError):
    """The slot's hardware is not there (probe not connected, serial port absent, no QEMU)."""


@dataclass
class SlotRun:
    """One firmware run on one slot."""

    slot: str
    lines: list[str]
    report: ConsoleReport
    exit_code: int | None                # None: no exit line (timeout, or the console closed)
    timed_out: bool
    watermarks: pyocd_backend.ProbeWatermarks | None = None
    watermarks_note: str | None = None   # why `watermarks` is None
    halted_at: int | None = None         # the core's pc when the watermarks were read
    exit_breakpoint: int | None = None   # the runtime's exit `bkpt` the run stopped targets at
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def application_lines(self) -> list[str]:
        return [line for line in self.lines if not line.startswith(("@mcusplit", "#"))]

    @property
    def console_stats(self) -> dict[str, int] | None:
        return self.report.stats


@dataclass(frozen=True)
class Slot:
    name: str
    board_spec: str
    board: Board
    qemu: bool
    probe: str | None = None
    serial: str | None = None
    baud: int = 115200
    pack: str | None = None

    @property
    def kind(self) -> str:
        return "qemu" if self.qemu else "board"

    def unavailable(self) -> str | None:
        """Why the slot cannot run now (hardware absent), or None when it can."""
        if self.qemu:
            return None if shutil.which("qemu-system-arm") else "qemu-system-arm is not installed"
        assert self.probe is not None and self.serial is not None
        if "://" not in self.serial and not Path(self.serial).exists():
            return f"serial port {self.serial} is not present"
        try:
            if not pyocd_backend.find_probes(self.probe):
                return f"debug probe {self.probe} is not connected"
        except McusplitError as exc:
            return exc.one_line()
        return None

    @contextlib.contextmanager
    def _bench(self) -> Iterator[tuple[serial.SerialBase, str]]:
        """The console and the probe unique ID for one run; for QEMU, a machine started for it."""
        if self.qemu:
            with QemuMachine(self.board) as machine:
                port = machine.take_console()
                try:
                    yield port, machine.probe_uid
                finally:
                    port.close()
        else:
            reason = self.unavailable()
            if reason:
                raise SlotUnavailable(reason, f"slot {self.name}")
            assert self.probe is not None and self.serial is not None
            port = console_mod.open_port(self.serial, self.baud)
            try:
                yield port, self.probe
            finally:
                port.close()

    def run(self, elf: Path, timeout: float = 30.0, watermarks: bool = True,
            echo: Callable[[str], None] | None = None) -> SlotRun:
        """Program `elf`, run it to its exit line, and read the watermarks through the probe. The
        session ends without resuming: a board stays halted at its exit breakpoint (resumed with
        no debugger attached, that `bkpt` would fault)."""
        if not Path(elf).is_file():
            raise ToolError("no such ELF file", str(elf))
        started = time.monotonic()
        with self._bench() as (port, probe_uid), \
                pyocd_backend.open_session(self.board, probe_uid, self.pack, resume=False) as session:
            firmware = Firmware(Path(elf))
            pyocd_backend.program(session, Path(elf))
            port.reset_input_buffer()                 # whatever the previous image printed
            stop_at = pyocd_backend.reset_to_exit_breakpoint(session, firmware)
            capture = console_mod.read_until_exit(port, timeout, echo)
            run = SlotRun(self.name, capture.lines, capture.report, capture.exit_code, capture.timed_out)
            run.exit_breakpoint = stop_at
            if stop_at is None:
                run.notes.append("no semihosting exit in the image: the core is halted wherever it is")
            if watermarks:
                run.watermarks, run.watermarks_note, run.halted_at = _probe_watermarks(session, firmware, capture,
                                                                                       stop_at)
        run.seconds = time.monotonic() - started
        return run


def _probe_watermarks(session: Any, firmware: Firmware, capture: console_mod.ConsoleCapture, stop_at: int | None
                      ) -> tuple[pyocd_backend.ProbeWatermarks | None, str | None, int | None]:
    """Halt (after the exit line the core reaches the exit breakpoint, or idles) and read:
    (watermarks, why there are none, pc at the read-out)."""
    from pyocd.core import exceptions

    if capture.closed:
        return None, "the console closed before the exit line: the target is gone", None
    try:
        if capture.exit_code is None or stop_at is None or not pyocd_backend.wait_halted(session, EXIT_HALT_WAIT):
            pyocd_backend.halt(session)
        pc = session.target.read_core_register("pc")
        return pyocd_backend.read_watermarks(session, firmware), None, pc
    except exceptions.ProbeDisconnected as exc:
        return None, f"the target went away: {' '.join(str(exc).split())}", None


@dataclass(frozen=True)
class Rack:
    name: str
    path: Path
    slots: tuple[Slot, ...]

    def slot(self, name: str) -> Slot:
        for s in self.slots:
            if s.name == name:
                return s
        raise RackError(f"no slot '{name}' (slots: {', '.join(s.name for s in self.slots)})", str(self.path))


def load(path: str | Path) -> Rack:
    path = Path(path)
    where = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RackError("rack file not found", where) from None
    except tomllib.TOMLDecodeError as exc:
        raise RackError(f"not valid TOML: {exc}", where) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RackError(f"cannot read: {exc}", where) from None
    return parse(raw, path)


def parse(raw: dict[str, Any], path: Path) -> Rack:
    where = str(path)
    unknown = sorted(set(raw) - {"name", "description", "slot"})
    if unknown:
        raise RackError(f"unknown key(s) {', '.join(unknown)}", where)
    name = raw.get("name", path.stem)
    slots_raw = raw.get("slot", [])
    if not isinstance(slots_raw, list) or not slots_raw or not all(isinstance(s, dict) for s in slots_raw):
        raise RackError("a rack needs at least one [[slot]] table", where)
    slots = [_parse_slot(s, i, path) for i, s in enumerate(slots_raw)]
    names = [s.name for s in slots]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise RackError(f"slot name(s) used twice: {', '.join(duplicates)}", where)
    return Rack(str(name), path, tuple(slots))


def _parse_slot(raw: dict[str, Any], index: int, path: Path) -> Slot:
    where = f"{path} [[slot]] #{index + 1}"
    unknown = sorted(set(raw) - SLOT_KEYS)
    if unknown:
        raise RackError(f"unknown key(s) {', '.join(unknown)}", where)
    spec = raw.get("board")
    if not isinstance(spec, str) or not spec:
        raise RackError("missing 'board' (a board name such as nucleo-f4@f411re, or a board file)", where)
    if ("/" in spec or spec.endswith(".toml")) and not Path(spec).is_absolute():
        spec = str((path.parent / spec).resolve())       # board files are relative to the rack file
    try:
        board = boards.load(spec)
    except McusplitError as exc:
        raise RackError(exc.one_line(), where) from None
    name = raw.get("name", f"{board.name}{'@' + board.variant if board.variant else ''}-{index + 1}")
    qemu = raw.get("qemu", False)
    probe, port, pack = raw.get("probe"), raw.get("serial"), raw.get("pack")
    for key, value in (("name", name), ("probe", probe), ("serial", port), ("pack", pack)):
        if value is not None and not isinstance(value, str):
            raise RackError(f"'{key}' must be a string, got {value!r}", where)
    if not isinstance(qemu, bool):
        raise RackError(f"'qemu' must be true or false, got {qemu!r}", where)
    baud = raw.get("baud", board.console.baud)
    if isinstance(baud, bool) or not isinstance(baud, int) or baud <= 0:
        raise RackError(f"'baud' must be a positive integer, got {baud!r}", where)
    if qemu:
        if probe is not None or port is not None:
            raise RackError("an emulated slot (qemu = true) takes no 'probe' or 'serial'", where)
        if board.qemu is None:
            raise RackError(f"board '{board.name}' has no [qemu] machine; it cannot be emulated", where)
    else:
        if probe is None or port is None:
            raise RackError("a board slot needs 'probe' (pyOCD unique ID) and 'serial' (its console port); "
                            "or set qemu = true", where)
        if board.pyocd_target is None:
            raise RackError(f"board '{board.name}' has no [pyocd] target; pyOCD cannot program it", where)
    if pack is not None and not Path(pack).is_absolute():
        pack = str((path.parent / pack).resolve())
    return Slot(name, spec, board, qemu, probe, port, baud, pack)
