"""A content-addressed cache of the runtime's objects (the same for every build of a core).

Every build compiles the runtime (startup, pool, console, __morestack, printf...) for its core and
pool: about a dozen compiler runs that give the same bytes each time. The key is a hash of
everything the object depends on: the source, every firmware header, the flags and defines, the
compiler's version and mcusplit's own code (its codegen rewrites split-stack modules), so a
changed input is a different key. Entries are written to a temporary name and renamed, so a
crash or a parallel build never leaves a torn one. MCUSPLIT_NO_OBJECT_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from . import paths


def enabled() -> bool:
    return not os.environ.get("MCUSPLIT_NO_OBJECT_CACHE")


def directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mcusplit" / "objects"


@cache
def _fingerprint() -> str:
    """mcusplit's own code, the firmware headers and the compiler's version, hashed once."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    firmware = paths.firmware_dir()
    for path in sorted(firmware.rglob("*.h")):
        digest.update(str(path.relative_to(firmware)).encode())
        digest.update(path.read_bytes())
    try:
        from importlib.metadata import version

        digest.update(version("ziglang").encode())
    except Exception:                      # not installed as a distribution: the path still tells
        digest.update(b"ziglang-unknown")
    return digest.hexdigest()


def key(*parts: object) -> str:
    digest = hashlib.sha256(_fingerprint().encode())
    for part in parts:
        if isinstance(part, Path):
            digest.update(str(part).encode())
            digest.update(part.read_bytes() if part.is_file() else b"")
        else:
            digest.update(json.dumps(part, sort_keys=True, default=str).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def fetch(entry: str, out: Path, suffix: str = ".o") -> bool:
    """Copy the cached file for `entry` to `out`; False if there is none."""
    if not enabled():
        return False
    cached = directory() / f"{entry}{suffix}"
    if not cached.is_file():
        return False
    atomic_copy(cached, out)
    return True


def store(entry: str, source: Path, suffix: str = ".o") -> None:
    if not enabled():
        return
    try:
        directory().mkdir(parents=True, exist_ok=True)
        atomic_copy(source, directory() / f"{entry}{suffix}")
    except OSError:
        pass                               # a read-only or full cache only costs speed


def atomic_copy(source: Path, target: Path, mode: int | None = None) -> None:
    """Copy under a temporary name beside target, then rename: target is the old file or the
    whole new one. mode: the permissions, set before the rename (mkstemp makes 0600)."""
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(fd)
    try:
        shutil.copyfile(source, temporary)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
