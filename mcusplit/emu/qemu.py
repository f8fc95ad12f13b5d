"""Run an ELF on a board's QEMU machine: stream the console, return the firmware's exit code.

The firmware ends a run with `@mcusplit v1 exit code=N` on its console, then a
semihosting exit (QEMU boards) or a halt (real boards, and NUCLEO images on
QEMU): the runner stops QEMU at that line when QEMU does not stop by itself.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import boardrecord, children
from ..boards import Board
from ..errors import RunError, ToolError
from ..toolchain import qemu_system_arm
from ..watermarks import ConsoleReport, Record, parse_line
from . import icount

EXIT_TIMEOUT = 124
EXIT_LOCKUP = 103          # the core locked up (a fault while taking a fault: e.g. sp outside RAM)


@dataclass
class RunResult:
    exit_code: int
    lines: list[str] = field(default_factory=list)
    report: ConsoleReport = field(default_factory=ConsoleReport)
    timed_out: bool = False
    instructions: int | None = None
    range_counts: list[tuple[int, int, int]] = field(default_factory=list)
    seconds: float = 0.0
    qemu_stderr: str = ""
    qemu_status: int = 0
    lockup: bool = False                  # the core locked up before an exit line
    exit_line_error: str | None = None    # an exit line that is malformed or out of range

    @property
    def application_lines(self) -> list[str]:
        """The program's own result lines: without '@mcusplit' runtime lines and '#' diagnostics."""
        return [line for line in self.lines if not line.startswith(("@mcusplit", "#"))]


def command(board: Board, elf: Path, icount_exact: bool = False, plugin_args: list[str] | None = None,
            extra: tuple[str, ...] = ()) -> list[str]:
    if board.qemu is None:
        raise ToolError(f"board '{board.name}' has no QEMU machine; use a real board (mcusplit flash)")
    cmd = [qemu_system_arm(), "-M", board.qemu.machine, "-display", "none", "-monitor", "none",
           "-semihosting-config", "enable=on,target=native"]
    # The console is the Nth -serial; the ones before it go nowhere.
    for _ in range(board.qemu.serial_index):
        cmd += ["-serial", "null"]
    cmd += ["-serial", "stdio", *board.qemu.extra_args]
    if icount_exact:
        cmd += ["-icount", "shift=0"]
    if plugin_args is not None:
        cmd += ["-plugin", ",".join([str(icount.plugin_path()), *plugin_args])]
    cmd += [*extra, "-kernel", str(elf)]
    return cmd


def check_image(elf: Path, board: Board) -> None:
    """Before QEMU starts: the image exists, is readable, and was not built for another board."""
    if not elf.exists():
        raise ToolError("no such ELF file", str(elf))
    if not elf.is_file():
        raise ToolError("not a file (an ELF image is expected)", str(elf))
    if board.qemu is None:
        raise ToolError(f"board '{board.name}' has no QEMU machine; use a real board (mcusplit flash)")
    boardrecord.check(elf, board, "run")


def run(board: Board, elf: Path, timeout: float = 30.0, count_instructions: bool = False,
        count_ranges: list[tuple[int, int]] | None = None, echo: Callable[[str], None] | None = None,
        extra: tuple[str, ...] = (), icount_exact: bool = False) -> RunResult:
    """Run to the firmware's exit (or the timeout). With count_instructions, -icount shift=0 and the
    counting plugin give exact executed-instruction counts (total and per address range).
    icount_exact alone gives -icount shift=0: virtual time advances 1 ns per instruction, so timer
    interrupts land on the same instructions in every run (deterministic interrupt timing)."""
    if not elf.is_file():
        raise ToolError("no such ELF file", str(elf))
    with tempfile.TemporaryDirectory(prefix="mcusplit-run-") as tmp:
        count_file = Path(tmp) / "count.txt"
        plugin_args = None
        if count_instructions or count_ranges:
            plugin_args = [f"out={count_file}"] + [f"range={lo:#x}:{hi:#x}" for lo, hi in count_ranges or []]
        cmd = command(board, elf, icount_exact=icount_exact or plugin_args is not None, plugin_args=plugin_args,
                      extra=extra)
        result = _supervise(cmd, board, timeout, echo)
        if plugin_args is not None and count_file.is_file():
            result.instructions, result.range_counts = icount.parse(count_file)
        return result


def _supervise(cmd: list[str], board: Board, timeout: float, echo: Callable[[str], None] | None) -> RunResult:
    started = time.monotonic()
    result = RunResult(exit_code=0)
    pending = b""
    stderr = b""
    exit_line_code: int | None = None
    deadline = started + timeout
    try:
        # QEMU runs in a process group of its own that is ended however this block is left
        # (an error, a timeout, SIGINT, SIGTERM): no QEMU outlives the run (mcusplit/children.py).
        with children.popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
            selector = selectors.DefaultSelector()
            selector.register(proc.stdout, selectors.EVENT_READ, "out")
            selector.register(proc.stderr, selectors.EVENT_READ, "err")
            open_streams = 2
            try:
                while open_streams:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        result.timed_out = True
                        break
                    for key, _ in selector.select(timeout=min(remaining, 0.5)):
                        chunk = os.read(key.fileobj.fileno(), 65536)
                        if not chunk:
                            selector.unregister(key.fileobj)
                            open_streams -= 1
                            continue
                        if key.data == "err":
                            stderr += chunk
                            continue
                        pending += chunk
                        *complete, pending = pending.split(b"\n")
                        for raw in complete:
                            line = raw.decode("utf-8", errors="replace").rstrip("\r")
                            result.lines.append(line)
                            record = parse_line(line)
                            if record is not None:
                                result.report.add(record)
                                if record.kind == "exit" and result.exit_line_error is None:
                                    exit_line_code = _exit_code(record, line, result)
                            if echo:
                                echo(line)
                    if result.exit_line_error:
                        break           # the run is an error already; what follows cannot change that
                    if exit_line_code is not None and board.exit_method != "semihosting":
                        break           # the firmware halts after its exit line; QEMU would run forever
            finally:
                selector.close()
            if proc.poll() is None and not (result.timed_out or result.exit_line_error
                                            or board.exit_method != "semihosting"):
                # the streams closed: QEMU is on its way out; give it a moment for its status
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            with contextlib.suppress(OSError, ValueError):
                stderr += proc.stderr.read() if proc.stderr else b""
            returncode = proc.returncode
    except OSError as exc:
        raise ToolError(f"cannot run {cmd[0]}: {exc}") from None
    if pending:
        line = pending.decode("utf-8", errors="replace").rstrip("\r")
        result.lines.append(line)
        if echo:
            echo(line)
    result.qemu_stderr = stderr.decode(errors="replace")
    result.qemu_status = returncode
    result.seconds = time.monotonic() - started
    lockup = "Lockup" in result.qemu_stderr
    if lockup:
        line = "@mcusplit v1 lockup (QEMU: the core locked up taking a fault; its stack is unusable)"
        result.lines.append(line)
        if echo:
            echo(line)
    result.lockup = lockup and exit_line_code is None
    if result.timed_out:
        result.exit_code = EXIT_TIMEOUT
    elif lockup and exit_line_code is None:
        result.exit_code = EXIT_LOCKUP
    elif exit_line_code is not None:
        result.exit_code = exit_line_code
    else:
        result.exit_code = returncode if returncode >= 0 else 128 - returncode
        if returncode != 0 and not result.lines:
            machine = board.qemu.machine if board.qemu else "?"
            raise ToolError(f"QEMU failed ({_status(returncode)}): {stderr_tail(result.qemu_stderr)} "
                            f"[machine {machine} from {board.path}]", cmd[-1])
    return result


def _status(returncode: int) -> str:
    return f"signal {-returncode}" if returncode < 0 else f"exit status {returncode}"


def stderr_tail(text: str, lines: int = 3) -> str:
    """QEMU's last few stderr lines, on one line (what it said before it stopped)."""
    kept = [" ".join(line.split()) for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept) if kept else "no message on stderr"


def _exit_code(record: Record, line: str, result: RunResult) -> int | None:
    """The code of an exit line, or None with result.exit_line_error saying what is wrong with it."""
    text = record.fields.get("code")
    try:
        code = int(text, 0) if text is not None else None
    except ValueError:
        code = None
    if code is None:
        result.exit_line_error = f"malformed exit line {line.strip()[:80]!r} (expected code=N)"
    elif not 0 <= code <= 255:
        result.exit_line_error = f"exit line with status {code}, outside 0..255"
        code = None
    return code


def verdict(result: RunResult, elf: Path, board: Board, timeout: float) -> None:
    """`mcusplit run` tells the truth: a run that did not end with a well-formed exit line is an
    error naming what happened (RunError), never exit status 0 by default."""
    if result.exit_line_error:
        raise RunError(result.exit_line_error, str(elf))
    if result.timed_out:
        raise RunError(f"no exit after {timeout:g} s (stopped); exit status {EXIT_TIMEOUT}", str(elf),
                       exit_code=EXIT_TIMEOUT)
    if result.lockup:
        said = next((" ".join(line.split()) for line in result.qemu_stderr.splitlines() if "Lockup" in line),
                    stderr_tail(result.qemu_stderr, 1))
        raise RunError(f"the core locked up before an exit line (QEMU: {said}); exit status {EXIT_LOCKUP}",
                       str(elf), exit_code=EXIT_LOCKUP)
    if result.report.last("exit") is None:
        said = ("no console output at all" if not any(line.strip() for line in result.lines)
                else "no '@mcusplit v1 exit' line")
        machine = board.qemu.machine if board.qemu else "?"
        hint = f"; QEMU said: {stderr_tail(result.qemu_stderr)}" if result.qemu_stderr.strip() else ""
        raise RunError(f"{said} from the firmware on {board.name} (QEMU {machine}, serial "
                       f"#{board.qemu.serial_index if board.qemu else 0}; QEMU {_status(result.qemu_status)})"
                       f"{hint}", str(elf))
