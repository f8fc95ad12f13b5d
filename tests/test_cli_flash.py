"""`mcusplit flash` and `mcusplit probes` from the command line, through pyOCD's qemu probe."""

from __future__ import annotations

import time

import pytest

from mcusplit import boards
from mcusplit.probe.qemu_machine import QemuMachine

from .conftest import EXAMPLES, run_cli


@pytest.mark.slow
def test_flash_programs_a_board_and_it_runs(firmware):
    elf = firmware(EXAMPLES / "recursion", "nucleo-f4", True).elf
    with QemuMachine(boards.load("nucleo-f4")) as machine:
        console = machine.take_console()
        proc = run_cli("flash", "--board", "nucleo-f4", str(elf), "--probe", machine.probe_uid)
        assert proc.returncode == 0, proc.stderr
        assert "flashed" in proc.stdout and "running" in proc.stdout
        text = b""
        deadline = time.monotonic() + 20
        while b"@mcusplit v1 exit code=" not in text and time.monotonic() < deadline:
            text += console.read(1)
    assert b"recursion: result=00000187" in text


def test_flash_without_a_probe_is_one_line(tmp_path):
    elf = tmp_path / "x.elf"
    elf.write_bytes(b"\x7fELF")
    proc = run_cli("flash", "--board", "nucleo-f4", str(elf), "--probe", "0670FFNOSUCH")
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "Traceback" not in proc.stderr


def test_probes_lists_or_says_none():
    proc = run_cli("probes")
    assert proc.returncode == 0 and proc.stdout.strip()
