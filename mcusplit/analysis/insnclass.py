"""Instruction classes: what every Thumb-1/Thumb-2 instruction means to the stack walk.

The walk (stackwalk.py) handles each class below explicitly. An instruction is PLAIN only if it
writes neither `pc` nor `sp`; everything that writes either is one of the named classes, and
what no class describes is UNKNOWN_PC or UNKNOWN_SP, which the walk reports as *unknown* (never
as a return, never as nothing). tests/test_insnclass.py checks this against capstone's own
register-write information over every 16-bit encoding and a sweep of the 32-bit ones, so a new
form cannot slip into PLAIN unnoticed.

Classes (the walk's meaning of each; docs/analyzer.md has the same table with the test of each row):

BRANCH         b, b<c>: a jump inside the function; to another function's entry a tail call; to its
               own entry (through its check) a self tail call
COMPARE_BRANCH cbz, cbnz: a conditional forward jump; out of the function a conditional tail call
CALL           bl: a call; to code inside the same function a long branch (lr = the return point)
CALL_REG       blx rX, blxns rX: an indirect call (targets: the register's value, a table, types)
BRANCH_REG     bx rX, bxns rX: a return when rX holds the entry lr; else a computed jump or an
               indirect tail call
TABLE_BRANCH   tbb, tbh: a jump table; the index bound from the compare before it
POP_PC         pop {.., pc}, ldm sp!, {.., pc}: pops, then jumps to the popped slot's value
LOAD_PC        ldr pc, [..] (incl. [sp], #4): jumps to the loaded word
LDM_PC         ldm rN{!}, {.., pc} (rN not sp): jumps to a loaded word
MOVE_PC        mov pc, rX: jumps to the register's value
ADD_PC         add pc, rX: a pc-relative computed jump (Thumb-1 jump tables)
PUSH           push, stmdb sp!, vpush, vstmdb sp!: sp -= bytes, slots get the registers' values
POP            pop, ldm sp!, vpop, vldmia sp! (no pc): sp += bytes, registers get the slots' values
SP_WRITEBACK   ldr/str/ldrd/strd [sp, #-n]! or [sp], #n: sp moves by the writeback amount
SP_ADD         add/sub(w) sp, sp, #imm | rX, add sp, rX: sp moves by a constant
SP_MOVE        mov sp, rX: back to a frame pointer, or to a static stack (a stack switch)
SP_LOAD        ldr sp, [..]: unknown (a context switch through memory)
MSR_SP         msr msp/psp, rX: unknown outside the runtime's context switch
MSR_CONTROL    msr control, rX: may switch the active stack (SPSEL): unknown
TRAP           udf: the path ends in a fault (the fault handlers are entry points of their own)
PLAIN          everything else (svc, bkpt, it, data processing, loads, stores): registers tracked
UNKNOWN_PC     any other write of pc: unknown
UNKNOWN_SP     any other write of sp: unknown
"""

from __future__ import annotations

import re
from functools import cache

from .thumb import operands, register, register_list

BRANCH = "branch"
COMPARE_BRANCH = "compare-branch"
CALL = "call"
CALL_REG = "call-register"
BRANCH_REG = "branch-register"
TABLE_BRANCH = "table-branch"
POP_PC = "pop-pc"
LOAD_PC = "load-pc"
LDM_PC = "ldm-pc"
MOVE_PC = "move-pc"
ADD_PC = "add-pc"
PUSH = "push"
POP = "pop"
SP_WRITEBACK = "sp-writeback"
SP_ADD = "sp-add"
SP_MOVE = "sp-move"
SP_LOAD = "sp-load"
MSR_SP = "msr-sp"
MSR_CONTROL = "msr-control"
TRAP = "trap"
PLAIN = "plain"
UNKNOWN_PC = "unknown-pc"
UNKNOWN_SP = "unknown-sp"

# Every class, for the documentation test (docs/analyzer.md must have a row for each).
CLASSES = (BRANCH, COMPARE_BRANCH, CALL, CALL_REG, BRANCH_REG, TABLE_BRANCH, POP_PC, LOAD_PC, LDM_PC, MOVE_PC,
           ADD_PC, PUSH, POP, SP_WRITEBACK, SP_ADD, SP_MOVE, SP_LOAD, MSR_SP, MSR_CONTROL, TRAP, PLAIN,
           UNKNOWN_PC, UNKNOWN_SP)

# Single-destination instructions that may read sp or pc as a source (`mov r7, sp`, `add r0, sp,
# #4`, `add r0, pc`, adr as `subw r1, pc, #4`): their first operand is the only register written.
_SIMPLE = frozenset({"mov", "movs", "add", "adds", "addw", "sub", "subs", "subw", "adr"})
_COMPARES = frozenset({"cmp", "cmn", "tst", "teq"})
# Loads and stores whose writeback on sp the walk follows (pre- or post-indexed).
_LOAD_STORE = ("ldr", "str", "vldr", "vstr")
_STACK_POINTERS = ("msp", "psp", "msp_ns", "psp_ns")
_CONTROL = ("control", "control_ns")


def _writeback_base(ops: str, parts: tuple[str, ...]) -> str | None:
    """The base register an instruction writes back to: `[sp, #-n]!` (pre-indexed), `[sp], #n`
    (post-indexed), `sp!` (ldm/stm), `[pc:0x40]!`; None without writeback."""
    compact = ops.replace(" ", "").lower()
    for name in ("sp", "pc"):
        if compact.startswith(name + "!") or f",{name}!" in compact:
            return name
    for i, part in enumerate(parts):
        p = part.replace(" ", "").lower()
        if not p.startswith("["):
            continue
        inner = p[1:].split("]")[0].split(",")[0].split(":")[0]
        if p.endswith("]!") or (p.endswith("]") and "," not in p and i + 1 < len(parts)):
            return register(inner)
    return None


def _top_level_registers(parts: tuple[str, ...]) -> set[str]:
    return {register(p) for p in parts if p and p[0] not in "[{#"}


@cache
def classify(base: str, ops: str) -> str:
    """The class of one instruction from its base mnemonic (thumb.Insn.base) and operand text."""
    parts = operands(ops)
    first = register(parts[0].rstrip("!")) if parts else ""
    if base == "b":
        return BRANCH
    if base in ("cbz", "cbnz"):
        return COMPARE_BRANCH
    if base == "bl":
        return CALL
    if base in ("blx", "blxns"):
        return CALL_REG if re.fullmatch(r"r\d+|lr", first) else UNKNOWN_PC
    if base in ("bx", "bxns"):
        return BRANCH_REG
    if base in ("tbb", "tbh"):
        return TABLE_BRANCH
    if base == "udf":
        return TRAP
    if base == "msr" and parts:
        target = parts[0].strip().lower()
        if target in _STACK_POINTERS:
            return MSR_SP
        if target in _CONTROL:
            return MSR_CONTROL
        return PLAIN
    listed = register_list(ops)
    top = _top_level_registers(parts)
    written_back = _writeback_base(ops, parts)
    if base in ("push", "vpush"):
        return PUSH if "pc" not in listed and "sp" not in listed else UNKNOWN_SP
    if base in ("pop", "vpop"):
        if "sp" in listed:
            return UNKNOWN_SP
        return POP_PC if "pc" in listed else POP
    if base in ("stmdb", "stmfd", "vstmdb") and first == "sp" and written_back == "sp" \
            and "pc" not in listed and "sp" not in listed:
        return PUSH
    if base in ("ldm", "ldmia", "ldmfd", "vldmia") and first == "sp" and written_back == "sp" \
            and "sp" not in listed:
        return POP_PC if "pc" in listed else POP
    if base.startswith(("ldm", "vldm")) and "pc" in listed and first not in ("sp", "pc") \
            and "sp" not in listed and written_back != "pc":
        return LDM_PC
    if base.startswith("ldr") and first == "pc" and len(parts) >= 2 and "sp" not in top and \
            written_back in (None, "sp"):
        return LOAD_PC
    if base.startswith("ldr") and first == "sp" and written_back is None and len(top) == 1:
        return SP_LOAD
    if written_back == "pc" or "pc" in listed:
        return UNKNOWN_PC
    if written_back == "sp":
        if base.startswith(_LOAD_STORE) and not top & {"sp", "pc"} and not listed:
            return SP_WRITEBACK
        return UNKNOWN_SP
    if "sp" in listed:
        return UNKNOWN_SP
    if base.startswith(("stm", "ldm", "vstm", "vldm")) and written_back is None:
        return PLAIN                                  # stm sp, {..} without writeback: a store to the frame
    if base in _COMPARES:
        return PLAIN
    if base in _SIMPLE:
        if first == "pc":
            if base == "mov" and len(parts) == 2:
                return MOVE_PC
            if base == "add" and len(parts) == 2:
                return ADD_PC
            return UNKNOWN_PC
        if first == "sp":
            if base == "mov" and len(parts) == 2:
                return SP_MOVE
            if base in ("add", "sub", "addw", "subw") and (len(parts) == 2 or register(parts[1]) == "sp"):
                return SP_ADD
            return UNKNOWN_SP
        return PLAIN
    # Anything else that names pc or sp as a register operand (not as a memory base) is a form the
    # walk has no rule for: compilers do not emit them (most are UNPREDICTABLE), so unknown costs nothing.
    if "pc" in top:
        return UNKNOWN_PC
    if "sp" in top:
        return UNKNOWN_SP
    return PLAIN


def writes_pc_or_sp(kind: str) -> bool:
    return kind != PLAIN
