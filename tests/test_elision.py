"""Check elision: leaves without checks, and checks removed after linking, must stay safe."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze, prepare, solve
from mcusplit.analysis.model import CheckPlan
from mcusplit.analysis.steps import OVERFLOW
from mcusplit.contract import Layout as StackLayout
from mcusplit.emu import qemu
from mcusplit.optimize import patch, plan

from .conftest import EXAMPLES, FIRMWARE

pytestmark = pytest.mark.slow

BOARDS = ["qemu-mps2-an386", "qemu-microbit", "qemu-mps2-an505"]


def run(board: str, elf) -> qemu.RunResult:
    result = qemu.run(boards.load(board), elf, timeout=60)
    assert not result.timed_out
    return result


@pytest.mark.parametrize("board", BOARDS)
def test_reserve_holds_an_unchecked_leaf_and_an_interrupt_on_top(firmware, board):
    """leafreserve drives an unchecked small subtree (tiny -> leaf) to the very bottom of what checks
    allow and interrupts it there: nothing may reach a stack's bottom, and the analyzer's bound is
    what the run needs."""
    built = firmware(FIRMWARE / "leafreserve", board, True)
    elided = {e.name for e in built.elided}
    assert "leaf" in elided, "the leaf must have lost its check"
    assert "tiny" in elided | set(built.dropped), "a small subtree loses its check"
    assert "checked" not in elided | set(built.dropped)
    result = run(board, built.elf)
    assert result.exit_code == 0, "\n".join(result.lines)
    stats = result.report.stats
    assert stats["overflows"] == 0
    assert stats["splits"] > 0, "the handler must have split at the boundary: the test reached it"
    analysis = analyze(built.elf, analysis_config.load(project.load(FIRMWARE / "leafreserve").config_path))
    assert not analysis.check_failures()
    # The bound also covers the handler landing inside __morestack's window (the new segment taken,
    # sp not yet moved: the handler's split is a second segment), which the run's timer need not hit.
    assert stats["hwm"] <= analysis.pool_needed <= stats["hwm"] + 1


@pytest.mark.parametrize("board", BOARDS)
def test_a_reserve_too_small_for_leaf_and_interrupt_overflows(firmware, tmp_path, board):
    """The same image with every check demanding `shrink` bytes less (as if the reserve were that
    much smaller, below leaf + exception frame + __morestack's push): the analyzer must say
    overflow, and running it must end in a detected overflow (canary: 102; past RAM: a fault, 101, or
    a lockup, 103)."""
    proj = project.load(FIRMWARE / "leafreserve")
    layout = firmware(FIRMWARE / "leafreserve", board, True).layout
    too_small = layout.exception_frame + 16                  # less than leaf + exception frame + push
    shrink = (layout.reserve - too_small + 7) & ~7
    # A smaller reserve means checks that demand less, so the program can go that much deeper.
    # (allowance = false: the build would raise the checks this test lowers by hand.)
    deeper = dataclasses.replace(proj, defines={"DESCENT": str(440 + shrink)}, allowance=False)
    built = build.build(deeper, boards.load(board), tmp_path / "deeper")
    elf = tmp_path / "small-reserve.elf"
    shutil.copy(built.elf, elf)
    p = prepare(elf)
    rounding = StackLayout(layout.segment_size, layout.segments, too_small)
    thresholds = {}
    for f, info in p.infos.items():
        if info.check is not None:
            lowered = info.check.threshold - shrink
            thresholds[f] = (rounding.thumb2_threshold(lowered) if info.check.variant == "thumb2"
                             else -(-lowered // rounding.thumb1_unit()) * rounding.thumb1_unit())
    patch.apply(p, elf, set(), thresholds)
    analysis = analyze(elf, analysis_config.load(proj.config_path))
    assert any("overflow" in f for f in analysis.check_failures()), analysis.check_failures()
    result = run(board, elf)
    assert result.exit_code in (101, 102, 103), "\n".join(result.lines)


FULL = [(EXAMPLES / "recursion", "recursion"), (EXAMPLES / "mixed", "mixed"), (FIRMWARE / "abi", "abi")]


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("path, name", FULL, ids=[n for _, n in FULL])
def test_full_elision_keeps_results_and_proof(firmware, tmp_path, board, path, name):
    proj = dataclasses.replace(project.load(path), check_elision="full")
    built = build.build(proj, boards.load(board), tmp_path / "full")
    plain = run(board, firmware(path, board, False).elf)
    result = run(board, built.elf)
    assert result.exit_code == 0 and result.application_lines == plain.application_lines
    assert result.report.stats["overflows"] == 0
    analysis = analyze(built.elf, analysis_config.load(proj.config_path))
    assert not analysis.check_failures()
    assert result.report.stats["hwm"] <= analysis.pool_needed
    if name == "abi":
        assert built.dropped, "abi has non-recursive direct calls whose checks the analysis can remove"


@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit"])
def test_every_check_left_is_needed(tmp_path, board):
    """After full elision, removing any one remaining check (others unchanged) can overflow; only
    recursion and functions reached through pointers keep checks on principle."""
    proj = dataclasses.replace(project.load(FIRMWARE / "abi"), check_elision="full")
    built = build.build(proj, boards.load(board), tmp_path / "full")
    p = prepare(built.elf, analysis_config.load(proj.config_path))
    kept = [f for f in plan.candidates(p) if p.infos[f].check is not None]
    assert kept, "some eligible checks must remain for the test to mean anything"
    for f in kept:
        solution = solve(p, CheckPlan(frozenset({f})), paths=False)
        assert (solution.pool_needed >= OVERFLOW or solution.pool_needed > p.layout.segments), \
            f"{p.infos[f].name}'s check could go without any overflow"


UNKNOWN_ON_ONE_PATH = """
#include <stdint.h>
#include "mcusplit.h"

#define NOINLINE __attribute__((noinline))
NOINLINE uint32_t small(uint32_t x) { volatile uint32_t b[4]; b[x & 3u] = x; return b[1] + x; }
NOINLINE uint32_t chain_a(uint32_t x) { volatile uint8_t p[160]; p[x % 160u] = 1; return small(x) + p[3]; }
NOINLINE uint32_t chain_b(uint32_t x) { volatile uint8_t p[96]; p[x % 96u] = 2; return chain_a(x) + p[5]; }

/* sp moved by a run-time amount: the analysis cannot follow it (an unknown) */
__attribute__((naked, noinline)) void weird(uint32_t n)
{
    __asm__ volatile("push {r4, lr}\\n\\tmov r4, sp\\n\\tmov r1, sp\\n\\tsubs r1, r1, r0\\n\\tmov sp, r1\\n\\t"
                     "mov sp, r4\\n\\tpop {r4, pc}\\n\\t");
}

NOINLINE uint32_t uses_weird(uint32_t x) { volatile uint8_t p[64]; weird(x & 8u); return chain_a(x) + p[1]; }

int main(void)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < 4; i++)
        s += chain_b(i) + uses_weird(i);
    mcusplit_printf("s=%x\\n", (unsigned)s);
    return 0;
}
"""


@pytest.mark.parametrize("board", ["qemu-mps2-an386", "qemu-microbit"])
def test_an_unknown_stops_elision_only_on_the_paths_through_it(tmp_path, board):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.c").write_text(UNKNOWN_ON_ONE_PATH)
    (tmp_path / "src" / "mcusplit.toml").write_text('[split_stack]\ncheck_elision = "full"\n'
                                                    'allow_uncovered = ["weird"]\n')
    proj = project.load(tmp_path / "src")
    built = build.build(proj, boards.load(board), tmp_path / "full")
    analysis = analyze(built.elf, analysis_config.load(proj.config_path))
    assert any(u["function"] == "weird" for u in analysis.reachable_unknowns)        # the check fails ...
    dropped = set(built.dropped) | {e.name for e in built.elided}
    assert {"chain_b", "small"} <= dropped, dropped              # ... yet elision works off that path
    assert "uses_weird" not in dropped                           # and keeps the check on it
    plain = build.build(dataclasses.replace(proj, check_elision="leaf"), boards.load(board), tmp_path / "leaf")
    assert run(board, built.elf).application_lines == run(board, plain.elf).application_lines
