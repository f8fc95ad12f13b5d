// corpus: segment_size=2048 segments=5 recursion=handler_descend:8
/* An interrupt handler of its own that recurses deep enough to split, on top of a thread that
 * splits: measured at most the bound (the interrupt lands wherever it lands). */
#include "corpus.h"

#ifndef CORPUS_HOST
static volatile uint32_t handler_sum;

NOINLINE uint32_t handler_descend(uint32_t n)
{
    FRAME(150, n);
    return n == 0 ? frame_value_ : handler_descend(n - 1u) + frame_value_;
}

#ifndef CORPUS_IRQ
void Timer_IRQHandler(void)
{
    mcusplit_timer_ack();
    handler_sum += handler_descend(7);
}
#endif
#endif

NOINLINE uint32_t work(uint32_t x) { FRAME(700, x); return frame_value_ * 3u + x; }

NOINLINE uint32_t outer(uint32_t n)
{
    FRAME(600, n);
    uint32_t s = frame_value_;
    for (uint32_t i = 0; i < n; i++)
        s += work(s + i);
    return s;
}

int main(void)
{
#ifndef CORPUS_HOST
#ifndef CORPUS_IRQ
    mcusplit_timer_start(mcusplit_timer_clock_hz() / 20000u + 2u, 0x40);
#endif
#endif
    corpus_irq_start();
    uint32_t r = outer(200);
    corpus_irq_stop();
#ifndef CORPUS_HOST
#ifndef CORPUS_IRQ
    mcusplit_timer_stop();
#endif
#endif
    OUT("interrupt %x\n", (unsigned)r);
    return 0;
}
