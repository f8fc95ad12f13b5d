"""The analyzer's annotations, from the [analyze] table of a project's mcusplit.toml.

    [analyze]
    allow_unbounded = false      # --check passes although a cycle has no bound
    tasks = []                   # entry functions of tasks (each starts on a fresh segment)

    [analyze.recursion]          # a function in the cycle = the most frames of that cycle at once
    descend = 48

    [analyze.indirect]           # possible targets of indirect calls, by calling function or call site
    dispatch = ["on_rx", "on_tx"]
    "0x08001234" = ["handler_a"]

    [analyze.interrupts]
    nesting = "any"              # "any" (default: any handler may preempt any other), "none", "priority"
    priorities = { SysTick_Handler = 0x80, TIM2_IRQHandler = 0x40 }   # with "priority": lower = more urgent
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import McusplitError
from ..files import read_toml

NESTING = ("any", "none", "priority")
MAX_RECURSION_BOUND = 1 << 31


class ConfigError(McusplitError):
    pass


@dataclass
class AnalyzeConfig:
    recursion: dict[str, int] = field(default_factory=dict)
    indirect: dict[str, list[str]] = field(default_factory=dict)
    tasks: list[str] = field(default_factory=list)
    nesting: str = "any"
    priorities: dict[str, int] = field(default_factory=dict)
    allow_unbounded: bool = False
    source: str | None = None


def _check(value: Any, kind: type, what: str, where: str) -> Any:
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise ConfigError(f"{what} must be {kind.__name__}, got {value!r}", where)
    return value


def parse(raw: dict, where: str) -> AnalyzeConfig:
    table = _check(raw.get("analyze", {}), dict, "[analyze]", where)
    known = {"recursion", "indirect", "tasks", "interrupts", "allow_unbounded"}
    if "allow_unresolved" in table:
        raise ConfigError("[analyze] allow_unresolved is gone: the check never passes over an unresolved call; "
                          "name its targets in [analyze.indirect]", where)
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigError(f"[analyze]: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(known))})",
                          where)
    config = AnalyzeConfig(source=where)
    for name, bound in _check(table.get("recursion", {}), dict, "[analyze.recursion]", where).items():
        if _check(bound, int, f"[analyze.recursion] {name}", where) < 1:
            raise ConfigError(f"[analyze.recursion] {name}: the bound must be at least 1", where)
        if bound > MAX_RECURSION_BOUND:
            raise ConfigError(f"[analyze.recursion] {name}: the bound must be at most 2^31 ({MAX_RECURSION_BOUND})",
                              where)
        config.recursion[name] = bound
    for key, targets in _check(table.get("indirect", {}), dict, "[analyze.indirect]", where).items():
        _check(targets, list, f"[analyze.indirect] {key!r}", where)
        names = [_check(t, str, f"[analyze.indirect] {key!r}", where) for t in targets]
        if key.lower().startswith("0x"):
            # a call site: a 32-bit address in hex
            try:
                site = int(key, 16)
            except ValueError:
                site = -1
            if not 0 <= site < 1 << 32 or "_" in key:
                raise ConfigError(f"[analyze.indirect] {key!r}: a call site must be a 32-bit hex address "
                                  f"such as \"0x08001234\" (or name the calling function)", where)
            config.indirect[f"{site:#x}"] = names
        elif not key or not key.isprintable():
            raise ConfigError(f"[analyze.indirect] {key!r}: not a function name or call-site address", where)
        else:
            config.indirect[key] = names
    config.tasks = [_check(t, str, "[analyze] tasks", where) for t in _check(table.get("tasks", []), list,
                                                                            "[analyze] tasks", where)]
    interrupts = _check(table.get("interrupts", {}), dict, "[analyze.interrupts]", where)
    unknown = sorted(set(interrupts) - {"nesting", "priorities"})
    if unknown:
        raise ConfigError(f"[analyze.interrupts]: unknown key(s) {', '.join(unknown)} (allowed: nesting, priorities)",
                          where)
    config.nesting = _check(interrupts.get("nesting", "any"), str, "[analyze.interrupts] nesting", where)
    if config.nesting not in NESTING:
        raise ConfigError(f"[analyze.interrupts] nesting must be one of {', '.join(NESTING)}", where)
    for name, priority in _check(interrupts.get("priorities", {}), dict, "priorities", where).items():
        config.priorities[name] = _check(priority, int, f"priority of {name}", where)
        if not 0 <= priority <= 255:
            raise ConfigError(f"[analyze.interrupts] priority of {name} must be 0..255, got {priority}", where)
    if config.priorities and config.nesting == "any":
        config.nesting = "priority"
    config.allow_unbounded = _check(table.get("allow_unbounded", False), bool, "allow_unbounded", where)
    return config


def read(path: Path) -> dict[str, Any]:
    """The TOML file, or one ConfigError line naming it: missing, a directory, unreadable, binary,
    not UTF-8, not TOML (the tool's one TOML reader, mcusplit/files.py)."""
    return read_toml(path, ConfigError, "mcusplit.toml")


def load(path: Path | None) -> AnalyzeConfig:
    """The [analyze] annotations of a mcusplit.toml (None: none). The file's other tables are the
    project's (mcusplit/project.py checks them; `mcusplit analyze --config` calls both)."""
    if path is None:
        return AnalyzeConfig()
    return parse(read(path), str(path))
