"""The soundness corpus (tests/soundness/): one small program per idiom that has fooled stack
analyzers (jump tables, direct/indirect/self tail calls, function tables in flash and in RAM,
pointers passed as arguments, far branches, varargs, recursion, interrupt handlers, tasks), built
at -O0, -Os, -O2 and -O3 for every emulated board and run in QEMU. The measured high-water mark
never exceeds the analyzer's bound, and equals it on the programs that run their worst path; the
output equals a host gcc build's. With check_elision = "full" and a periodic interrupt whose
handler runs split-stack code, every program prints what its plain build prints, canaries intact.

The corpus can fail: an analyzer with one call edge dropped, or one `bx` taken for a return,
under-estimates on it (the last two tests).

The suite runs every program on every board at -O2, and each program at -O0, -Os and -O3 on a
board chosen in rotation (every board and every optimisation level appear); MCUSPLIT_FULL_CORPUS=1
runs all of it, every program on every board at every level, as `benchmarks/soundness_table.py`
does (its last table: benchmarks/soundness_table.md).
"""

from __future__ import annotations

import os

import pytest

from mcusplit.analysis import stackwalk
from mcusplit.analysis.analyze import analyze

from . import soundness_harness as corpus
from .conftest import EMULATED_BOARDS

PROGRAMS = corpus.programs()


def _cells() -> list[tuple]:
    if os.environ.get("MCUSPLIT_FULL_CORPUS"):
        return [(p, b, o) for p in PROGRAMS for b in EMULATED_BOARDS for o in corpus.OPT_LEVELS]
    cells = [(p, b, "-O2") for p in PROGRAMS for b in EMULATED_BOARDS]
    others = [o for o in corpus.OPT_LEVELS if o != "-O2"]
    for i, p in enumerate(PROGRAMS):
        for j, opt in enumerate(others):
            cells.append((p, EMULATED_BOARDS[(i * len(others) + j) % len(EMULATED_BOARDS)], opt))
    return cells


@pytest.mark.slow
@pytest.mark.parametrize("program, board, opt", _cells(), ids=lambda v: getattr(v, "name", v))
def test_measured_never_exceeds_the_bound(program, board, opt, tmp_path):
    outcome = corpus.check(program, board, opt, tmp_path)
    assert not outcome.problems, f"{program.name} {board} {opt}: {outcome.describe()}"


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED_BOARDS)
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_full_elision_under_interrupts_prints_what_the_plain_build_prints(program, board, tmp_path):
    full = corpus.check(program, board, "-O2", tmp_path / "full", irq=True, elision="full")
    assert not full.problems, full.describe()
    if program.name == "tasks":
        return              # tasks run on pool segments: a build without a pool has none (host compared)
    plain = corpus.check(program, board, "-O2", tmp_path / "plain", irq=True, split=False)
    assert not plain.problems, plain.describe()
    assert full.output == plain.output


def _mutated(patch):
    """An analyzer with `patch` applied to the stack walk while it runs (the build is untouched)."""
    def run(elf, config):
        with pytest.MonkeyPatch.context() as mp:
            patch(mp)
            return analyze(elf, config)
    return run


@pytest.mark.slow
def test_the_corpus_fails_when_one_call_edge_is_dropped(tmp_path):
    original = stackwalk._Walk.call

    def drop_calls_to_deep(mp):
        def call(self, site):
            if not any(self.w.names.get(t) == "deep" for t in site.targets):
                original(self, site)
        mp.setattr(stackwalk._Walk, "call", call)

    honest = corpus.check(corpus.by_name("tail_direct"), "qemu-mps2-an386", "-O2", tmp_path / "honest")
    assert not honest.problems, honest.describe()
    mutated = corpus.check(corpus.by_name("tail_direct"), "qemu-mps2-an386", "-O2", tmp_path / "mutated",
                           analyzer=_mutated(drop_calls_to_deep))
    assert any("UNDER-ESTIMATE" in p for p in mutated.problems), mutated.problems


@pytest.mark.slow
def test_the_corpus_fails_when_a_bx_is_taken_for_a_return(tmp_path):
    original = stackwalk._jump

    def bx_returns(mp):
        def jump(walk, ins, state, value, relative=False):
            # the mutation: the program's indirect tail calls (bx at depth 0) "return" (the runtime's
            # are left alone: its fault handler then returning would fail the check another way)
            if ins.base == "bx" and value != stackwalk.RET and state.depth == 0 \
                    and walk.info.name.startswith("through_"):
                walk.info.returns = True
                return
            original(walk, ins, state, value, relative)
        mp.setattr(stackwalk, "_jump", jump)

    mutated = corpus.check(corpus.by_name("tail_indirect"), "qemu-mps2-an386", "-O2", tmp_path,
                           analyzer=_mutated(bx_returns))
    assert any("UNDER-ESTIMATE" in p for p in mutated.problems), mutated.problems
