// corpus: segment_size=2048 segments=5 exact
/* A switch large enough to become a jump table (tbb/tbh on Thumb-2, the add-pc form on Thumb-1),
 * with calls to big frames in some of its cases; every case runs. */
#include "corpus.h"

NOINLINE uint32_t big_a(uint32_t x) { FRAME(900, x); return frame_value_ + x * 3u; }
NOINLINE uint32_t big_b(uint32_t x) { FRAME(500, x); return frame_value_ ^ x; }

NOINLINE uint32_t sw(uint32_t k, uint32_t x)
{
    switch (k) {
    case 0: return x + 1u;
    case 1: return x * 3u;
    case 2: return big_a(x) + 4u;
    case 3: return x - 7u;
    case 4: return x ^ 5u;
    case 5: return x << 2;
    case 6: return big_b(x + 1u) + 1u;
    case 7: return x / 3u;
    case 8: return x + 99u;
    case 9: return x * x;
    case 10: return x | 0x40u;
    case 11: return big_a(x ^ 9u);
    case 12: return x & 0x3fu;
    case 13: return x >> 1;
    default: return 0;
    }
}

NOINLINE uint32_t outer(uint32_t n)
{
    FRAME(800, n);
    uint32_t s = frame_value_;
    for (uint32_t i = 0; i < n; i++)
        s += sw(i, i * 11u);
    return s;
}

int main(void)
{
    corpus_irq_start();
    uint32_t r = outer(15);
    corpus_irq_stop();
    OUT("switch_table %x\n", (unsigned)r);
    return 0;
}
