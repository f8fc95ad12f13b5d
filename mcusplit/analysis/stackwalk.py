"""The stack walker: what each function does to the stack, read from its machine code.

For every function symbol: whether it starts with mcusplit's split-stack check (and the room it
demands), how deep its own frame goes, every call it makes with the stack depth at that call,
and everything it cannot classify (an *unknown*, with its address).

The walk is an abstract interpretation over the control-flow graph. Its state at an instruction
is the stack depth below the entry sp, what some registers and stack slots are known to hold
(a constant, a small set of constants, a pointer into the frame, the function's return address,
a word loaded from a known table), and the last compare (to bound a jump table's index). States
that meet at one address and depth are joined (what differs is forgotten) and the successor is
walked again only if the join lost something, so loops end. Every instruction has a class
(insnclass.py) with an explicit meaning here; what no class covers is unknown.

Return or not is decided by what the register holds, never by guessing: `bx rX` returns only
when rX holds the return address it had at entry (followed through pushes and pops), and an
indirect jump is a tail call only when the frame is gone and lr holds that return address; a
jump through a table in the function's own code is a jump table and needs a bounded index.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..contract import decode_check
from . import insnclass as K
from .elf import Firmware, Symbol
from .functions import MORESTACK, RUNTIME_INTERNAL, CallSite, FunctionInfo, SplitCheck, Unknown
from .thumb import Insn, branch_target, decode_with_gaps, immediate, operands, register, register_list

# GCC's Thumb-1 switch helpers (libgcc): `bl __gnu_thumb1_case_uqi` with the index in r0 and the
# table of offsets right after the bl; the helper returns into the chosen case. name -> (entry
# width, signed, the helper's own frame).
CASE_HELPERS = {"__gnu_thumb1_case_sqi": (1, True, 4), "__gnu_thumb1_case_uqi": (1, False, 4),
                "__gnu_thumb1_case_shi": (2, True, 8), "__gnu_thumb1_case_uhi": (2, False, 8),
                "__gnu_thumb1_case_si": (4, True, 8)}
VTOR = 0xE000ED08          # SCB->VTOR: a store here moves the vector table
MAX_SET = 1024              # jump tables with more entries than this are unknown
MAX_STEPS = 400_000         # per function: beyond this the walk gives up (unknown)
MAX_DEPTHS = 32             # distinct stack depths at one address: a loop that grows the stack
CALLER_SAVED = ("r0", "r1", "r2", "r3", "r12", "lr")
RET = ("ret",)

# Value kinds: ("c", v) a constant; ("s", frozenset) one of a few constants; ("sp", d) the entry
# sp minus d; ("ssp", name, d) a static stack's top minus d; RET the function's return address;
# ("ld", base) a word loaded from base + something unknown (a table at base).

# Data-processing instructions with one destination (the first operand) that the walk evaluates.
_BINARY = {
    "add": lambda a, b: a + b, "adds": lambda a, b: a + b, "addw": lambda a, b: a + b,
    "sub": lambda a, b: a - b, "subs": lambda a, b: a - b, "subw": lambda a, b: a - b,
    "lsl": lambda a, b: a << (b & 31), "lsls": lambda a, b: a << (b & 31),
    "lsr": lambda a, b: a >> (b & 31), "lsrs": lambda a, b: a >> (b & 31),
    "and": lambda a, b: a & b, "ands": lambda a, b: a & b,
    "orr": lambda a, b: a | b, "orrs": lambda a, b: a | b,
    "eor": lambda a, b: a ^ b, "eors": lambda a, b: a ^ b,
    "bic": lambda a, b: a & ~b, "bics": lambda a, b: a & ~b,
    "mul": lambda a, b: a * b, "muls": lambda a, b: a * b,
}
_ADD_SUB = frozenset({"add", "adds", "addw", "sub", "subs", "subw"})
_UNARY = {
    "mov": lambda a: a, "movs": lambda a: a, "mvn": lambda a: ~a, "mvns": lambda a: ~a,
    "uxtb": lambda a: a & 0xFF, "uxth": lambda a: a & 0xFFFF,
}
# Instructions with exactly one written register, the first operand (everything else kills every
# register it names: over-forgetting is safe, keeping a stale value is not).
_SINGLE_DEST = re.compile(
    r"^(mov|movs|mvn|mvns|movw|movt|add|adds|addw|adc|adcs|sub|subs|subw|sbc|sbcs|rsb|rsbs|and|ands|orr|orrs|"
    r"orn|orns|eor|eors|bic|bics|lsl|lsls|lsr|lsrs|asr|asrs|ror|rors|rrx|rrxs|mul|muls|mla|mls|sdiv|udiv|"
    r"clz|rbit|rev|rev16|revsh|uxtb|uxth|sxtb|sxth|uxtab|uxtah|sxtab|sxtah|ubfx|sbfx|bfi|bfc|ssat|usat|"
    r"adr|mrs|ldr|ldrb|ldrh|ldrsb|ldrsh|ldrt|ldrbt|ldrht|ldrsbt|ldrsht|ldrex|ldrexb|ldrexh|lda|ldab|ldah|"
    r"vmrs|qadd|qsub|sel|usad8|smmul|smmla|smulbb|smulbt|smultb|smultt|smulwb|smulwt|smlabb)$")
# Instructions that write no register at all (the others may write the first operand at least).
_NO_DEST = re.compile(r"^(cmp|cmn|tst|teq|str(?!ex)\w*|stm\w*|stl(?!ex)\w*|push|vpush|vst\w*|pld\w*|pli|it\w*|nop|"
                      r"wfi|wfe|sev|yield|dmb|dsb|isb|svc|bkpt|cps\w*|msr|vmsr|vcmp\w*|dbg|clrex|csdb)$")
# Mnemonics ending in "s" that do not set the condition flags (multiply-subtract, reads of special
# registers); every other data-processing mnemonic sets them only with its S suffix, and no
# floating-point instruction does except `vmrs APSR_nzcv, fpscr`.
_S_WITHOUT_FLAGS = frozenset({"mls", "mrs", "smmls", "smmlsr"})


def _sets_flags(base: str, ops: str) -> bool:
    if base in ("cmp", "cmn", "tst", "teq"):
        return True
    if base == "vmrs" or base == "msr":
        return "apsr" in ops.lower()
    if base.startswith("v") or base in _S_WITHOUT_FLAGS:
        return False
    return base.endswith("s")


_CONDITIONS_UNSIGNED_BOUND = {"ls": 0, "lo": -1, "cc": -1}   # taken: index <= bound + delta


@dataclass
class _State:
    address: int
    depth: int
    regs: dict
    slots: dict             # depth key -> value (the word at entry sp - key)
    flags: tuple | None     # (register, bound) of the last `cmp reg, #bound` still in force
    stack: tuple | None = None   # (name, size, top) on a static stack; depth is then below its top
    after_call: int | None = None   # the callee when the previous instruction was a call
    own_slots: dict | None = None   # the function's own stack slots while it runs on a static stack
    # inside an IT block: (its first condition, whether that holds on this path, instructions left)
    it: tuple | None = None

    def fork(self, address: int, **changes) -> _State:
        s = _State(address, self.depth, dict(self.regs), dict(self.slots), self.flags, self.stack, None,
                   dict(self.own_slots) if self.own_slots is not None else None, self.it)
        for key, value in changes.items():
            setattr(s, key, value)
        return s


def _values(v) -> frozenset | None:
    if v is None:
        return None
    if v[0] == "c":
        return frozenset((v[1],))
    if v[0] == "s":
        return v[1]
    return None


def _make(values) -> tuple | None:
    values = frozenset(x & 0xFFFFFFFF for x in values)
    if not values or len(values) > MAX_SET:
        return None
    if len(values) == 1:
        return ("c", next(iter(values)))
    return ("s", values)


def _join(a: dict, b: dict, widen: bool = False) -> dict:
    """What holds on both paths: equal values; two small sets of constants merge into one (an index
    bounded differently on two paths), unless `widen` (a loop has changed it too often already)."""
    out = {}
    for k, v in a.items():
        w = b.get(k)
        if w == v:
            out[k] = v
        elif not widen and w is not None:
            va, vb = _values(v), _values(w)
            if va is not None and vb is not None:
                merged = _make(va | vb)
                if merged is not None:
                    out[k] = merged
    return out


MAX_MERGES = 8              # set merges at one place before values that keep changing are dropped


class StackWalker:
    """Walks the functions of one firmware image."""

    def __init__(self, fw: Firmware) -> None:
        self.fw = fw
        # One function per address: aliases (weak vector names pointing at Default_Handler, clang's
        # local aliases) collapse onto the preferred symbol: global, then strong, then shortest name.
        best: dict[int, Symbol] = {}

        def rank(s: Symbol) -> tuple:
            return (s.binding == "STB_GLOBAL", s.binding != "STB_WEAK", -len(s.name), s.name)

        for s in fw.functions():
            current = best.get(s.address)
            if current is None or rank(s) > rank(current):
                best[s.address] = s
        self.functions = sorted(best.values(), key=lambda s: s.address)
        self.starts = {s.address: s for s in self.functions}
        self.sorted_starts = sorted(self.starts)
        self.names = {s.address: s.name for s in self.functions}
        self.by_name = {s.name: s for s in self.functions}
        self.insn_at: dict[int, Insn] = {}
        self.gaps: set[int] = set()
        for span_start, code in fw.code_spans():
            insns, gaps = decode_with_gaps(code, span_start)
            for ins in insns:
                self.insn_at[ins.address] = ins
            self.gaps.update(gaps)
        self.noreturn: set[int] = set()     # functions proven never to return (filled by the analysis)
        # Code that other code jumps into the middle of (libgcc's shared division-by-zero path): walked
        # as an entry of its own, named after the function it is in.
        self.synthetic: dict[int, Symbol] = {}
        self.pending_synthetic: list[Symbol] = []
        # The runtime's scheduler switch (firmware/tasks/switch_v*.S) may write PSP and return into
        # another task: trusted only when it is the runtime's (its own symbol, and the scheduler).
        switch = fw.by_name.get("mcusplit_context_switch")
        self.context_switch = switch.address if switch is not None and "mcusplit_tasks_run" in fw.by_name else None
        # The runtime's setjmp/longjmp (firmware/core/setjmp.S): longjmp ends a path (it resumes at a
        # setjmp, whose walk counts what the jump does there); recognised with its release helper.
        self.runtime_longjmp = "mcusplit_release_segments" in fw.by_name
        # The runtime's hooks table (struct mcusplit_hooks): the core walks it in a loop whose end the
        # walk cannot see, so a pointer read from it (or from the empty record linker/common.ld puts
        # after it, which the walk reads one pass past the end) is not a constant; the calls
        # through those pointers resolve from the table itself (registry.py, callgraph.py).
        hooks = (fw.absolute("__mcusplit_hooks_start"), fw.absolute("__mcusplit_hooks_end"))
        self.opaque = (hooks[0], hooks[1] + 12) if None not in hooks else None
        # The walk met a floating-point instruction: exceptions may stack the FP frame (set by the
        # walk, so bytes of data that decode as one do not count).
        self.uses_fp = False
        self.vtor_writes: list[tuple[int, tuple | None]] = []   # (address, value stored) into SCB->VTOR

    # ---- decoding -------------------------------------------------------------------------
    def extent(self, sym: Symbol) -> tuple[int, int]:
        if sym.size:
            return sym.address, sym.address + sym.size
        i = bisect.bisect_right(self.sorted_starts, sym.address)
        end = self.sorted_starts[i] if i < len(self.sorted_starts) else sym.address + 2
        return sym.address, end

    def decode_at(self, address: int, count: int) -> list[Insn]:
        out = []
        while len(out) < count:
            ins = self.insn_at.get(address)
            if ins is None:
                break
            out.append(ins)
            address = ins.end
        return out

    # ---- the split-stack check (its encoding: codegen/prologue.py) -------------------------
    def split_check(self, start: int) -> SplitCheck | None:
        """The check at a function's entry (its encoding: mcusplit/contract.py)."""
        decoded = decode_check(self.decode_at(start, 7))
        if decoded is None:
            return None
        variant, threshold, shift, body, stub = decoded
        return self._with_stub(threshold, body, stub, variant, shift)

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
            if address in self.synthetic:
                return address, "direct"
            i = bisect.bisect_right(self.sorted_starts, address) - 1
            if i >= 0:
                start = self.sorted_starts[i]
                first = self.insn_at.get(start)
                if first is not None and (first.base, first.cond) == ("b", None) \
                        and branch_target(first.ops) == address:
                    return start, "direct"
            return None, "unresolved"
        return address, "direct"

    def entry_inside(self, address: int) -> int | None:
        """A jump into the body of another function: that code becomes an entry of its own."""
        address &= ~1
        if address not in self.insn_at:
            return None
        i = bisect.bisect_right(self.sorted_starts, address) - 1
        if i < 0:
            return None
        owner = self.starts[self.sorted_starts[i]]
        start, end = self.extent(owner)
        if not start < address < end:
            return None
        if address not in self.synthetic:
            sym = Symbol(f"{owner.name}+{address - start:#x}", address, end - address, "STT_FUNC", "STB_LOCAL")
            self.synthetic[address] = sym
            self.pending_synthetic.append(sym)
        return address

    def _read_values(self, addresses: frozenset, width: int, signed: bool) -> frozenset | None:
        out = set()
        for address in addresses:
            if self.opaque is not None and self.opaque[0] <= address < self.opaque[1]:
                return None
            data = self.fw.read_only(address, width)
            if data is None:
                return None
            out.add(int.from_bytes(data, "little", signed=signed))
        return frozenset(out)

    # ---- the walk ---------------------------------------------------------------------------
    def analyze(self, sym: Symbol) -> FunctionInfo:
        start, end = self.extent(sym)
        info = FunctionInfo(sym.name, start, end - start)
        if sym.name in RUNTIME_INTERNAL:
            info.returns = True
            return info
        if sym.name in CASE_HELPERS:
            info.frame = CASE_HELPERS[sym.name][2]      # modelled at every call (_case_table)
            info.returns = True
            return info
        if sym.name in ("longjmp", "_longjmp") and self.runtime_longjmp:
            return info                                 # never returns to its caller; see setjmp
        if sym.name in ("setjmp", "_setjmp") and self.runtime_longjmp:
            # A longjmp back here gives the skipped segments back from this very stack.
            release = self.by_name["mcusplit_release_segments"].address
            info.calls.append(CallSite(start, 0, (release,), "call", "direct"))
        check = self.split_check(start)
        info.check = check
        walk = _Walk(self, info, start, end, check.body if check else start)
        if info.calls:                                  # calls modelled before the walk (setjmp)
            for call in info.calls:
                walk.call(call)
        walk.run()
        return info


class _Work(list):
    """The pending paths; every address a path starts from is a place where paths meet."""

    def __init__(self, walk: _Walk) -> None:
        super().__init__()
        self.walk = walk

    def append(self, state: _State) -> None:
        self.walk.joins.add(state.address)
        super().append(state)


class _Walk:
    """One function's walk (the state of the fixpoint)."""

    def __init__(self, walker: StackWalker, info: FunctionInfo, start: int, end: int, entry: int) -> None:
        self.w = walker
        self.info = info
        self.start, self.end, self.entry = start, end, entry
        self.seen: dict[tuple[int, int, tuple | None], tuple[dict, dict, tuple | None]] = {}
        self.depths: dict[int, set[int]] = {}
        self.work = _Work(self)
        self.joins: set[int] = {entry}
        self.merges: dict[tuple, int] = {}
        self.reported: set[tuple[int, str]] = set()
        self.calls: dict[tuple, CallSite] = {}

    # -- bookkeeping --
    def unknown(self, address: int, reason: str) -> None:
        if (address, reason) not in self.reported:
            self.reported.add((address, reason))
            self.info.unknowns.append(Unknown(address, reason))

    def call(self, site: CallSite) -> None:
        key = (site.address, site.targets, site.kind, site.stack)
        previous = self.calls.get(key)
        if previous is None or previous.depth < site.depth:
            self.calls[key] = site

    def inside(self, address: int) -> bool:
        return self.start <= address < self.end

    def run(self) -> None:
        regs = {"lr": RET}
        self.work.append(_State(self.entry, 0, regs, {}, None))
        steps = 0
        while self.work:
            state = self.work.pop()
            while state is not None:
                steps += 1
                if steps > MAX_STEPS:
                    self.unknown(state.address, "control flow too large to follow")
                    self.work.clear()
                    break
                state = self.visit(state)
        self.info.calls = sorted(self.calls.values(), key=lambda c: (c.address, c.targets))

    def visit(self, state: _State) -> _State | None:
        """Merge the state into what is known at its address when control can meet there (a branch
        target, a forked path); step if something new is left."""
        address = state.address
        if not self.inside(address):
            self.off_the_end(state, "execution runs past the end of the function")
            return None
        if address in self.joins:
            key = (address, state.depth, state.stack, state.it)
            known = self.seen.get(key)
            if known is not None:
                merges = self.merges.get(key, 0) + 1
                self.merges[key] = merges
                widen = merges > MAX_MERGES
                regs, slots = _join(known[0], state.regs, widen), _join(known[1], state.slots, widen)
                flags = state.flags if state.flags == known[2] else None
                own = _join(known[3], state.own_slots, widen) \
                    if known[3] is not None and state.own_slots is not None else None
                if (regs, slots, flags, own) == known:
                    return None
                state.regs, state.slots, state.flags, state.own_slots = regs, slots, flags, own
            else:
                depths = self.depths.setdefault(address, set())
                depths.add(state.depth)
                if len(depths) > MAX_DEPTHS:
                    self.unknown(address, "the stack grows on every pass of a loop")
                    return None
            self.seen[key] = (dict(state.regs), dict(state.slots), state.flags,
                              dict(state.own_slots) if state.own_slots is not None else None)
        if state.stack is None:
            if state.depth > self.info.frame:
                self.info.frame = state.depth
        else:
            name, size, top = state.stack
            _, _, deepest = self.info.static_frames.get(name, (size, top, 0))
            self.info.static_frames[name] = (size, top, max(deepest, state.depth))
        ins = self.w.insn_at.get(address)
        if ins is None:
            self.off_the_end(state, "no instruction here (data, or code the decoder cannot read)")
            return None
        nxt = self.step(ins, state)
        if nxt is not None and nxt.address != ins.end:
            self.joins.add(nxt.address)
        return nxt

    def off_the_end(self, state: _State, reason: str) -> None:
        callee = state.after_call
        if callee is not None:
            # Right after a call: fine when the callee never returns (decided once every function
            # has been walked: see analyze.py); recorded as a conditional unknown until then.
            self.unknown(state.address, f"{reason}, after a call to {callee:#x} that may return")
            return
        self.unknown(state.address, reason)

    # -- one instruction --
    def step(self, ins: Insn, state: _State) -> _State | None:
        if ins.base == "it" and ins.ops:
            return self.it_block(ins, state)
        if state.it is not None:
            first, holds, left = state.it
            state.it = (first, holds, left - 1) if left > 1 and ins.cond else None
            if ins.cond:
                if holds != (ins.cond == first):
                    state.address = ins.end         # skipped on this path
                    return state
                ins = ins._replace(cond=None)        # executed on this path: unconditionally
        kind = K.classify(ins.base, ins.ops)
        if ins.base[0] == "v":
            self.w.uses_fp = True
        after_call = None
        if kind == K.PLAIN:
            self.plain(ins, state)
            nxt = state
        else:
            handler = _HANDLERS[kind]
            nxt, after_call = handler(self, ins, state)
        if nxt is not None:
            nxt.after_call = after_call
        return nxt

    def it_block(self, ins: Insn, state: _State) -> _State:
        """`it<x><y><z> cond`: one path on which the condition holds, one on which it does not.
        Every instruction of the block then runs or not as its condition says on that path (the
        `addeq sp` and `bxeq lr` of an epilogue go together; deciding each alone would pair them
        wrongly)."""
        first = ins.ops.strip().lower()
        count = len(_strip_it(ins.mnemonic))
        if self._plain_block(ins.end, count):
            # Only data processing: each instruction keeps the old or takes the new value (set_reg),
            # one path is enough and twice the paths would cost time for nothing.
            state.address = ins.end
            return state
        holds = state.fork(ins.end, it=(first, True, count))
        fails = state.fork(ins.end, it=(first, False, count))
        _refine(fails, holds, first)
        self.work.append(fails)
        return holds

    def _plain_block(self, address: int, count: int) -> bool:
        """Whether the `count` instructions of an IT block from `address` neither move sp, nor
        change control flow, nor compare (a compare inside the block must keep its condition)."""
        for _ in range(count):
            ins = self.w.insn_at.get(address)
            if ins is None or K.classify(ins.base, ins.ops) != K.PLAIN or ins.base in ("cmp", "cmn", "tst", "teq"):
                return False
            address = ins.end
        return True

    def conditional(self, ins: Insn, state: _State) -> None:
        """A conditional instruction that ends the path: the path also goes on when it fails."""
        if ins.cond:
            self.work.append(state.fork(ins.end))

    # -- register values --
    def value(self, state: _State, operand: str, ins: Insn) -> tuple | None:
        operand = operand.strip()
        if operand.startswith("#"):
            v = immediate(operand)
            return None if v is None else ("c", v & 0xFFFFFFFF)
        name = register(operand)
        if name == "pc":
            return ("c", ins.address + 4)
        if name == "sp":
            return ("sp", state.depth) if state.stack is None else ("ssp", state.stack[0], state.depth)
        return state.regs.get(name)

    def set_reg(self, state: _State, name: str, value: tuple | None, ins: Insn) -> None:
        if ins.cond:                                   # IT block: either the old or the new value
            if state.regs.get(name) != value:
                state.regs.pop(name, None)
            if state.flags and state.flags[0] == name:
                state.flags = None                     # a compare's bound on it no longer holds
            return
        if value is None:
            state.regs.pop(name, None)
        else:
            state.regs[name] = value
            for v in _values(value) or ():
                self.info.constants.add(v)
        if state.flags and state.flags[0] == name:
            state.flags = None

    def kill(self, state: _State, ins: Insn) -> None:
        """Forget every register the instruction may write."""
        if _NO_DEST.match(ins.base):
            names = ()
        elif _SINGLE_DEST.match(ins.base):
            parts = operands(ins.ops)
            names = (register(parts[0]),) if parts else ()
        else:
            names = [register(p) for p in re.findall(r"\b(r\d+|sb|sl|fp|ip|lr)\b", ins.ops)]
        for name in names:
            state.regs.pop(name, None)
            if state.flags and state.flags[0] == name:
                state.flags = None
        wb = re.search(r"\[(r\d+|sb|sl|fp|ip|lr)[^\]]*\](!|,)", ins.ops)
        if wb:                                          # writeback on a base register
            state.regs.pop(register(wb.group(1)), None)

    def arith(self, base: str, a: tuple | None, b: tuple | None) -> tuple | None:
        if base in ("and", "ands") and (a is None) != (b is None):
            mask = _values(b if a is None else a)           # x & m takes only the values m allows
            if mask is not None and len(mask) == 1 and next(iter(mask)) < MAX_SET:
                m = next(iter(mask))
                return _make(v for v in range(m + 1) if v & ~m == 0)
        if base in ("lsr", "lsrs") and a is None and b is not None and b[0] == "c" and 32 - (b[1] & 31) <= 10:
            return _make(range(1 << (32 - (b[1] & 31))))    # a 32-bit value shifted right by 22 or more
        if base in ("lsl", "lsls") and a is None and b is not None and b[0] == "c" and 0 < 32 - (b[1] & 31) <= 10:
            # shifted left by 22 or more: only its low bits survive, at the top (`lsls #30; lsrs #28`
            # takes a 4-word table's offset out of a value, Thumb-1's `(x & 3) * 4`)
            shift = b[1] & 31
            return _make(k << shift for k in range(1 << (32 - shift)))
        if base in ("and", "ands", "bic", "bics") and a is not None and a[0] in ("sp", "ssp") and b is not None \
                and b[0] == "c":
            # an sp aligned down (over-aligned locals): at most the alignment less a word deeper
            low = (~b[1] & 0xFFFFFFFF) if base.startswith("and") else b[1]
            if low and low & (low + 1) == 0 and low < (1 << 16):
                return ("sp", a[1] + low - 3) if a[0] == "sp" else ("ssp", a[1], a[2] + low - 3)
            return None
        if a is None or b is None:
            return None
        if a[0] in ("sp", "ssp") and b[0] == "c" and base in _ADD_SUB:
            delta = b[1] if b[1] < 0x80000000 else b[1] - (1 << 32)
            delta = delta if base.startswith("add") else -delta
            return ("sp", a[1] - delta) if a[0] == "sp" else ("ssp", a[1], a[2] - delta)
        va, vb = _values(a), _values(b)
        if va is None or vb is None or len(va) * len(vb) > MAX_SET:
            return None
        op = _BINARY[base]
        return _make(op(x, y) for x in va for y in vb)

    def plain(self, ins: Insn, state: _State) -> None:
        base = ins.base
        parts = operands(ins.ops)
        if base in ("cmp", "cmn", "tst", "teq"):
            state.flags = None
            if base == "cmp" and len(parts) == 2:
                reg, bound = register(parts[0]), self.value(state, parts[1], ins)
                if bound is not None and bound[0] == "c" and not ins.cond:
                    state.flags = (reg, bound[1])
            state.address = ins.end
            return
        if state.flags and _sets_flags(base, ins.ops):
            state.flags = None
        if not parts:
            state.address = ins.end
            return
        dest = register(parts[0])
        base_value = self.value(state, parts[0].rstrip("!"), ins) if base.startswith(("stm", "ldm")) else None
        if base.startswith(("stm", "ldm")) and len(parts) == 2 and base_value is not None \
                and base_value[0] in ("sp", "ssp"):
            self.multiple(ins, state, register(parts[0].rstrip("!")))
        elif base.startswith("ldr") and len(parts) >= 2 and parts[1].startswith("["):
            self.load(ins, state, dest, parts)
        elif base.startswith(("str", "vstr")):
            self.store(ins, state, parts)
            if base.startswith(("strex", "stlex")):
                self.set_reg(state, dest, None, ins)    # the status register
        elif base in ("mov", "movs", "mvn", "mvns", "uxtb", "uxth") and len(parts) == 2:
            value = self.unary(base, self.value(state, parts[1], ins))
            if value is None and base == "uxtb":
                value = _make(range(256))
            self.set_reg(state, dest, value, ins)
        elif base == "ubfx" and len(parts) == 4:
            width = immediate(parts[3]) or 32
            source = _values(self.value(state, parts[1], ins))
            lsb = immediate(parts[2]) or 0
            if source is not None:
                value = _make((v >> lsb) & ((1 << width) - 1) for v in source)
            else:
                value = _make(range(1 << width)) if width <= 10 else None
            self.set_reg(state, dest, value, ins)
        elif base == "bfc" and len(parts) == 3 and (immediate(parts[1]) or 0) == 0:
            current = state.regs.get(dest)
            width = immediate(parts[2]) or 0
            # bfc rd, #0, #w is bic rd, rd, #(2^w - 1): an sp aligned down is handled there (arith)
            value = self.arith("bic", current, ("c", (1 << width) - 1)) if current is not None and width else None
            self.set_reg(state, dest, value, ins)
        elif base == "movw" and len(parts) == 2:
            self.set_reg(state, dest, self.value(state, parts[1], ins), ins)
        elif base == "movt" and len(parts) == 2:
            low = state.regs.get(dest)
            high = immediate(parts[1])
            self.set_reg(state, dest, ("c", (low[1] & 0xFFFF) | ((high & 0xFFFF) << 16))
                         if low and low[0] == "c" and high is not None else None, ins)
        elif base == "adr" and len(parts) == 2:
            address = ((ins.address + 4) & ~3) + (immediate(parts[1]) or 0)
            self.info.pc_relative.add(address)
            self.set_reg(state, dest, ("c", address), ins)
        elif base in _BINARY and len(parts) in (2, 3):
            first, second = (parts[0], parts[1]) if len(parts) == 2 else (parts[1], parts[2])
            a = self.value(state, first, ins)
            if register(first) == "pc" and base in ("add", "addw", "sub", "subw") and len(parts) == 3:
                a = ("c", (ins.address + 4) & ~3)      # adr: add/sub rd, pc, #imm uses Align(pc, 4)
            result = self.arith(base, a, self.value(state, second, ins))
            if register(first) == "pc" or register(second) == "pc":
                self.info.pc_relative.update(_values(result) or ())
            self.set_reg(state, dest, result, ins)
        else:
            self.kill(state, ins)
        state.address = ins.end

    def multiple(self, ins: Insn, state: _State, base_register: str) -> None:
        """stm/ldm through a register holding a frame address: words at base, base + 4, ...
        (increment after), and with writeback the base moves past them."""
        base = self.value(state, base_register, ins)
        regs = register_list(ins.ops)
        incrementing = not ins.base.startswith(("stmdb", "ldmdb", "stmfd", "ldmea"))
        own = base is not None and base[0] == "sp" and state.stack is None
        static = base is not None and base[0] == "ssp" and state.stack is not None and base[1] == state.stack[0]
        if not (own or static) or not incrementing or ins.cond or base_register in regs:
            if ins.base.startswith("stm"):
                state.slots.clear()                     # somewhere in the frame: forget it all
            self.kill(state, ins)
            return
        depth = base[1] if base[0] == "sp" else base[2]
        for i, r in enumerate(regs):
            key = depth - 4 * i
            if ins.base.startswith("stm"):
                self.store_slots(state, key, 4, state.regs.get(r))
                self.below_sp(state, key)
            else:
                self.set_reg(state, r, state.slots.get(key), ins)
        if "!" in ins.ops:
            moved = depth - 4 * len(regs)
            self.set_reg(state, base_register, ("sp", moved) if own else ("ssp", base[1], moved), ins)

    def unary(self, base: str, value: tuple | None) -> tuple | None:
        if value is None:
            return None
        if base in ("mov", "movs"):
            return value
        values = _values(value)
        return None if values is None else _make(_UNARY[base](v) for v in values)

    def address_of(self, ins: Insn, state: _State, memory: str, rest: tuple[str, ...]) -> tuple:
        """(kind, values-or-base): ("const", addresses) for a known set, ("slot", key, stack) for a
        stack slot, ("table", base) for base + unknown index, (None,) otherwise."""
        inner = memory.strip()[1:].split("]")[0]
        pieces = [p.strip() for p in inner.split(",")]
        base_name = register(pieces[0].split(":")[0])
        if base_name == "pc":
            base_value = ("c", ((ins.address + 4) & ~3) if ins.base.startswith(("ldr", "vldr")) else ins.address + 4)
        else:
            base_value = self.value(state, base_name, ins)
        offset: tuple | None = ("c", 0)
        if len(pieces) >= 2:
            if pieces[1].startswith("#"):
                offset = ("c", (immediate(pieces[1]) or 0) & 0xFFFFFFFF)
            else:
                offset = self.value(state, pieces[1], ins)
                if offset is not None and len(pieces) >= 3 and pieces[2].startswith("lsl"):
                    offset = self.arith("lsl", offset, ("c", immediate(pieces[2]) or 0))
        if base_value is not None and base_value[0] in ("sp", "ssp") and offset is not None and offset[0] == "c":
            disp = offset[1] if offset[1] < 0x80000000 else offset[1] - (1 << 32)
            if base_value[0] == "sp":
                return ("slot", base_value[1] - disp, None)
            return ("slot", base_value[2] - disp, base_value[1])
        if base_value is not None and base_value[0] in ("c", "s"):
            total = self.arith("add", base_value, offset) if offset is not None else None
            if total is not None:
                return ("const", _values(total))
            if base_value[0] == "c":
                return ("table", base_value[1])
        return (None,)

    def load(self, ins: Insn, state: _State, dest: str, parts: tuple[str, ...]) -> None:
        base = ins.base
        width = 1 if base.startswith(("ldrb", "ldrsb")) else 2 if base.startswith(("ldrh", "ldrsh")) else 4
        signed = base.startswith(("ldrsb", "ldrsh"))
        if base.startswith(("ldrd", "ldrex", "lda")) or "!" in ins.ops or len(parts) > 2:
            self.kill(state, ins)           # two destinations, or writeback: not tracked
            return
        where = self.address_of(ins, state, parts[1], parts[2:])
        value = None
        if where[0] == "slot" and width == 4 and where[2] == (state.stack[0] if state.stack else None):
            value = state.slots.get(where[1])
        elif where[0] == "const":
            loaded = self.w._read_values(where[1], width, signed)
            value = _make(loaded) if loaded is not None else None
            if value is None and len(where[1]) == 1:
                value = ("ld", next(iter(where[1])))
        elif where[0] == "table":
            value = ("ld", where[1])
        self.set_reg(state, dest, value, ins)

    def store(self, ins: Insn, state: _State, parts: tuple[str, ...]) -> None:
        """A store into the frame replaces what the walk knows of those slots (a store through a
        pointer the walk does not know is assumed not to hit the saved return address)."""
        memory_index = next((i for i, p in enumerate(parts) if p.startswith("[")), None)
        if memory_index is None:
            return
        base = ins.base
        data = parts[:memory_index]
        if base.startswith(("strd", "vstr")) or len(data) != 1:
            width = 8 if base.startswith("strd") or (base.startswith("vstr") and parts[0].startswith("d")) else 4
        else:
            width = 1 if base.startswith("strb") else 2 if base.startswith("strh") else 4
        where = self.address_of(ins, state, parts[memory_index], ())
        if where[0] == "const" and VTOR in where[1]:
            self.w.vtor_writes.append((ins.address, state.regs.get(register(data[0])) if data else None))
        if where[0] == "slot" and where[2] == (state.stack[0] if state.stack else None):
            value = state.regs.get(register(data[0])) if len(data) == 1 and width == 4 and not base.startswith(
                "vstr") else None
            if ins.cond:
                value = None
            self.store_slots(state, where[1], width, value)
            self.below_sp(state, where[1])
        if "!" in ins.ops or len(parts) > memory_index + 1:
            self.kill(state, ins)

    # -- stack slots --
    def store_slots(self, state: _State, key: int, width: int, value: tuple | None) -> None:
        for k in [k for k in state.slots if k - 4 < key and key - width < k]:
            del state.slots[k]                          # any slot the store overlaps
        if width == 4 and value is not None:
            state.slots[key] = value

    def below_sp(self, state: _State, key: int) -> None:
        """A store below sp (`str r0, [sp, #-600]`) uses the stack as far down as it writes."""
        if key > state.depth:
            if state.stack is None:
                self.info.frame = max(self.info.frame, key)
            else:
                name, size, top = state.stack
                _, _, deepest = self.info.static_frames.get(name, (size, top, 0))
                self.info.static_frames[name] = (size, top, max(deepest, key))

    def drop_dead_slots(self, state: _State) -> None:
        for k in [k for k in state.slots if k > state.depth]:
            del state.slots[k]


# ---- handlers: one per instruction class (insnclass.py) ---------------------------------------
def _branch(walk: _Walk, ins: Insn, state: _State):
    target = branch_target(ins.ops)
    if target is None:
        walk.unknown(ins.address, f"branch without a target: {ins.mnemonic} {ins.ops}")
        return None, None
    taken = state.fork(target)
    _refine(state, taken, ins.cond)
    if target == walk.start and walk.entry != walk.start:
        _self_tail(walk, ins, state)                    # back through its own check
    elif walk.inside(target):
        if not ins.cond:
            return (None if target == ins.address else taken), None     # b . : parked for good
        walk.work.append(taken)
    else:
        _tail(walk, ins, state, target)
    return (_continue(state, ins) if ins.cond else None), None


def _continue(state: _State, ins: Insn) -> _State:
    state.address = ins.end
    return state


def _refine(fallthrough: _State, taken: _State, cond: str | None) -> None:
    """A conditional branch after `cmp reg, #bound`: the index's range on each edge."""
    if not cond or not fallthrough.flags:
        return
    reg, bound = fallthrough.flags
    inverse = {"hi": "ls", "hs": "lo", "cs": "cc", "ls": "hi", "lo": "hs", "cc": "cs", "eq": "ne", "ne": "eq"}
    for edge, c in ((taken, cond), (fallthrough, inverse.get(cond))):
        if c in _CONDITIONS_UNSIGNED_BOUND:
            top = bound + _CONDITIONS_UNSIGNED_BOUND[c]
            if 0 <= top < MAX_SET:
                known = _values(edge.regs.get(reg))
                allowed = frozenset(range(top + 1))
                edge.regs[reg] = _make(known & allowed if known is not None else allowed) or ("c", 0)
        elif c == "eq":
            edge.regs[reg] = ("c", bound & 0xFFFFFFFF)


def _self_tail(walk: _Walk, ins: Insn, state: _State) -> None:
    if state.regs.get("lr") != RET:
        walk.unknown(ins.address, "jump back to its own entry with lr not holding its return address")
        return
    if state.depth == 0 and state.stack is None:
        # The same room as this very call: re-entering changes nothing the analysis counts.
        walk.info.self_tail_calls.append(ins.address)
    else:
        walk.call(CallSite(ins.address, state.depth, (walk.start,), "tail", "direct"))


def _tail(walk: _Walk, ins: Insn, state: _State, target: int, how: str = "direct") -> None:
    if state.depth != 0 and state.stack is None:
        walk.unknown(ins.address, f"jump out of the function to {target:#x} with its frame still on the stack")
        return
    if state.regs.get("lr") != RET:
        walk.unknown(ins.address, f"jump out of the function to {target:#x} with lr not holding its return "
                                  "address")
        return
    resolved, resolution = walk.w.resolve_function(target)
    if resolved is None:
        resolved, resolution = walk.w.entry_inside(target), "direct"
    if resolved is None:
        walk.unknown(ins.address, f"jump to {target:#x}, which is neither in this function nor a function's entry")
        return
    if resolved == walk.start:
        _self_tail(walk, ins, state)
        return
    walk.call(CallSite(ins.address, state.depth, (resolved,), "tail", how if resolution == "direct" else resolution,
                       **_on_stack(state)))


def _compare_branch(walk: _Walk, ins: Insn, state: _State):
    target = branch_target(ins.ops)
    if target is None:
        walk.unknown(ins.address, f"branch without a target: {ins.mnemonic} {ins.ops}")
        return None, None
    parts = operands(ins.ops)
    reg = register(parts[0]) if parts else ""
    zero_when_taken = ins.base == "cbz"
    taken = state.fork(target)
    if walk.inside(target):
        if zero_when_taken:
            taken.regs[reg] = ("c", 0)
        walk.work.append(taken)
    else:
        _tail(walk, ins, state, target)
    if not zero_when_taken:
        state.regs[reg] = ("c", 0)
    return _continue(state, ins), None


def _call(walk: _Walk, ins: Insn, state: _State):
    target = branch_target(ins.ops)
    if target is None:
        walk.unknown(ins.address, f"call without a target: {ins.mnemonic} {ins.ops}")
        return None, None
    if walk.inside(target) and target != walk.start:
        # bl as a long branch (Thumb-1 compilers reach far blocks this way), or a local subroutine:
        # lr holds the return point, so a `bx lr` there comes back here by itself.
        taken = state.fork(target)
        taken.regs["lr"] = ("c", ins.end | 1)
        walk.work.append(taken)
        if ins.cond:
            return _continue(state, ins), None
        return None, None
    if target == ins.end and not ins.cond and target not in walk.w.starts:
        # lld links a call to an undefined weak function (`if (hook) hook();`) as a call to the
        # next instruction; the guard around it never lets it run.
        for r in CALLER_SAVED:
            state.regs.pop(r, None)
        return _continue(state, ins), None
    resolved, resolution = walk.w.resolve_function(target)
    if resolved is None:
        walk.unknown(ins.address, f"call to {target:#x}, which is not a function's entry")
        return None, None
    walk.call(CallSite(ins.address, state.depth, (resolved,), "call", resolution, **_on_stack(state)))
    helper = CASE_HELPERS.get(walk.w.names.get(resolved, ""))
    if helper is not None:
        _case_table(walk, ins, state, helper)
        return None, None
    divisor = _values(state.regs.get("r1"))
    _clobber(state)
    if walk.w.names.get(resolved, "") == "__aeabi_uidivmod" and divisor and 0 not in divisor \
            and max(divisor) <= MAX_SET:
        # The run-time ABI's unsigned division returns the remainder in r1, below the divisor: what
        # a switch on `x % n` indexes its table with (Thumb-1 has no divide instruction).
        state.regs["r1"] = _make(range(max(divisor)))
    if resolved in walk.w.noreturn:
        return None, None
    return _continue(state, ins), resolved


def _on_stack(state: _State) -> dict:
    if state.stack is None:
        return {}
    name, size, top = state.stack
    return {"stack": name, "stack_room": size, "stack_top": top}


def _case_table(walk: _Walk, ins: Insn, state: _State, helper: tuple[int, bool, int]) -> None:
    """`bl __gnu_thumb1_case_*`: the table follows the bl; the case is lr + 2 * entry (bytes and
    halfwords) or the word-aligned table's address + entry (words)."""
    width, signed, _ = helper
    index = _values(state.regs.get("r0"))
    if index is None:
        walk.unknown(ins.address, "GCC case table whose index the analysis cannot bound")
        return
    table = ins.end if width < 4 else (ins.end + 3) & ~3
    entries = walk.w._read_values(frozenset(table + width * i for i in index), width, signed)
    if entries is None:
        walk.unknown(ins.address, "GCC case table outside read-only memory")
        return
    for entry in sorted(entries):
        target = (ins.end + 2 * entry) if width < 4 else (table + entry) & ~1
        if walk.inside(target):
            case = state.fork(target)
            case.regs.pop("r1", None)
            case.regs["lr"] = ("c", target | 1)
            case.flags = None
            walk.work.append(case)
        else:
            walk.unknown(ins.address, f"GCC case table entry {target:#x} outside the function")


def _strip_it(mnemonic: str) -> str:
    """`itte` -> `tte`: one letter per instruction the block covers."""
    m = mnemonic.lower()
    m = m[:-2] if m.endswith((".w", ".n")) else m
    return m[1:]


def _clobber(state: _State) -> None:
    for r in CALLER_SAVED:
        state.regs.pop(r, None)
    state.flags = None


def _indirect_site(walk: _Walk, ins: Insn, state: _State, value: tuple | None, kind: str) -> None:
    values = _values(value)
    if values is not None:
        for v in sorted(values):
            resolved, resolution = walk.w.resolve_function(v)
            if resolved is None:
                walk.unknown(ins.address, f"{'call' if kind == 'call' else 'jump'} to {v:#x}, which is not a "
                                          "function's entry")
                continue
            walk.call(CallSite(ins.address, state.depth, (resolved,), kind,
                               "constant" if resolution == "direct" else resolution, **_on_stack(state)))
        return
    table = value[1] if value is not None and value[0] == "ld" else None
    walk.call(CallSite(ins.address, state.depth, (), kind, "indirect", table=table, **_on_stack(state)))


def _call_register(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    _indirect_site(walk, ins, state, state.regs.get(register(parts[0])) if parts else None, "call")
    _clobber(state)
    return _continue(state, ins), None


def _jump(walk: _Walk, ins: Insn, state: _State, value: tuple | None, relative: bool = False):
    """Control goes to `value` (bx, mov pc, ldr pc, pop {pc}, ldm {pc}, add pc)."""
    if value == RET:
        if state.stack is not None:
            walk.unknown(ins.address, f"returns while on the static stack {state.stack[0]}")
        elif state.depth != 0:
            walk.unknown(ins.address, f"returns with sp {state.depth} bytes below where it was on entry")
        else:
            walk.info.returns = True
        return
    values = _values(value)
    if values is not None:
        outside = sorted(v & ~1 for v in values if not walk.inside(v & ~1) or (v & ~1) == walk.start)
        for v in sorted(values):
            target = v & ~1
            if walk.inside(target) and target != walk.start:
                walk.work.append(state.fork(target))
        if outside and relative:
            walk.unknown(ins.address, "computed jump out of the function")
        elif outside:
            if (state.depth == 0 and state.regs.get("lr") == RET) or state.stack is not None:
                for target in outside:
                    _tail(walk, ins, state, target, "constant")
            else:
                walk.unknown(ins.address, "jump out of the function with its frame still on the stack")
        return
    table = value[1] if value is not None and value[0] == "ld" else None
    if relative or (table is not None and walk.inside(table)):
        walk.unknown(ins.address, "jump table whose index the analysis cannot bound")
        return
    if state.depth == 0 and state.stack is None and state.regs.get("lr") == RET:
        _indirect_site(walk, ins, state, value, "tail")      # the frame is gone: an indirect tail call
        return
    walk.unknown(ins.address, "indirect jump that is neither a return nor a tail call")


def _branch_register(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    value = state.regs.get(register(parts[0])) if parts else None
    if walk.info.address == walk.w.context_switch and parts and register(parts[0]) == "lr" and state.depth == 0:
        value = RET         # the scheduler returns into the incoming task: its EXC_RETURN, by design
    _jump(walk, ins, state, value)
    walk.conditional(ins, state)
    return None, None


def _move_pc(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    _jump(walk, ins, state, walk.value(state, parts[1], ins))
    walk.conditional(ins, state)
    return None, None


def _add_pc(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    # add pc, rX: pc reads as this instruction + 4; the result's bit 0 is ignored (BranchWritePC)
    value = walk.arith("add", ("c", ins.address + 4), walk.value(state, parts[1], ins))
    _jump(walk, ins, state, value, relative=True)
    walk.conditional(ins, state)
    return None, None


def _table_branch(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    memory = parts[0] if parts else ""
    pieces = [p.strip() for p in memory.strip("[]").split(",")]
    index = _values(state.regs.get(register(pieces[1]))) if len(pieces) >= 2 else None
    base = walk.value(state, pieces[0], ins) if register(pieces[0]) != "pc" else ("c", ins.address + 4)
    width = 1 if ins.base == "tbb" else 2
    if index is None and base is not None and base[0] == "c" and walk.inside(base[1]) and base[1] >= ins.end:
        index = _inline_table(walk, base[1], width, ins.address + 4)
    if index is None:
        walk.unknown(ins.address, "jump table whose index the analysis cannot bound")
        return None, None
    if base is None or base[0] != "c":
        walk.unknown(ins.address, "jump table whose address the analysis cannot know")
        return None, None
    entries = walk.w._read_values(frozenset(base[1] + width * i for i in index), width, False)
    if entries is None:
        walk.unknown(ins.address, "jump table outside read-only memory")
        return None, None
    for entry in sorted(entries):
        target = ins.address + 4 + 2 * entry
        if walk.inside(target):
            walk.work.append(state.fork(target))
        else:
            walk.unknown(ins.address, f"jump table entry {target:#x} outside the function")
    return None, None


def _inline_table(walk: _Walk, table: int, width: int, origin: int) -> frozenset | None:
    """The entries a tbb/tbh table in the function's own code after the instruction can have, when
    the index is not known. Targets are `origin + 2 * entry` (origin: the instruction's pc), forward
    only; a table's bytes are never run as code, so when every target read so far lies after the
    table, no entry lies at or past the lowest of them: reading up to there takes every real entry
    (and, if code follows that no entry names, a few halfwords of it: more targets, never fewer).
    An entry that is none of its cases ends the table: one that leads into the table or to nothing
    but the `nop`s before it (tbb's padding byte), out of the function, or into data or the middle
    of an instruction (the padding and literal pool that follow a table: compilers put a switch's
    cases in its function, at instructions). A case before the table: unknown (None)."""
    lowest, count = None, 0
    while count < MAX_SET and (lowest is None or table + width * count < lowest):
        entry = walk.w._read_values(frozenset([table + width * count]), width, False)
        if entry is None:
            return None
        target = origin + 2 * next(iter(entry))
        if target in walk.w.gaps:
            return None                     # code the decoder could not read: no end can be told
        if table <= target < table + width * (count + 1) or (target < table and _only_nops(walk, target, table)) \
                or not walk.inside(target) or (target > table and target not in walk.w.insn_at):
            break
        if target < table:
            return None
        lowest = target if lowest is None else min(lowest, target)
        count += 1
    return frozenset(range(count)) if 0 < count < MAX_SET else None


def _only_nops(walk: _Walk, start: int, end: int) -> bool:
    """Whether from `start` up to `end` (the table) there is nothing to run but `nop`s before data
    (the alignment in front of a table): no case begins there."""
    address = start
    while address < end:
        ins = walk.w.insn_at.get(address)
        if ins is None:
            return True                     # data (zero fill, $d): running on would run data
        if ins.base != "nop":
            return False
        address = ins.end
    return True


def _push(walk: _Walk, ins: Insn, state: _State):
    regs = register_list(ins.ops)
    sizes = [8 if r.startswith("d") else 4 for r in regs]
    total = sum(sizes)
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    state.depth += total
    key = state.depth
    for r, size in zip(regs, sizes, strict=True):           # the lowest register at the lowest address
        walk.store_slots(state, key, size, state.regs.get(r) if size == 4 else None)
        key -= size
    return _continue(state, ins), None


def _pop_values(walk: _Walk, ins: Insn, state: _State) -> dict[str, tuple | None]:
    regs = register_list(ins.ops)
    out = {}
    key = state.depth
    for r in regs:
        size = 8 if r.startswith("d") else 4
        out[r] = state.slots.get(key) if size == 4 else None
        key -= size
    state.depth = key
    walk.drop_dead_slots(state)
    return out


def _write(state: _State, register_name: str, value: tuple | None) -> None:
    """A register gets a value (None: unknown); a compare's bound on it no longer holds."""
    if value is None:
        state.regs.pop(register_name, None)
    else:
        state.regs[register_name] = value
    if state.flags and state.flags[0] == register_name:
        state.flags = None


def _pop(walk: _Walk, ins: Insn, state: _State):
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    for r, v in _pop_values(walk, ins, state).items():
        if not r.startswith(("d", "s")):
            _write(state, r, v)
    return _continue(state, ins), None


def _pop_pc(walk: _Walk, ins: Insn, state: _State):
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    popped = _pop_values(walk, ins, state)
    for r, v in popped.items():
        if r != "pc" and not r.startswith(("d", "s")):
            _write(state, r, v)
    _jump(walk, ins, state, popped.get("pc"))
    return None, None


def _load_pc(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    if len(parts) == 3 and parts[1].replace(" ", "") == "[sp]":     # ldr pc, [sp], #4: a pop
        value = state.slots.get(state.depth) if state.stack is None else None
        state.depth -= immediate(parts[2]) or 0
        walk.drop_dead_slots(state)
        _jump(walk, ins, state, value)
        return None, None
    if "!" in ins.ops or len(parts) > 2:
        walk.unknown(ins.address, f"jump through memory with writeback: {ins.mnemonic} {ins.ops}")
        return None, None
    where = walk.address_of(ins, state, parts[1], ())
    value = None
    if where[0] == "const":
        loaded = walk.w._read_values(where[1], 4, False)
        value = _make(loaded) if loaded is not None else None
        if value is None and len(where[1]) == 1:
            value = ("ld", next(iter(where[1])))
    elif where[0] == "table":
        value = ("ld", where[1])
    elif where[0] == "slot":
        value = state.slots.get(where[1])
    _jump(walk, ins, state, value)
    return None, None


def _ldm_pc(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    base = walk.value(state, parts[0].rstrip("!").strip(), ins)
    regs = register_list(ins.ops)
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    value = None
    offset = 4 * regs.index("pc")
    if base is not None and base[0] == "c" and not ins.base.startswith(("ldmdb", "ldmea")):
        loaded = walk.w._read_values(frozenset((base[1] + offset,)), 4, False)
        value = _make(loaded) if loaded is not None else ("ld", base[1] + offset)
    _jump(walk, ins, state, value)
    return None, None


def _sp_writeback(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    memory_index = next(i for i, p in enumerate(parts) if p.startswith("["))
    memory = parts[memory_index].replace(" ", "")
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    if memory.endswith("]!"):                                     # pre-indexed: [sp, #-4]!
        delta = -(immediate(memory) or 0)
        new_depth = state.depth + delta
    else:                                                         # post-indexed: [sp], #4
        delta = -(immediate(parts[memory_index + 1]) or 0)
        new_depth = state.depth + delta
    data = [register(p) for p in parts[:memory_index]]
    is_store = ins.base.startswith(("str", "vstr"))
    access_key = new_depth if memory.endswith("]!") else state.depth
    if is_store:
        for i, r in enumerate(data):
            walk.store_slots(state, access_key - 4 * i, 4, state.regs.get(r))
    else:
        for i, r in enumerate(data):
            _write(state, r, state.slots.get(access_key - 4 * i) if ins.base in ("ldr",) else None)
    state.depth = new_depth
    walk.drop_dead_slots(state)
    return _continue(state, ins), None


def _sp_add(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    amount_text = parts[-1]
    sign = 1 if ins.base.startswith("sub") else -1
    amount = walk.value(state, amount_text, ins)
    if amount is None or amount[0] != "c":
        return _unknown_sp(walk, ins, state)
    value = amount[1] if amount[1] < 0x80000000 else amount[1] - (1 << 32)
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    state.depth += sign * value
    walk.drop_dead_slots(state)
    return _continue(state, ins), None


def _sp_move(walk: _Walk, ins: Insn, state: _State):
    parts = operands(ins.ops)
    value = walk.value(state, parts[1], ins)
    if ins.cond:
        walk.work.append(state.fork(ins.end))
    if value is not None and value[0] == "sp":
        if state.stack is not None:                 # back from a static stack
            state.slots = state.own_slots or {}
            state.own_slots = None
        state.depth = value[1]
        state.stack = None
        walk.drop_dead_slots(state)
        return _continue(state, ins), None
    if value is not None and value[0] == "ssp":
        if state.stack is None or state.stack[0] != value[1]:
            obj = walk.w.fw.by_name.get(value[1])
            if obj is None:
                return _unknown_sp(walk, ins, state)
            _leave_own_stack(state)
            state.stack = (value[1], obj.size, obj.address + obj.size)
            state.slots = {}
        state.depth = value[2]
        walk.drop_dead_slots(state)
        return _continue(state, ins), None
    if value is not None and value[0] == "c":
        obj = walk.w.fw.object_at(value[1] - 1)
        if obj is not None and obj.address + obj.size == value[1] and walk.w.fw.writable(obj.address):
            # sp set to the end of a static object: the code moves to a stack of its own (the
            # runtime's fault stack, a big_stack trampoline). Its depth is counted on that stack.
            _leave_own_stack(state)
            state.stack = (obj.name, obj.size, value[1])
            state.depth = 0
            state.slots = {}
            return _continue(state, ins), None
    return _unknown_sp(walk, ins, state)


def _leave_own_stack(state: _State) -> None:
    if state.stack is None:
        state.own_slots = state.slots


def _unknown_sp(walk: _Walk, ins: Insn, state: _State):
    walk.unknown(ins.address, f"changes sp in a way the analysis cannot follow: {ins.mnemonic} {ins.ops}")
    return None, None


def _msr_sp(walk: _Walk, ins: Insn, state: _State):
    if walk.info.address == walk.w.context_switch:
        return _continue(state, ins), None          # the scheduler's switch: modelled by the task analysis
    walk.unknown(ins.address, f"writes a stack pointer: {ins.mnemonic} {ins.ops}")
    return None, None


def _msr_control(walk: _Walk, ins: Insn, state: _State):
    walk.unknown(ins.address, f"may switch the active stack (CONTROL.SPSEL): {ins.mnemonic} {ins.ops}")
    return None, None


def _trap(walk: _Walk, ins: Insn, state: _State):
    if ins.cond:
        return _continue(state, ins), None
    return None, None


def _unknown_pc(walk: _Walk, ins: Insn, state: _State):
    walk.unknown(ins.address, f"writes pc in a form the analysis has no rule for: {ins.mnemonic} {ins.ops}")
    return None, None


_HANDLERS = {
    K.BRANCH: _branch, K.COMPARE_BRANCH: _compare_branch, K.CALL: _call, K.CALL_REG: _call_register,
    K.BRANCH_REG: _branch_register, K.TABLE_BRANCH: _table_branch, K.POP_PC: _pop_pc, K.LOAD_PC: _load_pc,
    K.LDM_PC: _ldm_pc, K.MOVE_PC: _move_pc, K.ADD_PC: _add_pc, K.PUSH: _push, K.POP: _pop,
    K.SP_WRITEBACK: _sp_writeback, K.SP_ADD: _sp_add, K.SP_MOVE: _sp_move, K.SP_LOAD: _unknown_sp,
    K.MSR_SP: _msr_sp, K.MSR_CONTROL: _msr_control, K.TRAP: _trap, K.UNKNOWN_PC: _unknown_pc,
    K.UNKNOWN_SP: _unknown_sp,
}
assert set(_HANDLERS) | {K.PLAIN} == set(K.CLASSES)


def walk_all(walker: StackWalker) -> dict[int, FunctionInfo]:
    """Every function, and every piece of code other code jumps into the middle of."""
    infos = {s.address: walker.analyze(s) for s in walker.functions}
    while walker.pending_synthetic:
        sym = walker.pending_synthetic.pop()
        infos[sym.address] = walker.analyze(sym)
    return with_noreturn(walker, infos)


def with_noreturn(walker: StackWalker, infos: dict[int, FunctionInfo]) -> dict[int, FunctionInfo]:
    """Functions that never return, found by a fixpoint: a function returns if it has a return or
    tail-calls one that may; a call to one that never returns ends its path (the code after it is
    another block, or data). Callers of newly found ones are walked again with that knowledge."""
    while True:
        may_return = {f for f, i in infos.items() if i.returns or i.unknowns}
        changed = True
        while changed:
            changed = False
            for f, info in infos.items():
                if f in may_return:
                    continue
                if any(c.kind == "tail" and (not c.targets or any(t in may_return or t not in infos
                                                                 for t in c.targets)) for c in info.calls):
                    may_return.add(f)
                    changed = True
        never = {f for f in infos if f not in may_return} - walker.noreturn
        if not never:
            return infos
        walker.noreturn |= never
        callers = {f for f, info in infos.items() if any(t in never for c in info.calls for t in c.targets)}
        for f in callers:
            infos[f] = walker.analyze(walker.starts.get(f) or walker.synthetic[f])
        while walker.pending_synthetic:
            sym = walker.pending_synthetic.pop()
            infos[sym.address] = walker.analyze(sym)
