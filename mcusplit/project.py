"""A project: a directory of sources with an optional mcusplit.toml, or a single source file.

mcusplit.toml (every key optional):

    [project]
    name = "recursion"              # default: the directory's name
    sources = ["*.c", "lib/*.c"]    # globs, relative; default: every .c/.ll/.bc in the directory,
                                    # and a Rust crate's root (main.rs or lib.rs; its modules are not
                                    # sources of their own)
    include_dirs = ["include"]
    defines = { DEPTH = 100 }
    cflags = ["-Os"]                # appended to the defaults (-O2 -g ...)
    rustflags = ["-C", "opt-level=2"]   # appended to rustc's defaults (mcusplit/frontend/rust.py)
    libc = "picolibc"               # the C library: picolibc (default, when installed) | none (docs/libc.md)

    [pool]
    segment_size = 1024             # bytes, a power of two (stacks are aligned to it)
    segments = 8
    reserve = 256                   # bytes kept free below every check (default: per core)
    guard = "auto"                  # hardware guard of the active segment: auto | none | stack-limit | mpu
                                    # (auto: stack-limit on ARMv8-M, none elsewhere)

    [tasks]
    max_tasks = 8                   # task slots of the scheduler (firmware/include/mcusplit_tasks.h)

    [split_stack]
    no_split_stack = ["fast_isr"]   # functions built without a prologue (fnmatch patterns)
    check_elision = "leaf"          # none | leaf | full (full: also after linking, from the analysis)
    leaf_allowance = 32             # leaves with frames up to this many bytes get no check
    cover_budget = 256              # "full": bytes a kept check may demand beyond its own frame and
                                    # reserve, to cover unchecked functions below it
    big_stack = { legacy_printf = 4096, vendor_log = { size = 2048, stack_args = 8 } }
                                    # every call runs on a static stack of that many bytes (docs/libc.md)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .analysis import config as analysis_config
from .contract import MAX_SEGMENT_SIZE, MIN_SEGMENT_SIZE
from .demangle import name_matches
from .errors import ProjectError
from .files import read_toml

SOURCE_SUFFIXES = (".c", ".ll", ".bc", ".rs")
CRATE_ROOTS = ("main.rs", "lib.rs")
DEFAULT_SEGMENT_SIZE = 1024
DEFAULT_SEGMENTS = 8
CHECK_ELISION = ("none", "leaf", "full")
GUARDS = ("auto", "none", "stack-limit", "mpu")
DEFAULT_LEAF_ALLOWANCE = 32
DEFAULT_COVER_BUDGET = 256
DEFAULT_MAX_TASKS = 8
LIBCS = ("picolibc", "none")
BIG_STACK_MAX = 1 << 20
_SYMBOL = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class PoolConfig:
    segment_size: int = DEFAULT_SEGMENT_SIZE
    segments: int = DEFAULT_SEGMENTS
    reserve: int | None = None        # None: the core's default (see codegen.layout)
    guard: str = "auto"               # GUARDS; resolved per core by codegen.layout.resolve_guard

    @property
    def segment_shift(self) -> int:
        return self.segment_size.bit_length() - 1


@dataclass(frozen=True)
class BigStack:
    """[split_stack] big_stack: every call of `function` runs on its own static stack."""

    function: str
    size: int                         # bytes the call may use (interrupts get the reserve on top)
    stack_args: int = 0               # bytes of stack-passed arguments the trampoline copies


@dataclass(frozen=True)
class Project:
    name: str
    root: Path
    sources: tuple[Path, ...]
    include_dirs: tuple[Path, ...] = ()
    defines: dict[str, str] = field(default_factory=dict)
    cflags: tuple[str, ...] = ()
    rustflags: tuple[str, ...] = ()
    libc: str = "picolibc"            # LIBCS
    pool: PoolConfig = PoolConfig()
    no_split_stack: tuple[str, ...] = ()
    check_elision: str = "leaf"
    leaf_allowance: int = DEFAULT_LEAF_ALLOWANCE
    cover_budget: int = DEFAULT_COVER_BUDGET
    big_stack: tuple[BigStack, ...] = ()
    # Code without checks the allowance leaves out (its stack use cannot be bounded, or is more than
    # a segment): accepted as it is, callers' checks not raised for it; `mcusplit analyze` still
    # reports it. For code that must run that way (tests of the guards), and code known to be safe.
    allow_uncovered: tuple[str, ...] = ()
    allowance: bool = True            # debugging only: False leaves thresholds as the compiler made them
    max_tasks: int = DEFAULT_MAX_TASKS
    # Builds without split stacks only: every task slot gets a contiguous stack of this many bytes
    # (0: none, and tasks cannot start without a pool). The reference for benchmarks/tasks32_memory.py.
    contiguous_stack: int = 0
    config_path: Path | None = None
    raw: dict[str, Any] = field(default_factory=dict)   # the whole file, for tools that read more (analyzer)

    def opted_out(self, function: str) -> bool:
        """By its symbol or, for Rust, by its path (rust::checksum)."""
        return name_matches(function, self.no_split_stack)


def _expect(value: Any, kind: type | tuple[type, ...], key: str, where: str) -> Any:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        raise ProjectError(f"'{key}' must be {' or '.join(k.__name__ for k in kinds)}, got {value!r}", where)
    return value


def _str_list(value: Any, key: str, where: str) -> list[str]:
    _expect(value, list, key, where)
    for item in value:
        _expect(item, str, key, where)
    return value


def _check_keys(table: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ProjectError(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})",
                           where)


TABLES = {"project", "pool", "tasks", "split_stack", "analyze"}
_LIKELY = {"pools": "pool", "split-stack": "split_stack", "splitstack": "split_stack", "task": "tasks",
           "analysis": "analyze", "analyzer": "analyze", "projects": "project"}


def check_tables(raw: dict, where: str) -> None:
    """Unknown top-level tables are mistakes ([pools], [split-stack]): silently ignoring one would
    build with defaults the user did not ask for."""
    for key in sorted(set(raw) - TABLES):
        hint = f" (did you mean [{_LIKELY[key]}]?)" if key in _LIKELY else ""
        what = f"table [{key}]" if isinstance(raw[key], dict) else f"key '{key}'"
        raise ProjectError(f"unknown top-level {what}{hint}; allowed tables: "
                           f"{', '.join(f'[{t}]' for t in sorted(TABLES))}", where)


def check_name(name: str, where: str) -> str:
    """[project] name names the output files (<name>.elf ...): a plain file name, nothing that could
    climb out of the output directory or hide."""
    if (not name or name in (".", "..") or name.startswith(".") or any(c in name for c in "/\\\0")
            or name != name.strip() or any(ord(c) < 32 for c in name)):
        raise ProjectError(f"[project] name must be a plain file name (no '/', '\\', '..', leading '.', "
                           f"control characters or surrounding spaces), got {name!r}", where)
    if len(name.encode("utf-8", "surrogateescape")) > 200:
        raise ProjectError(f"[project] name is too long for a file name ({len(name)} characters)", where)
    return name


def parse_pool(table: dict, where: str) -> PoolConfig:
    _check_keys(table, {"segment_size", "segments", "reserve", "guard"}, f"{where} [pool]")
    size = _expect(table.get("segment_size", DEFAULT_SEGMENT_SIZE), int, "segment_size", where)
    if size < MIN_SEGMENT_SIZE or size > MAX_SEGMENT_SIZE or size & (size - 1):
        raise ProjectError(f"pool.segment_size must be a power of two from {MIN_SEGMENT_SIZE} to "
                           f"{MAX_SEGMENT_SIZE}, got {size}", where)
    count = _expect(table.get("segments", DEFAULT_SEGMENTS), int, "segments", where)
    if not 1 <= count <= 4096:
        raise ProjectError(f"pool.segments must be 1..4096, got {count}", where)
    reserve = table.get("reserve")
    if reserve is not None:
        _expect(reserve, int, "reserve", where)
        if reserve < 64 or reserve % 8 or reserve >= size // 2:
            raise ProjectError(f"pool.reserve must be a multiple of 8 from 64 to half a segment, got {reserve}",
                               where)
    guard = _expect(table.get("guard", "auto"), str, "guard", where)
    if guard not in GUARDS:
        raise ProjectError(f"pool.guard must be one of {', '.join(GUARDS)}, got {guard!r}", where)
    return PoolConfig(size, count, reserve, guard)


def parse_big_stack(table: dict, where: str) -> tuple[BigStack, ...]:
    """big_stack = { fn = SIZE } or { fn = { size = SIZE, stack_args = BYTES } }."""
    stacks = []
    for function, value in table.items():
        key = f"split_stack.big_stack.{function}"
        if not _SYMBOL.fullmatch(function):
            raise ProjectError(f"{key}: a big stack is for a function with a C symbol name "
                               f"(letters, digits, '_'), got {function!r}", where)
        if isinstance(value, dict):
            _check_keys(value, {"size", "stack_args"}, f"{where} [{key}]")
            if "size" not in value:
                raise ProjectError(f"{key} needs a size (bytes)", where)
            size, stack_args = value["size"], value.get("stack_args", 0)
            _expect(size, int, f"{key}.size", where)
        else:
            size, stack_args = value, 0
            _expect(size, int, key, where)
        _expect(stack_args, int, f"{key}.stack_args", where)
        if not 64 <= size <= BIG_STACK_MAX or size % 8:
            raise ProjectError(f"{key}: the size must be a multiple of 8 from 64 to {BIG_STACK_MAX}, got {size}",
                               where)
        if not 0 <= stack_args <= 256 or stack_args % 4:
            raise ProjectError(f"{key}.stack_args must be a multiple of 4 from 0 to 256, got {stack_args}", where)
        stacks.append(BigStack(function, size, stack_args))
    return tuple(stacks)


def load(path: str | Path) -> Project:
    """A directory (with or without mcusplit.toml) or one source file."""
    path = Path(path)
    if not path.exists():
        raise ProjectError("no such file or directory", str(path))
    if path.is_file():
        if path.suffix not in SOURCE_SUFFIXES:
            raise ProjectError(f"not a source file (expected {', '.join(SOURCE_SUFFIXES)})", str(path))
        return Project(name=check_name(path.stem, str(path)), root=path.parent.resolve(), sources=(path.resolve(),))

    root = path.resolve()
    config_path = root / "mcusplit.toml"
    raw: dict[str, Any] = {}
    where = str(config_path)
    if config_path.exists() or config_path.is_symlink():
        raw = read_toml(config_path, ProjectError, "mcusplit.toml")
    check_tables(raw, where)
    project_t = _expect(raw.get("project", {}), dict, "project", where)
    _check_keys(project_t, {"name", "sources", "include_dirs", "defines", "cflags", "rustflags", "libc"},
                f"{where} [project]")
    name = check_name(_expect(project_t.get("name", root.name), str, "name", where), where)

    sources: list[Path] = []
    default_patterns = [f"*{s}" for s in SOURCE_SUFFIXES if s != ".rs"] + [*CRATE_ROOTS, "src/main.rs",
                                                                         "src/lib.rs"]
    patterns = _str_list(project_t.get("sources", default_patterns), "sources", where)
    for pattern in patterns:
        matches = sorted(p for p in root.glob(pattern) if p.is_file())
        if not matches and "sources" in project_t:
            raise ProjectError(f"source pattern '{pattern}' matches no file", where)
        for match in matches:
            if match.suffix not in SOURCE_SUFFIXES:
                raise ProjectError(f"'{match.name}' is not a .c, .rs, .ll or .bc file", where)
            if match not in sources:
                sources.append(match)
    if not sources:
        raise ProjectError("no sources (.c, .rs, .ll or .bc) found", str(root))
    crates = [s for s in sources if s.suffix == ".rs"]
    if len(crates) > 1:
        names = ", ".join(str(c.relative_to(root)) for c in crates)
        raise ProjectError(f"one Rust crate per project: list only its root in [project] sources "
                           f"(found {names}; modules are found from the root)", where)

    return Project(name=name, root=root, sources=tuple(sources),
                   config_path=config_path if raw or config_path.is_file() else None, raw=raw,
                   **_settings(raw, project_t, root, where))


def settings(config_path: Path | None, name: str, root: Path) -> Project:
    """A project without sources: the settings of an mcusplit.toml (or the defaults, without one)
    for tools that get their sources elsewhere (`mcusplit cc`, whose build system lists them).
    `[project] sources` is ignored there; include_dirs are relative to the file's directory."""
    raw: dict[str, Any] = {}
    where = str(config_path) if config_path else str(root)
    if config_path is not None:
        if not config_path.is_file():
            raise ProjectError("no such file", str(config_path))
        raw = read_toml(config_path, ProjectError, "mcusplit.toml")
        config_path = config_path.resolve()
    check_tables(raw, where)
    project_t = _expect(raw.get("project", {}), dict, "project", where)
    _check_keys(project_t, {"name", "sources", "include_dirs", "defines", "cflags", "rustflags", "libc"},
                f"{where} [project]")
    base = config_path.parent if config_path else root
    return Project(name=name, root=root, sources=(), config_path=config_path, raw=raw,
                   **_settings(raw, project_t, base, where))


def _settings(raw: dict[str, Any], project_t: dict, root: Path, where: str) -> dict[str, Any]:
    """Every setting of the file but the name and the sources, as Project's keyword arguments."""
    include_dirs = []
    for entry in _str_list(project_t.get("include_dirs", []), "include_dirs", where):
        directory = (root / entry).resolve()
        if not directory.is_dir():
            raise ProjectError(f"include directory '{entry}' does not exist", where)
        include_dirs.append(directory)
    defines_t = _expect(project_t.get("defines", {}), dict, "defines", where)
    defines = {}
    for key, value in defines_t.items():
        _expect(value, (str, int), f"defines.{key}", where)
        defines[key] = str(value)
    cflags = _str_list(project_t.get("cflags", []), "cflags", where)
    rustflags = _str_list(project_t.get("rustflags", []), "rustflags", where)
    libc = _expect(project_t.get("libc", "picolibc"), str, "libc", where)
    if libc not in LIBCS:
        raise ProjectError(f"project.libc must be one of {', '.join(LIBCS)}, got {libc!r}", where)

    pool = parse_pool(_expect(raw.get("pool", {}), dict, "pool", where), where)
    split_t = _expect(raw.get("split_stack", {}), dict, "split_stack", where)
    _check_keys(split_t, {"no_split_stack", "check_elision", "leaf_allowance", "cover_budget", "big_stack",
                          "allow_uncovered", "allowance"}, f"{where} [split_stack]")
    allow_uncovered = _str_list(split_t.get("allow_uncovered", []), "allow_uncovered", where)
    allowance = _expect(split_t.get("allowance", True), bool, "allowance", where)
    no_split = _str_list(split_t.get("no_split_stack", []), "no_split_stack", where)
    elision = _expect(split_t.get("check_elision", "leaf"), str, "check_elision", where)
    if elision not in CHECK_ELISION:
        raise ProjectError(f"split_stack.check_elision must be one of {', '.join(CHECK_ELISION)}", where)
    leaf_allowance = _expect(split_t.get("leaf_allowance", DEFAULT_LEAF_ALLOWANCE), int, "leaf_allowance", where)
    if not 0 <= leaf_allowance <= 128 or leaf_allowance % 4:
        raise ProjectError(f"split_stack.leaf_allowance must be a multiple of 4 from 0 to 128, got {leaf_allowance}",
                           where)

    cover_budget = _expect(split_t.get("cover_budget", DEFAULT_COVER_BUDGET), int, "cover_budget", where)
    if not 0 <= cover_budget <= pool.segment_size:
        raise ProjectError(f"split_stack.cover_budget must be 0..{pool.segment_size}, got {cover_budget}", where)
    big_stack = parse_big_stack(_expect(split_t.get("big_stack", {}), dict, "big_stack", where), where)
    tasks_t = _expect(raw.get("tasks", {}), dict, "tasks", where)
    _check_keys(tasks_t, {"max_tasks", "contiguous_stack"}, f"{where} [tasks]")
    max_tasks = _expect(tasks_t.get("max_tasks", DEFAULT_MAX_TASKS), int, "max_tasks", where)
    if not 1 <= max_tasks <= 256:
        raise ProjectError(f"tasks.max_tasks must be 1..256, got {max_tasks}", where)
    contiguous_stack = _expect(tasks_t.get("contiguous_stack", 0), int, "contiguous_stack", where)
    if contiguous_stack and not (256 <= contiguous_stack <= 1 << 20 and contiguous_stack % 8 == 0):
        raise ProjectError(f"tasks.contiguous_stack must be 0 or a multiple of 8 from 256 to 1048576, got "
                           f"{contiguous_stack}", where)
    # [analyze] too: a malformed annotation found after minutes of compiling is found too late.
    analysis_config.parse(raw, where)
    return dict(include_dirs=tuple(include_dirs), defines=defines, cflags=tuple(cflags), rustflags=tuple(rustflags),
                libc=libc, pool=pool, no_split_stack=tuple(no_split), check_elision=elision,
                leaf_allowance=leaf_allowance, cover_budget=cover_budget, big_stack=big_stack,
                allow_uncovered=tuple(allow_uncovered), allowance=allowance, max_tasks=max_tasks,
                contiguous_stack=contiguous_stack)
