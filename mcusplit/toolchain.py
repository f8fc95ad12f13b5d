"""The external tools: zig's clang and lld (from the ziglang wheel) and QEMU (Debian)."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import children
from .errors import BuildError, ToolError


def ziglang() -> list[str]:
    """The zig driver from the ziglang wheel (clang, lld and llvm-ar 22 inside): its executable
    itself, as `python -m ziglang` would exec it, without a Python start (about 50 ms) per tool run."""
    return list(_zig_command())          # a copy: the cached command stays as found


@functools.cache
def _zig_command() -> tuple[str, ...]:
    spec = importlib.util.find_spec("ziglang")
    if spec is not None and spec.origin:
        executable = Path(spec.origin).parent / ("zig.exe" if os.name == "nt" else "zig")
        if os.access(executable, os.X_OK):
            return (str(executable),)
    return (sys.executable, "-m", "ziglang")     # not installed: its error comes from that run


def clang() -> list[str]:
    """clang 22 from the ziglang wheel: the same LLVM major as llvmlite, so IR and bitcode match."""
    return [*ziglang(), "cc"]


def qemu_system_arm() -> str:
    path = shutil.which("qemu-system-arm")
    if not path:
        raise ToolError("qemu-system-arm not found (Debian: apt-get install qemu-system-arm)")
    return path


_REFERENCED = re.compile(r"^>>> referenced by .*?\((.+)\)$")
_DIAG = re.compile(r"^(?P<loc>[^\s:][^:]*:\d+(?::\d+)?): (?:fatal )?error: (?P<msg>.*)$")


def first_error(stderr: str) -> str:
    """The first compiler/linker diagnostic, as one line (clang and lld print many)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        m = _DIAG.match(line)
        if m:
            return f"{m.group('loc')}: {m.group('msg')}"
    for i, line in enumerate(lines):
        if "error" in line.lower():
            message = re.sub(r"^(ld\.lld|clang|zig): (error: )?", "", line)
            # lld names the source line that refers to a missing symbol on the next line: keep it
            where = next((m.group(1) for m in (_REFERENCED.match(after) for after in lines[i + 1:i + 2]) if m), None)
            return f"{where}: {message}" if where else message
    return lines[0] if lines else "failed with no message"


_CRASH = ("PLEASE submit a bug report", "Stack dump:", "LLVM ERROR:", "frontend command failed")
_SIGNALS = {132: "SIGILL", 134: "SIGABRT", 136: "SIGFPE", 135: "SIGBUS", 139: "SIGSEGV"}


def crash_report(stderr: str, returncode: int) -> str | None:
    """For a tool that crashed (a signal, or LLVM's crash banner): its first error lines, on one
    line; None for an ordinary failure."""
    if returncode >= 0 and not any(marker in stderr for marker in _CRASH):
        return None
    if returncode < 0:
        cause = f"signal {-returncode}"
    else:
        m = re.search(r"frontend command failed with exit code (\d+)", stderr)
        code = int(m.group(1)) if m else returncode
        cause = f"exit status {code}" + (f", {_SIGNALS[code]}" if code in _SIGNALS else "")
    kept = []
    for line in stderr.splitlines():
        line = line.strip()
        if not line or line.startswith(("PLEASE submit", "Stack dump:", "#", "0.", "1.", "2.", "3.", "clang version",
                                         "Target:", "Thread model:", "InstalledDir:", "*", "zig: note:")):
            continue
        line = re.sub(r"^(zig|clang): (error: )?", "", line)
        kept.append(line)
        if len(kept) == 3:
            break
    return f"crashed ({cause}): {' | '.join(kept) if kept else 'no message'}"


def _link_dir() -> Path:
    return Path(tempfile.gettempdir()) / f"mcusplit-paths-{os.getuid()}"


def plain_path(path: Path) -> Path:
    """The same file or directory through a path without backslashes (a symlink to its directory).
    zig's cc parses the dependency file clang writes and fails on escaped backslashes
    ("failed to parse '...bc.d': none"): clang then never sees such a path."""
    text = str(path)
    if "\\" not in text:
        return path
    full = Path(os.path.abspath(path))
    # A name with a backslash of its own: link the file itself (inputs only; an output written
    # through a file link could replace the link instead of the file).
    parent = full if "\\" in path.name and full.exists() else full.parent
    links = _link_dir()
    link = links / hashlib.sha256(str(parent).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    try:
        links.mkdir(mode=0o700, exist_ok=True)
        try:
            os.symlink(parent, link)
        except FileExistsError:
            if os.readlink(link) != str(parent):      # not ours: replace it
                tmp = links / f".{link.name}.{os.getpid()}"
                os.symlink(parent, tmp)
                os.replace(tmp, link)
    except OSError:
        return path          # no link possible: the tool gets the real path (and may fail on it, saying so)
    return link if parent == full else link / path.name


def _plain_arg(arg: str | Path) -> tuple[str, tuple[str, str] | None]:
    """(argument to pass, (the link it goes through, the original it stands for) or None)."""
    if isinstance(arg, Path) and "\\" in str(arg):
        plain = plain_path(arg)
        if "\\" in arg.name:
            return str(plain), (str(plain), str(arg))
        return str(plain), (str(plain.parent), str(Path(os.path.abspath(arg)).parent))
    text = str(arg)
    if text.startswith("-I") and "\\" in text:
        plain = plain_path(Path(text[2:]))
        return f"-I{plain}", (str(plain), text[2:])
    return text, None


def run_tool(cmd: Sequence[str | Path], what: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run a build tool; a failure becomes a one-line BuildError naming `what`. A crash quotes the
    tool's first error lines. The child ends with us (mcusplit/children.py)."""
    args: list[str] = []
    renamed: dict[str, str] = {}
    for c in cmd:
        arg, link = _plain_arg(c)
        args.append(arg)
        if link is not None:
            renamed[link[0]] = link[1]
    try:
        proc = children.run(args, cwd=cwd)
    except OSError as exc:
        raise ToolError(f"cannot run {cmd[0]}: {exc}") from None
    if proc.returncode != 0:
        output = proc.stderr + proc.stdout
        for link, original in renamed.items():     # messages name the user's paths, not our links
            output = output.replace(link, original)
        crashed = crash_report(output, proc.returncode)
        if crashed is not None:
            tool = "clang" if "cc" in args[:4] else Path(args[0]).name
            raise BuildError(f"{tool} {crashed}", what)
        raise BuildError(first_error(output), what)
    return proc
