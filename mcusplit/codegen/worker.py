"""Child process: one LLVM module in, the module prepared for split-stack codegen out.

Run as `python -m mcusplit.codegen.worker REQUEST.json`. Reads the module with
llvmlite (bitcode or text), verifies it, decides which functions get a
prologue (splitstack.plan), rewrites their attributes and the triple, and
writes bitcode that clang then compiles (emit.py). LLVM reports some errors by
aborting the process; running here means an abort costs this child only, and
the parent turns it into a one-line error.

Exit status: 0 done; 3 the module was refused (the reply file lists why).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ..cores import CORES, Core
from ..demangle import name_matches
from . import signatures, splitstack

EXIT_REFUSED = 3


def _arch_of(triple: str) -> str:
    arch = triple.split("-", 1)[0]
    return re.sub(r"^(thumb|arm)", "", arch)


def _float_abi_hard(triple: str) -> bool:
    return triple.endswith("hf")


def check_triple(triple: str, core: Core) -> str | None:
    """Refuse IR built for another architecture or float ABI (calls between modules would disagree)."""
    if not triple:
        return None
    if _arch_of(triple) != core.arch or _float_abi_hard(triple) != core.hard_float:
        want = core.codegen_triple.replace("unknown-linux-gnu", "none-")
        return (f"the module targets '{triple}', but the board's {core.key} needs "
                f"{core.arch}{' with hard float' if core.hard_float else ', soft float'} (e.g. '{want}')")
    return None


def _tokens(attribute_blobs) -> list[str]:
    """llvmlite gives attributes as space-separated blobs (bytes)."""
    tokens: list[str] = []
    for blob in attribute_blobs:
        tokens.extend((blob.decode() if isinstance(blob, bytes) else str(blob)).split())
    return tokens


def gather_facts(module) -> dict[str, splitstack.ModuleFacts]:
    facts = {}
    for fn in module.functions:
        if fn.is_declaration:
            continue
        attributes = set(_tokens(fn.attributes))
        arguments = []
        nest = False
        for arg in fn.arguments:
            attrs = _tokens(arg.attributes)
            nest = nest or "nest" in attrs
            arguments.append((str(arg.type), attrs))
        dynamic = []
        for index, block in enumerate(fn.blocks):
            for ins in block.instructions:
                if ins.opcode != "alloca":
                    continue
                count = next(iter(ins.operands))
                if index > 0 or not count.is_constant:
                    m = re.search(r"!dbg !(\d+)", str(ins))
                    dynamic.append(int(m.group(1)) if m else None)
        facts[fn.name] = splitstack.ModuleFacts(
            name=fn.name, vararg=fn.global_value_type.is_function_vararg, naked="naked" in attributes,
            arguments=arguments, dynamic_allocas=dynamic, has_nest=nest)
    return facts


def big_stack_problems(module, names: set[str], plans: list[splitstack.FunctionPlan]) -> list[str]:
    """A big_stack function (mcusplit/link/bigstack.py) is reached only by calls through its global
    symbol: lld's --wrap redirects those, not calls to a static function or code clang inlined."""
    where = {p.name: p.source for p in plans}
    problems = []
    for fn in module.functions:
        if fn.is_declaration or fn.name not in names:
            continue
        if fn.linkage.name in ("internal", "private"):
            problems.append(f"{where.get(fn.name, fn.name)}: big_stack function '{fn.name}' is static: calls "
                            "to it cannot be sent to its stack; give it external linkage")
        elif "noinline" not in _tokens(fn.attributes):
            problems.append(f"{where.get(fn.name, fn.name)}: big_stack function '{fn.name}' may be inlined into "
                            "its callers, which would run it on their own stack: declare it "
                            "__attribute__((noinline))")
    return problems


def _llvm_error_location(message: str, display: str) -> str:
    """llvmlite's parse errors say '<string>:LINE:COL: error: ...'; name the user's file instead."""
    text = " ".join(message.split())
    m = re.search(r"<string>:(\d+):(\d+): error: (.*)", message)
    if m:
        first = m.group(3).splitlines()[0].strip()
        return f"{display}:{m.group(1)}:{m.group(2)}: {first}"
    return f"{display}: {text}"


def main(request_path: str) -> int:
    request = json.loads(Path(request_path).read_text())
    reply: dict = {"plans": [], "notes": [], "errors": []}
    reply_path = Path(request["reply"])

    def refuse(message: str) -> int:
        reply["errors"].append(message)
        reply_path.write_text(json.dumps(reply))
        return EXIT_REFUSED

    import llvmlite.binding as llvm

    core = CORES[request["core"]]
    display = request["display"]
    source = Path(request["input"])
    try:
        if source.suffix == ".bc":
            module = llvm.parse_bitcode(source.read_bytes())
        else:
            module = llvm.parse_assembly(source.read_text(encoding="utf-8", errors="replace"))
        module.verify()
    except RuntimeError as exc:
        return refuse(_llvm_error_location(str(exc), display))

    problem = check_triple(module.triple, core)
    if problem:
        return refuse(f"{display}: {problem}")

    text = str(module)
    patterns = request.get("no_split_stack", [])
    plans, notes, errors = splitstack.plan(text, gather_facts(module), display,
                                           lambda name: name_matches(name, patterns))
    reply["plans"] = [p.as_dict() for p in plans]
    reply["notes"] = [n.one_line() for n in notes]
    reply["signatures"], reply["indirect_signatures"] = signatures.of_module(module)
    problems = [e.one_line() for e in errors]
    problems += big_stack_problems(module, set(request.get("big_stack", [])), plans)
    if problems:
        reply["errors"] = problems
        reply_path.write_text(json.dumps(reply))
        return EXIT_REFUSED

    prepared = splitstack.apply(text, plans, core.codegen_triple)
    try:
        module = llvm.parse_assembly(prepared)
        module.verify()
    except RuntimeError as exc:
        return refuse(f"{display}: internal error preparing the module: {' '.join(str(exc).split())[:300]}")
    Path(request["output"]).write_bytes(module.as_bitcode())
    reply_path.write_text(json.dumps(reply))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
