// corpus: segment_size=2048 segments=5 exact
/* Ordinary (not tail) calls through function tables in flash and in RAM; the RAM one is rewritten
 * at run time with a function its initial contents do not have. */
#include "corpus.h"

typedef uint32_t (*op_t)(uint32_t, uint32_t);

NOINLINE uint32_t t_add(uint32_t a, uint32_t b) { return a + b; }
NOINLINE uint32_t t_mix(uint32_t a, uint32_t b) { FRAME(300, a); return frame_value_ + b; }
NOINLINE uint32_t t_deep(uint32_t a, uint32_t b) { FRAME(1300, a ^ b); return frame_value_ - b; }

const op_t rom_table[3] = {t_add, t_mix, t_deep};
op_t ram_table[2] = {t_add, t_add};

NOINLINE uint32_t run(uint32_t n)
{
    FRAME(500, n);
    uint32_t s = frame_value_;
    for (uint32_t i = 0; i < n; i++) {
        s = rom_table[i % 3u](s, i) + 1u;
        s = ram_table[i & 1u](s, i) * 3u;
    }
    return s;
}

int main(void)
{
    corpus_irq_start();
    uint32_t a = run(6);
    ram_table[1] = t_deep;
    ram_table[0] = t_mix;
    uint32_t b = run(6);
    corpus_irq_stop();
    OUT("tables %x %x\n", (unsigned)a, (unsigned)b);
    return 0;
}
