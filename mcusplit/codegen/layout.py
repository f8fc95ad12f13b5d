"""Segment geometry and the arithmetic of the prologue check.

Every stack is SEG bytes, aligned to SEG, with a 16-byte header at its top.
A function with a frame of F bytes may run when room = sp mod SEG is at least
need = F + reserve; the check compares room with `need` rounded up to what one
compare instruction can encode (so it is never less than exact).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cores import Core
from ..project import PoolConfig

HEADER_BYTES = 16
DEFAULT_RESERVE = 256
DEFAULT_RESERVE_FPU = 320          # room for a 104-byte lazy-FP exception frame on top
MORESTACK_PUSH_BYTES = 24         # the most __morestack pushes on the old stack before switching
HANDLER_ENTRY_BYTES = 32          # margin for an interrupt handler's unchecked entry code
MPU_GUARD_BYTES = 32              # the MPU guard region at the bottom of the active segment


def resolve_guard(guard: str, core: Core) -> str:
    """The hardware guard a build gets: "none", "stack-limit" (ARMv8-M) or "mpu" (ARMv7-M)."""
    if guard == "auto":
        return "stack-limit" if core.has_stack_limit_regs else "none"
    if guard == "stack-limit" and not core.has_stack_limit_regs:
        raise ValueError(f"pool.guard = \"stack-limit\" needs ARMv8-M stack limit registers; {core.key} "
                         "has none (use \"mpu\" on ARMv7-M)")
    if guard == "mpu" and core.arch not in ("v7m", "v7em"):
        raise ValueError(f"pool.guard = \"mpu\" is for ARMv7-M MPUs (PMSAv7); {core.key} is {core.arch}")
    return guard


def thumb2_modified_immediate(value: int) -> bool:
    """True if `value` is a Thumb-2 modified immediate (what cmp.w #imm accepts)."""
    value &= 0xFFFFFFFF
    if value <= 0xFF:
        return True
    low, high = value & 0xFF, (value >> 8) & 0xFF
    if value in (low * 0x00010001, (high << 8) * 0x00010001, low * 0x01010101):
        return True
    for rotation in range(8, 32):
        unrotated = ((value << rotation) | (value >> (32 - rotation))) & 0xFFFFFFFF
        if unrotated <= 0xFF and unrotated & 0x80:
            return True
    return False


@dataclass(frozen=True)
class StackLayout:
    segment_size: int
    segments: int
    reserve: int
    exception_frame: int = 36       # bytes an interrupt pushes (core-dependent, see Core)
    leaf_allowance: int = 0         # leaves with frames up to this get no check (they run in the reserve)
    guard: str = "none"             # resolved hardware guard: none | stack-limit | mpu

    @classmethod
    def for_build(cls, pool: PoolConfig, core: Core, leaf_allowance: int = 0) -> StackLayout:
        reserve = pool.reserve
        if reserve is None:
            reserve = DEFAULT_RESERVE_FPU if core.fpu else DEFAULT_RESERVE
        return cls(pool.segment_size, pool.segments, reserve, core.exception_frame_bytes, leaf_allowance,
                   resolve_guard(pool.guard, core))

    @property
    def guard_bytes(self) -> int:
        """Bytes at the bottom of every stack no code may touch (the MPU guard region)."""
        return MPU_GUARD_BYTES if self.guard == "mpu" else 0

    @property
    def unchecked_allowance(self) -> int:
        """Frame bytes a function without a check (variadic) may take: it runs in the reserve,
        which must still hold an exception frame, __morestack's pushes, a handler's entry and an
        unchecked leaf it may call."""
        return (self.reserve - self.exception_frame - MORESTACK_PUSH_BYTES - HANDLER_ENTRY_BYTES
                - self.leaf_allowance - self.guard_bytes)

    @property
    def shift(self) -> int:
        return self.segment_size.bit_length() - 1

    def fresh_room(self, arg_bytes: int) -> int:
        """Room a function has on entry when __morestack has just given it a new segment."""
        return self.segment_size - HEADER_BYTES - ((arg_bytes + 7) & ~7)

    def thumb2_threshold(self, need: int) -> int:
        """Smallest T >= need whose (T << (32 - shift)) encodes in cmp.w; the compare is room < T."""
        shift = 32 - self.shift
        t = need
        while not thumb2_modified_immediate(t << shift):
            # drop the low bits that do not fit in an 8-bit window, rounding up
            granule = 1 << max(0, t.bit_length() - 8)
            t = (t + granule - 1) // granule * granule
            if not thumb2_modified_immediate(t << shift):
                t += granule
        return t

    def thumb1_threshold(self, need: int) -> int:
        """The v6-M check compares room >> (shift - 8) with an 8-bit immediate: units of SEG/256."""
        unit = 1 << max(0, self.shift - 8)
        return -(-need // unit)               # in units, rounded up

    def thumb1_unit(self) -> int:
        return 1 << max(0, self.shift - 8)
