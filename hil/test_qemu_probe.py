"""The `qemu` pyOCD probe against real QEMU machines: what pyOCD does to a board through an
ST-LINK (discover the core, program, reset, halt, step, registers, breakpoints, memory while
running) must work the same way here, or fail loudly where QEMU cannot follow (docs/hil.md)."""

from __future__ import annotations

import struct
import time

import pytest
from elftools.elf.elffile import ELFFile

from mcusplit import boards
from mcusplit.analysis.elf import Firmware
from mcusplit.errors import McusplitError
from mcusplit.probe import console, flash, poolstats, pyocd_backend
from mcusplit.probe.qemu_machine import RUNNING, QemuMachine
from mcusplit.probe.rack import Slot

pytestmark = [pytest.mark.hil, pytest.mark.slow]


@pytest.fixture
def nucleo():
    return boards.load("nucleo-f4")


@pytest.fixture
def machine(nucleo):
    with QemuMachine(nucleo) as m:
        port = m.take_console()
        m.console_port = port
        yield m
        port.close()


@pytest.fixture
def recursion_elf(hil_firmware, nucleo):
    return hil_firmware("recursion", nucleo).elf


def test_pyocd_discovers_a_cortex_m4f_behind_the_rom_table(machine, nucleo):
    from pyocd.coresight.cortex_m import CortexM
    from pyocd.coresight.fpb import FPB

    with pyocd_backend.open_session(nucleo, machine.probe_uid) as session:
        target = session.target
        assert session.options.get("target_override") == "cortex_m"
        core = target.selected_core
        assert isinstance(core, CortexM)
        assert core.name == "Cortex-M4" and core.has_fpu
        assert isinstance(core.fpb, FPB) and core.fpb.available_breakpoints == 6
        assert target.read32(0xE000ED00) == 0x410FC240          # CPUID comes from QEMU itself
        assert core.is_halted()                                 # connecting halts, as pyOCD asks


def test_programmed_flash_reads_back_as_the_elf(machine, nucleo, recursion_elf):
    with pyocd_backend.open_session(nucleo, machine.probe_uid) as session:
        pyocd_backend.program(session, recursion_elf)
        with recursion_elf.open("rb") as f:
            for segment in ELFFile(f).iter_segments():
                if segment["p_type"] != "PT_LOAD" or not segment["p_filesz"]:
                    continue
                data = segment.data()
                read = bytes(session.target.read_memory_block8(segment["p_paddr"], len(data)))
                assert read == data, f"segment at {segment['p_paddr']:#x}"


def test_reset_and_halt_stops_at_the_images_reset_vector(machine, nucleo, recursion_elf):
    with pyocd_backend.open_session(nucleo, machine.probe_uid) as session:
        pyocd_backend.program(session, recursion_elf)
        target = session.target
        target.reset_and_halt()
        initial_sp, reset_vector = target.read_memory_block32(nucleo.flash.origin, 2)
        assert target.is_halted()
        assert target.read_core_register("pc") == reset_vector & ~1
        assert target.read_core_register("sp") == initial_sp
        assert target.read_core_register("xpsr") & (1 << 24), "Thumb bit"
        pc = target.read_core_register("pc")
        target.step()
        assert target.read_core_register("pc") != pc


def test_core_registers_write_and_read_back(machine, nucleo, recursion_elf):
    with pyocd_backend.open_session(nucleo, machine.probe_uid) as session:
        pyocd_backend.program(session, recursion_elf)
        target = session.target
        target.reset_and_halt()
        target.write_core_register("r0", 0x12345678)
        target.write_core_register("r12", 0xCAFEF00D)
        target.write_core_register("s1", 2.5)              # the upper half of QEMU's d0
        target.write_core_register("s0", -1.0)
        assert target.read_core_register("r0") == 0x12345678
        assert target.read_core_register("r12") == 0xCAFEF00D
        assert target.read_core_register("s0") == -1.0 and target.read_core_register("s1") == 2.5
        # ... and they are where the architecture puts them: s0 the low, s1 the high word of d0.
        gdb = session.probe.gdb
        d0 = int.from_bytes(gdb.read_register(gdb.registers()["d0"][0]), "little")
        low, high = struct.unpack("<II", struct.pack("<ff", -1.0, 2.5))
        assert d0 == (high << 32) | low


def test_registers_qemu_does_not_expose_fail_instead_of_reading_zero(machine, nucleo):
    from pyocd.core.exceptions import CoreRegisterAccessError

    with pyocd_backend.open_session(nucleo, machine.probe_uid) as session, \
            pytest.raises(CoreRegisterAccessError, match="msp"):
        session.target.read_core_register("msp")


def test_hardware_breakpoint_halts_at_main(machine, nucleo, recursion_elf):
    from pyocd.core.target import Target

    main = Firmware(recursion_elf).by_name["main"].address
    with pyocd_backend.open_session(nucleo, machine.probe_uid) as session:
        pyocd_backend.program(session, recursion_elf)
        target = session.target
        target.reset_and_halt()
        assert target.set_breakpoint(main, Target.BreakpointType.HW)
        target.resume()
        assert pyocd_backend.wait_halted(session, 5.0)
        assert target.read_core_register("pc") == main
        assert target.get_halt_reason() == Target.HaltReason.BREAKPOINT
        target.remove_breakpoint(main)
        target.resume()
        run = console.read_until_exit(machine.console_port, 10)
        assert run.exit_code == 0


def test_memory_reads_while_the_core_runs_leave_it_running(machine, nucleo, recursion_elf):
    """An AP reads memory without stopping the core; QEMU's stub cannot, so the probe stops and
    resumes it around the access. pyOCD must see a running core before and after."""
    from pyocd.core.target import Target

    symbols = Firmware(recursion_elf).by_name
    with pyocd_backend.open_session(nucleo, machine.probe_uid) as session:
        pyocd_backend.program(session, recursion_elf)
        target = session.target
        target.reset()
        assert target.get_state() == Target.State.RUNNING
        run = console.read_until_exit(machine.console_port, 10)
        assert run.exit_code == 0
        # The NUCLEO image idles in its exit loop on QEMU: the snapshot is final and stays so.
        first = target.read_memory_block32(symbols["mcusplit_stats_snapshot"].address, poolstats.STATS_WORDS)
        assert target.get_state() == Target.State.RUNNING
        time.sleep(0.05)
        assert target.read_memory_block32(symbols["mcusplit_stats_snapshot"].address, poolstats.STATS_WORDS) == first
        assert first[0] == 1 and first[5] == run.report.stats["splits"]


def test_flash_api_programs_and_runs(machine, nucleo, recursion_elf):
    assert machine.probe_uid in RUNNING
    assert [p.unique_id for p in flash.list_probes() if p.unique_id.startswith("qemu:")] == [machine.probe_uid]
    result = flash.flash(nucleo, recursion_elf, probe_uid=machine.probe_uid)
    assert result.running and result.target == "cortex_m" and result.image_bytes > 1000
    run = console.read_until_exit(machine.console_port, 10)
    assert run.exit_code == 0 and run.report.stats["in_use"] == 0


def test_flash_api_can_leave_the_core_halted(machine, nucleo, recursion_elf):
    result = flash.flash(nucleo, recursion_elf, probe_uid=machine.probe_uid, run=False)
    assert not result.running
    run = console.read_until_exit(machine.console_port, 0.5)
    assert run.timed_out and run.lines == []


def test_flash_errors_are_one_line(nucleo, recursion_elf):
    with pytest.raises(McusplitError, match=r"^no debug probe matches '0670FFNOSUCH'"):
        flash.flash(nucleo, recursion_elf, probe_uid="0670FFNOSUCH")
    with pytest.raises(McusplitError, match=r"cannot connect to gdbstub 127\.0\.0\.1:1\b"):
        flash.flash(nucleo, recursion_elf, probe_uid="qemu:127.0.0.1:1")


def test_missing_cmsis_pack_says_how_to_install_it(machine, nucleo):
    """On a lab machine without the STM32F4 pack, pyOCD raises TargetSupportError: one line."""
    with pytest.raises(McusplitError) as info, \
            pyocd_backend.open_session(nucleo, machine.probe_uid, target="stm32f411re"):
        pass
    assert "pyocd pack install stm32f411re" in str(info.value)
    assert "\n" not in str(info.value)


def test_semihosting_board_stops_at_the_exit_breakpoint_instead_of_ending(hil_firmware):
    """A QEMU board exits through semihosting, which would end the machine with the program; the
    hardware breakpoint on the exit's `bkpt 0xab` stops it there, as a board with a debugger stops."""
    board = boards.load("qemu-mps2-an386")
    slot = Slot("an386", "qemu-mps2-an386", board, qemu=True)
    run = slot.run(hil_firmware("recursion", board).elf, timeout=30)
    assert run.exit_code == 0
    assert run.watermarks is not None, run.watermarks_note
    assert run.halted_at == run.exit_breakpoint is not None
    stats = run.report.stats
    assert run.watermarks.pool == stats
    assert {k: v for k, v in run.watermarks.snapshot.items() if k != "version"} == stats


def test_cortex_m0_is_driven_as_v6m(hil_firmware):
    board = boards.load("qemu-microbit")
    elf = hil_firmware("recursion", board).elf
    with QemuMachine(board) as m:
        port = m.take_console()
        with pyocd_backend.open_session(board, m.probe_uid) as session:
            core = session.target.selected_core
            assert core.name == "Cortex-M0" and core.architecture_version == (6, 0)
            pyocd_backend.program(session, elf)
            pyocd_backend.reset_to_exit_breakpoint(session, Firmware(elf))
            run = console.read_until_exit(port, 30)
            assert run.exit_code == 0
            assert pyocd_backend.wait_halted(session, 2.0)
            watermarks = pyocd_backend.read_watermarks(session, elf)
            assert watermarks.pool == run.report.stats
        port.close()
