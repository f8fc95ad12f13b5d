// corpus: segment_size=2048 segments=5 exact
/* A variadic function (no check: LLVM cannot split one; it runs in the reserve) as a thin
 * wrapper around a va_list function that is split and calls a big frame. */
#include "corpus.h"

NOINLINE uint32_t deep(uint32_t x) { FRAME(1100, x); return frame_value_ + x; }

NOINLINE uint32_t vsum(uint32_t n, va_list ap)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s = s * 31u + va_arg(ap, uint32_t);
    return deep(s);
}

NOINLINE uint32_t sum(uint32_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    uint32_t s = vsum(n, ap);
    va_end(ap);
    return s;
}

NOINLINE uint32_t outer(uint32_t x)
{
    FRAME(800, x);
    return sum(5, x, 2u, 3u, frame_value_, 5u) + sum(2, 7u, x);
}

int main(void)
{
    corpus_irq_start();
    uint32_t r = outer(9);
    corpus_irq_stop();
    OUT("varargs %x\n", (unsigned)r);
    return 0;
}
