"""A lab rack with a board unplugged: its slot must show up as SKIPPED with the reason, not pass
silently or fail (the lab needs to see which bench did not run)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.hil


def test_absent_hardware_is_reported_as_skipped_with_the_reason(tmp_path):
    rack = tmp_path / "lab.toml"
    rack.write_text(f'''
[[slot]]
name = "bench-a"
board = "nucleo-f4@f411re"
probe = "0670FFNOSUCHPROBE"
serial = "{tmp_path / 'ttyACM-unplugged'}"
''')
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
                           "hil/test_rack.py", "--rack", str(rack), "-k", "exhaustion"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "1 skipped" in out and "passed" not in out and "failed" not in out, out
    reason = f"slot bench-a (nucleo-f4@f411re): serial port {tmp_path / 'ttyACM-unplugged'} is not present"
    assert any(line.startswith("SKIPPED") and line.endswith(reason) for line in out.splitlines()), out
