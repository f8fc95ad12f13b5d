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
import faulthandler
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

_lock = threading.RLock()     # re-entrant: the signal handler runs on the main thread, maybe inside it
_live: set[subprocess.Popen | _Forked] = set()   # _Forked: fork_call()'s children
_stopping: int | None = None     # the signal that stops mcusplit, once one came
_main_starting = False           # the main thread is starting a child: see _starting()
_handlers_pid = 0                # the process install_signal_handlers() ran in
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
    with _starting():
        proc = subprocess.Popen([str(c) for c in cmd], start_new_session=True, **kwargs)
    _register(proc)
    if _stopping is not None:          # a signal came while it started: it is ended, now say so
        end(proc)
        raise Interrupted(_stopping)
    return proc


@contextlib.contextmanager
def _starting() -> Iterator[None]:
    """While the main thread starts a child, a signal must not raise: raised inside Popen (it waits
    for the exec) or between fork() and the registration, it would leave the new child running
    unregistered, which nothing ends (found by tests/test_children.py, which signals as soon as
    the child exists). The handler records the signal; the caller ends the child and raises."""
    global _main_starting
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _main_starting = True
    try:
        yield
    finally:
        _main_starting = False


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


class _Forked:
    """A forked child as the registry and _end() see it: the part of Popen they use."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def _reap(self, flags: int) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:
                # reaped meanwhile by stop_all() in a signal handler, which set returncode then
                if self.returncode is None:
                    self.returncode = -signal.SIGKILL
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def wait(self, timeout: float | None = None) -> int:
        if timeout is None:
            return self._reap(0)
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"forked child {self.pid}", timeout)
            time.sleep(0.005)
        return self.returncode


def can_fork() -> bool:
    """fork() is safe only while this process runs one thread: a lock another thread held at the
    fork (the allocator's, the import lock) stays held forever in the child."""
    return hasattr(os, "fork") and threading.active_count() == 1


def fork_call(fn: Callable[..., int], *args: Any, output: Path) -> int:
    """Run fn(*args) in a forked child, in a process group of its own and registered like every
    child; its stdout and stderr go to `output`. Returns the child's status as Popen.returncode
    does (negative: the signal that ended it, e.g. an LLVM abort). For work that may abort the
    process: the child has this process's imports already, so it costs no interpreter start."""
    if _stopping is not None:
        raise Interrupted(_stopping)
    if not can_fork():
        raise RuntimeError("fork_call from a process running several threads")
    out_fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with _starting():
        pid = os.fork()
        if pid != 0:
            os.close(out_fd)
            with contextlib.suppress(OSError):          # either side may set the group first
                os.setpgid(pid, pid)
            child = _Forked(pid)
            _register(child)
    if pid == 0:                                # the child: never returns into the caller's code
        code = 70
        try:
            os.setpgid(0, 0)
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_DFL)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            os.dup2(out_fd, 1)
            os.dup2(out_fd, 2)
            # faulthandler (pytest, PYTHONFAULTHANDLER) writes to the stderr it saved: the parent's
            faulthandler.disable()
            # fresh streams: the inherited ones may hold the parent's unwritten output
            sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
            code = fn(*args)
        except BaseException:                   # the child reports, then exits
            with contextlib.suppress(BaseException):
                traceback.print_exc()
        finally:
            with contextlib.suppress(BaseException):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 70)
    try:
        if _stopping is not None:      # a signal came while it started: _register ended it
            raise Interrupted(_stopping)
        return child.wait()
    finally:
        if child.poll() is None:
            _end(child)
        _unregister(child)


def _on_signal(signum: int, frame: object) -> None:
    global _stopping
    if os.getpid() != _handlers_pid:   # a fork_call() child before it reset its handlers
        os._exit(128 + signum)
    with _lock:
        _stopping = signum
    # Ending the children first also releases worker threads blocked on them, so the main thread's
    # unwinding (thread pools wait for their workers) finishes quickly.
    stop_all()
    if not _main_starting:
        raise Interrupted(signum)


def install_signal_handlers() -> None:
    """SIGINT, SIGTERM and SIGHUP (the terminal went away) end the children and raise Interrupted
    in the main thread."""
    global _handlers_pid
    if threading.current_thread() is not threading.main_thread():
        return
    _handlers_pid = os.getpid()
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
