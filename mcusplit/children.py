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
        try:
            proc = subprocess.Popen([str(c) for c in cmd], start_new_session=True, **kwargs)
        except BaseException:
            if _stopping is not None:      # the signal, not the failed start, is what ends us
                raise Interrupted(_stopping) from None
            raise
        _register(proc)
    if _stopping is not None:          # a signal came while it started: it is ended, now say so
        end(proc)
        raise Interrupted(_stopping)
    return proc


@contextlib.contextmanager
def _starting() -> Iterator[None]:
    """While the main thread starts a child, a signal must not raise: raised inside Popen (it waits
    for the exec) or before the registration, it would leave the new child running unregistered,
    which nothing ends (found by tests/test_children.py, which signals as soon as the child
    exists). The handler records the signal; the caller ends the child and raises. (fork_call
    blocks the signals instead: it must also keep them from the child until it resets them.)"""
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
        cwd: Path | None = None, env: dict[str, str] | None = None,
        capture_stdout: bool = True) -> subprocess.CompletedProcess:
    """Like subprocess.run(capture_output=True), with the child in its own, always-ended group.
    A timeout raises subprocess.TimeoutExpired after the group is ended. capture_stdout=False: the
    child writes to our stdout (`mcusplit cc -E` without -o); stdout is then None."""
    with popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE if capture_stdout else None,
               stderr=subprocess.PIPE, text=text, cwd=cwd, env=env) as proc:
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


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP held until the block ends (in the main thread; other threads do
    not get them): for outputs that must all be in place, or none. A signal that came meanwhile
    is handled when the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _threads() -> int:
    """Threads of this process as the kernel counts them (a thread Python has joined may still be
    exiting in the C library); Python's count where /proc is not there."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def can_fork(wait: float = 0.0) -> bool:
    """fork() is safe only while this process runs one thread: a lock another thread held at the
    fork (the allocator's, the dynamic loader's, the import lock) stays held forever in the child.
    wait: seconds to give threads Python has joined to finish exiting."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    deadline = time.monotonic() + wait
    while _threads() != 1:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.001)
    return True


def fork_call(fn: Callable[..., int], *args: Any, output: Path) -> int:
    """Run fn(*args) in a forked child, in a process group of its own and registered like every
    child; its stdout and stderr go to `output`. Returns the child's status as Popen.returncode
    does (0..255 from fn's return or SystemExit; negative: the signal that ended it, e.g. an LLVM
    abort). For work that may abort the process: the child has this process's imports already, so
    it costs no interpreter start. Call it only when can_fork() says so.

    SIGINT, SIGTERM and SIGHUP are blocked from before the fork until the child is registered (in
    the parent) or has its default handlers back (in the child): a signal in between would leave
    the child unregistered, or run mcusplit's handlers, or the caller's code, inside the child."""
    if _stopping is not None:
        raise Interrupted(_stopping)
    if _threads() != 1:
        raise RuntimeError("fork_call from a process running several threads")
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    child: _Forked | None = None
    unblocked = False
    try:
        out_fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            pid = os.fork()
            if pid == 0:
                _forked_child(fn, args, out_fd, mask)         # never returns
            child = _Forked(pid)
            with contextlib.suppress(OSError):              # either side may set the group first
                os.setpgid(pid, pid)
            _register(child)
        finally:
            os.close(out_fd)
        unblocked = True
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)    # a signal held meanwhile is handled here
        return child.wait()
    finally:
        if child is not None:
            if child.poll() is None:
                _end(child)
            _unregister(child)
        if not unblocked:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _forked_child(fn: Callable[..., int], args: tuple, out_fd: int, mask: set) -> None:
    """The child of fork_call: its own streams and group, default signal handling, fn, exit. Never
    returns into the caller's code, whatever happens."""
    code = 70
    try:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        os.dup2(out_fd, 1)
        os.dup2(out_fd, 2)
        # fresh streams first: the inherited ones hold the parent's unwritten output and fds
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        # faulthandler (pytest, PYTHONFAULTHANDLER) writes to the stderr it saved: the parent's
        faulthandler.disable()
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.setpgid(0, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        result = fn(*args)
        code = result if isinstance(result, int) and 0 <= result <= 255 else 70
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) and 0 <= exc.code <= 255 else 70
    except BaseException:                   # the child reports, then exits
        with contextlib.suppress(BaseException):
            traceback.print_exc()
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def stopped(exc: KeyboardInterrupt) -> tuple[str, int]:
    """What ended us, for the one line the CLI and mcusplit-cc print: ("terminated (SIGTERM)", 143)
    for Interrupted(SIGTERM); a plain KeyboardInterrupt is SIGINT's."""
    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    what = {signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}.get(signum, "interrupted")
    return f"{what} ({signal.Signals(signum).name})", 128 + signum


def _on_signal(signum: int, frame: object) -> None:
    global _stopping
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
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in STOP_SIGNALS:
        signal.signal(sig, _on_signal)


def _worker_on_signal(signum: int, frame: object) -> None:
    stop_all()
    os._exit(128 + signum)


def install_worker_signal_handlers() -> None:
    """For worker processes (a ProcessPoolExecutor's initializer): SIGINT, SIGTERM and SIGHUP end
    the worker's children and then the worker itself. Raising, as in the main process, would not
    do: the pool catches the exception, reports it as the work item's result and takes the next one."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, _worker_on_signal)


atexit.register(stop_all)
