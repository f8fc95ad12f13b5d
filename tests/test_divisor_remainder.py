"""`x % n` on Thumb-1 calls __aeabi_uidivmod, whose remainder the walk takes as an index below n
(a switch on `x % 12`). With a large n that set is not built: once it was, and `x % 1000000007u`
made a build run out of memory (found by a review)."""

from __future__ import annotations

from mcusplit import boards, build, project
from mcusplit.analysis.analyze import analyze

SOURCE = """#include <stdint.h>
volatile uint32_t g = 12345;
__attribute__((noinline)) uint32_t f(uint32_t x) { return x % 1000000007u; }
__attribute__((noinline)) uint32_t s(uint32_t x)
{
    switch (x % 12u) {
    case 0: return x + 1; case 1: return x * 3; case 2: return x - 7; case 3: return x ^ 5;
    case 4: return x << 2; case 5: return x / 3; case 6: return x + 99; case 7: return x * x;
    case 8: return x | 64; case 9: return x & 63; case 10: return x + 2; default: return 0;
    }
}
int main(void) { g = f(g) + s(g); return 0; }
"""


def test_a_large_divisor_builds_and_analyzes(tmp_path):
    src = tmp_path / "proj"
    src.mkdir()
    (src / "main.c").write_text(SOURCE)
    built = build.build(project.load(src), boards.load("qemu-microbit"), tmp_path / "out")
    analysis = analyze(built.elf)
    assert not analysis.check_failures(), analysis.check_failures()
