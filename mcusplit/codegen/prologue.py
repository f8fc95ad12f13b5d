"""Replace LLVM's split-stack prologue with mcusplit's Cortex-M check.

LLVM (Linux triple) emits, at the entry of every split function:

    push  {r4, r5}
    ...compute sp - frame into r5, read the TLS limit with `mrc p15` (faults on M-profile)...
    cmp   r4, r5
    bls   .LBBn_2
    mov   r4, #frame          @ or movw / ldr r4, .LCPI (Thumb-1)
    mov   r5, #arg_bytes
    push  {lr}
    bl    __morestack
    ...return path...
  .LBBn_2:
    pop   {r4, r5}

We keep the frame and argument sizes it computed and replace everything from
the push to the pop with a check that reads no memory: every stack is SEG bytes
and aligned to SEG, so the room left is sp mod SEG (see firmware/include/mcusplit.h).

    Thumb-2 (12 bytes)            Thumb-1 short (10)          Thumb-1 long (14)
    mov    ip, sp                 mov   r3, sp                mov   ip, r3
    lsl.w  ip, ip, #(32-k)        lsls  r3, r3, #(32-k)       mov   r3, sp
    cmp.w  ip, #(T << (32-k))     lsrs  r3, r3, #24           lsls/lsrs/cmp as short
    blo    stub                   cmp   r3, #T/unit           mov   r3, ip
                                  bcc   stub                  bcc   stub

The stub sits just before the function (out of the fall-through path):
    Thumb-2:  adr.w ip, body+1 ; b.w __morestack[_args] [; .short arg_bytes]
    Thumb-1:  mov ip, lr ; bl __morestack[_args][_r3] [; .short arg_bytes]
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass, field

from ..contract import MAX_SEGMENT_SIZE, MORESTACK_PUSH_MAX, Layout, check_text
from ..errors import BuildError
from .splitstack import FunctionPlan

_LABEL = re.compile(r"^(?P<name>[^\s:@]+|\"[^\"]+\"):\s*(?:@.*)?$")
_TYPE_FUNCTION = re.compile(r"^\s*\.type\s+(?P<name>[^,\s]+|\"[^\"]+\"),\s*%function")
_P2ALIGN = re.compile(r"^\s*\.p2align\s+(\d+)")
_IMM = re.compile(r"#(-?(?:0x[0-9a-fA-F]+|\d+))")
_REGISTER = re.compile(r"r\d+|ip|lr|sp|pc|sb|sl|fp")
_SPLIT_NOTE = re.compile(r'^\s*\.section\s+"?\.note\.GNU-(?:no-)?split-stack"?')
_LONG = re.compile(r"^\s*\.(?:long|word)\s+(\S+)")


@dataclass
class FunctionCheck:
    name: str
    frame: int                   # bytes LLVM's prologue asked for
    arg_bytes: int               # stack-passed argument bytes
    need: int                    # frame + reserve
    threshold: int               # the bytes the check actually demands (>= need)
    variant: str                 # "thumb2" | "thumb1-short" | "thumb1-long"
    source: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class RewriteResult:
    text: str
    checks: list[FunctionCheck] = field(default_factory=list)
    elided: list[FunctionCheck] = field(default_factory=list)   # leaves left without a check


def _strip_comment(line: str) -> str:
    return line.split("@", 1)[0].strip() if "@" in line and not line.lstrip().startswith('"') else line.strip()


def _is_instruction(line: str) -> bool:
    s = _strip_comment(line)
    return bool(s) and not s.startswith(".") and not _LABEL.match(s)


def _instruction(line: str) -> tuple[str, str]:
    s = _strip_comment(line)
    parts = s.split(None, 1)
    return parts[0].lower(), (parts[1].replace(" ", "") if len(parts) > 1 else "")


class _Unrecognized(Exception):
    pass


# How LLVM sets r4 and r5 before __morestack: an immediate, a literal-pool load, movw + movt.
_READABLE_WRITES = frozenset({"mov", "movs", "mov.w", "movw", "ldr", "ldr.w", "movt", "movt.w"})
# Mnemonics whose first operand is read, not written.
_FIRST_OPERAND_READ = ("str", "cmp", "cmn", "tst", "teq", "push", "stm")


def _written_register(mnemonic: str, operands: str) -> str | None:
    """r4 or r5 when the instruction may write it, else None: its first operand (with or without
    writeback), or a register list of pop/ldm, or the second register of ldrd."""
    if mnemonic.startswith(_FIRST_OPERAND_READ):
        return None
    if mnemonic.startswith(("pop", "ldm")) and "{" in operands:
        listed = operands[operands.index("{") + 1:operands.index("}") if "}" in operands else None].split(",")
        written = [r for r in ("r4", "r5") if r in listed]
        if written:
            return written[0]
    parts = operands.split(",")
    first = parts[0].rstrip("!")
    if first in ("r4", "r5"):
        return first
    if mnemonic.startswith("ldrd") and len(parts) > 1 and parts[1] in ("r4", "r5"):
        return parts[1]
    return None


class _FunctionRewriter:
    def __init__(self, lines: list[str], layout: Layout, thumb2: bool, display: str) -> None:
        self.lines = lines
        self.layout = layout
        self.thumb2 = thumb2
        self.display = display
        self.pool_values = self._constant_pool()

    def _constant_pool(self) -> dict[str, str]:
        values = {}
        for i, line in enumerate(self.lines):
            m = _LABEL.match(line.strip())
            if m and m.group("name").startswith(".LCPI") and i + 1 < len(self.lines):
                lm = _LONG.match(self.lines[i + 1])
                if lm:
                    values[m.group("name")] = lm.group(1)
        return values

    def _register_value(self, operands: str, register: str) -> int | None:
        if not operands.startswith(register + ","):
            return None
        rest = operands[len(register) + 1:]
        m = _IMM.match(rest)
        if m:
            return int(m.group(1), 0)
        if rest in self.pool_values:
            try:
                return int(self.pool_values[rest], 0)
            except ValueError:
                raise _Unrecognized(f"constant {rest} is not a number") from None
        return None

    def find_prologue(self, label_index: int) -> tuple[int, int, int, int] | None:
        """(first, last, frame, arg_bytes) of LLVM's split-stack prologue, or None if there is none."""
        i = label_index + 1
        n = len(self.lines)
        while i < n and not _is_instruction(self.lines[i]):
            m = _TYPE_FUNCTION.match(self.lines[i])
            if m and not m.group("name").endswith("$local"):    # clang's local alias of this function
                return None
            i += 1
        if i >= n:
            return None
        mnemonic, operands = _instruction(self.lines[i])
        if mnemonic != "push" or operands != "{r4,r5}":
            return None
        first = i
        body_label = None
        morestack = None
        j = i + 1
        while j < n:
            if _is_instruction(self.lines[j]):
                m, ops = _instruction(self.lines[j])
                if m in ("bls", "bls.n", "bls.w") and body_label is None:
                    body_label = ops
                if m in ("bl", "blx") and ops == "__morestack":
                    morestack = j
                    break
                if m == "mrc" and "p15" not in ops:
                    raise _Unrecognized("unexpected coprocessor access")
            elif _TYPE_FUNCTION.match(self.lines[j]):
                break
            j += 1
        if body_label is None or morestack is None:
            raise _Unrecognized("a push {r4, r5} prologue without the split-stack branch and call")
        # Backwards from the call: the last writes of r4 (the frame) and r5 (the stack arguments)
        # before it. Anything else that writes either is refused, never skipped: a frame read
        # short would make the check demand less than the function takes.
        frame = args = None
        high = {"r4": 0, "r5": 0}      # a movt's upper half (frames of 64 KiB and more: movw + movt)
        k = morestack - 1
        while k > first and (frame is None or args is None):
            if _is_instruction(self.lines[k]):
                m, ops = _instruction(self.lines[k])
                if m in ("bls", "bls.n", "bls.w"):
                    break
                register = _written_register(m, ops)
                if register is not None and (frame if register == "r4" else args) is None:
                    value = self._register_value(ops, register) if m in _READABLE_WRITES else None
                    if value is None:
                        raise _Unrecognized(f"'{m} {ops}' sets {register} in a way the rewrite cannot read")
                    if m.startswith("movt"):
                        high[register] = value
                    elif register == "r4":
                        frame = value | high["r4"] << 16
                    else:
                        args = value | high["r5"] << 16
            k -= 1
        if frame is None or args is None:
            raise _Unrecognized("cannot read the frame and argument sizes before __morestack")
        # The body starts at the label the bls branched to; its first instruction is pop {r4, r5}.
        last = None
        for k in range(morestack + 1, n):
            if self.lines[k].strip().split("@")[0].strip() == f"{body_label}:":
                for q in range(k + 1, n):
                    if _is_instruction(self.lines[q]):
                        m, ops = _instruction(self.lines[q])
                        if m == "pop" and ops == "{r4,r5}":
                            last = q
                        break
                break
        if last is None:
            raise _Unrecognized(f"the split-stack body label {body_label} does not start with pop {{r4, r5}}")
        return first, last, frame, args


def _stub_bytes(thumb2: bool, arg_bytes: int) -> int:
    return (8 if thumb2 else 6) + (2 if arg_bytes else 0)


def _threshold_bytes(layout: Layout, need: int, thumb2: bool) -> int | None:
    """The room the check demands for `need` bytes, as its encoding can state it; None where the
    v6-M check's 8-bit immediate cannot (more than 255 units)."""
    if thumb2:
        return layout.thumb2_threshold(need)
    units = layout.thumb1_threshold(need)
    return units * layout.thumb1_unit() if units <= 255 else None


def _way_out(layout: Layout, need: int, args: int, thumb2: bool) -> str:
    """The advice for a frame no segment of this size holds: a larger segment, if the largest
    would do; else the function's own stack (no segment can hold it)."""
    largest = dataclasses.replace(layout, segment_size=MAX_SEGMENT_SIZE)
    threshold = _threshold_bytes(largest, need, thumb2)
    if threshold is not None and threshold <= largest.fresh_room(args):
        return "raise pool.segment_size in mcusplit.toml or make the frame smaller"
    return (f"no segment can hold it (pool.segment_size is at most {MAX_SEGMENT_SIZE}): make the frame "
            "smaller, or opt the function out (no_split_stack) and give it a stack of its own "
            "([split_stack] big_stack in mcusplit.toml, docs/allowance.md)")


def rewrite(text: str, layout: Layout, thumb2: bool, plans: dict[str, FunctionPlan],
            display: str) -> RewriteResult:
    """Rewrite every LLVM split-stack prologue in `text` (one module's assembly)."""
    lines = text.splitlines()
    rw = _FunctionRewriter(lines, layout, thumb2, display)
    out: list[str] = []
    checks: list[FunctionCheck] = []
    elided: list[FunctionCheck] = []
    small: set[str] = set()
    if layout.leaf_allowance:
        functions = _module_functions(lines, rw)
        with_prologue = {n for n, (_, frame, _) in functions.items()
                         if frame is not None and _safe_find(rw, functions[n][0]) is not None}
        small = small_subtrees(functions, with_prologue, layout.leaf_allowance)
    # Function entries: `.type NAME,%function` ... `NAME:`
    typed: set[str] = set()
    counter = 0
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        m_type = _TYPE_FUNCTION.match(line)
        if m_type:
            typed.add(m_type.group("name").strip('"'))
        m_label = _LABEL.match(line.strip())
        name = m_label.group("name").strip('"') if m_label else None
        if name is None or name not in typed:
            out.append(line)
            i += 1
            continue
        plan = plans.get(name)
        try:
            found = rw.find_prologue(i)
        except _Unrecognized as exc:
            # LLVM's output in a form this rewrite does not know: refused, never guessed (a
            # guessed frame could make the check demand less than the function takes)
            raise BuildError(f"unrecognized split-stack prologue in '{name}' ({exc}): mcusplit cannot give "
                             "it a check; build it with no_split_stack, or report LLVM's output (clang -S)",
                             display) from None
        if found is None:
            out.append(line)
            i += 1
            continue
        first, last, frame, args = found
        where = plan.source if plan else display
        if name in small or (frame <= layout.leaf_allowance and _is_leaf(lines, last)):
            # Leaf elision: every caller's check leaves at least the reserve, which is sized to hold
            # a leaf of this frame plus an interrupt on top of it (layout.unchecked_allowance).
            elided.append(FunctionCheck(name, frame, args, frame, 0, "elided", where))
            out.extend(lines[i:first])
            out.extend(kept for kept in lines[first:last + 1]
                       if _strip_comment(kept).startswith(".loc") or _LABEL.match(_strip_comment(kept)))
            i = last + 1
            continue
        need = frame + layout.reserve
        fresh = layout.fresh_room(args)
        counter += 1
        stub = f".Lmcusplit_stub{counter}"
        body = f".Lmcusplit_body{counter}"
        encodable = _threshold_bytes(layout, need, thumb2)
        threshold = fresh + 1 if encodable is None else encodable     # None: reported as too large below
        if thumb2:
            variant = "thumb2"
            check = check_text(layout, variant, threshold, stub)
        else:
            short = plan is not None and plan.core_arg_words <= 3
            variant = "thumb1-short" if short else "thumb1-long"
            check = check_text(layout, variant, layout.thumb1_threshold(need), stub)
        if threshold > fresh:
            raise BuildError(
                f"function '{name}' needs {frame} bytes of stack plus the {layout.reserve}-byte reserve"
                f"{f' and {args} bytes of stack arguments' if args else ''}, more than a "
                f"{layout.segment_size}-byte segment offers ({fresh} bytes usable); "
                + _way_out(layout, need, args, thumb2), where)
        checks.append(FunctionCheck(name, frame, args, need, threshold, variant, where))

        # Stub, placed after the function's .p2align so that it ends exactly where the function starts.
        stub_size = _stub_bytes(thumb2, args)
        insert_at, align_log2 = _preamble_start(out)
        pad = (-stub_size) % (1 << align_log2)
        stub_lines = ["\t.code\t16", *(["\tnop"] * (pad // 2)), f"{stub}:"]
        if thumb2:
            stub_lines += [f"\tadr.w\tip, {body}+1",
                           f"\tb.w\t{'__morestack_args' if args else '__morestack'}"]
        else:
            entry = "__morestack_args" if args else "__morestack"
            if variant == "thumb1-long":
                entry += "_r3"
            stub_lines += ["\tmov\tip, lr", f"\tbl\t{entry}"]
        if args:
            if args > 0xFFFF:
                raise BuildError(f"function '{name}' has {args} bytes of stack arguments", where)
            stub_lines.append(f"\t.short\t{args}")
        out[insert_at:insert_at] = stub_lines

        # The function: label, what preceded the prologue, our check, then the body.
        out.extend(lines[i:first])
        out.extend(check)
        out.append(f"{body}:")
        for kept in lines[first:last + 1]:
            s = _strip_comment(kept)
            if s.startswith(".loc") or _LABEL.match(s):     # debug info may refer to these
                out.append(kept)
        i = last + 1
    # LLVM marks objects with .note.GNU-(no-)split-stack; lld then refuses to mix them with
    # anything else. mcusplit handles calls between split and non-split code itself.
    out = [line for line in out if not _SPLIT_NOTE.match(line)]
    result = "\n".join(out) + "\n"
    result = _drop_unused_constants(result)
    if re.search(r"\bmrc\s+p15\b", result) or "__STACK_LIMIT" in result:
        raise BuildError("internal error: a CP15 limit access survived the prologue rewrite", display)
    return RewriteResult(result, checks, elided)


def _safe_find(rw: _FunctionRewriter, label_index: int):
    try:
        return rw.find_prologue(label_index)
    except _Unrecognized:
        return None


def _module_functions(lines: list[str], rw: _FunctionRewriter) -> dict[str, tuple[int, int | None, list]]:
    """name -> (label line, frame, calls) for every function of the module. frame is None when the
    stack use is not LLVM's fixed frame (no split-stack prologue and pushes of its own); calls are
    (callee or None for an indirect one, depth)."""
    functions: dict[str, tuple[int, int | None, list]] = {}
    typed: set[str] = set()
    for i, line in enumerate(lines):
        m_type = _TYPE_FUNCTION.match(line)
        if m_type:
            typed.add(m_type.group("name").strip('"'))
            continue
        m_label = _LABEL.match(line.strip())
        name = m_label.group("name").strip('"') if m_label else None
        if name is None or name not in typed or name.endswith("$local"):
            continue
        try:
            found = rw.find_prologue(i)
        except _Unrecognized:
            found = None
        if found is not None:
            _, last, frame, _ = found
            body_from = last
        else:
            frame, body_from = (0 if _prologue_frame(lines, i) == 0 else None), i
        calls = []
        for line2 in lines[body_from + 1:]:
            s2 = _strip_comment(line2)
            m2 = _TYPE_FUNCTION.match(line2)
            if s2.startswith((".fnend", ".size")) or (m2 and not m2.group("name").endswith("$local")):
                break
            if not _is_instruction(line2):
                continue
            mnemonic, ops = _instruction(line2)
            base = mnemonic.split(".")[0]
            if base in ("bl", "blx") or (base.startswith("bl") and base[2:] in _CONDITIONS):
                target = None if base == "blx" and _REGISTER.fullmatch(ops) else ops
                calls.append((target, frame if frame is not None else 0))
            elif base.startswith("b") and not base.startswith(("bic", "bfc", "bfi", "bkpt")):
                if base == "bx" or (base.startswith("bx") and base[2:] in _CONDITIONS):
                    if ops != "lr":
                        calls.append((None, 0))
                elif not ops.startswith(".L"):
                    calls.append((ops, 0))                  # a tail call: after the epilogue
            elif ops.startswith("pc,") and base in ("mov", "ldr", "add"):
                calls.append((None, 0))
        functions[name] = (i, frame, calls)
    return functions


def small_subtrees(functions: dict[str, tuple[int, int | None, list]], has_check: set[str],
                   allowance: int) -> set[str]:
    """Functions of this module that need no check: everything they run without a check stays
    within `allowance` bytes (the reserve's budget for an unchecked leaf), whoever calls them.
    Only callees in the module count as known; the linker-level pass (mcusplit.optimize) sees the rest."""
    depth: dict[str, int | None] = {}
    active: set[str] = set()

    def unchecked(name: str) -> int | None:
        if name in depth:
            return depth[name]
        if name in active or name not in functions:
            return None                                     # recursion, or outside the module
        active.add(name)
        _, frame, calls = functions[name]
        result: int | None = frame
        for callee, at in calls:
            if result is None:
                break
            if callee is None:
                result = None
            elif callee in has_check and callee not in elided:
                result = max(result, at + MORESTACK_PUSH_MAX)   # it checks: at most a push here
            else:
                below = unchecked(callee)
                result = None if below is None else max(result, at + below)
        active.discard(name)
        depth[name] = result
        if name in has_check and result is not None and result <= allowance:
            elided.add(name)
        return result

    # A function that may call itself again (directly or through others) keeps its check: elided,
    # the calls counted as "checked" above would have none (found by hotsplit's dig()).
    recursive = {name for name in functions if name in _reachable(functions, name)}
    has_check = has_check - recursive
    elided: set[str] = set()
    for name in functions:
        unchecked(name)
    return elided - recursive


def _reachable(functions: dict[str, tuple[int, int | None, list]], start: str) -> set[str]:
    """Functions of the module `start` may call, transitively (not `start` unless it recurses)."""
    seen: set[str] = set()
    work = [callee for callee, _ in functions[start][2] if callee in functions]
    while work:
        name = work.pop()
        if name in seen:
            continue
        seen.add(name)
        work.extend(callee for callee, _ in functions[name][2] if callee in functions)
    return seen


def _is_leaf(lines: list[str], body_index: int) -> bool:
    """No call, no tail call, no indirect jump in the function's body (after LLVM's prologue)."""
    for line in lines[body_index + 1:]:
        s = _strip_comment(line)
        m = _TYPE_FUNCTION.match(line)
        if s.startswith((".fnend", ".size")) or (m and not m.group("name").endswith("$local")):
            return True
        if not _is_instruction(line):
            continue
        mnemonic, ops = _instruction(line)
        base = mnemonic.split(".")[0]
        if base in ("bl", "blx", "svc") or (base.startswith("bl") and base[2:] in _CONDITIONS):
            return False
        if base.startswith("b") and not base.startswith(("bic", "bfc", "bfi", "bkpt")):
            if base == "bx" or (base.startswith("bx") and base[2:] in _CONDITIONS):
                if ops != "lr":
                    return False
            elif not ops.startswith(".L"):
                return False                               # a branch to another symbol: a tail call
        if ops.startswith("pc,") and base in ("mov", "ldr", "add"):
            return False
    return True


_CONDITIONS = ("eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le")


def _register_count(register_list: str) -> tuple[int, int]:
    """(registers, bytes per register) in an EHABI/push register list such as '{r4-r7, lr}'."""
    count = 0
    for part in register_list.strip("{} ").split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = (int(re.sub(r"\D", "", x)) for x in part.split("-"))
            count += hi - lo + 1
        elif part:
            count += 1
    return count, 8 if re.search(r"\bd\d", register_list) else 4


def _prologue_frame(lines: list[str], label_index: int) -> int:
    """Bytes a function's prologue takes, from the EHABI directives LLVM writes for exactly the
    prologue's stack operations (.save, .vsave, .pad)."""
    total = 0
    for line in lines[label_index + 1:]:
        s = _strip_comment(line)
        m = _TYPE_FUNCTION.match(line)
        if s.startswith((".fnend", ".size")) or (m and not m.group("name").endswith("$local")):
            break
        if s.startswith((".save", ".vsave")):
            registers, width = _register_count(s.split(None, 1)[1])
            total += registers * width
        elif s.startswith(".pad"):
            total += int(s.split("#", 1)[1], 0)
    return total


_PREAMBLE = re.compile(r"^\s*(?:\.(?:type|code|thumb_func|globl|global|weak|hidden|protected|local)\b|@|$)")


def _preamble_start(out: list[str]) -> tuple[int, int]:
    """Where a stub goes: right after the function's `.p2align` (and its log2), or right before
    the function's directives when it has no alignment of its own."""
    k = len(out) - 1
    while k >= 0 and _PREAMBLE.match(out[k]):
        k -= 1
    if k >= 0:
        m = _P2ALIGN.match(out[k])
        if m:
            return k + 1, int(m.group(1))
    return k + 1, 1


def _drop_unused_constants(text: str) -> str:
    """Remove constant-pool entries only the old prologues used (e.g. `.long __STACK_LIMIT`)."""
    uses: dict[str, int] = {}
    for token in re.findall(r"\.LCPI\d+_\d+", text):
        uses[token] = uses.get(token, 0) + 1
    lines = text.splitlines()
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        m = _LABEL.match(line.strip())
        if m and uses.get(m.group("name")) == 1 and i + 1 < len(lines) and _LONG.match(lines[i + 1]):
            keep[i] = keep[i + 1] = False
    return "\n".join(line for line, k in zip(lines, keep, strict=True) if k) + "\n"
