// corpus: segment_size=1024 segments=11 recursion=descend:30 exact
/* Bounded direct recursion: 30 frames at most, each of about 200 bytes. */
#include "corpus.h"

NOINLINE uint32_t descend(uint32_t n, uint32_t acc)
{
    FRAME(180, acc ^ n);
    if (n == 0)
        return acc + frame_value_;
    return descend(n - 1u, acc * 31u + n) + frame_value_;
}

int main(void)
{
    corpus_irq_start();
    uint32_t r = descend(29, 1u);
    corpus_irq_stop();
    OUT("recursion %x\n", (unsigned)r);
    return 0;
}
