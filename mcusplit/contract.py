"""The runtime contract: every fact about stacks that codegen, the runtime, the analyzer, the
post-link patcher and the probe must agree on, in one place.

- **Segments.** Every stack (the first one included) is SEG bytes, a power of two, aligned to SEG,
  with a 16-byte header at its top (struct mcusplit_segment_header in firmware/include/mcusplit.h:
  link, site, depth, arg_bytes; tests/test_contract.py checks the C header against this module).
  A fresh segment's sp is the header's address, less the stack arguments __morestack copied.
- **The check.** A function demanding T bytes runs its body when room = sp mod SEG >= T; T is its
  frame plus the reserve, rounded up to what one compare encodes. Thumb-2: `mov ip, sp;
  lsl.w ip, ip, #(32-k); cmp.w ip, #(T << (32-k)); blo stub` (12 bytes). Thumb-1 (short, r3 free):
  `mov r3, sp; lsls r3, r3, #(32-k); lsrs r3, r3, #24; cmp r3, #units; bcc stub` (10 bytes); long
  (r3 holds an argument): the same between `mov ip, r3` and `mov r3, ip` (14 bytes).
- **The reserve** below every check holds what runs without a check: an exception frame,
  __morestack's pushes, an interrupt handler's unchecked entry, an unchecked leaf (the leaf
  allowance) and the MPU guard.
- **What __morestack pushes** on the old stack before it switches: 20 bytes, 24 when it copies
  stack arguments (firmware/core/morestack_v*.S).
- **Exception frames**: 8 words, 26 with lazy FP state, plus an alignment word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HEADER_BYTES = 16
HEADER_FIELDS = ("link", "site", "depth", "arg_bytes")      # 4 bytes each, in this order
HEADER_SITE_OFFSET = 4

# What __morestack pushes on the old stack before it switches, by ISA and whether it copies arguments.
MORESTACK_PUSH = {("thumb2", False): 20, ("thumb2", True): 24, ("thumb1", False): 20, ("thumb1", True): 24}
MORESTACK_PUSH_MAX = max(MORESTACK_PUSH.values())

EXCEPTION_FRAME = 32 + 4                 # r0-r3, r12, lr, pc, xPSR and the alignment word
EXCEPTION_FRAME_FPU = 104 + 4            # and s0-s15, FPSCR, a reserved word (lazy FP state)
HANDLER_ENTRY_BYTES = 32                 # margin for an interrupt handler's unchecked entry code
MPU_GUARD_BYTES = 32                     # the MPU guard region at the bottom of the active stack
DEFAULT_RESERVE = 256
DEFAULT_RESERVE_FPU = 320                # room for a 104-byte lazy-FP exception frame on top

THUMB2_CHECK_BYTES = 12
THUMB1_SHORT_CHECK_BYTES = 10
THUMB1_LONG_CHECK_BYTES = 14
# Where the compare sits in each form (the post-link patcher rewrites its immediate).
CMP_OFFSET = {"thumb2": 6, "thumb1-short": 6, "thumb1-long": 8}


def exception_frame(fpu: bool) -> int:
    return EXCEPTION_FRAME_FPU if fpu else EXCEPTION_FRAME


def push_bytes(variant: str, arg_bytes: int) -> int:
    """What __morestack pushes for a check of this variant (thumb2 | thumb1-short | thumb1-long)."""
    return MORESTACK_PUSH[("thumb2" if variant == "thumb2" else "thumb1", bool(arg_bytes))]


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


# Segments are powers of two from 256 B to 64 KiB: the v6-M check compares room >> (shift - 8) with
# an 8-bit immediate, and the Thumb-2 check's room << (32 - shift) must keep the bits it compares.
MIN_SEGMENT_SIZE = 256
MAX_SEGMENT_SIZE = 65536


@dataclass(frozen=True)
class Layout:
    """The pool and the stacks' geometry, as a build makes it and as the analyzer reads it back."""

    segment_size: int
    segments: int
    reserve: int
    exception_frame: int = EXCEPTION_FRAME
    leaf_allowance: int = 0         # leaves with frames up to this get no check (they run in the reserve)
    guard: str = "none"             # hardware guard of the active stack: none | stack-limit | mpu
    guard_bytes: int = 0            # bytes at every stack's bottom no code may touch (the MPU guard)

    @property
    def shift(self) -> int:
        return self.segment_size.bit_length() - 1

    def fresh_room(self, arg_bytes: int) -> int:
        """Room a function has on entry when __morestack has just given it a new segment."""
        return self.segment_size - HEADER_BYTES - ((arg_bytes + 7) & ~7)

    @property
    def unchecked_allowance(self) -> int:
        """Frame bytes a function without a check (variadic) may take: it runs in the reserve,
        which must still hold an exception frame, __morestack's pushes, a handler's entry and an
        unchecked leaf it may call."""
        return (self.reserve - self.exception_frame - MORESTACK_PUSH_MAX - HANDLER_ENTRY_BYTES
                - self.leaf_allowance - self.guard_bytes)

    @property
    def least_reserve(self) -> int:
        return self.exception_frame + MORESTACK_PUSH_MAX + HANDLER_ENTRY_BYTES + self.leaf_allowance + self.guard_bytes

    def thumb2_threshold(self, need: int) -> int:
        """Smallest T >= need whose (T << (32 - shift)) encodes in cmp.w; the compare is room < T."""
        shift = 32 - self.shift
        t = need
        while not thumb2_modified_immediate(t << shift):
            granule = 1 << max(0, t.bit_length() - 8)       # drop the low bits an 8-bit window lacks
            t = (t + granule - 1) // granule * granule
            if not thumb2_modified_immediate(t << shift):
                t += granule
        return t

    def thumb1_unit(self) -> int:
        """The v6-M check compares room >> (shift - 8) with an 8-bit immediate: units of SEG/256."""
        return 1 << max(0, self.shift - 8)

    def thumb1_threshold(self, need: int) -> int:
        """`need` in Thumb-1 units, rounded up."""
        return -(-need // self.thumb1_unit())


# ---- the check's encoding ----------------------------------------------------------------------
def check_text(layout: Layout, variant: str, threshold_or_units: int, stub: str) -> list[str]:
    """The check as assembly text (codegen/prologue.py writes it before each function's body)."""
    k = layout.shift
    if variant == "thumb2":
        return ["\tmov\tip, sp", f"\tlsl.w\tip, ip, #{32 - k}", f"\tcmp.w\tip, #{threshold_or_units << (32 - k)}",
                f"\tblo\t{stub}"]
    core = ["\tmov\tr3, sp", f"\tlsls\tr3, r3, #{32 - k}", "\tlsrs\tr3, r3, #24", f"\tcmp\tr3, #{threshold_or_units}"]
    body = core if variant == "thumb1-short" else ["\tmov\tip, r3", *core, "\tmov\tr3, ip"]
    return [*body, f"\tbcc\t{stub}"]


def encode_thumb2_cmp_ip(value: int) -> bytes:
    """cmp.w ip, #value (T2 encoding with a modified immediate)."""
    imm12 = _modified_immediates().get(value & 0xFFFFFFFF)
    if imm12 is None:
        raise ValueError(f"{value:#x} is not a Thumb-2 modified immediate")
    hw1 = 0xF1B0 | ((imm12 >> 11) << 10) | 12
    hw2 = 0x0F00 | (((imm12 >> 8) & 7) << 12) | (imm12 & 0xFF)
    return hw1.to_bytes(2, "little") + hw2.to_bytes(2, "little")


def encode_check_compare(variant: str, segment_shift: int, threshold: int) -> bytes:
    """The compare of a check demanding `threshold` bytes (segment_shift: log2 SEG)."""
    if variant == "thumb2":
        return encode_thumb2_cmp_ip(threshold << (32 - segment_shift))
    unit = 1 << max(0, segment_shift - 8)
    units = -(-threshold // unit)
    if units > 255:
        raise ValueError(f"threshold {threshold} too large for a Thumb-1 check")
    return (0x2B00 | units).to_bytes(2, "little")                      # cmp r3, #units


def _immediate(ops: str) -> int | None:
    found = re.findall(r"#(-?(?:0x[0-9a-fA-F]+|\d+))", ops)
    return int(found[-1], 0) if found else None


def decode_check(insns: list) -> tuple[str, int, int, int, int] | None:
    """(variant, threshold, segment shift, body address, stub address) from the first decoded
    instructions of a function (objects with base, cond, ops and end, as analysis.thumb.Insn;
    capstone prints operands such as `ip, ip, #0x16`), or None when it does not start with a check."""
    immediate = branch_target = _immediate
    if len(insns) < 4:
        return None
    text = [(i.base, i.ops.replace(" ", "")) for i in insns]
    if (text[0] == ("mov", "ip,sp") and text[1][0] == "lsl" and text[1][1].startswith("ip,ip,#")
            and text[2][0] == "cmp" and text[2][1].startswith("ip,#")
            and (insns[3].base, insns[3].cond) == ("b", "lo")):
        shift = immediate(insns[1].ops)
        threshold = (immediate(insns[2].ops) & 0xFFFFFFFF) >> shift
        stub = branch_target(insns[3].ops)
        return None if stub is None else ("thumb2", threshold, 32 - shift, insns[3].end, stub)
    long_form = text[0] == ("mov", "ip,r3")
    core = insns[1:] if long_form else insns
    if len(core) < 5 or [i.base for i in core[:4]] != ["mov", "lsls", "lsrs", "cmp"] \
            or core[0].ops.replace(" ", "") != "r3,sp":
        return None
    if long_form and core[4].ops.replace(" ", "") != "r3,ip":
        return None
    branch = core[5] if long_form else core[4]
    if (branch.base, branch.cond) != ("b", "lo"):
        return None
    k = 32 - immediate(core[1].ops)
    threshold = immediate(core[3].ops) << max(0, k - 8)
    stub = branch_target(branch.ops)
    return None if stub is None else ("thumb1-long" if long_form else "thumb1-short", threshold, k, branch.end, stub)


_IMMEDIATES: dict[int, int] | None = None


def _modified_immediates() -> dict[int, int]:
    """value -> imm12 for every Thumb-2 modified immediate (ThumbExpandImm, ARMv7-M A5.3.2)."""
    global _IMMEDIATES
    if _IMMEDIATES is None:
        table: dict[int, int] = {}
        for imm12 in range(4096):
            if imm12 >> 10 == 0:
                b = imm12 & 0xFF
                kind = (imm12 >> 8) & 3
                if kind and not b:
                    continue
                value = [b, b * 0x00010001, (b << 8) * 0x00010001, b * 0x01010101][kind]
            else:
                unrotated = 0x80 | (imm12 & 0x7F)
                rotation = imm12 >> 7
                value = ((unrotated >> rotation) | (unrotated << (32 - rotation))) & 0xFFFFFFFF
            table.setdefault(value, imm12)
        _IMMEDIATES = table
    return _IMMEDIATES
