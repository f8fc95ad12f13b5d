"""The stock-LLVM baseline the benchmarks compare mcusplit against (not part of the product).

LLVM's own split-stack prologue, made to run on Cortex-M: the limit comes from the word
__mcusplit_llvm_limit instead of a Linux TLS slot through CP15 (which faults on M-profile), Thumb-1
moves get the flag-setting forms the assembler requires, and __morestack follows LLVM's contract
(morestack_llvm_v*m.S here). The build is mcusplit's, stage by stage, with this codegen and this
__morestack in place of the product's; no hardware guard moves with it.

    from baseline.llvm_stock import build_stock
    build_stock(project, board, out_dir)
"""

from __future__ import annotations

import dataclasses
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from mcusplit.boards import Board  # noqa: E402
from mcusplit.build import compile as compile_stage  # noqa: E402
from mcusplit.build import (  # noqa: E402
    link_image,
    postlink,
    record,
)
from mcusplit.build import plan as plan_stage  # noqa: E402
from mcusplit.codegen.emit import ModuleResult, assemble, generate_assembly, prepare  # noqa: E402
from mcusplit.codegen.prologue import (  # noqa: E402
    _LABEL,
    _SPLIT_NOTE,
    _TYPE_FUNCTION,
    FunctionCheck,
    RewriteResult,
    _instruction,
    _is_instruction,
    _preamble_start,
    _strip_comment,
)
from mcusplit.errors import BuildError  # noqa: E402
from mcusplit.project import Project  # noqa: E402

HERE = Path(__file__).resolve().parent


LLVM_LIMIT_SYMBOL = "__mcusplit_llvm_limit"


def rewrite_stock(text: str, thumb2: bool, display: str) -> RewriteResult:
    """Keep LLVM's own prologue (the benchmark's baseline) and make it run on Cortex-M: the limit
    comes from the word __mcusplit_llvm_limit instead of a Linux TLS slot through CP15 (which faults
    on M-profile), and Thumb-1 moves get the flag-setting forms the assembler requires.
    Uses firmware/core/morestack_llvm_v*m.S, which follows LLVM's __morestack contract.

    The Thumb-2 limit address sits in a word just before the function: after the return path
    would move the body (LLVM's contract puts it 8 bytes after the call), and after the function
    is out of reach in large functions."""
    lines = text.splitlines()
    out: list[str] = []
    checks: list[FunctionCheck] = []
    typed: set[str] = set()
    in_prologue = False
    literal: str | None = None
    counter = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        s = _strip_comment(line)
        m_type = _TYPE_FUNCTION.match(line)
        if m_type:
            typed.add(m_type.group("name").strip('"'))
        m_label = _LABEL.match(s)
        if thumb2 and m_label and m_label.group("name").strip('"') in typed:
            ahead = lines[i + 1:i + 40]
            if any(re.search(r"\bmrc\s+p15\b", a) for a in ahead):
                counter += 1
                literal = f".Lmcusplit_llvm_limit_address{counter}"
                at, _ = _preamble_start(out)
                out[at:at] = ["\t.p2align\t2", f"{literal}:", f"\t.long\t{LLVM_LIMIT_SYMBOL}"]
        if _is_instruction(line):
            mnemonic, ops = _instruction(line)
            if mnemonic == "push" and ops == "{r4,r5}":
                in_prologue = True
            elif mnemonic == "pop" and ops == "{r4,r5}":
                in_prologue = False
            if mnemonic == "mrc" and "p15" in ops:
                # mrc p15, #0, r4, c13, c0, #3 ; ldr r4, [r4, #4]  ->  ldr.w r4, <limit address> ; ldr r4, [r4]
                out.append(f"\tldr.w\tr4, {literal}")
                out.append("\tldr\tr4, [r4]")
                i += 2
                continue
            if in_prologue and not thumb2:
                if mnemonic == "mov" and re.fullmatch(r"r[45],#\d+", ops):
                    line = line.replace("mov\t", "movs\t", 1)
                elif mnemonic == "sub" and ops == "r5,r5,r4":
                    line = line.replace("sub\t", "subs\t", 1)
            if mnemonic in ("bl", "blx") and ops == "__morestack":
                checks.append(FunctionCheck("", 0, 0, 0, 0, "llvm", display))
        elif s.startswith(".long") and "__STACK_LIMIT" in s:
            line = line.replace("__STACK_LIMIT", LLVM_LIMIT_SYMBOL)
        out.append(line)
        i += 1
    out = [line for line in out if not _SPLIT_NOTE.match(line)]
    result = "\n".join(out) + "\n"
    if re.search(r"\bmrc\s+p15\b", result):
        raise BuildError("internal error: a CP15 limit access survived the stock rewrite", display)
    return RewriteResult(result, checks)


# Register-limit mode (a measured experiment, not shipped; see docs/performance.md): r9 holds the
# current stack's base + reserve + REGISTER_FAST_BYTES, so frames up to that many bytes check with
# `cmp sp, r9; blo` and larger ones with `subw ip, sp, #(frame - fast); cmp ip, r9; blo`.
REGISTER_FAST_BYTES = 64




def compile_stock(ir_path, display, core, layout, work, opt_level=2, no_split_stack=(), big_stack=()) -> ModuleResult:
    """compile_module with LLVM's prologue kept (compile.Codegen)."""
    prepared, plans, notes, _ = prepare(ir_path, display, core, work, no_split_stack, big_stack)
    rewritten = rewrite_stock(generate_assembly(prepared, display, core, opt_level), core.thumb2, display)
    return ModuleResult(assemble(rewritten.text, ir_path, display, core, work), plans, rewritten.checks, [], notes)


def build_stock(project: Project, board: Board, out_dir: Path, split_stack: bool = True, jobs: int | None = None):
    started = time.monotonic()
    project = dataclasses.replace(project, check_elision="none",        # LLVM's runtime moves no guard
                                  pool=dataclasses.replace(project.pool, guard="none"))
    plan = plan_stage.make(project, board, out_dir, split_stack)
    plan = dataclasses.replace(plan, morestack=HERE / f"morestack_llvm_{board.core.morestack_variant}.S")
    compiled = compile_stage.compile_all(plan, jobs, task_hwm=False, codegen=compile_stock)
    elf = link_image(plan, compiled)
    return record.publish(plan, record.write(plan, compiled, postlink.PostLink(), elf, compiled.notes,
                                            time.monotonic() - started))
