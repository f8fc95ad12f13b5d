"""Every child process (QEMU, clang, ld.lld, rustc, the codegen worker) ends when mcusplit ends.

Each child starts in a process group of its own (start_new_session), so that killing the group also
ends what it started (zig's `cc` driver runs clang as a grandchild). Children are registered while
they run; whatever ends mcusplit (an error, a timeout, SIGINT, SIGTERM, a normal exit) passes
through `stop_all()`: from the context managers here, from the signal handlers the CLI installs,
and from an atexit hook as a last resort.

Why not rely on the terminal: a child in its own session gets no SIGINT from Ctrl-C, and SIGTERM
sent by a supervisor (CI, systemd, `timeout`) reaches only our pid. Without this, QEMU kept
running after `mcusplit run` was killed.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

_lock = threading.RLock()     # re-entrant: the signal handler runs on the main thread, maybe inside it
_live: set[subprocess.Popen] = set()
_stopping: int | None = None     # the signal that stops mcusplit, once one came
GRACE_SECONDS = 2.0        # after SIGTERM, before SIGKILL


class Interrupted(KeyboardInterrupt):
    """mcusplit was asked to stop (SIGINT or SIGTERM). A KeyboardInterrupt, so that code which
    cleans up on Ctrl-C cleans up on SIGTERM too; the CLI prints one line and exits 128 + signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _kill_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _end(proc: subprocess.Popen) -> None:
    """SIGTERM to the child's group, SIGKILL after a grace period; reaps the child."""
    if proc.poll() is None:
        _kill_group(proc, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=GRACE_SECONDS)
    # The group may outlive its leader (a grandchild): SIGKILL whatever is left of it.
    _kill_group(proc, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=GRACE_SECONDS)


def stop_all() -> None:
    """End every registered child (their whole process groups). Safe to call more than once.
    All groups get SIGTERM at once and share one grace period, so stopping a build with many
    compilers running takes at most GRACE_SECONDS, not that much per compiler."""
    with _lock:
        procs = list(_live)
    for proc in procs:
        if proc.poll() is None:
            _kill_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
    for proc in procs:
        _kill_group(proc, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=GRACE_SECONDS)


def _register(proc: subprocess.Popen) -> None:
    with _lock:
        _live.add(proc)
        stopping = _stopping
    if stopping is not None:                  # started in a worker thread after the interrupt: end it at once
        _end(proc)


def _unregister(proc: subprocess.Popen) -> None:
    with _lock:
        _live.discard(proc)


def spawn(cmd: Sequence[str | Path], **kwargs: Any) -> subprocess.Popen:
    """subprocess.Popen in its own process group, registered: for a child that outlives one block
    (a QEMU machine behind a probe); pair it with end(). Prefer popen() or run()."""
    if _stopping is not None:
        raise Interrupted(_stopping)
    proc = subprocess.Popen([str(c) for c in cmd], start_new_session=True, **kwargs)
    _register(proc)
    return proc


def end(proc: subprocess.Popen) -> None:
    """End a child from spawn() and its group, close its pipes, forget it."""
    try:
        _end(proc)
    finally:
        _unregister(proc)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


@contextlib.contextmanager
def popen(cmd: Sequence[str | Path], **kwargs: Any) -> Iterator[subprocess.Popen]:
    """subprocess.Popen in its own process group; the group is ended when the block is left,
    however it is left."""
    proc = spawn(cmd, **kwargs)
    try:
        yield proc
    finally:
        end(proc)


def run(cmd: Sequence[str | Path], *, timeout: float | None = None, text: bool = True,
        cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Like subprocess.run(capture_output=True), with the child in its own, always-ended group.
    A timeout raises subprocess.TimeoutExpired after the group is ended."""
    with popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=text,
               cwd=cwd, env=env) as proc:
        stdout, stderr = proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def _on_signal(signum: int, frame: object) -> None:
    global _stopping
    with _lock:
        _stopping = signum
    # Ending the children first also releases worker threads blocked on them, so the main thread's
    # unwinding (thread pools wait for their workers) finishes quickly.
    stop_all()
    raise Interrupted(signum)


def install_signal_handlers() -> None:
    """SIGINT, SIGTERM and SIGHUP (the terminal went away) end the children and raise Interrupted
    in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)


def _worker_on_signal(signum: int, frame: object) -> None:
    stop_all()
    os._exit(128 + signum)


def install_worker_signal_handlers() -> None:
    """For worker processes (a ProcessPoolExecutor's initializer): SIGINT, SIGTERM and SIGHUP end
    the worker's children and then the worker itself. Raising, as in the main process, would not
    do: the pool catches the exception, reports it as the work item's result and takes the next one."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _worker_on_signal)


atexit.register(stop_all)
