"""A QEMU machine that stands in for a board on the bench: empty flash, core held at reset,
a GDB stub for the probe and the console UART on a TCP port for a serial reader.

    with QemuMachine(board) as machine:
        machine.serial_url      # socket://127.0.0.1:PORT (pyserial)
        machine.probe_uid       # qemu:127.0.0.1:PORT (pyOCD unique ID of the QEMU probe)

The console is `-serial tcp:...,server=on,wait=on`: QEMU does not start (and does not open
its GDB port) until a client is connected to the console, so no early output is lost. The
caller connects the serial port first (`open_console`), then the probe.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

import serial
from serial.urlhandler.protocol_socket import Serial as SocketSerial

from .. import children
from ..boards import Board
from ..errors import ToolError
from ..toolchain import qemu_system_arm

PROBE_TYPE = "qemu"
START_TIMEOUT = 10.0

# Probe unique IDs of the machines this process runs: what the `qemu` probe type lists, since QEMU
# machines cannot be discovered the way USB probes are.
RUNNING: set[str] = set()


class ConsoleSocket(SocketSerial):
    """pyserial's socket:// port, minus the 0.3 s sleep its close() takes "for quick reconnects"
    (nobody reconnects: the machine is discarded after the run)."""

    def close(self) -> None:
        if self._socket:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
            self._socket.close()
            self._socket = None
        self.is_open = False


def free_port() -> int:
    """A TCP port free right now. Another process may take it before QEMU does; start() retries."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(board: Board, gdb_port: int, serial_port: int) -> list[str]:
    """QEMU for a probe session: no -kernel (the probe programs the flash), -S (halted at reset)."""
    if board.qemu is None:
        raise ToolError(f"board '{board.name}' has no QEMU machine; it needs a real probe")
    cmd = [qemu_system_arm(), "-M", board.qemu.machine, "-display", "none", "-monitor", "none"]
    if board.exit_method == "semihosting":
        # As under `mcusplit run`: the program's exit ends QEMU (and with it the probe's connection).
        cmd += ["-semihosting-config", "enable=on,target=native"]
    for _ in range(board.qemu.serial_index):
        cmd += ["-serial", "null"]             # the UARTs before the console go nowhere
    cmd += ["-serial", f"tcp:127.0.0.1:{serial_port},server=on,wait=on", *board.qemu.extra_args]
    cmd += ["-gdb", f"tcp:127.0.0.1:{gdb_port}", "-S"]
    return cmd


class QemuMachine:
    """One QEMU process; start() is idempotent, stop() always cleans up."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.proc: subprocess.Popen[bytes] | None = None
        self.gdb_port = 0
        self.serial_port = 0
        self._stderr_path: Path | None = None
        self._console: serial.SerialBase | None = None

    @property
    def serial_url(self) -> str:
        return f"socket://127.0.0.1:{self.serial_port}"

    @property
    def probe_uid(self) -> str:
        return f"{PROBE_TYPE}:127.0.0.1:{self.gdb_port}"

    def start(self) -> None:
        if self.proc is not None:
            return
        last_error = ""
        for _ in range(3):                     # a port taken between free_port() and QEMU's bind
            self.gdb_port, self.serial_port = free_port(), free_port()
            if self.gdb_port == self.serial_port:
                continue
            # its own process group, ended with mcusplit whatever ends it (children.py)
            self.proc = children.spawn(command(self.board, self.gdb_port, self.serial_port),
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.PIPE)
            try:
                self._console = self._connect_console()
                self._wait_for_gdb_port()
                RUNNING.add(self.probe_uid)
                return
            except ToolError as exc:
                last_error = exc.message
                self.stop()
        raise ToolError(f"QEMU ({self.board.qemu.machine if self.board.qemu else '?'}) did not start: {last_error}")

    def _alive_or_raise(self) -> None:
        assert self.proc is not None
        if self.proc.poll() is not None:
            err = self.proc.stderr.read().decode(errors="replace").strip() if self.proc.stderr else ""
            raise ToolError(err.splitlines()[-1] if err else f"exit status {self.proc.returncode}")

    def _connect_console(self) -> serial.SerialBase:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self._alive_or_raise()
            try:
                # A real serial interface (pyserial's socket:// handler), as for a board's VCP.
                port = ConsoleSocket(None, timeout=0.05)
                port.port = self.serial_url
                port.open()
                return port
            except serial.SerialException:
                if time.monotonic() > deadline:
                    raise ToolError("console port never opened") from None
                time.sleep(0.01)

    def _wait_for_gdb_port(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            self._alive_or_raise()
            try:
                # The stub takes one client at a time and accepts again after it leaves; with -S a
                # connect-and-close changes nothing.
                with socket.create_connection(("127.0.0.1", self.gdb_port), timeout=0.2):
                    pass
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise ToolError("gdbstub port never opened") from None
                time.sleep(0.01)

    def take_console(self) -> serial.SerialBase:
        """The console connection made at start (QEMU waited for it). Ownership passes to the caller."""
        if self._console is None:
            raise ToolError("the machine's console was already taken or the machine is not running")
        console, self._console = self._console, None
        return console

    def stop(self) -> None:
        if self._console is not None:
            self._console.close()
            self._console = None
        if self.proc is None:
            return
        RUNNING.discard(self.probe_uid)
        children.end(self.proc)
        self.proc = None

    def __enter__(self) -> QemuMachine:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
