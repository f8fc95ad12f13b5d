"""Thumb-1/Thumb-2 decoding for the analyzer: capstone does the decoding; this module reads the
few things the stack analysis needs out of its text (sp effects, branch targets, constants).

capstone's "lite" mode (mnemonic and operand text, no operand detail) decodes about six times
faster than detail mode, which is what keeps a 1 MiB image within a few seconds. Every
instruction gets its base mnemonic and condition here, once: the condition comes from the IT
block it sits in (capstone decodes a run linearly and prints IT-block instructions with their
condition appended), or, outside IT blocks, from a conditional branch's own encoding. Knowing
the IT state means no mnemonic is ever split by guessing whether it ends in a condition code.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import NamedTuple

import capstone

CONDITIONS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al")
INVERSE = {"eq": "ne", "ne": "eq", "cs": "cc", "hs": "lo", "cc": "cs", "lo": "hs", "mi": "pl", "pl": "mi",
           "vs": "vc", "vc": "vs", "hi": "ls", "ls": "hi", "ge": "lt", "lt": "ge", "gt": "le", "le": "gt",
           "al": "al"}
_IT = re.compile(r"^it([te]{0,3})$")

REGISTER_ALIASES = {"sb": "r9", "sl": "r10", "fp": "r11", "ip": "r12"}


class Insn(NamedTuple):
    """One instruction: capstone's lite tuple plus its base mnemonic and condition."""

    address: int
    size: int
    mnemonic: str          # as capstone prints it, e.g. "push.w", "blo", "popeq"
    ops: str               # operand text, e.g. "{r4, r5, lr}", "sp, #0x44", "#0x660"
    base: str              # lower case, without .w/.n and without the condition: "push", "b", "pop"
    cond: str | None       # "eq", "lo", ... (IT block or conditional branch), None: always

    @property
    def end(self) -> int:
        return self.address + self.size


_PER_THREAD = threading.local()


def _disassembler() -> capstone.Cs:
    """One capstone handle per thread: a handle is not safe to share (two builds analysing their
    images in threads, as benchmarks/bench.py runs them, garbled each other's instructions)."""
    md = getattr(_PER_THREAD, "md", None)
    if md is None:
        md = _PER_THREAD.md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    return md


@cache
def _strip_width(mnemonic: str) -> str:
    m = mnemonic.lower()
    return m[:-2] if m.endswith((".w", ".n")) else m


def _it_conditions(pattern: str, first: str) -> list[str]:
    """The conditions of the instructions an IT instruction covers: `ite eq` -> [eq, ne]."""
    first = first.strip().lower()
    return [first] + [first if c == "t" else INVERSE.get(first, first) for c in pattern]


def decode_with_gaps(code: bytes, address: int) -> tuple[list[Insn], list[int]]:
    """Every instruction in a run of Thumb code, and the addresses of halfwords capstone could not
    decode (skipped: damaged or data-filled code still yields what can be read; a walk that reaches
    a skipped address reports it as unknown)."""
    md = _disassembler()
    raw: list[tuple[int, int, str, str]] = []
    gaps: list[int] = []
    offset = 0
    while offset < len(code) - 1:
        before = len(raw)
        raw.extend(md.disasm_lite(code[offset:], address + offset))
        offset = (raw[-1][0] + raw[-1][1] - address) if len(raw) > before else offset
        if offset < len(code) - 1:
            gaps.append(address + offset)
            offset += 2                      # skip the halfword capstone could not decode
    out: list[Insn] = []
    pending: list[str] = []                  # conditions of the IT block being decoded
    previous_end = None
    for a, s, m, o in raw:
        if previous_end is not None and a != previous_end:
            pending = []                     # a gap ends any IT block
        previous_end = a + s
        stripped = _strip_width(m)
        if pending:
            cond = pending.pop(0)
            base = stripped[:-len(cond)] if stripped.endswith(cond) and len(stripped) > len(cond) else stripped
            out.append(Insn(a, s, m, o, base, cond))
            continue
        it = _IT.match(stripped)
        if it and o:
            pending = _it_conditions(it.group(1), o)
            out.append(Insn(a, s, m, o, "it", None))
            continue
        if len(stripped) == 3 and stripped[0] == "b" and stripped[1:] in CONDITIONS:
            out.append(Insn(a, s, m, o, "b", stripped[1:]))     # beq, blo, bhi.w ...
            continue
        out.append(Insn(a, s, m, o, stripped, None))
    return out, gaps


def decode(code: bytes, address: int) -> list[Insn]:
    return decode_with_gaps(code, address)[0]


def split_mnemonic(mnemonic: str) -> tuple[str, str | None]:
    """('b', 'lo') for 'blo.w', ('bl', None) for 'bl': for text outside IT blocks (tests, patches)."""
    stripped = _strip_width(mnemonic)
    if len(stripped) == 3 and stripped[0] == "b" and stripped[1:] in CONDITIONS:
        return "b", stripped[1:]
    return stripped, None


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


@cache
def register_list(ops: str) -> tuple[str, ...]:
    m = _REGLIST.search(ops)
    if not m:
        return ()
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
    return tuple(regs)


def register_list_bytes(ops: str) -> int:
    return sum(8 if r.startswith("d") else 4 for r in register_list(ops))


def thumb_bit_clear(address: int) -> int:
    return address & ~1
