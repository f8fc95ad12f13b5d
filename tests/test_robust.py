"""Issue 12: the tool never loses work and never lies. What the bad-input corpus
(tests/test_bad_inputs.py) cannot show case by case: awkward paths that must work, two builds racing
for one output directory, a failed command leaving an earlier report as it was."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mcusplit import files

ROOT = Path(__file__).resolve().parent.parent
AWKWARD = "dir with space 'single' \"double\" back\\slash é ü"


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mcusplit.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_sources_and_outputs_under_awkward_paths_build_and_run(tmp_path):
    """Spaces, quotes, a backslash and non-ASCII in the source and output paths (zig's cc once failed
    with "failed to parse '...bc.d': none" on the backslash)."""
    src = tmp_path / AWKWARD / "recursion"
    shutil.copytree(ROOT / "examples" / "recursion", src)
    out = tmp_path / AWKWARD / "out \\ é"
    built = cli("build", str(src), "--board", "qemu-mps2-an386", "-o", str(out), "-q")
    assert built.returncode == 0, built.stderr
    elf = out / "recursion.elf"
    assert elf.is_file()
    ran = cli("run", str(elf), "--board", "qemu-mps2-an386", "--timeout", "30")
    assert ran.returncode == 0, ran.stderr
    assert "@mcusplit v1 exit code=0" in ran.stdout
    assert "watermarks:" in ran.stderr


def test_a_compile_error_under_an_awkward_path_names_the_users_path(tmp_path):
    src = tmp_path / AWKWARD
    src.mkdir()
    (src / "main.c").write_text("int main(void) { return missing; }\n")
    built = cli("build", str(src / "main.c"), "--board", "qemu-mps2-an386", "-o", str(tmp_path / "out"), "-q")
    assert built.returncode == 2
    lines = [line for line in built.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(src / "main.c") + ":1:" in lines[0] and "missing" in lines[0], built.stderr
    assert "mcusplit-paths" not in lines[0], "the message names our symlink, not the user's path"


def test_a_second_build_into_the_same_directory_fails_naming_the_first(tmp_path):
    out = tmp_path / "out"
    # a project big enough that the first build is surely still running when the second starts
    proj = tmp_path / "recursion"
    shutil.copytree(ROOT / "examples" / "recursion", proj)
    for i in range(12):
        (proj / f"extra{i}.c").write_text(f"int extra{i}(int x) {{ return x * {i + 3}; }}\n")
    first = subprocess.Popen([sys.executable, "-m", "mcusplit.cli", "build", str(proj), "--board",
                              "qemu-mps2-an386", "-o", str(out), "-q", "-j", "1"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lock = out / files.LOCK_NAME
        deadline = time.monotonic() + 30
        while not (lock.is_file() and lock.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert lock.read_text().split()[0] == str(first.pid)
        second = cli("build", str(proj), "--board", "qemu-mps2-an386", "-o", str(out), "-q")
        assert first.poll() is None, "the first build ended before the second started: make it bigger"
        _, first_err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 2
    lines = [line for line in second.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"another mcusplit build (pid {first.pid}) is writing this directory" in lines[0]
    assert first.returncode == 0, first_err
    for suffix in (".elf", ".bin", ".hex", ".map", ".build.json"):
        assert (out / f"recursion{suffix}").is_file()
    # the lock is released with its holder: the next writer goes ahead
    with files.locked(out):
        assert lock.read_text().split()[0] == str(os.getpid())


def test_a_failed_analyze_leaves_an_earlier_report_as_it_was(tmp_path):
    report = tmp_path / "report.json"
    report.write_text("the earlier report\n")
    bad = tmp_path / "baseline.json"
    bad.write_text('{"schema": 2, "entries": []}')
    result = cli("analyze", "tests/corpus/elf/seed-recursion-m4.elf", "--format", "json", "-o", str(report),
                 "--baseline", str(bad))
    assert result.returncode == 2 and "missing key 'needed'" in result.stderr
    assert report.read_text() == "the earlier report\n"
    good = cli("analyze", "tests/corpus/elf/seed-recursion-m4.elf", "--format", "json", "-o", str(report))
    assert good.returncode == 0, good.stderr
    assert report.read_text().startswith("{")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "a temporary file was left"
