"""Run an ELF on a board's QEMU machine: stream the console, return the firmware's exit code.

The firmware ends a run with `@mcusplit v1 exit code=N` on its console, then a
semihosting exit (QEMU boards) or a halt (real boards, and NUCLEO images on
QEMU): the runner stops QEMU at that line when QEMU does not stop by itself.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..boards import Board
from ..errors import ToolError
from ..toolchain import qemu_system_arm
from ..watermarks import ConsoleReport, parse_line
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
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    result = RunResult(exit_code=0)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ, "out")
    selector.register(proc.stderr, selectors.EVENT_READ, "err")
    pending = b""
    stderr = b""
    exit_line_code: int | None = None
    open_streams = 2
    deadline = started + timeout
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
                        if record.kind == "exit":
                            exit_line_code = record.int("code")
                    if echo:
                        echo(line)
            if exit_line_code is not None and board.exit_method != "semihosting":
                break           # the firmware halts after its exit line; QEMU would run forever
    finally:
        selector.close()
    if pending:
        line = pending.decode("utf-8", errors="replace").rstrip("\r")
        result.lines.append(line)
        if echo:
            echo(line)
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    result.qemu_stderr = (stderr + (proc.stderr.read() if proc.stderr else b"")).decode(errors="replace")
    result.seconds = time.monotonic() - started
    lockup = "Lockup" in result.qemu_stderr
    if lockup:
        line = "@mcusplit v1 lockup (QEMU: the core locked up taking a fault; its stack is unusable)"
        result.lines.append(line)
        if echo:
            echo(line)
    if result.timed_out:
        result.exit_code = EXIT_TIMEOUT
    elif lockup and exit_line_code is None:
        result.exit_code = EXIT_LOCKUP
    elif exit_line_code is not None:
        result.exit_code = exit_line_code
    else:
        result.exit_code = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
        if proc.returncode != 0 and not result.lines:
            message = result.qemu_stderr.strip().splitlines()
            raise ToolError(f"QEMU failed: {message[-1] if message else f'exit status {proc.returncode}'}")
    return result
