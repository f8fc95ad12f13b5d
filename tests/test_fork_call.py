"""children.fork_call: the codegen worker forked from `mcusplit cc` (codegen/emit.py). The child's
status comes back as Popen gives it, an abort included; the child is a registered child in a
group of its own, so a signal to mcusplit ends it; it is refused while several threads run.

Each case runs in a fresh interpreter: fork_call is refused in a pytest-xdist worker, which runs a
second (OS) thread, and rightly so."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

from .conftest import ROOT

CASES = r"""
import json, os, signal, sys, threading, time
from pathlib import Path
from mcusplit import children

log = Path(sys.argv[2])

def returns(code):
    print("from the child")
    return code

def exits(code):
    raise SystemExit(code)

def raises():
    raise ValueError("broken on purpose")

def sleeps(marker):
    Path(marker).write_text(str(os.getpgrp()))
    time.sleep(60)
    return 0

case = sys.argv[1]
out = {}
if case.startswith("returns:"):
    out["status"] = children.fork_call(returns, int(case.split(":")[1]), output=log)
elif case.startswith("exits:"):
    value = case.split(":", 1)[1]
    out["status"] = children.fork_call(exits, None if value == "None" else int(value) if value.isdigit() else value,
                                       output=log)
elif case == "aborts":
    out["status"] = children.fork_call(os.abort, output=log)
elif case == "raises":
    out["status"] = children.fork_call(raises, output=log)
elif case == "threads":
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    out["can_fork"] = [children.can_fork(), children.can_fork(wait=0.05)]
    out["threads"] = children._threads()
    try:
        children.fork_call(returns, 0, output=log)
    except RuntimeError as exc:
        out["refused"] = str(exc)
    stop.set()
    other.join()
    out["after"] = children.can_fork(wait=1.0)     # the joined thread has left the kernel too
elif case == "stop_all":
    marker = Path(str(log) + ".pgid")
    def once_the_child_runs(*_):
        if marker.exists():
            children.stop_all()
        else:                                       # not yet (a loaded machine): look again soon
            signal.setitimer(signal.ITIMER_REAL, 0.1)
    signal.signal(signal.SIGALRM, once_the_child_runs)
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    started = time.monotonic()
    out["status"] = children.fork_call(sleeps, str(marker), output=log)
    out["seconds"] = time.monotonic() - started
    out["child_group"], out["our_group"] = int(marker.read_text()), os.getpgrp()
    out["live"] = len(children._live)
print(json.dumps(out))
"""


def run_case(case: str, tmp_path) -> tuple[dict, str]:
    log = tmp_path / "log"
    proc = subprocess.run([sys.executable, "-c", CASES, case, str(log)], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1]), log.read_text() if log.exists() else ""


def test_status_and_output_come_back(tmp_path):
    out, log = run_case("returns:3", tmp_path)
    assert out["status"] == 3 and log == "from the child\n"


def test_an_abort_is_a_negative_status_not_our_end(tmp_path):
    assert run_case("aborts", tmp_path)[0]["status"] == -signal.SIGABRT


def test_an_exception_in_the_child_is_status_70_with_its_traceback(tmp_path):
    out, log = run_case("raises", tmp_path)
    assert out["status"] == 70 and "ValueError: broken on purpose" in log


@pytest.mark.parametrize("case, status", [("exits:5", 5), ("exits:None", 0), ("exits:text", 70),
                                          ("returns:256", 70), ("returns:-1", 70)])
def test_statuses_are_what_a_process_can_exit_with(tmp_path, case, status):
    """SystemExit(n) gives n; what no exit status can hold gives 70 (256 wrapped to 0: success)."""
    assert run_case(case, tmp_path)[0]["status"] == status


def test_refused_while_another_thread_runs(tmp_path):
    out, _ = run_case("threads", tmp_path)
    assert out["can_fork"] == [False, False] and out["threads"] == 2     # the kernel's count
    assert "several threads" in out["refused"] and out["after"] is True


def test_stop_all_ends_a_forked_child_in_its_own_group(tmp_path):
    """What the signal handlers do on SIGTERM: stop_all() from the main thread while the child runs
    (from a SIGALRM handler, so that it interrupts the blocking wait as a signal would)."""
    out, _ = run_case("stop_all", tmp_path)
    assert out["status"] == -signal.SIGTERM and out["seconds"] < 10
    assert out["child_group"] != out["our_group"]   # its own group: killpg reaches it and only it
    assert out["live"] == 0
