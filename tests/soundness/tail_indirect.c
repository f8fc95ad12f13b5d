// corpus: segment_size=2048 segments=5 exact
/* Indirect tail calls (`return table[i](x)`, bx rX at -O2) through a table in flash and through
 * one in RAM that the program rewrites: every function of that type is called through both. */
#include "corpus.h"

typedef uint32_t (*op_t)(uint32_t);

NOINLINE uint32_t op_small(uint32_t x) { return x + 3u; }
NOINLINE uint32_t op_mid(uint32_t x) { FRAME(400, x); return frame_value_ + 1u; }
NOINLINE uint32_t op_deep(uint32_t x) { FRAME(1200, x); return frame_value_ * 3u; }

const op_t rom_ops[3] = {op_small, op_mid, op_deep};
op_t ram_ops[3] = {op_small, op_small, op_small};

NOINLINE uint32_t through_rom(uint32_t i, uint32_t x) { return rom_ops[i % 3u](x); }
NOINLINE uint32_t through_ram(uint32_t i, uint32_t x) { return ram_ops[i % 3u](x); }

NOINLINE uint32_t outer(uint32_t n)
{
    FRAME(600, n);
    uint32_t s = frame_value_;
    for (uint32_t i = 0; i < n; i++)
        s += through_rom(i, s) + through_ram(i, i);
    return s;
}

int main(void)
{
    corpus_irq_start();
    uint32_t a = outer(3);
    ram_ops[1] = op_deep;                   /* the RAM table changes at run time */
    ram_ops[2] = op_mid;
    uint32_t b = outer(3);
    corpus_irq_stop();
    OUT("tail_indirect %x %x\n", (unsigned)a, (unsigned)b);
    return 0;
}
