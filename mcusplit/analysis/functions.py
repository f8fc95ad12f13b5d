"""What each function does to the stack, read from its machine code.

For every function symbol: whether it starts with mcusplit's split-stack check (and the room it
demands), how deep its own frame goes, and every call it makes with the stack depth at that call.
The walk follows the control flow (branches, IT conditions, cbz, jump tables) and tracks sp
through push/pop, vpush/vpop, sub/add sp, pre/post-indexed stores and loads, and restores from a
frame pointer, so assembly and library code are covered, not only what LLVM wrote.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .elf import Firmware, Symbol
from .thumb import (
    Insn,
    branch_target,
    decode,
    immediate,
    operands,
    register,
    register_list,
    register_list_bytes,
    split_mnemonic,
)

# The runtime's stack switchers: modelled by the segment model, never walked.
MORESTACK = ("__morestack", "__morestack_args", "__morestack_r3", "__morestack_args_r3")
# The scheduler's PendSV handler (firmware/tasks/switch_v*.S) sets PSP to the next task's: expected.
CONTEXT_SWITCH = ("PendSV_Handler", "mcusplit_context_switch")
RUNTIME_INTERNAL = (*MORESTACK, "mcusplit_report_exhausted_v6m")
_THUNK = re.compile(r"^__\w*Thunk_(?P<target>.+)$")
# Mnemonics (without condition and width) that change the flow or the stack whatever their operands.
_FLOW = frozenset({"b", "bl", "blx", "bx", "cbz", "cbnz", "tbb", "tbh", "push", "pop", "vpush", "vpop"})
# Mnemonics whose result the walker keeps track of (constants, frame pointers).
_TRACKING = frozenset({"mov", "movs", "movw", "movt", "add", "adds", "addw", "sub", "subs", "subw", "adr", "ldr"})


@dataclass(frozen=True)
class SplitCheck:
    threshold: int          # room (bytes) the function demands on entry: frame + reserve, rounded up
    arg_bytes: int          # stack arguments __morestack copies
    body: int               # where execution continues when the check passes
    stub: int               # the out-of-line call to __morestack
    variant: str            # thumb2 | thumb1-short | thumb1-long
    segment_shift: int      # log2 of the segment size the check was built for


@dataclass(frozen=True)
class CallSite:
    address: int            # the call (or tail-jump) instruction
    depth: int              # bytes below the caller's entry sp at the call
    targets: tuple[int, ...]
    kind: str               # call | tail
    resolution: str         # direct | constant | veneer | table:<object> | config | unresolved

    @property
    def indirect(self) -> bool:
        return self.resolution not in ("direct", "veneer")


@dataclass
class FunctionInfo:
    name: str
    address: int
    size: int
    check: SplitCheck | None = None
    frame: int = 0                         # deepest point of its own frame (bytes below entry sp)
    calls: list[CallSite] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    returns: bool = False
    unbounded: bool = False                # moves sp in ways the walk cannot follow
    stack_switch: tuple[int, str] | None = None   # (new room, object) when it moves sp to a static stack
    constants: set[int] = field(default_factory=set)   # addresses/values it loads (for table inference)

    @property
    def split(self) -> bool:
        return self.check is not None


@dataclass
class _State:
    address: int
    depth: int
    regs: dict[str, tuple[str, int]]       # "const": value, or "sp": depth (reg = entry sp - depth)


def _is_write_to(ins: Insn, reg: str) -> bool:
    ops = operands(ins.ops)
    if not ops:
        return False
    base, _ = split_mnemonic(ins.mnemonic)
    if base.startswith(("cmp", "cmn", "tst", "teq", "str", "push", "b", "cb", "tb", "vst", "it", "stm")):
        return False
    return register(ops[0]) == reg


class FunctionWalker:
    """Analyzes functions of one firmware image."""

    def __init__(self, fw: Firmware) -> None:
        self.fw = fw
        # One function per address: aliases (weak vector names pointing at Default_Handler, clang's
        # local aliases) collapse onto the preferred symbol: global, then strong, then shortest name.
        best: dict[int, Symbol] = {}
        for s in fw.functions():
            rank = (s.binding == "STB_GLOBAL", s.binding != "STB_WEAK", -len(s.name), s.name)
            current = best.get(s.address)
            if current is None or rank > (current.binding == "STB_GLOBAL", current.binding != "STB_WEAK",
                                          -len(current.name), current.name):
                best[s.address] = s
        self.functions = sorted(best.values(), key=lambda s: s.address)
        self.starts = {s.address: s for s in self.functions}
        self.sorted_starts = sorted(self.starts)
        self.names = {s.address: s.name for s in self.functions}
        self.by_name = {s.name: s for s in self.functions}
        self.spans = fw.code_spans()
        self.span_starts = [a for a, _ in self.spans]
        self.code_marks = sorted(a for a, k in fw.mapping if k == "$t")
        # Every run of code decoded once (one capstone call per run, not per function).
        self.insn_at: dict[int, Insn] = {}
        for span_start, code in self.spans:
            for ins in decode(code, span_start):
                self.insn_at[ins.address] = ins

    # ---- decoding -------------------------------------------------------------------------
    def _extent(self, sym: Symbol) -> tuple[int, int]:
        if sym.size:
            return sym.address, sym.address + sym.size
        i = bisect.bisect_right(self.sorted_starts, sym.address)
        end = self.sorted_starts[i] if i < len(self.sorted_starts) else sym.address + 2
        return sym.address, end

    def instructions(self, start: int, end: int) -> dict[int, Insn]:
        """Instructions by address (the whole image's; the walk keeps to [start, end))."""
        return self.insn_at

    def decode_at(self, address: int, count: int) -> list[Insn]:
        out = []
        while len(out) < count:
            ins = self.insn_at.get(address)
            if ins is None:
                break
            out.append(ins)
            address = ins.end
        if out:
            return out
        data = self.fw.read(address, 4 * count)
        return decode(data, address)[:count] if data is not None else []

    # ---- the split-stack check ------------------------------------------------------------
    def split_check(self, start: int) -> SplitCheck | None:
        insns = self.decode_at(start, 7)
        if len(insns) < 4:
            return None
        text = [(split_mnemonic(i.mnemonic)[0], i.ops.replace(" ", "")) for i in insns]
        thumb2 = (text[0] == ("mov", "ip,sp") and text[1][0] == "lsl" and text[1][1].startswith("ip,ip,#")
                  and text[2][0] == "cmp" and text[2][1].startswith("ip,#")
                  and split_mnemonic(insns[3].mnemonic) == ("b", "lo"))
        if thumb2:
            shift = immediate(insns[1].ops)
            threshold = (immediate(insns[2].ops) & 0xFFFFFFFF) >> shift
            stub = branch_target(insns[3].ops)
            return self._with_stub(threshold, insns[4].address if len(insns) > 4 else start + 12, stub,
                                   "thumb2", 32 - shift)
        long_form = text[0] == ("mov", "ip,r3")
        core = insns[1:] if long_form else insns
        if len(core) >= 5 and [t for t, _ in ((split_mnemonic(i.mnemonic)[0], 0) for i in core[:4])] == \
                ["mov", "lsls", "lsrs", "cmp"] and core[0].ops.replace(" ", "") == "r3,sp":
            shift = immediate(core[1].ops)
            units = immediate(core[3].ops)
            k = 32 - shift
            threshold = units << max(0, k - 8)
            branch = core[5] if long_form else core[4]
            if long_form and core[4].ops.replace(" ", "") != "r3,ip":
                return None
            if split_mnemonic(branch.mnemonic) != ("b", "lo"):
                return None
            return self._with_stub(threshold, branch.end, branch_target(branch.ops),
                                   "thumb1-long" if long_form else "thumb1-short", k)
        return None

    def _with_stub(self, threshold: int, body: int, stub: int | None, variant: str, shift: int) -> SplitCheck | None:
        if stub is None:
            return None
        stub_insns = self.decode_at(stub, 2)
        if len(stub_insns) < 2:
            return None
        target = branch_target(stub_insns[1].ops)
        name = self.names.get(target, "") if target is not None else ""
        if name not in MORESTACK:
            return None
        arg_bytes = 0
        if "args" in name:
            data = self.fw.read(stub_insns[1].end, 2)
            arg_bytes = int.from_bytes(data, "little") if data else 0
        return SplitCheck(threshold, arg_bytes, body, stub, variant, shift)

    # ---- resolution helpers -------------------------------------------------------------
    def resolve_function(self, address: int) -> tuple[int | None, str]:
        """A call target as a function start, seeing through linker veneers (lld thunks) and
        calls straight to the body of a function whose check was dropped (its entry branches there)."""
        address &= ~1
        sym = self.starts.get(address)
        if sym is None:
            i = bisect.bisect_right(self.sorted_starts, address) - 1
            if i >= 0:
                start = self.sorted_starts[i]
                first = self.insn_at.get(start)
                if first is not None and split_mnemonic(first.mnemonic) == ("b", None) \
                        and branch_target(first.ops) == address:
                    return start, "direct"
            return None, "unresolved"
        m = _THUNK.match(sym.name)
        if m and m.group("target") in self.by_name:
            return self.by_name[m.group("target")].address, "veneer"
        return address, "direct"

    def literal(self, ins: Insn) -> int | None:
        """Value loaded by `ldr rX, [pc, #imm]`."""
        ops = operands(ins.ops)
        if len(ops) == 2 and ops[1].replace(" ", "").startswith("[pc"):
            offset = immediate(ops[1]) or 0
            return self.fw.word(((ins.address + 4) & ~3) + offset)
        return None

    # ---- the walk ---------------------------------------------------------------------------
    def analyze(self, sym: Symbol) -> FunctionInfo:
        start, end = self._extent(sym)
        info = FunctionInfo(sym.name, start, end - start)
        if sym.name in RUNTIME_INTERNAL:
            info.returns = True
            return info
        check = self.split_check(start)
        info.check = check
        insns = self.instructions(start, end)
        entry = check.body if check else start
        seen: dict[int, int] = {}
        work = [_State(entry, 0, {})]
        steps = 0
        while work:
            state = work.pop()
            while True:
                steps += 1
                if steps > 200000:
                    info.problems.append("control flow too large to follow")
                    info.unbounded = True
                    return info
                address, depth = state.address, state.depth
                if not start <= address < end:
                    break                                   # fell off the end (after a noreturn call)
                previous = seen.get(address)
                if previous is not None and previous >= depth:
                    break
                seen[address] = depth
                info.frame = max(info.frame, depth)
                ins = insns.get(address)
                if ins is None:
                    break
                if not self._step(ins, state, info, work, start, end):
                    break
        return info

    def _call(self, info: FunctionInfo, ins: Insn, depth: int, target: int | None, kind: str,
              how: str = "direct") -> None:
        if target is None:
            info.calls.append(CallSite(ins.address, depth, (), kind, "unresolved"))
            return
        if kind == "call" and target == ins.address + ins.size:
            # lld links a call to an undefined weak function (`if (hook) hook();`) as a call to
            # the next instruction; the guard around it never lets it run.
            return
        resolved, resolution = self.resolve_function(target)
        if resolved is None:
            info.calls.append(CallSite(ins.address, depth, (), kind, "unresolved"))
            info.problems.append(f"call to {target:#x}, which is not a function, at {ins.address:#x}")
            return
        info.calls.append(CallSite(ins.address, depth, (resolved,), kind,
                                   how if resolution == "direct" else resolution))

    def _step(self, ins: Insn, state: _State, info: FunctionInfo, work: list[_State], start: int,
              end: int) -> bool:
        """Apply one instruction to the state; returns False when this path ends."""
        base, cond = split_mnemonic(ins.mnemonic)
        raw = ins.ops
        if base not in _FLOW and "sp" not in raw and "pc" not in raw:
            # The common case: no control flow, sp untouched. Only register tracking can matter.
            regs = state.regs
            if base in _TRACKING:
                parts = operands(raw)
                self._track(ins, base, cond, parts, regs, state.depth)
                value = regs.get(register(parts[0])) if parts else None
                if value and value[0] == "const":
                    info.constants.add(value[1])
            elif regs:
                dest = register(raw.split(",", 1)[0])
                if dest in regs and _is_write_to(ins, dest):
                    del regs[dest]
            state.address = ins.end
            return True
        ops = raw.replace(" ", "")
        parts = operands(ins.ops)
        regs = state.regs
        nxt = ins.end

        def fork(address: int, depth: int) -> None:
            work.append(_State(address, depth, dict(regs)))

        # ---- control flow ----
        if base == "b":
            target = branch_target(ins.ops)
            if target is None:
                return False
            if start <= target < end:
                if cond:
                    fork(target, state.depth)
                    state.address = nxt
                    return True
                if target == ins.address:
                    return False                            # b . : parked
                state.address = target
                return True
            self._call(info, ins, state.depth, target, "tail")
            if cond:
                state.address = nxt
                return True
            return False
        if base in ("cbz", "cbnz"):
            target = branch_target(ins.ops)
            if target is not None and start <= target < end:
                fork(target, state.depth)
            state.address = nxt
            return True
        if base == "bl":
            self._call(info, ins, state.depth, branch_target(ins.ops), "call")
            self._clobber_call(regs)
            state.address = nxt
            return True
        if base == "blx":
            reg = register(parts[0]) if parts else ""
            value = regs.get(reg)
            if value and value[0] == "const":
                self._call(info, ins, state.depth, value[1], "call", "constant")
            else:
                info.calls.append(CallSite(ins.address, state.depth, (), "call", "unresolved"))
            self._clobber_call(regs)
            state.address = nxt
            return True
        if base == "bx" or (base == "mov" and parts and register(parts[0]) == "pc"):
            reg = register(parts[-1]) if parts else ""
            if reg == "lr":
                info.returns = True
            else:
                value = regs.get(reg)
                if value and value[0] == "const":
                    target = value[1] & ~1
                    if start <= target < end:
                        fork(target, state.depth)
                    else:
                        self._call(info, ins, state.depth, value[1], "tail", "constant")
                elif not self._jump_table(ins, state, work, start, end):
                    if state.depth == 0:
                        info.returns = True                 # a return through another register
                    else:
                        info.problems.append(f"indirect jump through {reg} at {ins.address:#x}")
            if cond:
                state.address = nxt
                return True
            return False
        if base in ("tbb", "tbh"):
            if not self._jump_table(ins, state, work, start, end):
                info.problems.append(f"jump table at {ins.address:#x} could not be read")
            return False

        # ---- stack pointer effects ----
        if base in ("push", "vpush") or (base.startswith("stmdb") and ops.startswith("sp!")):
            self._move(state, register_list_bytes(ins.ops), cond, fork, nxt)
            return True
        if base in ("pop", "vpop") or (base.startswith(("ldm", "ldmia")) and ops.startswith("sp!")):
            regs_popped = register_list(ins.ops)
            if "pc" in regs_popped:
                info.returns = True
                if cond:
                    state.address = nxt
                    return True
                return False
            self._move(state, -register_list_bytes(ins.ops), cond, fork, nxt)
            for r in regs_popped:
                regs.pop(r, None)
            return True
        if parts and register(parts[0]) == "sp" and base in ("sub", "subw", "add", "addw", "subs", "adds"):
            sign = 1 if base.startswith("sub") else -1
            source = parts[1] if len(parts) == 3 else "sp"
            amount_text = parts[-1]
            if register(source) == "sp":
                if amount_text.startswith("#"):
                    self._move(state, sign * immediate(amount_text), cond, fork, nxt)
                    return True
                value = regs.get(register(amount_text))
                if value and value[0] == "const":
                    amount = value[1] if value[1] < 0x80000000 else value[1] - (1 << 32)
                    self._move(state, sign * amount, cond, fork, nxt)
                    return True
            else:
                value = regs.get(register(source))
                if value and value[0] == "sp" and amount_text.startswith("#"):
                    state.depth = value[1] + sign * immediate(amount_text)
                    state.address = nxt
                    return True
            return self._unknown_sp(ins, info)
        if base == "mov" and parts and register(parts[0]) == "sp":
            value = regs.get(register(parts[1]))
            if value and value[0] == "sp":
                state.depth = value[1]
                state.address = nxt
                return True
            if value and value[0] == "const":
                return self._switch_stack(ins, value[1], info)
            return self._unknown_sp(ins, info)
        if base.startswith(("str", "ldr")) and parts and len(parts) >= 2:
            memory = parts[1].replace(" ", "")
            if memory.startswith("[sp") and (ops.endswith("!") or len(parts) == 3):
                if ops.endswith("!"):                       # str rX, [sp, #-4]!
                    self._move(state, -(immediate(memory) or 0), cond, fork, nxt)
                else:                                       # ldr rX, [sp], #4
                    self._move(state, -(immediate(parts[2]) or 0), cond, fork, nxt)
                if base.startswith("ldr") and register(parts[0]) == "pc":
                    info.returns = True
                    return bool(cond)
                if base.startswith("ldr"):
                    regs.pop(register(parts[0]), None)
                return True
        if parts and register(parts[0]) == "sp" and base not in ("cmp", "cmn", "tst") \
                and not base.startswith(("str", "stm", "ldm", "vst", "vld")):
            return self._unknown_sp(ins, info)
        if base in ("msr",) and parts and parts[0].lower() in ("msp", "psp") and info.name not in CONTEXT_SWITCH:
            info.problems.append(f"writes {parts[0]} at {ins.address:#x}")
        if base == "ldr" and register(parts[0]) == "pc":
            info.problems.append(f"indirect jump through memory at {ins.address:#x}")
            return False

        # ---- register constants (for ldr r0, =fn; bx r0 and frame pointers) ----
        self._track(ins, base, cond, parts, regs, state.depth)
        if parts:
            value = regs.get(register(parts[0]))
            if value and value[0] == "const":
                info.constants.add(value[1])
        state.address = nxt
        return True

    def _move(self, state: _State, delta: int, cond: str | None, fork, nxt: int) -> None:
        if cond:
            fork(nxt, state.depth)                          # the condition may fail
        state.depth += delta
        state.address = nxt

    def _unknown_sp(self, ins: Insn, info: FunctionInfo) -> bool:
        info.problems.append(f"changes sp in a way the analysis cannot follow: {ins.mnemonic} {ins.ops} "
                             f"at {ins.address:#x}")
        info.unbounded = True
        return False

    def _switch_stack(self, ins: Insn, address: int, info: FunctionInfo) -> bool:
        """sp set to a constant: the code moves to a static stack (e.g. the fault stack)."""
        obj = self.fw.object_at(address - 1)
        if obj is None or obj.address + obj.size != address:
            return self._unknown_sp(ins, info)
        info.stack_switch = (obj.size, obj.name)
        return False

    @staticmethod
    def _clobber_call(regs: dict[str, tuple[str, int]]) -> None:
        for r in ("r0", "r1", "r2", "r3", "r12", "lr"):
            regs.pop(r, None)

    def _track(self, ins: Insn, base: str, cond: str | None, parts: list[str], regs: dict, depth: int) -> None:
        if not parts:
            return
        dest = register(parts[0])
        if cond:
            regs.pop(dest, None)
            return
        if base in ("ldr",) and len(parts) == 2:
            value = self.literal(ins)
            regs.pop(dest, None)
            if value is not None:
                regs[dest] = ("const", value)
            return
        if base in ("movw", "mov", "movs") and len(parts) == 2:
            src = parts[1].strip()
            if src.startswith("#"):
                regs[dest] = ("const", immediate(src) & 0xFFFFFFFF)
            elif register(src) == "sp":
                regs[dest] = ("sp", depth)
            elif register(src) in regs:
                regs[dest] = regs[register(src)]
            else:
                regs.pop(dest, None)
            return
        if base == "movt" and len(parts) == 2:
            low = regs.get(dest)
            if low and low[0] == "const":
                regs[dest] = ("const", (low[1] & 0xFFFF) | ((immediate(parts[1]) & 0xFFFF) << 16))
            else:
                regs.pop(dest, None)
            return
        if base in ("add", "addw", "adds", "sub", "subw", "subs") and len(parts) == 3 and parts[2].startswith("#"):
            src = register(parts[1])
            amount = immediate(parts[2]) * (1 if base.startswith("add") else -1)
            if src == "sp":
                regs[dest] = ("sp", depth - amount)
                return
            if src == "pc" and amount >= 0:                 # adr
                regs[dest] = ("const", ((ins.address + 4) & ~3) + amount)
                return
            value = regs.get(src)
            if value and value[0] == "sp":                  # arithmetic on a frame pointer
                regs[dest] = ("sp", value[1] - amount)
                return
            if value and value[0] == "const":
                regs[dest] = ("const", (value[1] + amount) & 0xFFFFFFFF)
                return
        if base == "add" and len(parts) == 2 and register(parts[1]) == "pc":     # PIC: add r0, pc
            value = regs.get(dest)
            if value and value[0] == "const":
                regs[dest] = ("const", (value[1] + ins.address + 4) & 0xFFFFFFFF)
            else:
                regs.pop(dest, None)
            return
        if base == "adr" and len(parts) == 2:
            regs[dest] = ("const", ((ins.address + 4) & ~3) + (immediate(parts[1]) or 0))
            return
        if _is_write_to(ins, dest):
            regs.pop(dest, None)

    def _jump_table(self, ins: Insn, state: _State, work: list[_State], start: int, end: int) -> bool:
        """tbb/tbh: the table is the data right after the instruction, up to the next code."""
        base, _ = split_mnemonic(ins.mnemonic)
        if base not in ("tbb", "tbh"):
            return False
        table = ins.end
        i = bisect.bisect_left(self.code_marks, table + 1)
        table_end = self.code_marks[i] if i < len(self.code_marks) else end
        table_end = min(table_end, end)
        width = 1 if base == "tbb" else 2
        data = self.fw.read(table, table_end - table)
        if not data:
            return False
        count = len(data) // width
        for n in range(count):
            entry = int.from_bytes(data[n * width:(n + 1) * width], "little")
            target = ins.address + 4 + 2 * entry
            if start <= target < end:
                work.append(_State(target, state.depth, dict(state.regs)))
        return True
