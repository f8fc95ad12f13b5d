"""Where the data directories (boards/, firmware/, linker/) live.

A checkout (the documented `pip install -e .`) keeps them next to the package;
MCUSPLIT_HOME overrides that for installs that copied them elsewhere.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from .errors import ToolError


@cache
def home() -> Path:
    env = os.environ.get("MCUSPLIT_HOME")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parent.parent)
    for candidate in candidates:
        if (candidate / "firmware").is_dir() and (candidate / "boards").is_dir():
            return candidate
    raise ToolError("cannot find the mcusplit data directories (firmware/, boards/); set MCUSPLIT_HOME")


def boards_dir() -> Path:
    return home() / "boards"


def firmware_dir() -> Path:
    return home() / "firmware"


def linker_dir() -> Path:
    return home() / "linker"
