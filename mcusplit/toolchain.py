"""The external tools: zig's clang and lld (from the ziglang wheel) and QEMU (Debian)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from .errors import BuildError, ToolError


def ziglang() -> list[str]:
    """The zig driver from the ziglang wheel (clang, lld and llvm-ar 22 inside)."""
    return [sys.executable, "-m", "ziglang"]


def clang() -> list[str]:
    """clang 22 from the ziglang wheel: the same LLVM major as llvmlite, so IR and bitcode match."""
    return [*ziglang(), "cc"]


def qemu_system_arm() -> str:
    path = shutil.which("qemu-system-arm")
    if not path:
        raise ToolError("qemu-system-arm not found (Debian: apt-get install qemu-system-arm)")
    return path


_DIAG = re.compile(r"^(?P<loc>[^\s:][^:]*:\d+(?::\d+)?): (?:fatal )?error: (?P<msg>.*)$")


def first_error(stderr: str) -> str:
    """The first compiler/linker diagnostic, as one line (clang and lld print many)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        m = _DIAG.match(line)
        if m:
            return f"{m.group('loc')}: {m.group('msg')}"
    for line in lines:
        if "error" in line.lower():
            return re.sub(r"^(ld\.lld|clang|zig): (error: )?", "", line)
    return lines[0] if lines else "failed with no message"


def run_tool(cmd: Sequence[str | Path], what: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a build tool; a failure becomes a one-line BuildError naming `what`."""
    try:
        proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, cwd=cwd)
    except OSError as exc:
        raise ToolError(f"cannot run {cmd[0]}: {exc}") from None
    if proc.returncode != 0:
        raise BuildError(first_error(proc.stderr + proc.stdout), what)
    return proc
