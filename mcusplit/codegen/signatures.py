"""Function signatures from a module's LLVM IR, for the analyzer's indirect calls (the section
they go into: mcusplit/sigsection.py).

For each defined function: its IR signature, and the IR signatures of the indirect calls it
makes, including those of the functions it calls directly within its module (codegen may inline
them into it, and their indirect calls with them).
"""

from __future__ import annotations

import re
from pathlib import Path


def _signature(return_type: str, parameters: list[str], variadic: bool) -> str:
    return f"{return_type} ({', '.join([*parameters, '...'] if variadic else parameters)})"


_NAMED_TYPE_BODY = re.compile(r"^(%[^\s=]+) = type .*$", re.S)


def _type_text(type_ref) -> str:
    """A type as the function types of definitions spell it: a named struct by its name. (str() of
    llvmlite's type of a value gives a named struct's definition, `%struct.h = type { float, ... }`,
    which no definition's signature contains: found by the fuzzer, a struct passed by value through
    a function pointer made every such call unresolvable.)"""
    return _NAMED_TYPE_BODY.sub(r"\1", " ".join(str(type_ref).split()))


def of_module(module) -> tuple[dict[str, str], dict[str, list[str]]]:
    """(signature of each defined function, indirect call signatures of each) from an llvmlite
    module; the second closed over direct calls within the module. A function with inline assembly
    (or one that may inline such a function) gets no entry in the second: C's types say nothing
    about what its assembly calls."""
    defined: dict[str, str] = {}
    own: dict[str, set[str]] = {}
    direct: dict[str, set[str]] = {}
    assembly: set[str] = set()
    prototyped: set[str] | None = None
    for fn in module.functions:
        if fn.is_declaration:
            continue
        defined[fn.name] = _type_text(fn.global_value_type)
        if defined[fn.name].endswith(" ()"):
            if prototyped is None:
                prototyped = _prototyped_without_parameters(str(module))
            if fn.name in prototyped:
                # `int f(void)`: its IR type `i32 ()` is also that of an unprototyped `int f()`,
                # which the analyzer must let any `int (*)(...)` call; the debug information's
                # DIFlagPrototyped tells them apart.
                defined[fn.name] = defined[fn.name][:-3] + " (void)"
        own[fn.name], direct[fn.name] = set(), set()
        for block in fn.blocks:
            for ins in block.instructions:
                if ins.opcode not in ("call", "invoke"):
                    continue
                operands = list(ins.operands)
                callee = operands[-1] if operands else None
                if callee is None:
                    continue
                text = str(ins)
                kind = callee.value_kind.name
                if kind in ("function", "global_alias"):
                    direct[fn.name].add(callee.name)
                    continue
                if kind == "inline_asm":
                    assembly.add(fn.name)
                    continue
                if " asm " in text or "asm sideeffect" in text:
                    assembly.add(fn.name)
                    continue
                arguments = [_type_text(op.type) for op in operands[:-1]]
                explicit = _explicit_type(text)
                own[fn.name].add(explicit or _signature(_type_text(ins.type), arguments, False))
    closed: dict[str, set[str] | None] = {}

    def close(name: str, active: set[str]) -> set[str] | None:
        """None: assembly somewhere in what may end up inlined into it."""
        if name in closed:
            return closed[name]
        result: set[str] | None = None if name in assembly else set(own.get(name, ()))
        active.add(name)
        for callee in direct.get(name, ()):
            if result is None:
                break
            if callee in own and callee not in active:
                below = close(callee, active)
                result = None if below is None else result | below
        active.discard(name)
        closed[name] = result
        return result

    for name in defined:
        close(name, set())
    return defined, {name: sorted(sigs) for name, sigs in closed.items() if sigs is not None}


_DEFINE = re.compile(r"^define [^@\n]*@\"?([^\"(\s]+)\"?\(\)[^!\n{]*!dbg (!\d+)", re.M)
_SUBPROGRAM = re.compile(r"^(!\d+) = distinct !DISubprogram\((.*)\)$", re.M)


def _prototyped_without_parameters(text: str) -> set[str]:
    """Functions defined with `()` in IR whose debug information says C declared them with a
    prototype (`(void)`). Without debug information: none (they stay possibly unprototyped)."""
    flags = {m.group(1): "DIFlagPrototyped" in m.group(2) for m in _SUBPROGRAM.finditer(text)}
    return {m.group(1) for m in _DEFINE.finditer(text) if flags.get(m.group(2))}


def of_bitcode(path) -> tuple[dict[str, str], dict[str, list[str]]]:
    """of_module for a bitcode file clang wrote from our own runtime's C (parsed in this process:
    user modules go through the codegen child, which keeps an LLVM abort away from us)."""
    import llvmlite.binding as llvm

    return of_module(llvm.parse_bitcode(Path(path).read_bytes()))


def _explicit_type(text: str) -> str | None:
    """`call i32 (ptr, ...) %f(...)`: LLVM spells the function type out for variadic callees."""
    head = text.split("call", 1)[1] if "call" in text else ""
    before_callee = head.split("%", 1)[0].split("@", 1)[0]
    if "(" in before_callee and ")" in before_callee:
        words = before_callee.split()
        ret = []
        for word in words:
            if word.startswith("("):
                break
            if word in ("tail", "musttail", "notail", "fastcc", "ccc", "noundef", "signext", "zeroext", "inreg"):
                continue
            ret.append(word)
        params = before_callee[before_callee.index("(") + 1:before_callee.rindex(")")]
        return f"{' '.join(ret)} ({', '.join(p.strip() for p in params.split(',') if p.strip())})"
    return None
