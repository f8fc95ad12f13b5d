"""The analyzer's unsoundness reports (issue 9), each kept as the program that showed it: built,
run in QEMU and analyzed; the bound must cover what the run measures, and the false alarms are gone.
"""

from __future__ import annotations

import dataclasses

import pytest

from mcusplit import boards, build, project
from mcusplit.analysis import config as analysis_config
from mcusplit.analysis.analyze import analyze
from mcusplit.emu import qemu

pytestmark = pytest.mark.slow

POOL = "[pool]\nsegment_size = 1024\nsegments = 4\n"

JUMP_TABLE = """
#include "mcusplit.h"
__attribute__((noinline)) int big(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int sw(int k, int x) {
    switch (k) {
    case 0: return x + 1;  case 1: return x * 3;  case 2: return big(x) + 4;     case 3: return x - 7;
    case 4: return x ^ 5;  case 5: return x << 2; case 6: return big(x + 1) + 1; case 7: return x / 3;
    case 8: return x + 99; case 9: return x * x;  case 10: return x | 0x40;     case 11: return x & 0x3f;
    default: return 0;
    }
}
__attribute__((noinline)) int outer(int n) {
    volatile int pad[100]; int s = 0;
    for (int i = 0; i < n; i++) { pad[i % 100] = i; s += sw(i, i * 11) + pad[(i * 3) % 100]; }
    return s;
}
int main(void) { mcusplit_printf("jt %d\\n", outer(12)); return 0; }
"""

INDIRECT_TAIL = """
#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 3) % 600] + 1; }
fp table[2] = {small, deep};
__attribute__((noinline)) int dispatch(int i, int x) { return table[i & 1](x); }
__attribute__((noinline)) int outer(int n) { volatile char pad[400]; pad[n % 400] = 1; return dispatch(n, n) + pad[7]; }
int main(void) { mcusplit_printf("r %d\\n", outer(1)); return 0; }
"""

WRITABLE_TABLE = """
#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 3) % 600] + 1; }
fp table[2] = {small, small};
__attribute__((noinline)) int call(int i, int x) { return table[i & 1](x) + 2; }
__attribute__((noinline)) int outer(int n) { volatile char pad[400]; pad[n % 400] = 1; return call(n, n) + pad[7]; }
int main(void) { table[1] = deep; mcusplit_printf("r %d\\n", outer(1)); return 0; }
"""

SELF_TAIL = """
#include "mcusplit.h"
__attribute__((noinline)) unsigned gcd(unsigned a, unsigned b) { if (b == 0) return a; return gcd(b, a % b); }
int main(void) { mcusplit_printf("g %u\\n", gcd(1071, 462)); return 0; }
"""


def built(tmp_path, source: str, board: str, toml: str = POOL, **changes) -> tuple[build.BuildResult, object]:
    directory = tmp_path / "src"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.c").write_text(source)
    (directory / "mcusplit.toml").write_text(toml)
    proj = dataclasses.replace(project.load(directory), **changes)
    return build.build(proj, boards.load(board), tmp_path / "out"), proj


def measured_and_analysis(result: build.BuildResult, proj, board: str):
    run = qemu.run(boards.load(board), result.elf, timeout=60)
    assert run.exit_code == 0, "\n".join(run.lines)
    return run.report.stats["hwm"], analyze(result.elf, analysis_config.load(proj.config_path))


@pytest.mark.parametrize("board", ["qemu-microbit", "qemu-mps2-an386"])
@pytest.mark.parametrize("name", ["jump-table", "indirect-tail", "writable-table"])
def test_the_bound_covers_what_the_run_takes(tmp_path, board, name):
    source = {"jump-table": JUMP_TABLE, "indirect-tail": INDIRECT_TAIL, "writable-table": WRITABLE_TABLE}[name]
    for elision in ("leaf", "full"):
        result, proj = built(tmp_path / elision, source, board, check_elision=elision)
        hwm, analysis = measured_and_analysis(result, proj, board)
        assert not analysis.check_failures(), analysis.check_failures()
        assert hwm >= 1, "the program must split for the test to mean anything"
        assert hwm <= analysis.pool_needed, f"{name} {elision}: measured {hwm}, bound {analysis.pool_needed}"


@pytest.mark.parametrize("board", ["qemu-microbit", "qemu-mps2-an386"])
def test_a_self_tail_call_is_a_loop_not_an_alarm(tmp_path, board):
    result, proj = built(tmp_path, SELF_TAIL, board, check_elision="full")
    _, analysis = measured_and_analysis(result, proj, board)
    assert not analysis.check_failures(), analysis.check_failures()
    assert not analysis.unknowns


def test_a_plain_build_is_analyzed_as_one_stack(tmp_path):
    from .conftest import EXAMPLES

    proj = project.load(EXAMPLES / "recursion")
    result = build.build(proj, boards.load("qemu-mps2-an386"), tmp_path, split_stack=False)
    analysis = analyze(result.elf, analysis_config.load(proj.config_path))
    assert analysis.contiguous and not analysis.check_failures(), analysis.check_failures()
    # the pool's memory is the one stack: (12 + 1) segments of 1 KiB, less the header word block
    assert analysis.stack_budget == 13 * 1024 - 16
    assert analysis.pool_needed <= analysis.stack_budget
