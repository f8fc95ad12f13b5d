"""A pyOCD debug probe whose "board" is a QEMU machine, reached through QEMU's GDB stub.

pyOCD's Cortex-M support works through an ADIv5 debug port and the core's debug registers.
QEMU has neither, so this probe presents a model of them (coresight_model.py) and turns what
pyOCD does to them into GDB remote protocol commands:

    DP/AP registers             answered by the model (SW-DP, one AHB-AP, ROM table at 0xE00FF000)
    memory through the AHB-AP   `m`/`M` packets; a running core is stopped for the access and resumed,
                                so pyOCD may read memory while the target runs, as through a real AP
    DHCSR C_HALT / C_STEP       interrupt (0x03) / `s`; clearing C_HALT is `c`
    DCRSR/DCRDR                 `p`/`P` (QEMU 7.2: r0-r15, xPSR, d0-d15/FPSCR; no MSP, PSP, CONTROL)
    AIRCR SYSRESETREQ, nRESET   `monitor system_reset`, then `c` unless DEMCR.VC_CORERESET is set
    FPB comparators             `Z1`/`z1` hardware breakpoints
    everything else             QEMU's own model of the system (CPUID, MVFR0, peripherals, flash, RAM)

So the same pyOCD session code that programs and inspects a NUCLEO through its ST-LINK runs
unchanged against QEMU: `ConnectHelper`/`Session`, `FileProgrammer`, halt/reset/resume, memory
reads. Use the unique ID `qemu:<host>:<port>` with target type `cortex_m` (also from pyOCD's own
command line: `pyocd load -u qemu:127.0.0.1:1234 -t cortex_m app.elf`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Sequence
from contextlib import contextmanager
from typing import Any

from pyocd.core import exceptions
from pyocd.core.memory_interface import MemoryInterface
from pyocd.probe.debug_probe import DebugProbe

from . import coresight_model as cs
from .gdbremote import GdbError, GdbRemote, GdbTargetGone, StopReply
from .qemu_machine import PROBE_TYPE, RUNNING

SIGTRAP = 5


def parse_address(unique_id: str) -> tuple[str, int]:
    """'qemu:127.0.0.1:1234', '127.0.0.1:1234' or ':1234' -> ('127.0.0.1', 1234)."""
    text = unique_id[len(PROBE_TYPE) + 1:] if unique_id.lower().startswith(PROBE_TYPE + ":") else unique_id
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"not a QEMU probe address (want {PROBE_TYPE}:HOST:PORT): {unique_id!r}")
    return host or "127.0.0.1", int(port)


class QemuCore:
    """The core behind one gdbstub connection, with the debug registers pyOCD uses modelled on top.

    Tracks whether QEMU runs: while it does, nothing but the interrupt byte may be sent."""

    def __init__(self, gdb: GdbRemote) -> None:
        self.gdb = gdb
        self.running = False
        self.registers: dict[str, tuple[int, int]] = {}
        self._bits_of: dict[int, int] = {}
        self.static: dict[int, int] = {}
        self.cpuid = 0
        # Connecting stops QEMU, as a debugger halting the core would: start halted, debug enabled.
        self.debugen = True
        self.maskints = False
        self.regrdy = True
        self.reset_st = False
        self.demcr = 0
        self.dfsr = 0
        self.dcrdr = 0
        self.reset_held = False
        self.fp_enabled = False
        self.fp_comp = [0] * cs.FPB_CODE_COMPARATORS
        self.inserted: set[int] = set()

    def attach(self) -> None:
        self.gdb.query_stop()
        self.running = False
        self.registers = self.gdb.registers()
        self._bits_of = {number: bits for number, bits in self.registers.values()}
        self.cpuid = int.from_bytes(self.gdb.read_memory(cs.CPUID, 4), "little")
        self.static = cs.static_words(self.cpuid)

    # -- run control ------------------------------------------------------------------------------

    def _stopped_by_itself(self, stop: StopReply | None) -> bool:
        if stop is None:
            return False
        self.running = False
        self.dfsr |= cs.DFSR_BKPT if stop.signal == SIGTRAP else cs.DFSR_HALTED
        return True

    def is_halted(self) -> bool:
        if self.running:
            self._stopped_by_itself(self.gdb.poll_stop())
        return not self.running

    def halt(self) -> None:
        if self.is_halted():
            return
        stop = self.gdb.interrupt()
        self.running = False
        # A breakpoint may have won the race with the interrupt: report it as what stopped the core.
        self.dfsr |= cs.DFSR_BKPT if stop.signal == SIGTRAP else cs.DFSR_HALTED

    def resume(self) -> None:
        if self.is_halted() and not self.reset_held:
            self.gdb.cont()
            self.running = True

    def step(self) -> None:
        if self.is_halted():
            self.gdb.step()
            self.dfsr |= cs.DFSR_HALTED

    def system_reset(self, run: bool) -> None:
        """Reset the machine; it then runs unless vector catch (or `run=False`) keeps it at reset."""
        self.halt()
        self.gdb.monitor("system_reset")          # QEMU: core at the reset vector, still stopped
        self.reset_st = True
        if self.demcr & cs.DEMCR_VC_CORERESET:
            self.dfsr |= cs.DFSR_VCATCH
        elif run:
            self.gdb.cont()
            self.running = True

    def hold_reset(self, asserted: bool) -> None:
        if asserted:
            self.halt()
            self.reset_held = True
        elif self.reset_held:
            self.reset_held = False
            self.system_reset(run=True)

    @contextmanager
    def _quiet(self) -> Any:
        """Stop a running core around an access (QEMU takes no command while it runs), as an AP
        access to a running core would go unnoticed; a core that was halted stays halted."""
        was_running = not self.is_halted()
        if was_running:
            stop = self.gdb.interrupt()
            self.running = False
            if stop.signal == SIGTRAP:         # it hit a breakpoint just now: it stays halted
                self.dfsr |= cs.DFSR_BKPT
                was_running = False
        try:
            yield
        finally:
            if was_running and not self.gdb.exited:
                self.gdb.cont()
                self.running = True

    # -- memory -----------------------------------------------------------------------------------

    def read(self, address: int, length: int) -> bytes:
        if not cs.overlaps_intercepted(address, length):
            with self._quiet():
                return self.gdb.read_memory(address, length)
        out = bytearray()
        first = address & ~3
        for word_address in range(first, address + length, 4):
            if cs.intercepted(word_address):
                out += self.read_debug_word(word_address).to_bytes(4, "little")
            else:
                with self._quiet():
                    out += self.gdb.read_memory(word_address, 4)
        start = address - first
        return bytes(out[start:start + length])

    def write(self, address: int, data: bytes) -> None:
        if not cs.overlaps_intercepted(address, len(data)):
            with self._quiet():
                self.gdb.write_memory(address, data)
            return
        end = address + len(data)
        for word_address in range(address & ~3, end, 4):
            lo, hi = max(address, word_address), min(end, word_address + 4)
            part = data[lo - address:hi - address]
            if not cs.intercepted(word_address):
                with self._quiet():
                    self.gdb.write_memory(lo, part)
                continue
            word = bytearray(self.read_debug_word(word_address).to_bytes(4, "little")) if hi - lo < 4 else bytearray(4)
            word[lo - word_address:hi - word_address] = part
            self.write_debug_word(word_address, int.from_bytes(word, "little"))

    # -- the modelled registers -------------------------------------------------------------------

    def dhcsr(self) -> int:
        halted = self.is_halted()
        value = (cs.C_DEBUGEN if self.debugen else 0) | (cs.C_MASKINTS if self.maskints else 0)
        value |= cs.S_REGRDY if self.regrdy else 0
        if halted:
            value |= cs.C_HALT | cs.S_HALT
        else:
            value |= cs.S_RETIRE_ST
        if self.reset_st:
            value |= cs.S_RESET_ST
            self.reset_st = False                    # sticky: cleared by the read that reports it
        return value

    def write_dhcsr(self, value: int) -> None:
        if value & 0xFFFF0000 != cs.DBGKEY:
            return                                   # writes without the key are ignored, as on silicon
        self.debugen = bool(value & cs.C_DEBUGEN)
        self.maskints = bool(value & cs.C_MASKINTS)
        if not self.debugen:
            self.resume()
        elif value & cs.C_HALT:
            self.halt()
        elif value & cs.C_STEP:
            self.step()
        else:
            self.resume()

    def read_debug_word(self, address: int) -> int:
        if address == cs.DHCSR:
            return self.dhcsr()
        if address == cs.DCRDR:
            return self.dcrdr
        if address == cs.DEMCR:
            return self.demcr
        if address == cs.DFSR:
            return self.dfsr
        if address == cs.DCRSR:
            return 0                                 # write-only
        if address == cs.AIRCR:
            with self._quiet():
                return int.from_bytes(self.gdb.read_memory(address, 4), "little")
        if address == cs.FP_CTRL:
            return cs.fp_ctrl_value(self.fp_enabled)
        if cs.FP_COMP0 <= address < cs.FP_COMP0 + 4 * cs.FPB_CODE_COMPARATORS:
            return self.fp_comp[(address - cs.FP_COMP0) // 4]
        return self.static.get(address, 0)

    def write_debug_word(self, address: int, value: int) -> None:
        if address == cs.DHCSR:
            self.write_dhcsr(value)
        elif address == cs.DCRDR:
            self.dcrdr = value
        elif address == cs.DEMCR:
            self.demcr = value
        elif address == cs.DFSR:
            self.dfsr &= ~value                      # write one to clear
        elif address == cs.DCRSR:
            self.transfer_register(value)
        elif address == cs.AIRCR:
            if value >> 16 == cs.VECTKEY and value & (cs.AIRCR_SYSRESETREQ | cs.AIRCR_VECTRESET):
                self.system_reset(run=True)
            else:
                with self._quiet():
                    self.gdb.write_memory(address, value.to_bytes(4, "little"))
        elif address == cs.FP_CTRL:
            if value & cs.FP_CTRL_KEY:
                self.fp_enabled = bool(value & cs.FP_CTRL_ENABLE)
                self._sync_breakpoints()
        elif cs.FP_COMP0 <= address < cs.FP_COMP0 + 4 * cs.FPB_CODE_COMPARATORS:
            self.fp_comp[(address - cs.FP_COMP0) // 4] = value
            self._sync_breakpoints()
        # The ROM table and ID registers are read-only.

    def transfer_register(self, dcrsr: int) -> None:
        """A DCRSR write: move one core register between the core and DCRDR (S_REGRDY tells whether
        it worked; a register the stub lacks leaves it clear, which pyOCD reports as an error)."""
        parts = cs.dcrsr_register(dcrsr & cs.DCRSR_REGSEL, self.registers)
        self.regrdy = False
        if parts is None or not self.is_halted():
            return
        if dcrsr & cs.DCRSR_REGWNR:
            for number, gdb_offset, dcrdr_offset, width in parts:
                bits = self._bits_of[number]
                mask = (1 << width) - 1
                current = int.from_bytes(self.gdb.read_register(number), "little") if width < bits else 0
                field = (self.dcrdr >> dcrdr_offset) & mask
                new = (current & ~(mask << gdb_offset)) | (field << gdb_offset)
                self.gdb.write_register(number, new.to_bytes(bits // 8, "little"))
        else:
            value = 0
            for number, gdb_offset, dcrdr_offset, width in parts:
                raw = int.from_bytes(self.gdb.read_register(number), "little")
                value |= ((raw >> gdb_offset) & ((1 << width) - 1)) << dcrdr_offset
            self.dcrdr = value
        self.regrdy = True

    def _sync_breakpoints(self) -> None:
        wanted = {a for a in map(cs.fp_comp_address, self.fp_comp) if a is not None} if self.fp_enabled else set()
        if wanted == self.inserted:
            return
        with self._quiet():
            for address in sorted(self.inserted - wanted):
                self.gdb.set_breakpoint(address, insert=False)
            for address in sorted(wanted - self.inserted):
                self.gdb.set_breakpoint(address, insert=True)
        self.inserted = wanted


def _translate(what: str, address: int | None = None, length: int | None = None) -> Callable[[Exception], Exception]:
    def convert(exc: Exception) -> Exception:
        if isinstance(exc, GdbTargetGone):
            return exceptions.ProbeDisconnected(f"QEMU: {exc}")
        if address is not None:
            return exceptions.TransferFaultError(f"{what}: {exc}", fault_address=address, length=length)
        return exceptions.ProbeError(f"{what}: {exc}")
    return convert


class QemuMemoryInterface(MemoryInterface):
    """The AHB-AP's memory interface (pyOCD's "accelerated" path): bytes move as GDB packets."""

    def __init__(self, core: QemuCore, lock: threading.RLock) -> None:
        self._core = core
        self._lock = lock

    def _read(self, address: int, length: int) -> bytes:
        with self._lock:
            try:
                return self._core.read(address & 0xFFFFFFFF, length)
            except (GdbError, GdbTargetGone) as exc:
                raise _translate("memory read", address, length)(exc) from None

    def _write(self, address: int, data: bytes) -> None:
        with self._lock:
            try:
                self._core.write(address & 0xFFFFFFFF, data)
            except (GdbError, GdbTargetGone) as exc:
                raise _translate("memory write", address, len(data))(exc) from None

    def write_memory(self, addr: int, data: int, transfer_size: int = 32, **attrs: Any) -> None:
        self._write(addr, (data & ((1 << transfer_size) - 1)).to_bytes(transfer_size // 8, "little"))

    def read_memory(self, addr: int, transfer_size: int = 32, now: bool = True,
                    **attrs: Any) -> int | Callable[[], int]:
        value = int.from_bytes(self._read(addr, transfer_size // 8), "little")
        return value if now else (lambda: value)

    def write_memory_block32(self, addr: int, data: Sequence[int], **attrs: Any) -> None:
        self._write(addr, b"".join((w & 0xFFFFFFFF).to_bytes(4, "little") for w in data))

    def read_memory_block32(self, addr: int, size: int, **attrs: Any) -> Sequence[int]:
        raw = self._read(addr, 4 * size)
        return [int.from_bytes(raw[i:i + 4], "little") for i in range(0, len(raw), 4)]

    def write_memory_block8(self, addr: int, data: Sequence[int], **attrs: Any) -> None:
        self._write(addr, bytes(data))

    def read_memory_block8(self, addr: int, size: int, **attrs: Any) -> Sequence[int]:
        return list(self._read(addr, size))


class QemuProbe(DebugProbe):
    """pyOCD probe type `qemu`: unique ID `qemu:HOST:PORT`, the address of a QEMU `-gdb` stub."""

    @classmethod
    def get_all_connected_probes(cls, unique_id: str | None = None, is_explicit: bool = False) -> list[QemuProbe]:
        # QEMU machines cannot be discovered like USB devices: list the ones this process started,
        # or the one an explicit `qemu:` unique ID names.
        if is_explicit and unique_id:
            probe = cls.get_probe_with_id(unique_id, is_explicit)
            return [probe] if probe else []
        return [cls(uid) for uid in sorted(RUNNING)]

    @classmethod
    def get_probe_with_id(cls, unique_id: str, is_explicit: bool = False) -> QemuProbe | None:
        if not is_explicit and f"{PROBE_TYPE}:{unique_id}" not in RUNNING and unique_id not in RUNNING:
            return None
        try:
            return cls(unique_id)
        except ValueError:
            return None

    def __init__(self, unique_id: str) -> None:
        super().__init__()
        self._host, self._port = parse_address(unique_id)
        self._gdb: GdbRemote | None = None
        self._core: QemuCore | None = None
        self._memory: QemuMemoryInterface | None = None
        self._connected = False
        self._dp_ctrl_stat = 0
        self._dp_select = 0
        self._ap_csw = cs.CSW_RESET
        self._ap_tar = 0

    # -- identity ---------------------------------------------------------------------------------

    @property
    def vendor_name(self) -> str:
        return "QEMU"

    @property
    def product_name(self) -> str:
        return "gdbstub (mcusplit)"

    @property
    def description(self) -> str:
        return f"QEMU gdbstub {self._host}:{self._port}"

    @property
    def unique_id(self) -> str:
        return f"{PROBE_TYPE}:{self._host}:{self._port}"

    @property
    def gdb(self) -> GdbRemote | None:
        """The GDB connection while the probe is open (QEMU's own view, for checks and tools)."""
        return self._gdb

    @property
    def supported_wire_protocols(self) -> Collection[DebugProbe.Protocol]:
        return [DebugProbe.Protocol.DEFAULT, DebugProbe.Protocol.SWD]

    @property
    def wire_protocol(self) -> DebugProbe.Protocol | None:
        return DebugProbe.Protocol.SWD if self._connected else None

    @property
    def is_open(self) -> bool:
        return self._gdb is not None

    @property
    def capabilities(self) -> set[DebugProbe.Capability]:
        # AP selection and DP banks are the model's business, not pyOCD's: no SELECT writes.
        return {DebugProbe.Capability.MANAGED_AP_SELECTION, DebugProbe.Capability.MANAGED_DPBANKSEL}

    # -- life cycle -------------------------------------------------------------------------------

    def open(self) -> None:
        gdb = GdbRemote(self._host, self._port)
        try:
            gdb.connect()
            core = QemuCore(gdb)
            core.attach()
        except GdbTargetGone as exc:
            gdb.close()
            raise exceptions.ProbeError(str(exc)) from None
        except GdbError as exc:
            gdb.close()
            raise exceptions.ProbeError(f"QEMU gdbstub {self._host}:{self._port}: {exc}") from None
        self._gdb, self._core = gdb, core
        self._memory = QemuMemoryInterface(core, self._lock)

    def close(self) -> None:
        if self._gdb is not None:
            self._gdb.close()
        self._gdb = self._core = self._memory = None
        self._connected = False

    def connect(self, protocol: DebugProbe.Protocol | None = None) -> None:
        if self._core is None:
            raise exceptions.ProbeError("QEMU probe is not open")
        self._connected = True

    def disconnect(self) -> None:
        self._connected = False

    def set_clock(self, frequency: float) -> None:
        pass                                          # no wire

    def _run(self, what: str, action: Callable[[], Any]) -> Any:
        if self._core is None:
            raise exceptions.ProbeError("QEMU probe is not open")
        with self._lock:
            try:
                return action()
            except (GdbError, GdbTargetGone) as exc:
                raise _translate(what)(exc) from None

    def reset(self) -> None:
        self._run("reset", lambda: self._core.system_reset(run=True))

    def assert_reset(self, asserted: bool) -> None:
        self._run("reset", lambda: self._core.hold_reset(asserted))

    def is_reset_asserted(self) -> bool:
        return bool(self._core and self._core.reset_held)

    # -- DAP --------------------------------------------------------------------------------------

    def read_dp(self, addr: int, now: bool = True) -> int | Callable[[], int]:
        reg = addr & 0xC
        if reg == cs.DP_IDR:
            value = cs.DP_IDR_VALUE
        elif reg == cs.DP_CTRL_STAT:
            # Power-up requests are acknowledged at once: the debug domain is always on.
            acks = (cs.CSYSPWRUPACK if self._dp_ctrl_stat & cs.CSYSPWRUPREQ else 0) | \
                   (cs.CDBGPWRUPACK if self._dp_ctrl_stat & cs.CDBGPWRUPREQ else 0)
            value = (self._dp_ctrl_stat & ~(cs.CSYSPWRUPACK | cs.CDBGPWRUPACK)) | acks
        elif reg == cs.DP_SELECT:
            value = self._dp_select
        else:
            value = 0
        return value if now else (lambda: value)

    def write_dp(self, addr: int, data: int) -> None:
        reg = addr & 0xC
        if reg == cs.DP_CTRL_STAT:
            self._dp_ctrl_stat = data
        elif reg == cs.DP_SELECT:
            self._dp_select = data
        # DP_ABORT (address 0 on write): no sticky errors to clear.

    def read_ap(self, addr: int, now: bool = True) -> int | Callable[[], int]:
        value = self._read_ap(addr)
        return value if now else (lambda: value)

    def _read_ap(self, addr: int) -> int:
        if (addr >> 24) & 0xFF:
            return 0                                  # only AP #0 exists
        reg = addr & 0xFC
        if reg == cs.AP_IDR:
            return cs.AHB_AP_IDR_VALUE
        if reg == cs.AP_CSW:
            return self._ap_csw
        if reg == cs.AP_TAR:
            return self._ap_tar
        if reg == cs.AP_BASE:
            return cs.AP_BASE_VALUE
        if reg == cs.AP_CFG:
            return 0
        if reg == cs.AP_DRW or cs.AP_BD0 <= reg < cs.AP_BD0 + 16:
            return self._ap_data(reg, None)
        return 0

    def write_ap(self, addr: int, data: int) -> None:
        if (addr >> 24) & 0xFF:
            return
        reg = addr & 0xFC
        if reg == cs.AP_CSW:
            self._ap_csw = data
        elif reg == cs.AP_TAR:
            self._ap_tar = data
        elif reg == cs.AP_DRW or cs.AP_BD0 <= reg < cs.AP_BD0 + 16:
            self._ap_data(reg, data)

    def _ap_data(self, reg: int, data: int | None) -> int:
        """DRW/BDn: a transfer at TAR (or its 16-byte window) of CSW.Size, as a real MEM-AP does.
        pyOCD uses the memory interface below instead; this keeps the raw AP path honest."""
        assert self._memory is not None
        size = 8 << (self._ap_csw & cs.CSW_SIZE_MASK)
        address = self._ap_tar if reg == cs.AP_DRW else (self._ap_tar & ~0xF) + (reg - cs.AP_BD0)
        lane = address & 3
        if data is None:
            value = self._memory.read_memory(address, size) << (8 * lane)
        else:
            self._memory.write_memory(address, data >> (8 * lane), size)
            value = 0
        if reg == cs.AP_DRW and self._ap_csw & 0x30 == cs.CSW_ADDRINC_SINGLE:
            self._ap_tar = (self._ap_tar + size // 8) & 0xFFFFFFFF
        return value & 0xFFFFFFFF

    def read_ap_multiple(self, addr: int, count: int = 1, now: bool = True) -> Sequence[int] | Callable:
        values = [self._read_ap(addr) for _ in range(count)]
        return values if now else (lambda: values)

    def write_ap_multiple(self, addr: int, values: Sequence[int]) -> None:
        for value in values:
            self.write_ap(addr, value)

    def get_memory_interface_for_ap(self, ap_address: Any) -> MemoryInterface | None:
        return self._memory if getattr(ap_address, "apsel", None) == 0 else None


def ensure_registered() -> None:
    """Make the `qemu` probe type known to pyOCD. Called when this module is imported: pyOCD loads
    its probe plugins while it is being imported, which is too early when this module is what
    imports pyOCD (see qemu_plugin.py), and an editable install made before the entry point existed
    has no entry point at all."""
    from pyocd.probe.aggregator import PROBE_CLASSES

    PROBE_CLASSES.setdefault(PROBE_TYPE, QemuProbe)


ensure_registered()
