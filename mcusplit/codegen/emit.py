"""Module -> object file: the codegen child process, the prologue rewrite, the assembler."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import children
from ..contract import Layout
from ..cores import Core
from ..errors import BuildError
from ..toolchain import clang, run_tool
from . import prologue
from .splitstack import FunctionPlan
from .worker import EXIT_REFUSED


@dataclass
class ModuleResult:
    obj: Path
    plans: list[FunctionPlan] = field(default_factory=list)
    checks: list[prologue.FunctionCheck] = field(default_factory=list)
    elided: list[prologue.FunctionCheck] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    signatures: dict[str, str] = field(default_factory=dict)                 # function -> IR signature
    indirect_signatures: dict[str, list[str]] = field(default_factory=dict)  # function -> its indirect calls


def _llvm_abort_message(stderr: str) -> str:
    for line in stderr.splitlines():
        m = re.search(r"LLVM ERROR: (.*)", line)
        if m:
            return f"LLVM cannot compile this module: {m.group(1).strip()}"
        # llvmlite's LLVM is built with assertions: damaged bitcode can trip one while it is read
        m = re.search(r"([^/\s:]+):(\d+): [^`]*Assertion `(.*)' failed", line)
        if m:
            return (f"LLVM aborted reading this module (assertion `{m.group(3)[:80]}` failed at "
                    f"{m.group(1)}:{m.group(2)}): the module is damaged or not LLVM IR it can read")
    lines = [line for line in stderr.splitlines() if line.strip()]
    tail = lines[-1].strip() if lines else "no message"
    return f"code generation failed: {tail[:200]}"


def _run_worker(request: Path, log: Path) -> tuple[int, str]:
    """The codegen worker (worker.py) on one request, in a child process: (status, its stderr).
    Forked when this process runs a single thread (`mcusplit cc -c`): the child then starts with
    this process's imports, llvmlite's included, instead of a new interpreter (about 80 ms a
    compile, docs/driver.md); a new interpreter otherwise (the build's compile threads)."""
    if children.can_fork(wait=0.1):       # threads the caller joined may take a moment to exit
        from . import worker

        returncode = children.fork_call(worker.main, str(request), output=log)
        return returncode, log.read_text(encoding="utf-8", errors="replace")
    proc = children.run([sys.executable, "-m", "mcusplit.codegen.worker", str(request)])
    return proc.returncode, proc.stderr


def prepare(ir_path: Path, display: str, core: Core, work: Path, no_split_stack: tuple[str, ...],
            big_stack: tuple[str, ...] = ()) -> tuple[Path, list[FunctionPlan], list[str], dict]:
    """Run the llvmlite child on one module: (prepared bitcode, plans, notes, signatures: the reply's
    `signatures` and `indirect_signatures`). Never lets LLVM abort us.
    big_stack: functions that must stay calls through their symbol (not static, not inlined)."""
    request = work / f"{ir_path.name}.request.json"
    reply = work / f"{ir_path.name}.reply.json"
    prepared = work / f"{ir_path.name}.split.bc"
    reply.unlink(missing_ok=True)
    request.write_text(json.dumps({
        "input": str(ir_path), "display": display, "core": core.key, "output": str(prepared),
        "reply": str(reply), "no_split_stack": list(no_split_stack), "big_stack": list(big_stack)}))
    returncode, stderr = _run_worker(request, work / f"{ir_path.name}.worker.log")
    if returncode == EXIT_REFUSED:
        data = json.loads(reply.read_text())
        raise BuildError("; ".join(data["errors"]))
    if returncode != 0:
        raise BuildError(_llvm_abort_message(stderr), display)
    data = json.loads(reply.read_text())
    plans = [FunctionPlan(**p) for p in data["plans"]]
    return prepared, plans, data["notes"], {k: data.get(k, {}) for k in ("signatures", "indirect_signatures")}


def generate_assembly(prepared: Path, display: str, core: Core, opt_level: int,
                      extra_flags: tuple[str, ...] = ()) -> str:
    """clang (zig's, LLVM 22) compiles the prepared module for the Linux triple, the one LLVM emits
    split-stack prologues for. clang rather than llvmlite: llvmlite has no ARM asm parser, so it
    cannot compile functions with inline assembly."""
    asm = prepared.with_suffix(".llvm.s")
    cmd = [*clang(), "-target", core.clang_codegen_target, f"-mcpu={core.clang_cpu}", f"-O{opt_level}",
           # bare metal is static: zig's *-linux-gnu targets force PIC (an extra add per address,
           # function-pointer tables moved to RAM); its musl targets accept -fno-pic
           "-fno-pic",
           # keep the check at function entry: shrink-wrapping can move it behind early exits
           "-mllvm", "--enable-shrink-wrap=false", "-Wno-override-module", *extra_flags, "-S", prepared, "-o", asm]
    try:
        run_tool(cmd, display)
    except BuildError as exc:
        message = re.sub(r"^.*?(fatal )?error: (error in backend: )?", "", exc.message)
        raise BuildError(f"LLVM cannot compile this module: {message}", display) from None
    # LLVM writes raw bytes of constants in assembly comments (`.byte 208 @ \xd0` for a double in
    # DWARF's DW_OP_implicit_value): not UTF-8. surrogateescape keeps them byte for byte.
    return asm.read_text(encoding="utf-8", errors="surrogateescape")


def assemble(text: str, ir_path: Path, display: str, core: Core, work: Path) -> Path:
    asm_path = work / f"{ir_path.name}.s"
    asm_path.write_text(text, encoding="utf-8", errors="surrogateescape")
    obj = work / f"{ir_path.name}.o"
    run_tool([*clang(), "-target", core.clang_target, f"-mcpu={core.clang_cpu}", "-c", asm_path, "-o", obj],
             f"{display} (assembling {asm_path.name})")
    return obj


def compile_module(ir_path: Path, display: str, core: Core, layout: Layout, work: Path,
                   opt_level: int = 2, no_split_stack: tuple[str, ...] = (),
                   big_stack: tuple[str, ...] = (),
                   appendix: Callable[[ModuleResult], str] | None = None) -> ModuleResult:
    """One module: prepared by the child, compiled by clang, its prologues rewritten, assembled.
    appendix: assembly added to the module from what its codegen found (mcusplit cc records the
    module's report and signatures in sections of the object itself)."""
    prepared, plans, notes, sigs = prepare(ir_path, display, core, work, no_split_stack, big_stack)
    llvm_asm = generate_assembly(prepared, display, core, opt_level)
    rewritten = prologue.rewrite(llvm_asm, layout, core.thumb2, {p.name: p for p in plans}, display)
    result = ModuleResult(work / f"{ir_path.name}.o", plans, rewritten.checks, rewritten.elided, notes, **sigs)
    text = rewritten.text + (appendix(result) if appendix else "")
    result.obj = assemble(text, ir_path, display, core, work)
    return result
