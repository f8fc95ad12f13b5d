// corpus: segment_size=1024 segments=12 recursion=is_even:24 exact
/* Bounded mutual recursion: is_even and is_odd, 24 frames of the cycle at most. */
#include "corpus.h"

NOINLINE uint32_t is_odd(uint32_t n, uint32_t acc);

NOINLINE uint32_t is_even(uint32_t n, uint32_t acc)
{
    FRAME(240, n + acc);
    if (n == 0)
        return acc + frame_value_;
    return is_odd(n - 1u, acc + 3u) ^ frame_value_;
}

NOINLINE uint32_t is_odd(uint32_t n, uint32_t acc)
{
    FRAME(120, n ^ acc);
    if (n == 0)
        return acc * 7u + frame_value_;
    return is_even(n - 1u, acc * 5u) + frame_value_;
}

int main(void)
{
    corpus_irq_start();
    uint32_t r = is_even(23, 2u);
    corpus_irq_stop();
    OUT("mutual %x\n", (unsigned)r);
    return 0;
}
