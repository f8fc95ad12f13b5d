// corpus: segment_size=2048 segments=5 exact
/* Direct tail calls: a function that ends in a call to one of two others (b.w at -O2). */
#include "corpus.h"

NOINLINE uint32_t deep(uint32_t x) { FRAME(1100, x); return frame_value_ + x; }
NOINLINE uint32_t shallow(uint32_t x) { return x * 5u + 1u; }

NOINLINE uint32_t pick(uint32_t x)
{
    if (x & 1u)
        return deep(x);
    return shallow(x);
}

NOINLINE uint32_t outer(uint32_t n)
{
    FRAME(700, n);
    uint32_t s = frame_value_;
    for (uint32_t i = 0; i < n; i++)
        s += pick(i);
    return s;
}

int main(void)
{
    corpus_irq_start();
    uint32_t r = outer(6);
    corpus_irq_stop();
    OUT("tail_direct %x\n", (unsigned)r);
    return 0;
}
