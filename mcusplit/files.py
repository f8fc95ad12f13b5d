"""Files the tool reads and writes: TOML input read with one-line errors, output directories checked
before work starts, a lock per output directory, reports written whole or not at all."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import LockError, McusplitError

LOCK_NAME = ".mcusplit.lock"


def read_toml(path: Path, error: type[McusplitError], what: str = "TOML") -> dict[str, Any]:
    """A TOML file, or one line naming it: missing, a directory, unreadable, not UTF-8, not TOML."""
    where = str(path)
    if path.is_dir():
        raise error(f"is a directory, not a {what} file", where)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise error("no such file", where) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", where) from None
    nul = data.find(b"\0")
    if nul >= 0:
        raise error(f"a binary file (NUL byte at offset {nul}), not a {what} file", where)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start} is {data[exc.start:exc.start + 1]!r}); "
                    f"{what} files are UTF-8", where) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"not valid TOML: {' '.join(str(exc).split())}", where) from None


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def output_dir(path: Path, what: str = "output directory") -> Path:
    """Make sure `path` is a directory we can write (creating it and missing parents), before any
    work starts: a bad -o is one line up front, not a failure after minutes of compiling."""
    where = str(path)
    for parent in [path, *path.parents]:
        if parent.exists() and not parent.is_dir():
            raise McusplitError(f"{what}: {parent} is a file, not a directory", where)
        if parent.exists():
            break
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise McusplitError(f"cannot create the {what}: {_os_reason(exc)}", where) from None
    # access() is not enough (root passes it everywhere; read-only mounts): try a file.
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".mcusplit-probe-"):
            pass
    except OSError as exc:
        raise McusplitError(f"cannot write in the {what}: {_os_reason(exc)}", where) from None
    return path


def creatable_dir(path: Path, what: str) -> Path:
    """Like output_dir(), without creating anything yet: `path` is a directory, or its nearest
    existing parent is a writable directory (for directories made only when there is something to
    put in them, such as saved fuzz failures)."""
    where = str(path)
    for parent in [path, *path.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise McusplitError(f"{what}: {parent} is a file, not a directory", where)
            if not os.access(parent, os.W_OK):
                raise McusplitError(f"{what}: {parent} is not writable", where)
            return path
    return path


@contextlib.contextmanager
def locked(directory: Path, what: str = "build") -> Iterator[None]:
    """An exclusive lock on an output directory for as long as the block runs (fcntl.flock on
    <directory>/.mcusplit.lock, which names the holder's pid). A second mcusplit writing the same
    directory fails at once with one line naming the first one's pid, instead of interleaving its
    files with the first one's. The kernel drops the lock when the holder dies: no stale locks."""
    path = directory / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise McusplitError(f"cannot create the lock file: {_os_reason(exc)}", str(path)) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise McusplitError(f"cannot lock: {_os_reason(exc)}", str(path)) from None
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            who = f"pid {holder[0]}" if holder else "another process"
            raise LockError(f"another mcusplit {holder[1] if len(holder) > 1 else 'run'} ({who}) is writing "
                            f"this directory; wait for it to finish", str(directory)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {what}\n".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)           # closing the descriptor releases the lock


def write_atomic(path: Path, text: str) -> None:
    """The whole file or the old one: written beside it, then renamed over it."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise McusplitError("is a directory, not a file", str(path))
    if not directory.is_dir():
        raise McusplitError(f"the directory {directory} does not exist", str(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise McusplitError(f"cannot write: {_os_reason(exc)}", str(path)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise McusplitError(f"cannot write: {_os_reason(exc)}", str(path)) from None
        raise
