"""Every instruction that writes pc or sp has a named class: checked against capstone's own idea of
what each instruction writes (its detail mode: written registers, writeback, instruction ids),
independently of the text the walker reads. Every 16-bit encoding (alone and as the first
instruction of an IT block) and a sweep of the 32-bit ones with sp and pc in every register field.
"""

from __future__ import annotations

import random

import capstone
import pytest
from capstone import arm

from mcusplit.analysis import insnclass as K
from mcusplit.analysis.thumb import decode

_SP, _PC = arm.ARM_REG_SP, arm.ARM_REG_PC
# Instructions that write pc or sp implicitly (capstone's detail does not always list them).
_IMPLICIT = {getattr(arm, f"ARM_INS_{n}") for n in ("B", "BL", "BLX", "BX", "BXNS", "BLXNS", "CBZ", "CBNZ", "TBB",
                                                       "TBH", "PUSH", "POP", "VPUSH", "VPOP")}
_STACK_SPECIAL = ("msp", "psp", "control", "msp_ns", "psp_ns", "control_ns")


def _detail():
    md = capstone.Cs(capstone.CS_ARCH_ARM, capstone.CS_MODE_THUMB | capstone.CS_MODE_MCLASS)
    md.detail = True
    return md


def writes_pc_or_sp(ins) -> bool:
    """capstone's opinion, from detail mode only."""
    _, written = ins.regs_access()
    if _SP in written or _PC in written or ins.id in _IMPLICIT:
        return True
    for op in ins.operands:
        if op.type == arm.ARM_OP_REG and op.reg in (_SP, _PC) and op.access & capstone.CS_AC_WRITE:
            return True
        if op.type == arm.ARM_OP_MEM and op.mem.base in (_SP, _PC) and ins.writeback:
            return True
    return ins.mnemonic.startswith("msr") and ins.op_str.split(",")[0].strip() in _STACK_SPECIAL


def missed(md, code: bytes, prefix: int = 0) -> str | None:
    """The instruction at `prefix` when capstone says it writes pc/sp and its class is PLAIN."""
    insns = list(md.disasm(code, 0x1000))
    if not insns or insns[-1].address - 0x1000 != prefix:
        return None
    ins = insns[-1]
    ours = [i for i in decode(code, 0x1000) if i.address == ins.address]
    if not ours:
        return f"{ins.bytes.hex()} {ins.mnemonic} {ins.op_str}: capstone decodes it, the walker's decode does not"
    if writes_pc_or_sp(ins) and K.classify(ours[0].base, ours[0].ops) == K.PLAIN:
        return f"{ins.bytes.hex()} {ins.mnemonic} {ins.op_str}"
    return None


def test_every_16_bit_encoding_that_writes_pc_or_sp_has_a_class():
    md = _detail()
    bad = []
    for hw in range(0x10000):
        if hw >> 11 in (0b11101, 0b11110, 0b11111):
            continue                                    # the first half of a 32-bit instruction
        code = hw.to_bytes(2, "little")
        for problem in (missed(md, code), missed(md, bytes.fromhex("08bf") + code, 2)):   # alone; after `it eq`
            if problem:
                bad.append(problem)
    assert not bad, bad[:20]


def test_32_bit_encodings_with_sp_and_pc_in_every_register_field_have_a_class():
    md = _detail()
    rng = random.Random(1)
    bad = []
    for hw1 in range(0xE800, 0x10000):
        seconds = {rng.randrange(0x10000) for _ in range(6)}
        for reg in (0xD, 0xF):
            for low in (0x000, 0xF00, 0x0B04, 0x0D04):
                seconds.add((reg << 12) | (low & 0x0FFF))
                seconds.add((reg << 8) | (low & 0xF0FF))
                seconds.add((reg << 12) | (reg << 8) | (low & 0xFF))
        for hw2 in seconds:
            problem = missed(md, hw1.to_bytes(2, "little") + hw2.to_bytes(2, "little"))
            if problem:
                bad.append(problem)
    assert not bad, bad[:20]


@pytest.mark.parametrize("base, ops, kind", [
    ("b", "#0x100", K.BRANCH), ("cbz", "r0, #0x100", K.COMPARE_BRANCH), ("bl", "#0x100", K.CALL),
    ("blx", "r3", K.CALL_REG), ("bx", "lr", K.BRANCH_REG), ("tbb", "[pc, r0]", K.TABLE_BRANCH),
    ("tbh", "[pc, r0, lsl #1]", K.TABLE_BRANCH), ("pop", "{r4, pc}", K.POP_PC), ("ldr", "pc, [sp], #4", K.LOAD_PC),
    ("ldr", "pc, [r0, r1, lsl #2]", K.LOAD_PC), ("ldm", "r0, {r1, pc}", K.LDM_PC), ("mov", "pc, r0", K.MOVE_PC),
    ("add", "pc, r0", K.ADD_PC), ("push", "{r4, lr}", K.PUSH), ("stmdb", "sp!, {r4, r5}", K.PUSH),
    ("vpush", "{d8, d9}", K.PUSH), ("pop", "{r4, r5}", K.POP), ("vpop", "{s16, s17}", K.POP),
    ("str", "r0, [sp, #-0x4]!", K.SP_WRITEBACK), ("ldrd", "r0, r1, [sp], #8", K.SP_WRITEBACK),
    ("sub", "sp, #0x10", K.SP_ADD), ("add", "sp, r4", K.SP_ADD), ("subw", "sp, sp, #0x3e9", K.SP_ADD),
    ("mov", "sp, r7", K.SP_MOVE), ("ldr", "sp, [r0]", K.SP_LOAD), ("msr", "msp, r0", K.MSR_SP),
    ("msr", "control, r0", K.MSR_CONTROL), ("udf", "#0", K.TRAP), ("stm", "sp, {r0, r3, lr}", K.PLAIN),
    ("add", "r0, sp, #4", K.PLAIN), ("mov", "r0, sp", K.PLAIN), ("msr", "msplim, r0", K.PLAIN),
    ("ldm", "r0!, {r1, sp}", K.UNKNOWN_SP), ("smull", "r0, sp, r1, r2", K.UNKNOWN_SP),
    ("ldrd", "r2, pc, [r0], #8", K.UNKNOWN_PC), ("strex", "pc, r0, [r1]", K.UNKNOWN_PC),
])
def test_classes_of_the_forms_the_walker_documents(base, ops, kind):
    assert K.classify(base, ops) == kind


def test_every_class_has_a_handler_and_a_row_in_the_docs():
    from pathlib import Path

    from mcusplit.analysis import stackwalk

    assert set(stackwalk._HANDLERS) | {K.PLAIN} == set(K.CLASSES)
    doc = (Path(__file__).resolve().parent.parent / "docs" / "analyzer.md").read_text()
    for name in ("BRANCH", "COMPARE_BRANCH", "CALL", "CALL_REG", "BRANCH_REG", "TABLE_BRANCH", "POP_PC", "LOAD_PC",
                 "LDM_PC", "MOVE_PC", "ADD_PC", "PUSH", "POP", "SP_WRITEBACK", "SP_ADD", "SP_MOVE", "SP_LOAD",
                 "MSR_SP", "MSR_CONTROL", "TRAP", "PLAIN", "UNKNOWN_PC", "UNKNOWN_SP"):
        assert f"| `{name}`" in doc, name
