"""Thumb-1/Thumb-2 decoding for the analyzer: capstone does the decoding; this module reads the
few things the stack analysis needs out of its text (sp effects, branch targets, constants).

capstone's "lite" mode (mnemonic and operand text, no operand detail) decodes about six times
faster than detail mode, which is what keeps a 1 MiB image under a second.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

import capstone

CONDITIONS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al")
# Mnemonics (without .w/.n) whose conditional forms we must recognise: a condition suffix on
# anything else is part of the name (e.g. "bics" is not "bic" + "s").
CONDITIONAL_BASES = ("b", "bl", "blx", "bx", "pop", "push", "ldm", "ldr", "add", "sub", "mov", "str", "ldrd",
                     "strd", "vpop", "vpush")

REGISTER_ALIASES = {"sb": "r9", "sl": "r10", "fp": "r11", "ip": "r12"}


class Insn(NamedTuple):
    """One instruction, exactly the tuple capstone's lite mode yields (so no copying)."""

    address: int
    size: int
    mnemonic: str          # as capstone prints it, e.g. "push.w", "blo", "popeq"
    ops: str               # operand text, e.g. "{r4, r5, lr}", "sp, #0x44", "#0x660"

    @property
    def end(self) -> int:
        return self.address + self.size


@cache
def _disassembler() -> capstone.Cs:
    return capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)


def decode(code: bytes, address: int) -> list[Insn]:
    """Every instruction in a run of Thumb code. Undecodable halfwords are skipped (capstone stops
    at the first one), so damaged or data-filled code still yields what can be read."""
    md = _disassembler()
    out: list[Insn] = []
    offset = 0
    while offset < len(code) - 1:
        before = len(out)
        out.extend(map(Insn._make, md.disasm_lite(code[offset:], address + offset)))
        offset = (out[-1].end - address) if len(out) > before else offset
        if offset < len(code) - 1:
            offset += 2                      # skip the halfword capstone could not decode
    return out


@cache
def split_mnemonic(mnemonic: str) -> tuple[str, str | None]:
    """('pop', 'eq') for 'popeq', ('b', 'lo') for 'blo.w', ('bl', None) for 'bl'."""
    m = mnemonic.lower()
    for suffix in (".w", ".n"):
        if m.endswith(suffix):
            m = m[:-2]
    if m in CONDITIONAL_BASES:
        return m, None
    if len(m) > 2 and m[-2:] in CONDITIONS and m[:-2] in CONDITIONAL_BASES:
        return m[:-2], m[-2:]
    if len(m) > 3 and m.endswith("s") and m[-3:-1] in CONDITIONS and m[:-3] in CONDITIONAL_BASES:
        return m[:-3] + "s", m[-3:-1]        # e.g. "addseq" (rare, IT blocks)
    return m, None


_IMM = re.compile(r"#(-?(?:0x[0-9a-fA-F]+|\d+))")
_REGLIST = re.compile(r"\{([^}]*)\}")


def immediate(ops: str) -> int | None:
    """The last immediate in an operand text (#0x44 -> 68)."""
    found = _IMM.findall(ops)
    return int(found[-1], 0) if found else None


def branch_target(ops: str) -> int | None:
    """Target of b/bl/cbz: capstone prints it as the last '#0x...' operand."""
    _, hash_sign, number = ops.rpartition("#")
    if not hash_sign:
        return None
    try:
        return int(number, 0)
    except ValueError:
        return None


@cache
def operands(ops: str) -> tuple[str, ...]:
    """Top-level operands (a register list or a memory operand counts as one)."""
    parts, depth, current = [], 0, []
    for c in ops:
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(c)
    if current:
        parts.append("".join(current).strip())
    return tuple(parts)


@cache
def register(name: str) -> str:
    name = name.strip().lower()
    return REGISTER_ALIASES.get(name, name)


def register_list(ops: str) -> list[str]:
    m = _REGLIST.search(ops)
    if not m:
        return []
    regs: list[str] = []
    for part in m.group(1).split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-")
            prefix = lo.strip()[0]
            for n in range(int(lo.strip()[1:]), int(hi.strip()[1:]) + 1):
                regs.append(f"{prefix}{n}")
        elif part:
            regs.append(register(part))
    return regs


def register_list_bytes(ops: str) -> int:
    regs = register_list(ops)
    return sum(8 if r.startswith("d") else 4 for r in regs)


def thumb_bit_clear(address: int) -> int:
    return address & ~1
