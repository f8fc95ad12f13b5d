// corpus: segment_size=2048 segments=5 recursion=gcd:16,count_down:21 exact
/* Self tail calls (a loop written as recursion: b.w back to the function's own entry at -O2; at -O0
 * real recursion, hence the bounds),
 * and the deep call at the end of the loop. */
#include "corpus.h"

NOINLINE uint32_t deep(uint32_t x) { FRAME(1000, x); return frame_value_ ^ x; }

NOINLINE uint32_t gcd(uint32_t a, uint32_t b)
{
    if (b == 0)
        return deep(a);
    return gcd(b, a % b);
}

NOINLINE uint32_t count_down(uint32_t n, uint32_t acc)
{
    if (n == 0)
        return acc + deep(acc);
    return count_down(n - 1u, acc * 3u + n);
}

NOINLINE uint32_t outer(uint32_t n)
{
    FRAME(900, n);
    return gcd(1071u * n, 462u) + count_down(n, frame_value_);
}

int main(void)
{
    corpus_irq_start();
    uint32_t r = outer(20);
    corpus_irq_stop();
    OUT("tail_self %x\n", (unsigned)r);
    return 0;
}
