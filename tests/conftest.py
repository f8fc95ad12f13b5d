"""Shared fixtures: the board list, and a per-session cache of built firmware."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mcusplit import boards, build, project

ROOT = Path(__file__).resolve().parent.parent
FIRMWARE = ROOT / "tests" / "firmware"
EXAMPLES = ROOT / "examples"

# Every board QEMU can run (nucleo-f4 runs on QEMU's STM32F405 with its console on USART2).
EMULATED_BOARDS = [name for name in boards.available() if boards.load(name).emulated]


def require(missing: str | None) -> None:
    """A test whose tool or board is missing: fails in CI (`CI` set: no silent skips there), skips
    with the reason elsewhere."""
    if missing is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI needs it: {missing}")
    pytest.skip(missing)


def require_tool(tool: str, package: str | None = None) -> str:
    """The tool's path on PATH, else require() with the Debian package that installs it."""
    path = shutil.which(tool)
    require(None if path else f"{tool} not installed (Debian: apt-get install {package or tool})")
    return path


@pytest.fixture(scope="session")
def firmware(tmp_path_factory):
    """firmware(project_dir, board, split=True) -> BuildResult, built once per session."""
    cache: dict[tuple[str, str, bool], build.BuildResult] = {}
    base = tmp_path_factory.mktemp("firmware")

    def get(project_dir: Path, board: str, split: bool = True) -> build.BuildResult:
        key = (str(project_dir), board, split)
        if key not in cache:
            proj = project.load(project_dir)
            # the directory's own name too: examples/libc and tests/firmware/libc are both "libc"
            where = Path(project_dir).resolve()
            out = base / f"{where.parent.name}-{where.name}-{proj.name}-{board}-{'split' if split else 'plain'}"
            cache[key] = build.build(proj, boards.load(board), out, split_stack=split)
        return cache[key]

    return get


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """The installed command, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "mcusplit.cli", *args], capture_output=True, text=True,
                          cwd=cwd)


@pytest.fixture(scope="session")
def cc_script(tmp_path_factory) -> Path:
    """An `mcusplit-cc` executable for cmake and make: the console script `pip install` makes,
    written here so the tests use this checkout."""
    directory = tmp_path_factory.mktemp("bin")
    script = directory / "mcusplit-cc"
    script.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}${{PYTHONPATH:+:$PYTHONPATH}}" '
                      f'exec "{sys.executable}" -m mcusplit.driver "$@"\n')
    script.chmod(0o755)
    return script
