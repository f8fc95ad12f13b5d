"""No stray processes (issue 12): whatever ends `mcusplit run` or `mcusplit build` (SIGINT, SIGTERM,
a timeout, an error), no QEMU, clang or ld.lld it started is left running.

The commands run as real subprocesses against real QEMU and clang; a child is found by its command
line in /proc, which holds the test's unique path."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mcusplit import boards, build, project

from .conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent

FOREVER = """#include <stdint.h>
volatile uint32_t spins;
int main(void) { for (;;) spins++; }
"""


def processes_mentioning(text: str) -> list[tuple[int, str]]:
    """(pid, command line) of every live process whose command line contains text."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = next((line for line in (entry / "status").read_text().splitlines()
                          if line.startswith("State:")), "")
        except OSError:
            continue
        if text in cmdline and "zombie" not in state:
            found.append((int(entry.name), cmdline))
    return found


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def forever_elf(tmp_path_factory) -> Path:
    """An image that never exits, in a directory whose name no other process has."""
    src = tmp_path_factory.mktemp("forever-src")
    (src / "forever.c").write_text(FOREVER)
    out = tmp_path_factory.mktemp("forever-unique-out")
    result = build.build(project.load(src / "forever.c"), boards.load("qemu-mps2-an386"), out)
    return result.elf


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mcusplit.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("sig, status, word", [(signal.SIGINT, 130, "interrupted"),
                                               (signal.SIGTERM, 143, "terminated"),
                                               (signal.SIGHUP, 129, "hung up")])
def test_run_stopped_by_a_signal_leaves_no_qemu(forever_elf, sig, status, word):
    proc = start("run", str(forever_elf), "--board", "qemu-mps2-an386", "--timeout", "120")
    stderr = signal_when_a_child_runs(proc, str(forever_elf), sig, "qemu-system-arm")
    assert proc.returncode == status, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mcusplit: error:") and word in lines[0], stderr
    assert "Traceback" not in stderr
    assert wait_for(lambda: not processes_mentioning(str(forever_elf)), 5), processes_mentioning(str(forever_elf))


def test_run_timeout_leaves_no_qemu(forever_elf):
    proc = subprocess.run([sys.executable, "-m", "mcusplit.cli", "run", str(forever_elf), "--board",
                           "qemu-mps2-an386", "--timeout", "1"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 124, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "no exit after 1 s" in lines[0], proc.stderr
    assert not processes_mentioning(str(forever_elf))


def signal_when_a_child_runs(proc: subprocess.Popen, marker: str, sig: int, program: str = "") -> str:
    """Send `sig` once a child of `proc` runs (a process other than `proc` whose command line names
    `marker`, and `program` if given); its stderr once it has ended."""
    try:
        assert wait_for(lambda: any(pid != proc.pid and program in command
                                    for pid, command in processes_mentioning(marker))), f"no child {program} started"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    return stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_build_stopped_by_a_signal_leaves_no_compiler(tmp_path, sig):
    """A build stopped while clang runs: no clang/zig/lld/codegen worker left, the old outputs untouched."""
    src = tmp_path / "many-sources-unique"
    src.mkdir()
    # enough work that the build is surely compiling when the signal comes
    for i in range(12):
        (src / f"f{i}.c").write_text(f"int f{i}(int x) {{ return x * {i} + 1; }}\n")
    (src / "main.c").write_text("int main(void) { return 0; }\n")
    out = tmp_path / "out"
    proc = start("build", str(src), "--board", "qemu-mps2-an386", "-o", str(out), "-j", "2")
    stderr = signal_when_a_child_runs(proc, str(src), sig)
    assert proc.returncode == 128 + sig, stderr
    lines = [line for line in stderr.splitlines() if line.strip() and not line.startswith("compiling")]
    assert len(lines) == 1 and lines[0].startswith("mcusplit: error:"), stderr
    assert wait_for(lambda: not processes_mentioning(str(src)), 5), processes_mentioning(str(src))
    assert not list(out.glob("*.elf")), "a partial output was published"


@pytest.mark.parametrize("sig, word", [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated"),
                                       (signal.SIGHUP, "hung up")])
def test_cc_stopped_by_a_signal_leaves_no_compiler(tmp_path, sig, word):
    """`mcusplit-cc` as make and ninja run it, stopped while clang compiles: no clang left (the
    driver had no signal handlers: SIGTERM and SIGHUP killed Python at once and clang ran on), one
    line, 128 + signal, no object."""
    source = tmp_path / "slow-unique-source.c"
    # a few seconds of clang: the signal comes while it runs
    source.write_text("".join(f"int f{i}(int x) {{ int a[8]; for (int j = 0; j < 8; j++) a[j] = x * j + {i}; "
                              f"return a[x & 7] + (x > 1 ? f{i}(x - 1) : 0); }}\n" for i in range(3000)))
    obj = tmp_path / "slow.o"
    proc = subprocess.Popen([sys.executable, "-m", "mcusplit.driver", "--mcusplit-board=qemu-mps2-an386", "-O2",
                             "-c", str(source), "-o", str(obj)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    stderr = signal_when_a_child_runs(proc, str(source), sig)
    assert proc.returncode == 128 + sig, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mcusplit cc: error:") and word in lines[0], stderr
    assert wait_for(lambda: not processes_mentioning(str(source)), 5), processes_mentioning(str(source))
    assert not obj.exists()


def test_cc_preprocessing_stopped_by_sigterm_leaves_no_clang(tmp_path):
    """`mcusplit cc -E` runs clang with its stdout as ours (the preprocessed text goes where the build
    system reads it). It did so with subprocess.run, past children.py: on SIGTERM it killed zig's
    driver but not the clang under it, which ran on for seconds after mcusplit-cc had exited. A
    macro that doubles 22 times keeps clang busy for about 9 s."""
    source = tmp_path / "slow-unique-macros.c"
    doubling = "".join(f"#define A{i}(x) A{i - 1}(x) A{i - 1}(x)\n" for i in range(1, 23))
    source.write_text("#define A0(x) x x\n" + doubling + "A22(int a;)\n")
    out = tmp_path / "slow.i"
    # stdout not a pipe: the clang left behind held it open, so reading it waited for clang
    proc = subprocess.Popen([sys.executable, "-m", "mcusplit.driver", "--mcusplit-board=qemu-mps2-an386", "-E",
                             str(source), "-o", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    stderr = signal_when_a_child_runs(proc, str(source), signal.SIGTERM)
    assert proc.returncode == 143, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "terminated (SIGTERM)" in lines[0], stderr
    assert wait_for(lambda: not processes_mentioning(str(source)), 2), processes_mentioning(str(source))
    assert not out.exists()


def test_fuzz_stopped_by_sigterm_leaves_no_worker_or_child(tmp_path):
    """`mcusplit fuzz` runs packs in worker processes: SIGTERM ends the workers and what they run
    (clang, QEMU, host programs), not just the main process."""
    require_tool("gcc")                          # the fuzz host oracle; in CI missing fails, never skips
    keep = tmp_path / "fuzz-keep-unique"
    proc = start("fuzz", "-b", "qemu-mps2-an386", "-n", "4", "-j", "2", "--keep", str(keep), "--failures",
                 str(tmp_path / "failures"))
    try:
        # a tool started by a worker: its command line names the kept directory, and it is not a
        # copy of mcusplit itself (the workers are forks of the main process)
        assert wait_for(lambda: any("mcusplit.cli" not in c for _, c in processes_mentioning(str(keep))), 60), \
            "no tool started"
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 143, stderr
    assert "mcusplit: error: terminated (SIGTERM)" in stderr and "Traceback" not in stderr
    assert wait_for(lambda: not processes_mentioning(str(keep)), 10), processes_mentioning(str(keep))


SIGNAL_WHILE_STARTING = r"""
import os, signal, sys, time
from pathlib import Path
from mcusplit import children
children.install_signal_handlers()
def tell_parent():                      # in the child, after fork, before exec: Popen is waiting
    os.kill(os.getppid(), signal.SIGTERM)
registered = children._Forked.__init__
def signal_at_registration(self, pid):  # in the parent, between fork() and the registration
    signal.raise_signal(signal.SIGTERM)
    registered(self, pid)
try:
    if sys.argv[1] == "spawn":
        children.spawn([sys.executable, "-c", "import time; time.sleep(60)", sys.argv[2]], preexec_fn=tell_parent)
    else:
        children._Forked.__init__ = signal_at_registration
        children.fork_call(time.sleep, 60, output=Path(sys.argv[2]))
except children.Interrupted:
    print("interrupted")
"""


@pytest.mark.parametrize("how", ["spawn", "fork"])
def test_a_signal_while_a_child_starts_ends_that_child(tmp_path, how):
    """A signal that comes while the main thread is starting a child (Popen waits for its exec;
    fork_call registers after fork) was raised there and left the new child running, unregistered:
    here it comes at exactly that moment (the spawned child signals its parent before its exec;
    the fork's parent signals itself where it registers the child)."""
    marker = str(tmp_path / "starting-unique")
    proc = subprocess.run([sys.executable, "-c", SIGNAL_WHILE_STARTING, how, marker], cwd=ROOT, capture_output=True,
                          text=True, timeout=30)
    assert proc.stdout.strip() == "interrupted", proc.stderr
    assert wait_for(lambda: not processes_mentioning(marker), 5), processes_mentioning(marker)
