"""Firmware on every slot of the rack: programmed through pyOCD, console read over a serial port,
watermarks read back through the probe. The same tests serve a lab rack of NUCLEO-F4 boards and
the emulated rack CI uses (see docs/hil.md)."""

from __future__ import annotations

import pytest

from mcusplit.analysis.elf import Firmware
from mcusplit.probe.pyocd_backend import exit_breakpoint_address

pytestmark = [pytest.mark.hil, pytest.mark.slow]

STATS_KEYS = ("seg_size", "segments", "in_use", "hwm", "splits", "overflows")


def console_text(run) -> str:
    return "\n".join(run.lines) + (f"\n(notes: {run.notes})" if run.notes else "")


@pytest.mark.parametrize("name", ["recursion", "abi"])
def test_runs_to_exit_with_every_segment_back(slot, slot_run, name):
    run = slot_run(slot, name)
    assert not run.timed_out, f"no exit line within the timeout:\n{console_text(run)}"
    assert run.exit_code == 0, console_text(run)
    stats = run.console_stats
    assert stats is not None, f"no stats line:\n{console_text(run)}"
    assert stats["in_use"] == 0, "a segment was not given back"
    assert stats["splits"] > 0 and stats["hwm"] >= 1, "the program never ran on a second segment"
    if name == "abi":
        assert stats["splits"] > 100 and len(run.application_lines) == 11


@pytest.mark.parametrize("name", ["recursion", "abi", "exhaust"])
def test_console_is_line_for_line_what_mcusplit_run_prints(slot, slot_run, qemu_reference, name):
    """The same image through the rack (pyOCD programming, serial console) and through `mcusplit
    run` (QEMU -kernel, console on stdio): the same lines, the same exit status."""
    if slot.board.qemu is None:
        pytest.skip(f"board {slot.board.name} has no QEMU machine to compare with")
    run = slot_run(slot, name)
    reference = qemu_reference(slot.board, name)
    assert reference.exit_code == run.exit_code
    assert run.lines == reference.lines


def test_pool_exhaustion_exits_100_naming_the_function(slot, slot_run, hil_firmware):
    run = slot_run(slot, "exhaust")
    assert run.exit_code == 100, console_text(run)
    record = run.report.last("pool-exhausted")
    assert record is not None, console_text(run)
    fw = Firmware(hil_firmware("exhaust", slot.board).elf)
    assert record.int("fn") == fw.by_name["bottomless"].address
    assert run.console_stats["in_use"] == run.console_stats["segments"] == 4


@pytest.mark.parametrize("name", ["recursion", "abi", "exhaust"])
def test_watermarks_through_the_probe_equal_the_console(slot, slot_run, name):
    """Read from target memory with pyOCD after the exit line: the firmware's snapshot struct and
    the pool walked as pool.c does both say what the console said."""
    run = slot_run(slot, name)
    assert run.watermarks is not None, f"no watermarks through the probe: {run.watermarks_note}"
    console = run.console_stats
    assert console is not None, console_text(run)
    snapshot = dict(run.watermarks.snapshot)
    assert snapshot.pop("version") == 1, "mcusplit_stats_snapshot was never written"
    assert snapshot == {k: console[k] for k in STATS_KEYS}
    assert run.watermarks.pool == {k: console[k] for k in STATS_KEYS}


def test_task_watermarks_and_hot_sites_through_the_probe_equal_the_console(slot, slot_run):
    """The 32-task demo: per-task high-water marks (mcusplit_tasks[] through mcusplit_task_layout)
    and the hot call sites, read through the probe, are what the console's task and hot-split
    lines say."""
    run = slot_run(slot, "tasks32")
    assert run.exit_code == 0 and "results ok" in run.application_lines[0], console_text(run)
    assert run.watermarks is not None, f"no watermarks through the probe: {run.watermarks_note}"
    console_tasks = [{"id": r.int("id"), "name": r.fields["name"], "state": r.fields["state"],
                      "depth": r.int("depth"), "hwm": r.int("hwm"), "switches": r.int("switches")}
                     for r in run.report.records if r.kind == "task"]
    assert len(console_tasks) == 32
    assert run.watermarks.tasks == console_tasks
    console_hot = [{"splits": r.int("splits"), "bucket": r.int("bucket"), "site": r.int("site")}
                   for r in run.report.records if r.kind == "hot-split"]
    assert console_hot and run.watermarks.hot_sites == console_hot


def test_the_rack_stops_targets_at_the_runtimes_exit_bkpt(slot, slot_run, hil_firmware):
    """The rack puts a hardware breakpoint on the runtime's `bkpt 0xab` (where a board with a
    debugger attached halts by itself); a wrong address would leave the read-out to chance."""
    run = slot_run(slot, "recursion")
    fw = Firmware(hil_firmware("recursion", slot.board).elf)
    address = exit_breakpoint_address(fw)
    assert run.exit_breakpoint == address is not None
    exit_fn = fw.by_name["mcusplit_exit_quietly"]      # every exit ends there (firmware/core/exit.c)
    assert exit_fn.address <= address < exit_fn.address + exit_fn.size
    code = next(data[address - start:address - start + 2] for start, data in fw.code_spans()
                if start <= address < start + len(data))
    assert code == b"\xab\xbe", "bkpt #0xab (0xBEAB)"
    if slot.board.exit_method == "halt" and not slot.qemu:
        assert run.halted_at == address, "a board with a debugger attached halts at its exit bkpt"
