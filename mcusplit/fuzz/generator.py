"""The own generator: seeded, reproducible C programs that stress split stacks and the analyzer.

A program is a random call graph in levels: every call goes from a level to a deeper one, except
inside a recursion group, so the graph is a DAG of bounded depth plus bounded cycles. Bottom-up
generation (deepest level first) lets every function know the cost and stack depth of what it
calls, which keeps programs short-running under QEMU and their pools small enough for 16 KiB
boards. What it contains (each drawn at random per program; `features` counts them):

- frames of random size: none, small, just under and over 256 bytes (LLVM's prologue changes
  there), large, and close to what one segment holds with the reserve
- more than four arguments (stack-passed), mixed uint32/uint64/float/double, structs by value
  (a mixed one, and an all-float one that travels in s-registers with hard float), float and
  double returns
- bounded direct and mutual recursion, the bound written to [analyze.recursion]; self tail calls
- function-pointer tables in ROM (const) and in RAM (rewritten at run time by NAME_init, so what
  the image's data says is not what runs), pointers passed as arguments
- tail calls, indirect tail calls through tables
- switch statements of 6..12 dense cases that call different functions (jump tables)
- calls into `no_split_stack` functions (small frames: they run in the reserve) and variadic
  functions (thin wrappers over a va_list reader, which LLVM cannot split)
- calls in loops, so a split can repeat every iteration (hot splits)
- a timer interrupt handler (NAME_irq) that calls pure generated functions and checks their
  results against values computed before interrupts were enabled

Everything folds into one uint32 checksum that NAME_run returns (protocol: program.py).
The same seed gives the same program on every machine (random.Random with a string seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache

from . import cvalues
from .program import Program, protocol_tail

GENERATOR_VERSION = 1

SCALARS = ("u32", "u32", "u32", "u64", "f32", "f64")
ALL_TYPES = (*SCALARS, "s", "h")
RETURNS = ("u32", "u32", "u32", "u64", "f32", "f64", "s", "h")

RESERVE = 400                 # the reserve of the fuzz images (images.RESERVE), the same on every board
FRAME_OVERHEAD = 48           # pushed registers and spills beyond the local array (estimate)
INLINE_SLACK = 300            # what inlined small callees, spills and outgoing stack arguments may add
MAX_PARAM_WORDS = 14          # at most 40 bytes of stack-passed arguments
INLINE_WORDS = 8              # functions with bigger local arrays are never inlined
THREAD_BYTES = 2600           # deepest estimated stack of NAME_run
IRQ_BYTES = 700               # ... of the interrupt handler's work
# Costs are estimated instructions (soft float on Cortex-M0 is the slowest case): they keep a run
# short under QEMU, and an interrupt's work far below the interval between two interrupts.
RUN_COST = 600_000            # NAME_run, at most
FN_COST = 150_000             # any one function
IRQ_COST = 2_500              # one interrupt (intervals are 8,000..40,000 instructions: runner.py)
CALL = 15                     # a call's own instructions
STMT = {"arith": 5, "float": 500, "u64": 400, "struct": 40, "global": 10}


@dataclass
class Fn:
    name: str
    level: int
    kind: str                        # plain | table | rec | mutual | nosplit | variadic | valist | apply
    ret: str = "u32"
    params: list[str] = field(default_factory=list)
    words: int = 0                   # the volatile local array (the frame's size)
    pure: bool = True                # touches no global state (may run in the interrupt handler)
    cost: int = 1                    # estimated instructions one call of it executes, callees included
    depth: int = 0                   # estimated deepest stack below and including its frame (bytes)
    lines: list[str] = field(default_factory=list)
    prototype: str = ""
    bound: int = 0                   # recursion: most frames of its cycle at once
    table: str = ""                  # apply: the table its function arguments come from
    pattern: str = ""                # variadic: what its callers pass (u: uint32, d: double, q: uint64)


@dataclass
class Table:
    name: str
    index: int
    rom: bool
    ret: str
    params: list[str]
    members: list[Fn]
    initial: list[Fn]                # what the image's data holds
    runtime: list[Fn]                # what NAME_init writes (RAM tables)
    used: bool = False

    @property
    def level(self) -> int:
        return min(m.level for m in self.members)

    @property
    def cost(self) -> int:
        return max(m.cost for m in self.members)

    @property
    def depth(self) -> int:
        return max(m.depth for m in self.members)


class Generator:
    def __init__(self, seed: int, segment_size: int = 1024) -> None:
        self.seed = seed
        self.rng = random.Random(f"mcusplit-fuzz-own-v{GENERATOR_VERSION}:{seed}")
        self.p = f"fz{seed}"
        self.segment_size = segment_size
        # The largest frame that still fits one segment with the reserve and a few stack arguments.
        # Inlined callees (only small ones: bigger frames are noinline) and spills add to a frame.
        self.max_words = (segment_size - 16 - RESERVE - 4 * (MAX_PARAM_WORDS - 4) - INLINE_SLACK) // 4
        self.fns: list[Fn] = []
        self.tables: list[Table] = []
        self.sigs: dict[tuple[str, tuple[str, ...]], str] = {}
        self.features: dict[str, int] = {}
        self.counter = 0
        self.bounds: dict[str, int] = {}

    # ---- small helpers ----
    def note(self, feature: str, n: int = 1) -> None:
        self.features[feature] = self.features.get(feature, 0) + n

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{self.p}_{stem}{self.counter}"

    def k(self) -> str:
        return f"0x{self.rng.getrandbits(32):08X}u"

    def ctype(self, key: str) -> str:
        return cvalues.spelling(key, self.p)

    def fold(self, key: str, expr: str) -> str:
        return cvalues.fold(key, self.p, expr)

    def make(self, key: str, expr: str) -> str:
        return cvalues.make(key, self.p, expr)

    def frame_words(self) -> int:
        r = self.rng.random()
        if r < 0.15:
            return 0
        if r < 0.35:
            return self.rng.randint(1, 8)
        if r < 0.55:
            return self.rng.randint(9, 40)
        if r < 0.75:
            self.note("frame_near_256")
            return self.rng.randint(52, 66)                 # frames just under and over 256 bytes
        if r < 0.9:
            return self.rng.randint(67, min(110, self.max_words))
        self.note("frame_near_segment")
        return self.rng.randint(self.max_words - 12, self.max_words)

    def own_cost(self, words: int, params: list[str]) -> int:
        return CALL + 30 + 5 * words + 8 * sum(cvalues.TYPES[t].words for t in params)

    def frame_bytes(self, words: int, params: list[str]) -> int:
        stack_args = max(0, sum(cvalues.TYPES[t].words for t in params) - 4) * 4
        return words * 4 + FRAME_OVERHEAD + stack_args

    def params(self, lo: int, hi: int) -> list[str]:
        n = self.rng.randint(lo, hi)
        params: list[str] = []
        for _ in range(n):
            t = self.rng.choice(ALL_TYPES if self.rng.random() < 0.3 else SCALARS)
            if sum(cvalues.TYPES[x].words for x in [*params, t]) <= MAX_PARAM_WORDS:
                params.append(t)
        if sum(cvalues.TYPES[t].words for t in params) > 4:
            self.note("stack_args")
        return params

    def args(self, params: list[str], seed_expr: str) -> str:
        return ", ".join(self.make(t, f"({seed_expr}) ^ {self.k()}") for t in params)

    def sig(self, ret: str, params: list[str]) -> str:
        """A typedef for pointers to functions of this signature."""
        key = (ret, tuple(params))
        if key not in self.sigs:
            self.sigs[key] = f"{self.p}_sig{len(self.sigs)}"
        return self.sigs[key]

    def prototype(self, fn: Fn, attrs: str = "") -> str:
        params = ", ".join(f"{self.ctype(t)} a{i}" for i, t in enumerate(fn.params)) or "void"
        return f"static {attrs}{self.ctype(fn.ret)} {fn.name}({params})"

    # ---- bodies ----
    def open_body(self, fn: Fn, extra_seed: str = "") -> list[str]:
        seed = " ^ ".join([self.k(), *[self.fold(t, f"a{i}") for i, t in enumerate(fn.params)]] +
                          ([extra_seed] if extra_seed else []))
        lines = [f"    uint32_t acc = {seed};"]
        if fn.words:
            lines += [f"    volatile uint32_t fr[{fn.words}];",
                      f"    for (uint32_t i = 0; i < {fn.words}u; i++)",
                      f"        fr[i] = acc + i * {self.k()};"]
        return lines

    def read_frame(self, fn: Fn) -> list[str]:
        # Read the frame back after the calls: a callee or an interrupt that wrote over it changes the sum.
        return [f"    acc += fr[acc % {fn.words}u];"] if fn.words else []

    def candidates(self, level: int, pure: bool, budget: int) -> list[Fn]:
        return [f for f in self.fns if f.level > level and f.kind in ("plain", "table", "rec", "mutual")
                and (f.pure or not pure) and f.cost <= budget and not f.name.endswith("_b")]

    def call_expr(self, callee: Fn, seed_expr: str) -> str:
        if callee.kind in ("rec", "mutual"):
            depth = self.rng.randint(0, callee.bound - 1 if callee.kind == "rec" else (callee.bound - 1) // 2)
            if callee.name.endswith("_b"):
                # the cycle's second function calls the first with n - 1: from 0 it would recurse
                # without end (own seed 79: fz79_r2_b(0u, ...) in the handler; the host build
                # crashed on it). Only the handler calls it directly.
                depth = max(depth, 1)
            self.note("recursive_call")
            rest = self.args(callee.params[1:], seed_expr)
            return f"{callee.name}({depth}u{', ' if rest else ''}{rest})"
        return f"{callee.name}({self.args(callee.params, seed_expr)})"

    def statements(self, fn: Fn, budget: int, room: int) -> tuple[list[str], int, int]:
        """Random statements for fn's body: (lines, calls they execute, deepest callee stack)."""
        lines: list[str] = []
        cost = depth = 0
        rng = self.rng
        for _ in range(rng.randint(1, 5)):
            left = budget - cost
            kind = rng.choices(["arith", "call", "loop", "switch", "table", "apply", "var", "nosplit",
                                "float", "u64", "struct", "global"],
                               [3, 5, 3, 2, 3, 1, 1, 1, 2, 2, 1, 0 if fn.pure else 2])[0]
            deeper = [f for f in self.candidates(fn.level, fn.pure, left) if f.depth <= room]
            if kind in STMT:
                cost += STMT[kind]
            if kind == "arith":
                rot, shift = rng.randint(1, 31), rng.randint(1, 31)
                lines.append(f"    acc = {self.p}_rot(acc, {rot}u) * {self.k()} + (acc >> {shift}u);")
            elif kind == "call" and deeper:
                c = rng.choice(deeper)
                lines.append(f"    acc = acc * 31u + {self.fold(c.ret, self.call_expr(c, 'acc'))};")
                cost, depth = cost + c.cost, max(depth, c.depth)
                self.note("call")
            elif kind == "loop" and deeper:
                c = rng.choice(deeper)
                n = max(1, min(rng.randint(2, 12), left // max(1, c.cost + CALL)))
                lines += [f"    for (uint32_t i = 0; i < {n}u; i++)",
                          f"        acc = {self.p}_rot(acc, 5u) ^ {self.fold(c.ret, self.call_expr(c, 'acc + i'))};"]
                cost, depth = cost + n * (c.cost + CALL), max(depth, c.depth)
                self.note("call_in_loop")
            elif kind == "switch" and len(deeper) >= 2:
                cases = rng.randint(6, 12)
                lines.append(f"    switch (acc % {cases}u) {{")
                worst = 0
                for case in range(cases):
                    if rng.random() < 0.75:
                        c = rng.choice(deeper)
                        body = f"acc += {self.fold(c.ret, self.call_expr(c, 'acc'))};"
                        worst, depth = max(worst, c.cost), max(depth, c.depth)
                    else:
                        body = f"acc ^= {self.k()};"
                    lines.append(f"    case {case}u: {body} break;")
                lines += ["    default: acc = ~acc; break;", "    }"]
                cost += worst + 20
                self.note("switch")
            elif kind == "table":
                tables = [t for t in self.tables if t.level > fn.level and t.cost <= left and t.depth <= room]
                if tables:
                    t = rng.choice(tables)
                    t.used = True
                    call = f"{t.name}[acc % {len(t.members)}u]({self.args(t.params, 'acc')})"
                    lines.append(f"    acc ^= {self.fold(t.ret, call)};")
                    cost, depth = cost + t.cost, max(depth, t.depth)
                    self.note("indirect_call_rom" if t.rom else "indirect_call_ram")
            elif kind == "apply":
                applies = [f for f in self.fns if f.kind == "apply" and f.level > fn.level and f.cost <= left
                           and f.depth <= room]
                if applies:
                    a = rng.choice(applies)
                    table = next(t for t in self.tables if t.name == a.table)
                    table.used = True
                    target = rng.choice(table.members).name
                    lines.append(f"    acc += {a.name}({target}, acc ^ {self.k()});")
                    cost, depth = cost + a.cost, max(depth, a.depth)
                    self.note("pointer_argument")
            elif kind == "var":
                variadics = [f for f in self.fns if f.kind == "variadic" and f.level > fn.level and f.cost <= left
                             and f.depth <= room]
                if variadics:
                    v = rng.choice(variadics)
                    values = ", ".join(self.make({"u": "u32", "d": "f64", "q": "u64"}[c], f"acc ^ {self.k()}")
                                       for c in v.pattern)
                    lines.append(f"    acc ^= {v.name}({len(v.pattern)}u, {values});")
                    cost, depth = cost + v.cost, max(depth, v.depth)
                    self.note("variadic_call")
            elif kind == "nosplit":
                nosplits = [f for f in self.fns if f.kind == "nosplit" and f.level > fn.level and f.cost <= left
                            and f.depth <= room]
                if nosplits:
                    n = rng.choice(nosplits)
                    lines.append(f"    acc += {n.name}(acc, {self.k()});")
                    cost, depth = cost + n.cost, max(depth, n.depth)
                    self.note("no_split_stack_call")
            elif kind == "float":
                scale, divisor = rng.choice(["0.5f", "1.5f", "0.75f", "3.0f"]), rng.choice(["3.0", "7.0", "0.375"])
                lines += [f"    {{ float fv = {self.make('f32', 'acc')} * {scale} + {self.make('f32', 'acc >> 9')};",
                          f"      double dv = {self.make('f64', 'acc ^ ' + self.k())} / {divisor};",
                          f"      acc ^= {self.fold('f32', 'fv')} + {self.fold('f64', 'dv')}; }}"]
                self.note("float_math")
            elif kind == "u64":
                lines += [f"    {{ uint64_t q = {self.make('u64', 'acc')} * {self.k()[:-1]}ull + acc;",
                          f"      q ^= q >> {rng.randint(1, 63)}u;",
                          f"      acc ^= {self.fold('u64', 'q / ((uint64_t)acc | 1u)')}; }}"]
                self.note("u64_math")
            elif kind == "struct":
                lines += [f"    {{ struct {self.p}_s v = {self.make('s', 'acc')};",
                          f"      v.a += {self.k()}; v.e[1] ^= (uint8_t)acc;",
                          f"      acc ^= {self.fold('s', 'v')}; }}"]
            elif kind == "global":
                g = rng.randint(0, 3)
                lines += [f"    {self.p}_g[{g}] = {self.p}_g[{g}] * 3u + acc;",
                          f"    acc ^= {self.p}_g[acc & 3u];"]
        return lines, cost, depth

    def ending(self, fn: Fn, budget: int, room: int) -> tuple[list[str], int, int]:
        """The return: a plain value, a tail call, or an indirect tail call."""
        r = self.rng.random()
        if r < 0.2:
            same = [c for c in self.candidates(fn.level, fn.pure, budget)
                    if c.ret == fn.ret and c.kind in ("plain", "table") and c.depth <= room]
            if same:
                c = self.rng.choice(same)
                self.note("tail_call")
                return [f"    return {self.call_expr(c, 'acc')};"], c.cost, c.depth
        elif r < 0.32:
            tables = [t for t in self.tables if t.ret == fn.ret and t.level > fn.level and t.cost <= budget
                      and t.depth <= room]
            if tables:
                t = self.rng.choice(tables)
                t.used = True
                self.note("indirect_tail_call")
                return ([f"    return {t.name}[acc % {len(t.members)}u]({self.args(t.params, 'acc')});"],
                        t.cost, t.depth)
        return [f"    return {self.make(fn.ret, 'acc')};"], 0, 0

    def finish(self, fn: Fn, body: list[str], attrs: str = "") -> None:
        noinline = ("__attribute__((noinline)) " if self.rng.random() < 0.5 or fn.kind != "plain"
                    or fn.words > INLINE_WORDS else "")
        fn.prototype = fn.prototype or self.prototype(fn, attrs + noinline)
        fn.lines = [fn.prototype, "{", *body, "}"]
        self.fns.append(fn)

    # ---- function kinds ----
    def plain(self, level: int, pure: bool, ret: str | None = None, params: list[str] | None = None,
              kind: str = "plain", room: int = THREAD_BYTES) -> Fn:
        fn = Fn(self.fresh("f"), level, kind, ret or self.rng.choice(RETURNS),
                self.params(0, 7) if params is None else params, self.frame_words(), pure)
        own = self.frame_bytes(fn.words, fn.params)
        body = self.open_body(fn)
        stmts, cost, depth = self.statements(fn, FN_COST, room - own)
        end, end_cost, end_depth = self.ending(fn, FN_COST - cost, room - own)
        body += stmts + self.read_frame(fn) + end
        fn.cost, fn.depth = self.own_cost(fn.words, fn.params) + cost + end_cost, own + max(depth, end_depth)
        if fn.ret in ("f32", "f64", "h"):
            self.note("float_return")
        if "s" in fn.params or "h" in fn.params:
            self.note("struct_argument")
        self.finish(fn, body)
        return fn

    def table(self, level: int, rom: bool, room: int) -> None:
        ret = self.rng.choice(("u32", "u32", "f32", "f64", "u64"))
        params = self.params(1, 6)
        members = [self.plain(level, True, ret, params, "table", room) for _ in range(self.rng.randint(2, 4))]
        index = len(self.tables)
        self.sig(ret, params)
        name = f"{self.p}_{'rom' if rom else 'ram'}{index}"
        if rom:
            initial = runtime = members
        else:
            # The image's data says one thing, NAME_init writes another: a deep member may appear only
            # at run time (a writable table is what the program makes of it, not what it starts as).
            initial = [self.rng.choice(members[:-1]) for _ in members]
            runtime = self.rng.sample(members, len(members))
        self.tables.append(Table(name, index, rom, ret, params, members, initial, runtime))

    def recursion(self, level: int, pure: bool, room: int) -> None:
        mutual = self.rng.random() < 0.4
        ret = self.rng.choice(("u32", "u32", "f32", "u64"))
        params = ["u32", *self.params(0, 4)]
        a = Fn(self.fresh("r"), level, "mutual" if mutual else "rec", ret, params, self.frame_words(), pure)
        a.words = min(a.words, 40)
        b = Fn(a.name + "_b", level, "mutual", ret, params, min(self.frame_words(), 40), pure) if mutual else None
        per_level = self.frame_bytes(a.words, params) + (self.frame_bytes(b.words, params) if b else 0)
        depth_cap = max(1, min(12, room // max(1, per_level) - 1))
        d = self.rng.randint(1, depth_cap)                   # deepest n a caller passes
        a.bound = 2 * d + 1 if mutual else d + 1           # frames of the cycle at once: n = d .. 0
        for fn in (a, b):
            if fn is not None:
                fn.bound = a.bound
                self.recursion_names(fn)
        inner_room = room - per_level * (d + 1)
        # A little work per level, from deeper levels (cheap and shallow: it runs at every level).
        stmts, cost, depth = self.statements(a, max(1, FN_COST // (4 * (d + 1))), max(0, inner_room))
        tail = self.rng.random() < 0.3
        rest = ", ".join(self.make(t, f"acc ^ {self.k()}") for t in params[1:])
        comma = ", " if rest else ""
        target = b.name if b else a.name
        n_next = "a0" if b else "a0 - 1u"
        body = self.open_body(a)
        body += ["    if (a0 == 0u)", f"        return {self.make(ret, 'acc')};", *stmts]
        if tail:
            body += [*self.read_frame(a), f"    return {target}({n_next}{comma}{rest});"]
            self.note("self_tail_call" if not b else "mutual_tail_call")
        else:
            body += [f"    acc = acc * 33u + {self.fold(ret, f'{target}({n_next}{comma}{rest})')};",
                     *self.read_frame(a), f"    return {self.make(ret, 'acc')};"]
        a.prototype = self.prototype(a, "__attribute__((noinline)) ")
        if b:
            b.prototype = self.prototype(b, "__attribute__((noinline)) ")
            b_body = self.open_body(b)
            b_body += [f"    acc = acc * 7u + {self.fold(ret, f'{a.name}(a0 - 1u{comma}{rest})')};",
                       *self.read_frame(b), f"    return {self.make(ret, 'acc')};"]
            self.note("mutual_recursion")
        else:
            self.note("direct_recursion")
        a.cost = (d + 1) * (self.own_cost(a.words, params) + cost + (self.own_cost(b.words, params) if b else 0))
        a.depth = per_level * (d + 1) + depth
        if b:
            # b first: a refers to it (prototypes of every function come before all bodies anyway).
            b.cost, b.depth = a.cost, a.depth
            b.lines = [b.prototype, "{", *b_body, "}"]
            self.fns.append(b)
        a.lines = [a.prototype, "{", *body, "}"]
        self.fns.append(a)

    def recursion_names(self, fn: Fn) -> None:
        self.bounds[fn.name] = fn.bound

    def nosplit(self, level: int) -> None:
        # Runs in the reserve below its caller's checked frame: a few words only.
        fn = Fn(self.fresh("ns"), level, "nosplit", "u32", ["u32", "u32"], self.rng.randint(0, 6), True)
        body = self.open_body(fn)
        callee = [c for c in self.candidates(level, True, 50) if c.kind == "plain" and c.depth < 900]
        cost = depth = 0
        if callee and self.rng.random() < 0.5:
            c = self.rng.choice(callee)
            body.append(f"    acc += {self.fold(c.ret, self.call_expr(c, 'acc'))};")
            cost, depth = c.cost, c.depth
        body += [*self.read_frame(fn), "    return acc;"]
        fn.cost, fn.depth = self.own_cost(fn.words, fn.params) + cost, 64 + depth
        self.finish(fn, body, "FZ_NOSPLIT ")

    def variadic(self, level: int) -> None:
        pattern = "".join(self.rng.choice("uudq") for _ in range(self.rng.randint(1, 6)))
        reader = Fn(self.fresh("vl"), level, "valist", "u32", [], self.rng.randint(0, 24), True)
        reader.prototype = f"static __attribute__((noinline)) uint32_t {reader.name}(uint32_t n, va_list ap)"
        body = self.open_body(reader, "n")
        kinds = {"u": ("uint32_t", "u32"), "d": ("double", "f64"), "q": ("uint64_t", "u64")}
        for c in pattern:
            ctype, key = kinds[c]
            body.append(f"    acc = acc * 31u + {self.fold(key, f'va_arg(ap, {ctype})')};")
        body += [*self.read_frame(reader), "    return acc;"]
        reader.depth = self.frame_bytes(reader.words, [])
        reader.cost = self.own_cost(reader.words, []) + 150 * len(pattern)
        self.finish(reader, body)
        wrapper = Fn(self.fresh("v"), level, "variadic", "u32", [], 0, True, cost=reader.cost + 60,
                     depth=reader.depth + 64)
        wrapper.pattern = pattern
        wrapper.lines = [f"static uint32_t {wrapper.name}(uint32_t n, ...)", "{", "    va_list ap;",
                         "    va_start(ap, n);", f"    uint32_t r = {reader.name}(n, ap);", "    va_end(ap);",
                         "    return r;", "}"]
        self.fns.append(wrapper)

    def apply(self, level: int) -> None:
        tables = [t for t in self.tables if t.level > level]
        if not tables:
            return
        t = self.rng.choice(tables)
        fn = Fn(self.fresh("ap"), level, "apply", "u32", [], self.rng.choice((0, 4, 30, 60)), True)
        sig = self.sig(t.ret, t.params)
        body = self.open_body(fn, "x")
        for _ in range(self.rng.randint(1, 2)):
            call = f"fp({self.args(t.params, 'acc')})"
            body.append(f"    acc = acc * 17u + {self.fold(t.ret, call)};")
        body += [*self.read_frame(fn), "    return acc;"]
        fn.cost, fn.depth = self.own_cost(fn.words, ["u32"]) + 2 * t.cost, self.frame_bytes(fn.words, ["u32"]) + t.depth
        fn.lines = [f"static __attribute__((noinline)) uint32_t {fn.name}({sig} fp, uint32_t x)", "{", *body, "}"]
        fn.table = t.name
        self.fns.append(fn)

    # ---- the program ----
    def generate(self) -> Program:
        rng = self.rng
        levels = rng.randint(3, 5)
        for level in range(levels, 0, -1):
            room = THREAD_BYTES * (levels - level + 1) // levels
            for _ in range(rng.randint(1, 3)):
                self.plain(level, rng.random() < 0.6, room=room)
            if rng.random() < 0.45:
                self.table(level, rom=rng.random() < 0.5, room=room)
            if rng.random() < 0.4:
                self.recursion(level, rng.random() < 0.6, room)
            if rng.random() < 0.35:
                self.nosplit(level)
            if rng.random() < 0.3:
                self.variadic(level)
            if rng.random() < 0.3:
                self.apply(level)
            if level > 1 and rng.random() < 0.3:
                self.plain(level, False, room=room)
        return self.assemble()

    def irq_work(self) -> list[str]:
        pure = [f for f in self.fns if f.pure and f.kind in ("plain", "table", "rec", "mutual")
                and f.cost <= IRQ_COST and f.depth <= IRQ_BYTES]
        picked = self.rng.sample(pure, min(len(pure), self.rng.randint(1, 2)))
        if sum(c.cost for c in picked) > IRQ_COST:
            picked = picked[:1]
        body = [f"    uint32_t acc = x ^ {self.k()};"]
        for c in picked:
            body.append(f"    acc = acc * 31u + {self.fold(c.ret, self.call_expr(c, 'acc'))};")
            self.note("irq_calls")
        return [f"static __attribute__((noinline)) uint32_t {self.p}_irqw(uint32_t x)", "{", *body,
                "    return acc;", "}"]

    def run_body(self) -> list[str]:
        body = [f"    uint32_t acc = {self.k()};"]
        top = [f for f in self.fns if f.kind in ("plain", "rec", "mutual", "table") and not f.name.endswith("_b")]
        spent = 0
        for _ in range(self.rng.randint(2, 5)):
            options = [f for f in top if f.cost <= RUN_COST - spent and f.depth <= THREAD_BYTES]
            if not options:
                break
            c = self.rng.choice(options)
            n = max(1, min(self.rng.randint(1, 4), (RUN_COST - spent) // max(1, c.cost + CALL)))
            body += [f"    for (uint32_t i = 0; i < {n}u; i++)",
                     f"        acc = acc * 31u + {self.fold(c.ret, self.call_expr(c, 'acc + i'))};"]
            spent += n * (c.cost + CALL)
        for t in self.tables:
            if not t.used and t.cost <= RUN_COST - spent:
                call = f"{t.name}[acc % {len(t.members)}u]({self.args(t.params, 'acc')})"
                body.append(f"    acc ^= {self.fold(t.ret, call)};")
                spent += t.cost + CALL
                t.used = True
        body += [f"    acc ^= {self.p}_g[0] + {self.p}_g[1] * 3u + {self.p}_g[2] * 5u + {self.p}_g[3] * 7u;",
                 "    return acc;"]
        self.run_cost = spent
        return [f"__attribute__((noinline)) uint32_t {self.p}_run(void)", "{", *body, "}"]

    def assemble(self) -> Program:
        p = self.p
        irq = self.irq_work()
        run = self.run_body()
        out = [f"/* mcusplit fuzz: own generator v{GENERATOR_VERSION}, seed {self.seed} "
               f"(python3 -m mcusplit.cli fuzz --seed {self.seed} --count 1) */",
               "#include <stdarg.h>", "#include <stdint.h>", "",
               "#ifndef FZ_NOSPLIT", "#ifdef FZ_HOST", "#define FZ_NOSPLIT", "#else",
               "#define FZ_NOSPLIT __attribute__((no_split_stack))   /* runs in the reserve */", "#endif",
               "#endif", "",
               cvalues.helpers(p)]
        for (ret, params), name in self.sigs.items():
            args = ", ".join(self.ctype(t) for t in params) or "void"
            out.append(f"typedef {self.ctype(ret)} (*{name})({args});")
        out += [f"static uint32_t {p}_g[4];", f"static volatile uint32_t {p}_irq_n, {p}_irq_err;",
                f"static uint32_t {p}_irq_expect[4];", ""]
        for fn in self.fns:                              # prototypes first: tables and mutual recursion
            out.append(fn.lines[0] + ";")
        for t in self.tables:
            sig = self.sig(t.ret, t.params)
            const = "const " if t.rom else ""
            out.append(f"static {sig} {const}{t.name}[{len(t.members)}] = "
                       f"{{{', '.join(m.name for m in t.initial)}}};")
        out.append("")
        for fn in self.fns:
            out += [*fn.lines, ""]
        out += [*irq, ""]
        out += [f"void {p}_init(void)", "{"]
        out += [f"    {p}_g[{i}] = {self.k()};" for i in range(4)]
        for t in self.tables:
            if not t.rom:
                out += [f"    {t.name}[{i}] = {m.name};" for i, m in enumerate(t.runtime)]
        args = [self.rng.getrandbits(32) for _ in range(4)]
        out += [f"    {p}_irq_expect[{i}] = {p}_irqw(0x{a:08X}u);" for i, a in enumerate(args)]
        out += [f"    {p}_irq_n = 0;", f"    {p}_irq_err = 0;", "}", ""]
        values = ", ".join(f"0x{a:08X}u" for a in args)
        out += [f"void {p}_irq(void)", "{", f"    static const uint32_t x[4] = {{{values}}};",
                f"    uint32_t k = {p}_irq_n & 3u;", f"    if ({p}_irqw(x[k]) != {p}_irq_expect[k])",
                f"        {p}_irq_err++;", f"    {p}_irq_n++;", "}", ""]
        out += run
        out.append(protocol_tail(p))
        levels = {f.name: f.level for f in self.fns}
        levels.update({f"{p}_run": 0, f"{p}_init": 0, f"{p}_irq": 0, f"{p}_irqw": 0})
        taken = sorted({m.name for t in self.tables for m in t.members})
        self.note("functions", len(self.fns))
        self.note("rom_tables", sum(t.rom for t in self.tables))
        self.note("ram_tables", sum(not t.rom for t in self.tables))
        return Program(name=p, generator="own", seed=self.seed, source="\n".join(out) + "\n",
                       segment_size=self.segment_size, recursion=dict(self.bounds), levels=levels,
                       address_taken=taken, features=dict(sorted(self.features.items())),
                       estimated_segments=(self.estimate(THREAD_BYTES), self.estimate(IRQ_BYTES)),
                       cflags=cvalues.FLOAT_FLAGS)

    def estimate(self, limit_bytes: int) -> int:
        """Segments a chain of `limit_bytes` can take at worst: each frame may open a segment."""
        return estimate_segments(limit_bytes, self.segment_size)


@cache
def estimate_segments(limit_bytes: int, segment_size: int) -> int:
    usable = segment_size - 16 - RESERVE
    return 1 + -(-limit_bytes // max(1, usable // 2))


def generate(seed: int, segment_size: int = 1024) -> Program:
    """The own generator's program for `seed` (the same on every machine)."""
    return Generator(seed, segment_size).generate()
