"""Builds the instruction-counting TCG plugin (insn_count.c) for the host, once, with zig's clang."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..toolchain import clang, run_tool

SOURCE = Path(__file__).with_name("insn_count.c")


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "mcusplit"


def plugin_path() -> Path:
    """Path of the built plugin (.so), building it if the source changed."""
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]
    target = cache_dir() / f"insn_count-{digest}.so"
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        run_tool([*clang(), "-shared", "-fPIC", "-O2", "-fvisibility=hidden", SOURCE, "-o", tmp],
                 "building the QEMU instruction-count plugin")
        tmp.replace(target)
    return target


def parse(path: Path) -> tuple[int, list[tuple[int, int, int]]]:
    """(total, [(lo, hi, count), ...]) from the plugin's output file."""
    total = 0
    ranges = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if parts[:1] == ["total"]:
            total = int(parts[1])
        elif parts[:1] == ["range"]:
            ranges.append((int(parts[1], 0), int(parts[2], 0), int(parts[3])))
    return total, ranges
