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

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import McusplitError

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
        raise ConfigError(f"[analyze]: unknown key(s) {', '.join(unknown)}", where)
    config = AnalyzeConfig(source=where)
    for name, bound in _check(table.get("recursion", {}), dict, "[analyze.recursion]", where).items():
        if _check(bound, int, f"[analyze.recursion] {name}", where) < 1:
            raise ConfigError(f"[analyze.recursion] {name}: the bound must be at least 1", where)
        if bound > MAX_RECURSION_BOUND:
            raise ConfigError(f"[analyze.recursion] {name}: the bound must be at most 2^31 ({MAX_RECURSION_BOUND})",
                              where)
        config.recursion[name] = bound
    for key, targets in _check(table.get("indirect", {}), dict, "[analyze.indirect]", where).items():
        _check(targets, list, f"[analyze.indirect] {key}", where)
        config.indirect[key.lower() if key.lower().startswith("0x") else key] = [
            _check(t, str, f"[analyze.indirect] {key}", where) for t in targets]
        if key.lower().startswith("0x"):
            config.indirect[f"{int(key, 16):#x}"] = config.indirect.pop(key.lower())
    config.tasks = [_check(t, str, "[analyze] tasks", where) for t in _check(table.get("tasks", []), list,
                                                                            "[analyze] tasks", where)]
    interrupts = _check(table.get("interrupts", {}), dict, "[analyze.interrupts]", where)
    config.nesting = _check(interrupts.get("nesting", "any"), str, "[analyze.interrupts] nesting", where)
    if config.nesting not in NESTING:
        raise ConfigError(f"[analyze.interrupts] nesting must be one of {', '.join(NESTING)}", where)
    for name, priority in _check(interrupts.get("priorities", {}), dict, "priorities", where).items():
        config.priorities[name] = _check(priority, int, f"priority of {name}", where)
    if config.priorities and config.nesting == "any":
        config.nesting = "priority"
    config.allow_unbounded = _check(table.get("allow_unbounded", False), bool, "allow_unbounded", where)
    return config


def load(path: Path | None) -> AnalyzeConfig:
    if path is None:
        return AnalyzeConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError("no such file", str(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", str(path)) from None
    return parse(raw, str(path))
