"""A lab rack with a board unplugged: on a bench its slot shows up as SKIPPED with the reason, not
passing silently (the lab needs to see which bench did not run); in CI, or with
--require-all-slots, it fails with the same reason (a rack that lost a board must not pass green)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.hil


def _run_rack(tmp_path, *options: str, ci: bool = False) -> tuple[subprocess.CompletedProcess, str]:
    rack = tmp_path / "lab.toml"
    rack.write_text(f'''
[[slot]]
name = "bench-a"
board = "nucleo-f4@f411re"
probe = "0670FFNOSUCHPROBE"
serial = "{tmp_path / 'ttyACM-unplugged'}"
''')
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rsf", "-p", "no:cacheprovider",
                           "hil/test_rack.py", "--rack", str(rack), "-k", "exhaustion", *options],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    reason = f"slot bench-a (nucleo-f4@f411re): serial port {tmp_path / 'ttyACM-unplugged'} is not present"
    return proc, reason


def test_absent_hardware_is_reported_as_skipped_with_the_reason(tmp_path):
    proc, reason = _run_rack(tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "1 skipped" in out and "passed" not in out and "failed" not in out, out
    assert any(line.startswith("SKIPPED") and line.endswith(reason) for line in out.splitlines()), out


@pytest.mark.parametrize("how", ["--require-all-slots", "CI"])
def test_absent_hardware_fails_in_ci_and_with_require_all_slots(tmp_path, how):
    proc, reason = _run_rack(tmp_path, *([how] if how.startswith("--") else []), ci=how == "CI")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "1 error" in out and "skipped" not in out and "passed" not in out, out    # fails in the slot's setup
    assert reason in out, out
