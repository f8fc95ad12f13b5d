"""children.fork_call: the codegen worker forked from `mcusplit cc` (codegen/emit.py). The child's
status comes back as Popen gives it, an abort included; the child is a registered child in a
group of its own, so a signal to mcusplit ends it; it is refused while several threads run."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from mcusplit import children


def _returns(code: int) -> int:
    print("from the child")
    return code


def _aborts() -> int:
    os.abort()


def _raises() -> int:
    raise ValueError("broken on purpose")


def _sleeps(marker: str) -> int:
    Path(marker).write_text(str(os.getpgrp()))
    time.sleep(60)
    return 0


def test_status_and_output_come_back(tmp_path):
    log = tmp_path / "log"
    assert children.fork_call(_returns, 3, output=log) == 3
    assert log.read_text() == "from the child\n"


def test_an_abort_is_a_negative_status_not_our_end(tmp_path):
    assert children.fork_call(_aborts, output=tmp_path / "log") == -signal.SIGABRT


def test_an_exception_in_the_child_is_status_70_with_its_traceback(tmp_path):
    log = tmp_path / "log"
    assert children.fork_call(_raises, output=log) == 70
    assert "ValueError: broken on purpose" in log.read_text()


def test_refused_while_another_thread_runs(tmp_path):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not children.can_fork()
        with pytest.raises(RuntimeError, match="several threads"):
            children.fork_call(_returns, 0, output=tmp_path / "log")
    finally:
        stop.set()
        other.join()
    assert children.can_fork()


def test_stop_all_ends_a_forked_child_in_its_own_group(tmp_path):
    """What the signal handlers do on SIGTERM: stop_all() from the main thread while the child runs
    (here from a SIGALRM handler, so that it interrupts the blocking wait as a signal would)."""
    marker = tmp_path / "pgid"
    previous = signal.signal(signal.SIGALRM, lambda *_: children.stop_all())
    # the child writes its group first; the alarm comes a second later
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        started = time.monotonic()
        status = children.fork_call(_sleeps, str(marker), output=tmp_path / "log")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert status == -signal.SIGTERM and time.monotonic() - started < 10
    pgid = int(marker.read_text())
    assert pgid != os.getpgrp()                     # its own group: killpg reaches it and only it
    assert not children._live
