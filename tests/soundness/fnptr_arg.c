// corpus: segment_size=2048 segments=5 exact
/* Function pointers passed as arguments, two levels down. */
#include "corpus.h"

typedef uint32_t (*fn_t)(uint32_t);

NOINLINE uint32_t cb_light(uint32_t x) { return x * 7u; }
NOINLINE uint32_t cb_heavy(uint32_t x) { FRAME(1500, x); return frame_value_ + x; }

NOINLINE uint32_t apply(fn_t f, uint32_t x) { FRAME(200, x); return f(x + frame_value_) + 1u; }
NOINLINE uint32_t apply_twice(fn_t f, uint32_t x) { return apply(f, apply(f, x)); }

int main(void)
{
    corpus_irq_start();
    uint32_t a = apply_twice(cb_light, 3u);
    uint32_t b = apply_twice(cb_heavy, a);
    corpus_irq_stop();
    OUT("fnptr_arg %x %x\n", (unsigned)a, (unsigned)b);
    return 0;
}
