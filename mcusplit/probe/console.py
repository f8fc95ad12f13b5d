"""Reading a board's console over a serial port until the runtime's exit line.

The port is any pyserial port: a NUCLEO's ST-LINK virtual COM port (/dev/ttyACM0 at 115200), or
`socket://127.0.0.1:PORT` for a QEMU machine's `-serial tcp:...` console.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import serial

from ..errors import ToolError
from ..watermarks import ConsoleReport, parse_line


@dataclass
class ConsoleCapture:
    lines: list[str] = field(default_factory=list)
    report: ConsoleReport = field(default_factory=ConsoleReport)
    exit_code: int | None = None        # from `@mcusplit v1 exit code=N`; None if it never came
    timed_out: bool = False
    closed: bool = False                # the other end went away (QEMU exited)
    seconds: float = 0.0

    @property
    def application_lines(self) -> list[str]:
        """The program's own output: without runtime records and '#' diagnostics."""
        return [line for line in self.lines if not line.startswith(("@mcusplit", "#"))]


def open_port(url: str, baud: int) -> serial.SerialBase:
    """A device path or a pyserial URL, with a short read timeout (the reader loops)."""
    try:
        return serial.serial_for_url(url, baudrate=baud, timeout=0.05)
    except (serial.SerialException, ValueError) as exc:
        raise ToolError(f"cannot open serial port: {' '.join(str(exc).split())}", url) from None


def read_until_exit(port: serial.SerialBase, timeout: float,
                    echo: Callable[[str], None] | None = None) -> ConsoleCapture:
    """Lines until the exit record, the timeout, or the end of the stream.

    One byte per read: pyserial's socket:// handler loses what it has already received when a
    multi-byte read meets the end of the stream (QEMU exiting right after the last line)."""
    capture = ConsoleCapture()
    started = time.monotonic()
    deadline = started + timeout
    pending = bytearray()

    def finish_line() -> None:
        line = pending.decode("utf-8", errors="replace").rstrip("\r")
        pending.clear()
        capture.lines.append(line)
        record = parse_line(line)
        if record is not None:
            capture.report.add(record)
            if record.kind == "exit":
                capture.exit_code = record.int("code")
        if echo:
            echo(line)

    while capture.exit_code is None:
        if time.monotonic() > deadline:
            capture.timed_out = True
            break
        try:
            byte = port.read(1)
        except serial.SerialException:
            capture.closed = True
            break
        if not byte:
            continue
        if byte == b"\n":
            finish_line()
        else:
            pending += byte
    if pending:
        finish_line()
    capture.seconds = time.monotonic() - started
    return capture
