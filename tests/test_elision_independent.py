"""Check elision, verified without the model that chose it.

`check_elision = "full"` keeps a check only when solve() says that removing it can overflow.
test_elision.py::test_every_check_left_is_needed asks solve() again, which cannot catch a bug in
solve(). Here every kept check is removed from the built image with the same patch that elision
applies (patch.apply: the check's first instruction becomes `b.n body`, direct calls go to the
body), and the patched image must then fail somewhere else: a run in QEMU that reports the
overflow (canary or guard report, a non-zero exit, or `overflows` > 0 in the pool statistics), or
`mcusplit analyze --check` run on the patched ELF in a separate process.

Checks of functions reached through pointers are kept on principle (elision does not remove
them, whatever the model says: an indirect call may reach them from code it does not know).
They are not claimed to be needed and are only listed, with that reason verified.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import Prepared, prepare
from mcusplit.emu import qemu
from mcusplit.optimize import patch

from .conftest import EXAMPLES, FIRMWARE, ROOT, require_tool

pytestmark = pytest.mark.slow

# Programs with several kept checks of each kind: recursion (abi's chain and at_room, mixed's
# merge_sort and eval), frames too big for any caller to cover (abi's huge_frame) and
# address-taken functions (abi's probe_*, mixed's stage_*).
PROGRAMS = [(FIRMWARE / "abi", "abi"), (EXAMPLES / "mixed", "mixed")]
BOARDS = ["qemu-mps2-an386", "qemu-microbit"]


def _need_qemu() -> None:
    require_tool("qemu-system-arm")


def kept_on_principle(p: Prepared) -> set[int]:
    """Functions whose address is taken or that an indirect call reaches: elision never tries them."""
    indirect = {t for info in p.infos.values() for call in info.calls if call.indirect for t in call.targets}
    return indirect | p.graph.address_taken


def run_overflowed(result: qemu.RunResult) -> bool:
    """The run noticed the missing check: a canary or guard report, a fault, lockup or any other
    non-zero exit, or a changed stack bottom in the pool statistics."""
    if result.exit_code != 0:
        return True
    return bool(result.report.stats and result.report.stats.get("overflows", 0) > 0)


def analyze_check(elf: Path, config: Path) -> subprocess.CompletedProcess:
    """`mcusplit analyze --check` as a user runs it, in its own process."""
    return subprocess.run([sys.executable, "-m", "mcusplit.cli", "analyze", str(elf), "--check",
                           "--config", str(config)], capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("path, name", PROGRAMS, ids=[n for _, n in PROGRAMS])
def test_every_kept_check_is_needed_by_run_or_analysis(tmp_path, board, path, name):
    _need_qemu()
    proj = dataclasses.replace(project.load(path), check_elision="full")
    built = build.build(proj, boards.load(board), tmp_path / "full")
    config = analysis_config.load(proj.config_path)
    p = prepare(built.elf, config)
    kept = sorted(f for f, info in p.infos.items() if info.check is not None)
    principle = kept_on_principle(p)
    judged = [f for f in kept if f not in principle]
    assert judged, f"{name} keeps no check elision could have removed: the test would prove nothing"
    # The image as built passes both judges, or a failure below would mean nothing.
    assert not run_overflowed(qemu.run(boards.load(board), built.elf, timeout=60))
    assert analyze_check(built.elf, proj.config_path).returncode == 0

    unneeded = []
    for f in judged:
        fn = p.infos[f].name
        elf = tmp_path / f"without-{fn}.elf"
        shutil.copy(built.elf, elf)
        counts = patch.apply(prepare(elf, config), elf, {f}, {})
        assert counts["dropped"] == 1
        result = qemu.run(boards.load(board), elf, timeout=60)
        if run_overflowed(result):
            continue
        # The run may not have reached the worst case; the analysis of the patched bytes must then fail.
        if analyze_check(elf, proj.config_path).returncode == 0:
            unneeded.append(f"{fn} (run: exit {result.exit_code}, stats {result.report.stats})")
    assert not unneeded, f"checks elision kept that neither a run nor the analysis needs: {unneeded}"
    # The others are kept for a reason the image shows: their address is taken.
    for f in kept:
        if f in principle:
            assert f in p.graph.address_taken or any(f in c.targets for i in p.infos.values()
                                                     for c in i.calls if c.indirect), p.infos[f].name
