"""Shrunk programs the fuzzer found failing (tests/fuzz_regressions/<generator>-<seed>-<board>/).

Each case is the reduced program and the failure it showed (case.json: board, the build and run,
the kind, the detail). The test builds and runs it as the fuzzer did and expects no failure of that
kind in that build, and none that shows the program broken anywhere else. Cases whose cause is
being fixed elsewhere carry `xfail` with the reason (e.g. the analyzer's known gaps, issue 9): the
test then xfails only on exactly that failure (any other fails it), and passes once the fix lands.

Add one with `mcusplit fuzz-shrink --generator own --seed S --board B` (docs/fuzz.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mcusplit import boards
from mcusplit.fuzz import shrink
from mcusplit.fuzz.runner import run_pack

from .conftest import require

CASES = sorted(p.parent for p in (Path(__file__).parent / "fuzz_regressions").glob("*/case.json"))
if not CASES:
    pytest.skip("no reduced programs yet", allow_module_level=True)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_regression(case, tmp_path):
    for tool in ("gcc", "qemu-system-arm"):
        require(None if shutil.which(tool) else f"{tool} is not installed")
    program, data = shrink.load_regression(case)
    target = shrink.Target.of(boards.load(data["board"]), data["kind"], data["variant"], data["detail"])
    result = run_pack([program], target.board, tmp_path, target.options())
    same = target.same_build(result.failures)
    # a build error is the one saved only with the same message: any build error has that kind
    # (a compile error of a broken program included), and must not count as the known failure
    known = target.matching(result.failures)
    assert len(known) == len(same), "\n".join(f.one_line() for f in same if f not in known)
    # What shows the program broken in the other builds (in its own build, the failure may come with
    # its consequences: an overflow that changed the result also broke a canary).
    other = [f for f in result.failures if f.variant.split("/")[0] != target.build and f.kind in shrink.BROKEN]
    assert not other, "\n".join(f.one_line() for f in other)
    if known and data.get("xfail"):
        # Only the failure the case was saved for counts as expected (anything else failed above).
        pytest.xfail(f"{data['xfail']} [{known[0].kind}: {known[0].detail}]")
    assert not known, "\n".join(f.one_line() for f in known)
