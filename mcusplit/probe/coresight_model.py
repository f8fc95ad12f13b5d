"""The Arm debug architecture that a QEMU machine lacks, modelled in software for pyOCD.

pyOCD drives a Cortex-M through an ADIv5 debug port: it reads DP and AP registers, walks the
ROM table behind the AHB-AP, and controls the core through the SCS debug registers (DHCSR,
DCRSR/DCRDR, DEMCR, AIRCR, DFSR) and the FPB. QEMU's GDB stub exposes memory, registers,
halt/step/continue, breakpoints and `monitor system_reset`, but its debug registers, ROM table
and FPB read 0. This module holds the parts of that model that need no connection: register
values, ID blocks, the ROM table, and the mapping of DCRSR register numbers to GDB's. The
behaviour (halting when DHCSR.C_HALT is written, ...) is in qemu_probe.py.
"""

from __future__ import annotations

# --- Debug port and access port (ADIv5, as on a Cortex-M4 SW-DP) --------------------------------

DP_IDR_VALUE = 0x2BA01477          # ARM SW-DP, DPv1, as a Cortex-M3/M4 reports
DP_IDR = 0x0
DP_CTRL_STAT = 0x4
DP_SELECT = 0x8
DP_RDBUFF = 0xC
CSYSPWRUPREQ, CSYSPWRUPACK = 1 << 30, 1 << 31
CDBGPWRUPREQ, CDBGPWRUPACK = 1 << 28, 1 << 29

AHB_AP_IDR_VALUE = 0x24770011      # ARM AHB-AP (MEM-AP, AHB3) of a Cortex-M3/M4
AP_CSW, AP_TAR, AP_DRW, AP_BD0, AP_CFG, AP_BASE, AP_IDR = 0x00, 0x04, 0x0C, 0x10, 0xF4, 0xF8, 0xFC
CSW_RESET = 0x23000040             # DeviceEn set (pyOCD checks it), 32-bit transfers, no increment
CSW_SIZE_MASK = 0x7
CSW_ADDRINC_SINGLE = 0x10

# --- System control space, as pyOCD's CortexM class uses it --------------------------------------

CPUID = 0xE000ED00
AIRCR = 0xE000ED0C
DFSR = 0xE000ED30
DHCSR = 0xE000EDF0
DCRSR = 0xE000EDF4
DCRDR = 0xE000EDF8
DEMCR = 0xE000EDFC

DBGKEY = 0xA05F << 16
C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS = 1 << 0, 1 << 1, 1 << 2, 1 << 3
S_REGRDY, S_HALT, S_SLEEP, S_LOCKUP = 1 << 16, 1 << 17, 1 << 18, 1 << 19
S_RETIRE_ST, S_RESET_ST = 1 << 24, 1 << 25
DEMCR_VC_CORERESET = 1 << 0
DCRSR_REGWNR = 1 << 16
DCRSR_REGSEL = 0x7F
VECTKEY = 0x05FA
AIRCR_VECTRESET, AIRCR_SYSRESETREQ = 1 << 0, 1 << 2
DFSR_HALTED, DFSR_BKPT, DFSR_VCATCH = 1 << 0, 1 << 1, 1 << 3

# --- CoreSight components behind the AP ----------------------------------------------------------

ROM_TABLE = 0xE00FF000
SCS = 0xE000E000
FPB = 0xE0002000
FP_CTRL = FPB + 0x0
FP_REMAP = FPB + 0x4
FP_COMP0 = FPB + 0x8
FPB_CODE_COMPARATORS = 6
FP_CTRL_KEY = 1 << 1
FP_CTRL_ENABLE = 1 << 0
AP_BASE_VALUE = ROM_TABLE | 0x3    # ADIv5 format, entry present

ARM_JEP106 = (0x4, 0x3B)           # continuation code, identity code: designer 0x43B
CLASS_ROM_TABLE = 0x1
CLASS_GENERIC = 0xE                # the class v6-M/v7-M SCS and FPB components report

# Windows of the address space the model answers instead of QEMU: [start, end).
INTERCEPTED = (
    (AIRCR, AIRCR + 4),
    (DFSR, DFSR + 4),
    (DHCSR, DEMCR + 4),
    (SCS + 0xFD0, SCS + 0x1000),
    (FPB, FPB + 0x1000),
    (ROM_TABLE, ROM_TABLE + 0x1000),
)


def intercepted(address: int) -> bool:
    return any(lo <= address < hi for lo, hi in INTERCEPTED)


def overlaps_intercepted(address: int, length: int) -> bool:
    return any(address < hi and lo < address + length for lo, hi in INTERCEPTED)


def id_block(component_class: int, part: int) -> dict[int, int]:
    """PIDR4..7, PIDR0..3, CIDR0..3 (offsets 0xFD0..0xFFC) of an Arm component."""
    continuation, identity = ARM_JEP106
    return {
        0xFD0: continuation, 0xFD4: 0, 0xFD8: 0, 0xFDC: 0,
        0xFE0: part & 0xFF,
        0xFE4: ((part >> 8) & 0xF) | ((identity & 0xF) << 4),
        0xFE8: ((identity >> 4) & 0x7) | 0x8,          # JEDEC-assigned identity used
        0xFEC: 0,
        0xFF0: 0x0D, 0xFF4: (component_class << 4) | 0x0, 0xFF8: 0x05, 0xFFC: 0xB1,
    }


def rom_entry(component: int) -> int:
    """A 32-bit-format, present ROM table entry pointing at `component` (two's complement offset)."""
    return ((component - ROM_TABLE) & 0xFFFFF000) | 0x3


def scs_part(cpuid: int) -> int:
    """The SCS part number pyOCD keys on: v6-M (0x008) or v7-M (0x00C). ARMv8-M cores (which report
    architecture 0xF like v7-M) are presented as v7-M: pyOCD then drives them as one."""
    architecture = (cpuid >> 16) & 0xF
    return 0x008 if architecture == 0xC else 0x00C


def static_words(cpuid: int) -> dict[int, int]:
    """Every constant word of the model: the ROM table and the ID blocks of ROM, SCS and FPB."""
    words: dict[int, int] = {}
    for base, klass, part in ((ROM_TABLE, CLASS_ROM_TABLE, 0x4C4), (SCS, CLASS_GENERIC, scs_part(cpuid)),
                              (FPB, CLASS_GENERIC, 0x003)):
        for offset, value in id_block(klass, part).items():
            words[base + offset] = value
    for i, component in enumerate((SCS, FPB)):
        words[ROM_TABLE + 4 * i] = rom_entry(component)
    words[ROM_TABLE + 8] = 0                             # end of table
    return words


def fp_ctrl_value(enabled: bool) -> int:
    # REV=1 (FPBv2: a comparator holds any address), NUM_CODE, no literal comparators.
    return (1 << 28) | ((FPB_CODE_COMPARATORS & 0xF) << 4) | ((FPB_CODE_COMPARATORS >> 4) << 12) | int(enabled)


def fp_comp_address(value: int) -> int | None:
    """The breakpoint address an FP_COMPn value asks for (either FPB revision's encoding), or None."""
    if not value & 1:
        return None
    if value & 0xC0000000:                               # FPBv1: REPLACE selects the halfword
        base = value & 0x1FFFFFFC
        return base | 2 if (value >> 30) == 0b10 else base
    return value & 0xFFFFFFFE


# --- DCRSR register numbers -> GDB register numbers ----------------------------------------------

_CORE_NAMES = {**{i: f"r{i}" for i in range(13)}, 13: "sp", 14: "lr", 15: "pc", 16: "xpsr", 17: "msp",
               18: "psp", 33: "fpscr"}
CFBP = 20                           # CONTROL, FAULTMASK, BASEPRI, PRIMASK in one word
CFBP_NAMES = ("primask", "basepri", "faultmask", "control")   # byte 0 .. byte 3


def dcrsr_register(regsel: int, available: dict[str, tuple[int, int]]) -> list[tuple[int, int, int, int]] | None:
    """How to reach DCRSR register `regsel` through GDB: parts (gdb number, bit offset in the GDB
    register, bit offset in the DCRDR word, width in bits); None if the stub does not expose it
    (QEMU 7.2 has no MSP, PSP or CONTROL/FAULTMASK/BASEPRI/PRIMASK)."""
    if regsel in _CORE_NAMES:
        name = _CORE_NAMES[regsel]
        return [(available[name][0], 0, 0, 32)] if name in available else None
    if regsel == CFBP:
        if all(n in available for n in CFBP_NAMES):
            return [(available[n][0], 0, 8 * i, 8) for i, n in enumerate(CFBP_NAMES)]
        return None
    if 64 <= regsel < 96:
        s = regsel - 64
        if f"s{s}" in available:
            return [(available[f"s{s}"][0], 0, 0, 32)]
        if f"d{s // 2}" in available:
            return [(available[f"d{s // 2}"][0], 32 * (s % 2), 0, 32)]
    return None
