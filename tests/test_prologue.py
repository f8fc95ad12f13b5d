"""The prologue rewrite, on LLVM's real output (tests/data/prologues.*.llvm.s from prologues.c)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mcusplit.codegen.prologue import rewrite
from mcusplit.codegen.splitstack import FunctionPlan
from mcusplit.contract import Layout as StackLayout
from mcusplit.errors import BuildError

DATA = Path(__file__).parent / "data"
LAYOUT = StackLayout(1024, 8, 256)


def plans(r3_users=("stack_args",)):
    return {name: FunctionPlan(name, True, "split", 4 if name in r3_users else 1, f"prologues.c:{i}")
            for i, name in enumerate(["small", "large", "stack_args", "leaf"], 3)}


def function_text(text: str, name: str) -> str:
    start = text.index(f"\n{name}:")
    return text[start:text.index(".fnend", start)]


def stub_before(text: str, name: str) -> list[str]:
    head = text[:text.index(f"\n{name}:")]
    lines = [line.strip() for line in head.splitlines()]
    stub = lines[max(i for i, line in enumerate(lines) if line.startswith(".Lmcusplit_stub")):]
    return [line for line in stub if line and not line.startswith((".type", ".code", ".thumb_func", ".globl"))]


def test_thumb2_rewrite():
    text = (DATA / "prologues.thumb2.llvm.s").read_text()
    result = rewrite(text, LAYOUT, True, plans(), "prologues.c")
    out = result.text
    assert "mrc" not in out and "__STACK_LIMIT" not in out and "push\t{r4, r5}" not in out
    assert ".note.GNU-split-stack" not in out
    checks = {c.name: c for c in result.checks}
    assert set(checks) == {"small", "large", "stack_args"}        # leaf has no frame: LLVM adds no check
    assert checks["large"].frame == 288 and checks["large"].threshold == 288 + 256
    assert checks["stack_args"].arg_bytes == 8
    body = function_text(out, "small")
    instructions = [line.strip() for line in body.splitlines() if line.startswith("\t") and
                    not line.strip().startswith((".", "@"))][:4]
    assert instructions[0] == "mov\tip, sp"
    assert instructions[1] == "lsl.w\tip, ip, #22"
    assert re.fullmatch(r"cmp\.w\tip, #\d+", instructions[2])
    assert int(instructions[2].split("#")[1]) == checks["small"].threshold << 22
    assert instructions[3].startswith("blo\t.Lmcusplit_stub")
    assert stub_before(out, "small")[1:] == ["adr.w\tip, .Lmcusplit_body1+1", "b.w\t__morestack"]
    assert stub_before(out, "stack_args")[-3:] == ["adr.w\tip, .Lmcusplit_body3+1", "b.w\t__morestack_args",
                                                   ".short\t8"]


def test_thumb1_rewrite_picks_the_check_by_register_use():
    text = (DATA / "prologues.thumb1.llvm.s").read_text()
    result = rewrite(text, LAYOUT, False, plans(), "prologues.c")
    out = result.text
    assert "__STACK_LIMIT" not in out and "mrc" not in out
    checks = {c.name: c for c in result.checks}
    assert checks["small"].variant == "thumb1-short"
    assert checks["stack_args"].variant == "thumb1-long"            # its arguments fill r0-r3
    small = [line.strip() for line in function_text(out, "small").splitlines() if line.startswith("\t")]
    assert small[small.index("mov\tr3, sp"):][:5] == [
        "mov\tr3, sp", "lsls\tr3, r3, #22", "lsrs\tr3, r3, #24",
        f"cmp\tr3, #{checks['small'].threshold // 4}", "bcc\t.Lmcusplit_stub1"]
    long = [line.strip() for line in function_text(out, "stack_args").splitlines() if line.startswith("\t")]
    start = long.index("mov\tip, r3")
    assert long[start + 5] == "mov\tr3, ip" and long[start + 6].startswith("bcc")
    assert stub_before(out, "stack_args")[-3:] == ["mov\tip, lr", "bl\t__morestack_args_r3", ".short\t8"]
    # the literal-pool word that pointed at the old limit is gone, the others stay
    assert ".long\t__STACK_LIMIT" not in out


def test_stub_keeps_function_alignment():
    text = (DATA / "prologues.thumb1.llvm.s").read_text()
    out = rewrite(text, LAYOUT, False, plans(), "prologues.c").text
    head = out[:out.index("\nsmall:")].splitlines()
    k = max(i for i, line in enumerate(head) if line.strip().startswith(".p2align"))
    sizes = {"nop": 2, "mov": 2, "bl": 4, ".short": 2}
    emitted = sum(sizes.get(line.split()[0], 0) for line in head[k + 1:] if line.strip())
    assert emitted % 4 == 0                                          # 2 bytes of nop + a 6-byte stub


def test_frame_larger_than_a_segment_is_refused():
    text = (DATA / "prologues.thumb2.llvm.s").read_text()
    with pytest.raises(BuildError) as info:
        rewrite(text, StackLayout(512, 4, 256), True, plans(), "prologues.c")
    message = info.value.one_line()
    assert message.startswith("prologues.c:4: function 'large' needs 288 bytes")
    assert "512-byte segment" in message
    assert "raise pool.segment_size" in message           # a larger segment would hold it


@pytest.mark.parametrize("variant, thumb2", [("thumb2", True), ("thumb1", False)])
def test_frame_of_64_kib_and_more_is_read_whole_and_refused(variant, thumb2):
    """Found building zlib-ng 2.3.3 through its CMake (crc32_chorba_c.c, a 66,560-byte frame): LLVM
    loads such a frame with movw + movt (Thumb-2: the movt was an `internal error`) or from the
    literal pool (Thumb-1: read before too; kept as a guard). Its size is LLVM's request, 0x1d800."""
    text = (DATA / f"prologues_huge.{variant}.llvm.s").read_text()
    named = {"huge": FunctionPlan("huge", True, "split", 1, "prologues_huge.c:4")}
    with pytest.raises(BuildError) as info:
        rewrite(text, LAYOUT, thumb2, named, "prologues_huge.c")
    message = info.value.one_line()
    assert message.startswith("prologues_huge.c:4: function 'huge' needs 120832 bytes"), message
    assert "internal error" not in message
    # not "raise pool.segment_size": no segment (at most 64 KiB) holds it
    assert "no segment can hold it (pool.segment_size is at most 65536)" in message, message
    assert "raise pool.segment_size" not in message and "big_stack" in message


def _small_stub_block(text: str, new: str) -> str:
    """The thumb2 file with small()'s sizes before __morestack (`mov r4, #24; mov r5, #0`) replaced."""
    old = "\tmov\tr4, #24\n\tmov\tr5, #0\n\tpush\t{lr}\n\tbl\t__morestack"
    assert text.count(old) == 1
    return text.replace(old, new + "\n\tpush\t{lr}\n\tbl\t__morestack")


@pytest.mark.parametrize("sizes, refused", [
    ("\tmov\tr4, #24\n\tadds\tr4, #8\n\tmov\tr5, #0", "'adds r4,#8' sets r4"),          # changed after the load
    ("\tmovw\tr4, #24\n\tmovt\tr4, #:upper16:K\n\tmov\tr5, #0", "'movt r4,#:upper16:K' sets r4"),
    ("\tmov\tr4, #24\n\tmov\tr5, r6", "'mov r5,r6' sets r5"),                              # a register, not a constant
    ("\tldr\tr4, =frame_size\n\tmov\tr5, #0", "'ldr r4,=frame_size' sets r4"),
    ("\tmov\tr4, #24\n\tmov\tr5, #0\n\tpop\t{r4}", "'pop {r4}' sets r4"),
    ("\tmov\tr4, #24\n\tmov\tr5, #0\n\tldm\tr0!, {r1, r5}", "'ldm r0!,{r1,r5}' sets r5"),
    ("\tmov\tr4, #24\n\tmov\tr5, #0\n\tldrd\tr3, r4, [r0]", "'ldrd r3,r4,[r0]' sets r4"),
], ids=["changed-after-the-load", "symbolic-movt", "register-move", "unknown-constant", "pop", "ldm-list", "ldrd"])
def test_a_size_the_rewrite_cannot_read_is_refused_not_guessed(sizes, refused):
    """Review of the movt change: a write of r4 or r5 the parser did not understand used to be
    skipped, and an earlier (smaller) constant taken for the frame."""
    text = _small_stub_block((DATA / "prologues.thumb2.llvm.s").read_text(), sizes)
    with pytest.raises(BuildError) as info:
        rewrite(text, LAYOUT, True, plans(), "prologues.c")
    message = info.value.one_line()
    assert "unrecognized split-stack prologue in 'small'" in message and refused in message, message


def test_both_halves_of_the_sizes_are_read():
    # a movt on r5: 0x10008 bytes of stack arguments, more than the stub's 16-bit field takes
    text = _small_stub_block((DATA / "prologues.thumb2.llvm.s").read_text(),
                             "\tmov\tr4, #24\n\tmovw\tr5, #8\n\tmovt\tr5, #1")
    with pytest.raises(BuildError, match=r"'small' needs 24 bytes .* and 65544 bytes of stack arguments"):
        rewrite(text, LAYOUT, True, plans(), "prologues.c")
    # a movt before the movw is overwritten by it: the frame is the movw's 0xd800 alone
    text = _small_stub_block((DATA / "prologues.thumb2.llvm.s").read_text(),
                             "\tmovt\tr4, #7\n\tmovw\tr4, #55296\n\tmov\tr5, #0")
    with pytest.raises(BuildError, match="function 'small' needs 55296 bytes"):
        rewrite(text, LAYOUT, True, plans(), "prologues.c")


def test_unrecognized_prologue_is_an_error_not_a_silent_pass():
    text = (DATA / "prologues.thumb2.llvm.s").read_text().replace("bl\t__morestack", "bl\t__other", 1)
    with pytest.raises(BuildError, match="unrecognized split-stack prologue in 'small'"):
        rewrite(text, LAYOUT, True, plans(), "prologues.c")


def test_leaf_elision_keeps_the_check_of_a_function_that_recurses():
    """Found by the allowance on benchmarks/workloads/hotsplit: dig() (an 8-byte frame calling
    itself) lost its check because its own call was counted as a call into checked code."""
    from mcusplit.codegen.prologue import small_subtrees

    functions = {"dig": (0, 8, [("dig", 8), ("leaf", 8)]), "leaf": (0, 4, []),
                 "ping": (0, 8, [("pong", 8)]), "pong": (0, 8, [("ping", 8)])}
    elided = small_subtrees(functions, {"dig", "leaf", "ping", "pong"}, 32)
    assert elided == {"leaf"}
