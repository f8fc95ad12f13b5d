"""Which functions get a split-stack prologue, and whether LLVM can give them one safely.

Works on the textual IR (llvmlite can read but not remove string attributes
such as "split-stack"), plus llvmlite's instruction walk for validation.

Policy:
- A C module from `clang -fsplit-stack` marks every function it may split;
  a function without the attribute was opted out (`no_split_stack`).
- A module with no "split-stack" anywhere (Rust bitcode, hand-written IR)
  gets it on every defined function.
- Opted out in any module: a section name containing "no_split_stack",
  a name matched by mcusplit.toml, naked functions.
- Variadic functions are opted out automatically (LLVM cannot split them),
  with a note; they run in the reserve, so keep them thin wrappers.
- Variable-sized allocas (VLA, alloca()) are an error unless opted out:
  their `sub sp` is not covered by the check.
- A `nest` parameter arrives in r12, which the check uses: an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

SPLIT_ATTR = '"split-stack"'

_DEFINE = re.compile(r'^define\b[^@]*@(?P<name>"(?:[^"\\]|\\.)*"|[-a-zA-Z$._0-9]+)\(', re.M)
_ATTR_GROUP = re.compile(r"^attributes #(?P<id>\d+) = \{(?P<body>.*)\}\s*$", re.M)
_METADATA = re.compile(r"^!(?P<id>\d+) = (?P<body>.*)$", re.M)
_TRIPLE = re.compile(r'^target triple = "(?P<triple>[^"]*)"', re.M)


@dataclass
class FunctionPlan:
    name: str
    split: bool
    reason: str                 # why it is (not) split, for the build report
    core_arg_words: int         # argument words in r0-r3 (4 when unsure): decides the v6-M check variant
    source: str                 # "file:line" of the definition, or the module's file

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Finding:
    function: str
    where: str
    message: str

    def one_line(self) -> str:
        return f"{self.where}: {self.message}"


def unquote(name: str) -> str:
    return name[1:-1] if name.startswith('"') else name


def _matching_paren(text: str, open_index: int) -> int:
    depth = 0
    i = open_index
    in_string = False
    while i < len(text):
        c = text[i]
        if in_string:
            if c == "\\":
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise ValueError("unbalanced parentheses in a define line")


@dataclass
class DefineLine:
    name: str
    start: int                  # offset of 'define' in the module text
    params_end: int             # offset of the ')' closing the parameter list
    body_open: int              # offset of the '{'
    attr_group: int | None
    section: str | None
    dbg: int | None

    def tail(self, text: str) -> str:
        return text[self.params_end + 1:self.body_open]


def parse_defines(text: str) -> list[DefineLine]:
    defines = []
    for m in _DEFINE.finditer(text):
        paren = m.end() - 1
        close = _matching_paren(text, paren)
        brace = text.index("{", close)
        tail = text[close + 1:brace]
        group = re.search(r"#(\d+)\b", tail)
        section = re.search(r'\bsection "([^"]*)"', tail)
        dbg = re.search(r"!dbg !(\d+)", tail)
        defines.append(DefineLine(unquote(m.group("name")), m.start(), close, brace,
                                  int(group.group(1)) if group else None,
                                  section.group(1) if section else None,
                                  int(dbg.group(1)) if dbg else None))
    return defines


class Metadata:
    """Just enough of the debug metadata to say file:line."""

    def __init__(self, text: str) -> None:
        self.nodes = {int(m.group("id")): m.group("body") for m in _METADATA.finditer(text)}

    def _field(self, node: int | None, key: str) -> str | None:
        if node is None or node not in self.nodes:
            return None
        m = re.search(rf"\b{key}: (\"(?:[^\"\\]|\\.)*\"|[^,)\s]+)", self.nodes[node])
        return m.group(1) if m else None

    def _ref(self, node: int | None, key: str) -> int | None:
        value = self._field(node, key)
        return int(value[1:]) if value and value.startswith("!") and value[1:].isdigit() else None

    def location(self, node: int | None) -> tuple[str | None, int | None]:
        """(file, line) of a DISubprogram or DILocation."""
        if node is None:
            return None, None
        line = self._field(node, "line")
        file_node = self._ref(node, "file")
        scope = node
        while file_node is None and scope is not None:
            scope = self._ref(scope, "scope")
            file_node = self._ref(scope, "file") if scope is not None else None
            if scope is not None and self.nodes.get(scope, "").startswith(("distinct !DIFile", "!DIFile")):
                file_node = scope
        filename = self._field(file_node, "filename")
        return (filename.strip('"') if filename else None, int(line) if line and line.isdigit() else None)


def core_arg_words(arguments: list[tuple[str, list[str]]]) -> int:
    """Words of r0-r3 the arguments occupy under the AAPCS; 4 ("all of them") when unsure.

    Over-counting is safe: it only makes the v6-M check park r3 when it did not need to.
    """
    words = 0
    for type_text, attributes in arguments:
        if any(a.startswith(("byval", "inalloca", "preallocated", "nest")) for a in attributes):
            return 4
        t = type_text.strip()
        if t in ("ptr", "float", "i1", "i8", "i16", "i32") or re.fullmatch(r"ptr addrspace\(\d+\)", t):
            words += 1
        elif t in ("i64", "double"):
            words += (words & 1) + 2
        elif m := re.fullmatch(r"\[(\d+) x (i32|float|ptr)\]", t):
            words += int(m.group(1))
        elif m := re.fullmatch(r"\[(\d+) x (i64|double)\]", t):
            words += (words & 1) + 2 * int(m.group(1))
        else:
            return 4
        if words >= 4:
            return 4
    return words


@dataclass
class ModuleFacts:
    """What llvmlite tells us about one defined function."""

    name: str
    vararg: bool
    naked: bool
    arguments: list[tuple[str, list[str]]]
    dynamic_allocas: list[int | None]      # !dbg id of each variable-sized alloca
    has_nest: bool


def plan(text: str, facts: dict[str, ModuleFacts], module_file: str,
         opted_out_by_config: Callable[[str], bool]) -> tuple[list[FunctionPlan], list[Finding], list[Finding]]:
    """Decide every defined function; returns (plans, notes, errors)."""
    defines = parse_defines(text)
    groups = {int(m.group("id")): m.group("body") for m in _ATTR_GROUP.finditer(text)}
    module_marks_split = any(SPLIT_ATTR in body for body in groups.values())
    meta = Metadata(text)
    plans: list[FunctionPlan] = []
    notes: list[Finding] = []
    errors: list[Finding] = []
    for d in defines:
        f = facts[d.name]
        file, line = meta.location(d.dbg)
        where = f"{file or module_file}:{line}" if line else (file or module_file)
        marked = d.attr_group is not None and SPLIT_ATTR in groups.get(d.attr_group, "")
        if module_marks_split and not marked:
            split, reason = False, "no_split_stack attribute"
        elif d.section and "no_split_stack" in d.section:
            split, reason = False, f'section "{d.section}"'
        elif opted_out_by_config(d.name):
            split, reason = False, "no_split_stack in mcusplit.toml"
        elif f.naked:
            split, reason = False, "naked"
        elif f.vararg:
            split, reason = False, "variadic"
            notes.append(Finding(d.name, where, f"note: '{d.name}' is variadic, which LLVM cannot split: "
                                 "built without a check (its callers' checks cover it: the allowance)"))
        else:
            split, reason = True, "split"
        if split and f.dynamic_allocas:
            afile, aline = meta.location(f.dynamic_allocas[0])
            awhere = f"{afile or file or module_file}:{aline}" if aline else where
            errors.append(Finding(d.name, awhere,
                                  f"function '{d.name}' has a variable-sized stack allocation (VLA or "
                                  "alloca) that the split-stack check cannot cover; use a fixed-size "
                                  "buffer or opt the function out (no_split_stack)"))
        if split and f.has_nest:
            errors.append(Finding(d.name, where, f"function '{d.name}' takes a 'nest' argument in r12, "
                                  "which the split-stack check uses"))
        plans.append(FunctionPlan(d.name, split, reason, core_arg_words(f.arguments), where))
    return plans, notes, errors


def apply(text: str, plans: list[FunctionPlan], triple: str) -> str:
    """The module text with "split-stack" exactly on the planned functions and the codegen triple."""
    wanted = {p.name: p.split for p in plans}
    groups = {int(m.group("id")): m.group("body") for m in _ATTR_GROUP.finditer(text)}
    next_id = max(groups, default=-1) + 1
    derived: dict[tuple[int | None, bool], int] = {}
    new_groups: list[str] = []

    def group_for(original: int | None, split: bool) -> int:
        nonlocal next_id
        key = (original, split)
        if key not in derived:
            body = groups.get(original, "") if original is not None else ""
            tokens = body.replace(SPLIT_ATTR, " ").split()
            if split:
                tokens.append(SPLIT_ATTR)
            derived[key] = next_id
            new_groups.append(f"attributes #{next_id} = {{ {' '.join(tokens)} }}")
            next_id += 1
        return derived[key]

    edits: list[tuple[int, int, str]] = []
    for d in parse_defines(text):
        split = wanted.get(d.name, False)
        has = d.attr_group is not None and SPLIT_ATTR in groups.get(d.attr_group, "")
        if has == split:
            continue
        new_id = group_for(d.attr_group, split)
        tail = d.tail(text)
        if d.attr_group is not None:
            new_tail = re.sub(rf"#{d.attr_group}\b", f"#{new_id}", tail, count=1)
        else:
            new_tail = f" #{new_id}" + tail
        edits.append((d.params_end + 1, d.body_open, new_tail))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    if _TRIPLE.search(text):
        text = _TRIPLE.sub(f'target triple = "{triple}"', text, count=1)
    else:
        text = f'target triple = "{triple}"\n' + text
    return text + "\n" + "\n".join(new_groups) + "\n"
