"""Unit tests for the pure-Python parts of mcusplit.probe: the GDB packet layer, the modelled
CoreSight data, the pool statistics, rack files and the console reader (on real pyserial ports)."""

from __future__ import annotations

import socket
import struct
import threading
from pathlib import Path

import pytest
import serial

from mcusplit import boards
from mcusplit.errors import McusplitError, ToolError
from mcusplit.probe import coresight_model as cs
from mcusplit.probe import gdbremote, poolstats, pyocd_backend
from mcusplit.probe import rack as rack_mod
from mcusplit.probe.console import read_until_exit

ROOT = Path(__file__).resolve().parent.parent

# The register description QEMU 7.2 gives for a Cortex-M4F (trimmed to the attributes used).
QEMU72_M4F = [
    '<target><xi:include href="arm-m-profile.xml"/><xi:include href="arm-vfp.xml"/>'
    '<xi:include href="system-registers.xml"/></target>',
    "".join(f'<reg name="r{i}" bitsize="32"/>' for i in range(13))
    + '<reg name="sp" bitsize="32" type="data_ptr"/><reg name="lr" bitsize="32"/>'
    '<reg name="pc" bitsize="32" type="code_ptr"/><reg name="xpsr" bitsize="32" regnum="25"/>',
    "".join(f'<reg name="d{i}" bitsize="64" type="float"/>' for i in range(16))
    + '<reg name="fpscr" bitsize="32" type="int" group="float"/>',
    '<feature name="org.qemu.gdb.arm.sys.regs"></feature>',
]


# --- GDB remote protocol ---------------------------------------------------------------------------

def test_packets_are_framed_with_checksum_and_escapes():
    assert gdbremote.frame("m8000000,4") == b"$m8000000,4#" + f"{sum(b'm8000000,4') % 256:02x}".encode()
    framed = gdbremote.frame("X}#$*")
    body = framed[1:framed.index(b"#", 1 + 2 * 4)]   # the '#' that ends the packet, after the escapes
    assert body == b"X}]}\x03}\x04}\n"
    assert gdbremote.unescape(body) == b"X}#$*"


def test_run_length_encoding_is_expanded():
    # "0* " = '0' then ' ' (32) - 29 = 3 more copies.
    assert gdbremote.unescape(b"10* 2") == b"100002"


def test_stop_replies_and_monitor_output_are_told_apart():
    assert gdbremote.parse_stop_reply("T05thread:p01.01;") == gdbremote.StopReply(5, "T05thread:p01.01;")
    assert gdbremote.parse_stop_reply("S02").signal == 2
    assert gdbremote.parse_stop_reply("OK") is None and gdbremote.parse_stop_reply("00000040") is None
    assert gdbremote._is_output("O" + b"reset\n".hex())
    assert not gdbremote._is_output("OK")


def test_register_numbers_follow_the_target_description():
    regs = gdbremote.parse_target_xml_registers(QEMU72_M4F)
    assert regs["r0"] == (0, 32) and regs["pc"] == (15, 32)
    assert regs["xpsr"] == (25, 32)                   # explicit regnum
    assert regs["d0"] == (26, 64) and regs["d15"] == (41, 64) and regs["fpscr"] == (42, 32)


class ScriptedStub:
    """A gdbstub that answers each expected packet with scripted replies: for the protocol's races
    (a stop reply arriving when none was asked for, the machine exiting) that real QEMU produces
    only by chance."""

    def __init__(self, script: list[tuple[str, list[str]]]) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.script = script
        self.received: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        buffer = b""
        for _expected, replies in self.script:
            while b"#" not in buffer or len(buffer) < buffer.index(b"#") + 3:
                buffer += conn.recv(4096)
            buffer = buffer.lstrip(b"+")
            end = buffer.index(b"#")
            self.received.append(buffer[1:end].decode())
            buffer = buffer[end + 3:]
            conn.sendall(b"+" + b"".join(gdbremote.frame(r) for r in replies))
        conn.close()
        self.server.close()


def test_stray_stop_replies_and_monitor_output_do_not_answer_commands():
    stub = ScriptedStub([
        ("qSupported", ["PacketSize=100"]),
        ("m", ["T05thread:01;", "01020304"]),                 # a late stop reply, then the answer
        ("qRcmd", ["O" + b"resetting\n".hex(), "OK"]),
        ("c", ["W00"]),                                        # the program exits the machine
    ])
    gdb = gdbremote.GdbRemote("127.0.0.1", stub.port, timeout=2)
    gdb.connect()
    assert gdb.packet_size == 0x100
    assert gdb.read_memory(0x08000000, 4) == bytes([1, 2, 3, 4])
    assert [s.signal for s in gdb.pending_stops] == [5]
    assert gdb.monitor("system_reset") == "OK"
    gdb.cont()
    with pytest.raises(gdbremote.GdbTargetGone, match="exited"):
        gdb.wait_stop(2)
    assert gdb.exited
    stub.thread.join(2)
    assert stub.received == ["qSupported:xmlRegisters=arm", "m8000000,4", "qRcmd," + b"system_reset".hex(), "c"]


# --- the CoreSight model ---------------------------------------------------------------------------

def decode_component(words: dict[int, int], base: int) -> tuple[int, int, int]:
    """(component class, JEP106 designer, part) as ADIv5 defines the ID registers."""
    pidr = sum((words[base + 0xFE0 + 4 * i] & 0xFF) << (8 * i) for i in range(4))
    pidr |= (words[base + 0xFD0] & 0xFF) << 32
    cidr = sum((words[base + 0xFF0 + 4 * i] & 0xFF) << (8 * i) for i in range(4))
    assert cidr & 0xFFFF0FFF == 0xB105000D, "component ID preamble"
    designer = (((pidr >> 32) & 0xF) << 8) | ((pidr >> 12) & 0x7F)      # continuation code, identity
    return (cidr >> 12) & 0xF, designer, pidr & 0xFFF


@pytest.mark.parametrize("cpuid, scs_part", [(0x410FC240, 0x00C), (0x410CC200, 0x008)])
def test_rom_table_points_at_an_scs_and_fpb_with_arm_ids(cpuid, scs_part):
    words = cs.static_words(cpuid)
    entries = []
    address = cs.ROM_TABLE
    while words[address]:
        entry = words[address]
        assert entry & 0x3 == 0x3, "present, 32-bit format"
        entries.append((cs.ROM_TABLE + (entry & 0xFFFFF000)) & 0xFFFFFFFF)
        address += 4
    assert entries == [cs.SCS, cs.FPB]
    assert decode_component(words, cs.ROM_TABLE) == (0x1, 0x43B, 0x4C4)
    assert decode_component(words, cs.SCS) == (0xE, 0x43B, scs_part)
    assert decode_component(words, cs.FPB) == (0xE, 0x43B, 0x003)


def test_fpb_registers():
    ctrl = cs.fp_ctrl_value(enabled=True)
    assert ctrl & 1 and (ctrl >> 28) == 1                       # enabled, FPBv2
    assert (((ctrl >> 8) & 0x70) | ((ctrl >> 4) & 0xF)) == cs.FPB_CODE_COMPARATORS
    assert cs.fp_comp_address(0x080001F9) == 0x080001F8        # v2: address | enable
    assert cs.fp_comp_address(0x080001F8) is None               # not enabled
    assert cs.fp_comp_address(0x40000000 | 0x000001F8 | 1) == 0x000001F8   # v1: lower halfword
    assert cs.fp_comp_address(0x80000000 | 0x000001F8 | 1) == 0x000001FA   # v1: upper halfword


def test_only_the_modelled_registers_are_intercepted():
    for address in (cs.DHCSR, cs.DCRSR, cs.DCRDR, cs.DEMCR, cs.DFSR, cs.AIRCR, cs.FP_CTRL, cs.ROM_TABLE,
                    cs.SCS + 0xFFC):
        assert cs.intercepted(address), hex(address)
    for address in (cs.CPUID, 0xE000EF40, 0x08000000, 0x20000000, 0x40004400, cs.DEMCR + 4):
        assert not cs.intercepted(address), hex(address)
    assert cs.overlaps_intercepted(cs.DHCSR - 2, 4) and not cs.overlaps_intercepted(cs.DHCSR - 4, 4)


def test_dcrsr_numbers_map_to_qemu_registers():
    regs = gdbremote.parse_target_xml_registers(QEMU72_M4F)
    assert cs.dcrsr_register(0, regs) == [(0, 0, 0, 32)]
    assert cs.dcrsr_register(15, regs) == [(15, 0, 0, 32)]
    assert cs.dcrsr_register(16, regs) == [(25, 0, 0, 32)]      # xPSR
    assert cs.dcrsr_register(33, regs) == [(42, 0, 0, 32)]      # FPSCR
    assert cs.dcrsr_register(64, regs) == [(26, 0, 0, 32)]      # s0: low word of d0
    assert cs.dcrsr_register(65, regs) == [(26, 32, 0, 32)]     # s1: high word of d0
    assert cs.dcrsr_register(95, regs) == [(41, 32, 0, 32)]     # s31
    for missing in (17, 18, 20):                                 # MSP, PSP, CONTROL/.../PRIMASK
        assert cs.dcrsr_register(missing, regs) is None
    newer = {**regs, "primask": (91, 32), "basepri": (92, 32), "faultmask": (93, 32), "control": (94, 32)}
    assert cs.dcrsr_register(20, newer) == [(91, 0, 0, 8), (92, 0, 8, 8), (93, 0, 16, 8), (94, 0, 24, 8)]


def test_qemu_probe_addresses():
    from mcusplit.probe.qemu_probe import parse_address

    assert parse_address("qemu:127.0.0.1:1234") == ("127.0.0.1", 1234)
    assert parse_address("localhost:99") == ("localhost", 99)
    assert parse_address(":5555") == ("127.0.0.1", 5555)
    with pytest.raises(ValueError):
        parse_address("066DFF485550755187121234")


# --- pool statistics from memory -------------------------------------------------------------------

def fake_pool(seg: int, count: int, takes: list[int], free: list[int]) -> tuple[dict[int, int], poolstats.PoolSymbols]:
    """Target memory laid out as pool.c leaves it: headers at the top of each segment, the free list
    linking headers, `free` giving the segment indexes on it in order."""
    start = 0x20001000
    symbols = poolstats.PoolSymbols(free_head=0x20000400, pool_start=start, pool_end=start + seg * count,
                                    seg_size=seg, snapshot=0x20000404, stack_base=0x20000000,
                                    site_splits=0x20000800)
    memory: dict[int, int] = {symbols.stack_base: poolstats.CANARY}
    for i in range(count):
        memory[start + i * seg] = poolstats.CANARY            # the bottom word of every segment

    def header(i: int) -> int:
        return start + i * seg + seg - poolstats.HEADER_BYTES

    for i in range(count):
        memory[header(i)] = 0
        memory[header(i) + 4] = 0x1000 + 4 * i if takes[i] else 0   # a call site once taken
    for bucket, n in enumerate(takes):                            # the call-site counters
        memory[symbols.site_splits + 4 * bucket] = n
    for a, b in zip(free, [*free[1:], None], strict=True):
        memory[header(a)] = header(b) if b is not None else 0
    memory[symbols.free_head] = header(free[0]) if free else 0
    return memory, symbols


def reader(memory: dict[int, int]):
    return lambda address, count: [memory.get(address + 4 * i, 0) for i in range(count)]


def test_pool_stats_follow_pool_c():
    # 6 segments: 3 ever used (takes 5, 2, 1), segment 1 in use, the rest free in LIFO order.
    memory, symbols = fake_pool(1024, 6, takes=[5, 2, 1, 0, 0, 0], free=[2, 0, 3, 4, 5])
    assert poolstats.pool_stats(reader(memory), symbols) == {
        "seg_size": 1024, "segments": 6, "in_use": 1, "hwm": 3, "splits": 8, "overflows": 0}


def test_pool_stats_count_overwritten_canaries():
    memory, symbols = fake_pool(1024, 4, takes=[1, 0, 0, 0], free=[0, 1, 2, 3])
    memory[symbols.pool_start + 1024] = 0x12345678           # segment 1's bottom word was overwritten
    memory[symbols.stack_base] = 0                           # and the first stack's
    assert poolstats.pool_stats(reader(memory), symbols)["overflows"] == 2


def test_pool_stats_survive_a_corrupted_free_list():
    memory, symbols = fake_pool(512, 4, takes=[1, 1, 0, 0], free=[2, 3])
    header3 = symbols.pool_start + 3 * 512 + 512 - 16
    memory[header3] = header3                       # a cycle
    assert poolstats.pool_stats(reader(memory), symbols)["in_use"] == 4


def test_snapshot_words_are_named_like_the_console_line():
    memory = {0x20000404 + 4 * i: v for i, v in enumerate([1, 1024, 12, 0, 8, 8, 0])}
    _, symbols = fake_pool(1024, 12, [0] * 12, list(range(12)))
    assert poolstats.snapshot_stats(reader(memory), symbols) == {
        "version": 1, "seg_size": 1024, "segments": 12, "in_use": 0, "hwm": 8, "splits": 8, "overflows": 0}


def test_hot_sites_rank_buckets_and_name_the_latest_site():
    memory, symbols = fake_pool(1024, 3, takes=[0, 0, 0], free=[0, 1, 2])
    header = symbols.pool_start + 1024 - poolstats.HEADER_BYTES
    memory[header + 4] = (0x1234 | 1)                                # bucket (0x1234 >> 1) % 64 = 26
    for bucket, n in {26: 40, 3: 7, 9: 1, 11: 7}.items():
        memory[symbols.site_splits + 4 * bucket] = n
    assert poolstats.hot_sites(reader(memory), symbols) == [
        {"splits": 40, "bucket": 26, "site": 0x1234}, {"splits": 7, "bucket": 3, "site": 0},
        {"splits": 7, "bucket": 11, "site": 0}]                      # at least 2 splits, top 3


class FakeFirmware:
    """The few Firmware members task_stats uses: symbols and flash contents."""

    def __init__(self, symbols: dict[str, int], flash: dict[int, bytes]) -> None:
        from types import SimpleNamespace

        self.by_name = {name: SimpleNamespace(address=address) for name, address in symbols.items()}
        self.flash = flash
        self.path = "fake.elf"

    def read(self, address: int, size: int) -> bytes | None:
        for start, data in self.flash.items():
            if start <= address and address + size <= start + len(data):
                return data[address - start:address - start + size]
        return None

    def word(self, address: int) -> int | None:
        data = self.read(address, 4)
        return int.from_bytes(data, "little") if data else None


def test_task_stats_read_the_control_blocks_through_the_layout():
    layout, tasks, current, running = 0x08000100, 0x20000100, 0x20000080, 0x20000084
    entry_record, name = 0x08000200, 0x08000300
    fw = FakeFirmware({"mcusplit_task_layout": layout, "mcusplit_tasks": tasks, "mcusplit_task_current": current,
                       "mcusplit_running_hwm": running},
                      {entry_record: (0x08000401).to_bytes(4, "little") + name.to_bytes(4, "little"),
                       name: b"worker\0"})
    size = 48
    memory = {layout + 4 * i: v for i, v in enumerate([1, 3, size, 8, 12, 16, 20, 24])}
    for slot, (state, depth, hwm, switches) in enumerate([(5, 3, 4, 10), (1, 2, 2, 7)]):
        tcb = tasks + slot * size
        memory.update({tcb + 8: state, tcb + 12: entry_record, tcb + 16: depth, tcb + 20: hwm, tcb + 24: switches})
    memory[current] = tasks + size                 # slot 1 runs: its mark is still in mcusplit_running_hwm
    memory[running] = 5
    assert poolstats.task_stats(reader(memory), fw) == [
        {"id": 0, "name": "worker", "state": "done", "depth": 0, "hwm": 4, "switches": 10},
        {"id": 1, "name": "worker", "state": "ready", "depth": 2, "hwm": 5, "switches": 7}]
    assert poolstats.task_stats(reader(memory), FakeFirmware({}, {})) == []      # no tasks in the image
    memory[layout] = 2
    with pytest.raises(poolstats.PoolSymbolsError, match="version 2"):
        poolstats.task_stats(reader(memory), fw)


# --- pyOCD session options -------------------------------------------------------------------------

def test_session_target_depends_on_the_probe():
    nucleo = boards.load("nucleo-f4@f401re")
    assert pyocd_backend.session_options(nucleo, "qemu:127.0.0.1:4000")["target_override"] == "cortex_m"
    assert pyocd_backend.session_options(nucleo, "066DFF48555")["target_override"] == "stm32f401re"
    assert pyocd_backend.session_options(nucleo, "066DFF48555", resume=False)["resume_on_disconnect"] is False
    with pytest.raises(ToolError, match="has no \\[pyocd\\] target"):
        pyocd_backend.session_options(boards.load("qemu-mps2-an386"), "066DFF48555")


# --- rack files --------------------------------------------------------------------------------------

def write_rack(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rack.toml"
    path.write_text(text)
    return path


def test_the_shipped_racks_load():
    emulated = rack_mod.load(ROOT / "hil" / "racks" / "emulated.toml")
    assert emulated.slots and all(s.qemu and s.board.name == "nucleo-f4" for s in emulated.slots)
    lab = rack_mod.load(ROOT / "hil" / "racks" / "lab-example.toml")
    real = [s for s in lab.slots if not s.qemu]
    assert real and all(s.probe and s.serial and s.board.pyocd_target for s in real)
    assert {s.board.variant for s in real} == {"f411re", "f446re"}


def test_a_real_slot_without_its_hardware_says_why(tmp_path):
    port = tmp_path / "ttyACM-fake"
    path = write_rack(tmp_path, f'''
[[slot]]
name = "gone"
board = "nucleo-f4"
probe = "0670FFNOSUCHPROBE"
serial = "{tmp_path / 'no-such-port'}"

[[slot]]
name = "port-only"
board = "nucleo-f4@f446re"
probe = "0670FFNOSUCHPROBE"
serial = "{port}"
''')
    port.touch()
    slots = rack_mod.load(path).slots
    assert slots[0].unavailable() == f"serial port {tmp_path / 'no-such-port'} is not present"
    assert slots[1].unavailable() == "debug probe 0670FFNOSUCHPROBE is not connected"
    with pytest.raises(rack_mod.SlotUnavailable, match="slot gone: serial port"):
        slots[0].run(ROOT / "pyproject.toml")                 # any file: it fails before programming


BAD_RACKS = [
    ("", "a rack needs at least one [[slot]] table"),
    ("[[slot]]\nboard = 'nucleo-f4'\nqemu = true\ncolour = 'red'\n", "unknown key(s) colour"),
    ("[[slot]]\nqemu = true\n", "missing 'board'"),
    ("[[slot]]\nboard = 'nucleo-f5'\nqemu = true\n", "unknown board 'nucleo-f5'"),
    ("[[slot]]\nboard = 'nucleo-f4'\n", "needs 'probe' (pyOCD unique ID) and 'serial'"),
    ("[[slot]]\nboard = 'nucleo-f4'\nqemu = true\nprobe = 'x'\n", "takes no 'probe' or 'serial'"),
    ("[[slot]]\nboard = 'qemu-mps2-an386'\nprobe = 'x'\nserial = '/dev/null'\n", "has no [pyocd] target"),
    ("[[slot]]\nboard = 'nucleo-f4'\nqemu = 'yes'\n", "'qemu' must be true or false"),
    ("[[slot]]\nname = 'a'\nboard = 'nucleo-f4'\nqemu = true\n[[slot]]\nname = 'a'\nboard = 'nucleo-f4'\nqemu = true\n",
     "slot name(s) used twice: a"),
    ("[[slot]\n", "not valid TOML"),
]


@pytest.mark.parametrize("text, message", BAD_RACKS, ids=[m.split()[0] + str(i) for i, (_, m) in enumerate(BAD_RACKS)])
def test_bad_rack_files_are_one_line_errors(tmp_path, text, message):
    with pytest.raises(McusplitError) as info:
        rack_mod.load(write_rack(tmp_path, text))
    assert message in str(info.value)
    assert str(info.value).startswith(str(tmp_path / "rack.toml"))
    assert "\n" not in str(info.value)


def test_missing_rack_file(tmp_path):
    with pytest.raises(rack_mod.RackError, match="rack file not found"):
        rack_mod.load(tmp_path / "nope.toml")


# --- the console reader, on real pyserial ports ----------------------------------------------------

def test_console_stops_at_the_exit_line_and_parses_records():
    port = serial.serial_for_url("loop://", timeout=0.05)
    port.write(b"hello\r\n@mcusplit v1 stats seg_size=512 segments=4 in_use=0 hwm=2 splits=3\n"
               b"@mcusplit v1 exit code=7\nafter the exit\n")
    capture = read_until_exit(port, timeout=5)
    assert capture.lines == ["hello", "@mcusplit v1 stats seg_size=512 segments=4 in_use=0 hwm=2 splits=3",
                             "@mcusplit v1 exit code=7"]
    assert capture.exit_code == 7 and not capture.timed_out
    assert capture.report.stats == {"seg_size": 512, "segments": 4, "in_use": 0, "hwm": 2, "splits": 3}
    assert capture.application_lines == ["hello"]


def test_console_times_out_without_an_exit_line():
    port = serial.serial_for_url("loop://", timeout=0.05)
    port.write(b"still running")
    capture = read_until_exit(port, timeout=0.3)
    assert capture.timed_out and capture.exit_code is None and capture.lines == ["still running"]


def test_console_keeps_every_byte_when_the_other_end_closes():
    """QEMU ends right after its last line; pyserial's socket:// port would drop the bytes of a
    multi-byte read that meets the end of the stream."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    text = b"".join(b"line %d\n" % i for i in range(200)) + b"last words"

    def serve() -> None:
        conn, _ = server.accept()
        conn.recv(1)                 # pyserial's open() discards what has arrived: wait for the reader
        conn.sendall(text)
        conn.close()

    thread = threading.Thread(target=serve)
    thread.start()
    port = serial.serial_for_url(f"socket://127.0.0.1:{server.getsockname()[1]}", timeout=0.05)
    port.write(b"g")
    capture = read_until_exit(port, timeout=5)
    thread.join()
    server.close()
    assert capture.closed and capture.exit_code is None
    assert "\n".join(capture.lines).encode() == text


def test_stats_struct_layout_matches_the_header():
    """poolstats reads struct mcusplit_stats as six words; the header must say the same."""
    header = (ROOT / "firmware" / "include" / "mcusplit.h").read_text()
    body = header[header.index("struct mcusplit_stats {"):]
    body = body[:body.index("};")]
    fields = [line.split()[1].rstrip(";") for line in body.splitlines()[1:] if line.strip().startswith("uint32_t")]
    assert fields == ["version", "seg_size", "seg_count", "in_use", "hwm", "splits", "overflows"]
    assert len(fields) == poolstats.STATS_WORDS
    assert struct.calcsize("<7I") == 4 * poolstats.STATS_WORDS
