/* Reduced by hand from own seed 38 in the pack of seeds 33..40 on qemu-mps2-an500 (split/timer,
 * measured 2 segments > bound 1). __morestack takes a segment from the pool before it moves sp to
 * it (and gives it back after sp is back): an interrupt in between runs on the old, nearly full
 * stack with that segment already taken, and a handler that splits there takes a second one.
 * The analyzer counts that interrupt as max(the split's need, the handler's need) instead of
 * their sum. Here the thread splits 1500 times from a nearly full stack, and the handler needs a
 * segment whenever it interrupts there. */
#include <stdint.h>

static volatile uint32_t fz90002_irq_n, fz90002_irq_err, fz90002_sink;

/* Small, but never fits below fz90002_low's frame: every call splits. */
__attribute__((noinline)) static uint32_t fz90002_leaf(uint32_t x)
{
    volatile uint32_t fr[30];
    for (uint32_t i = 0; i < 30u; i++)
        fr[i] = x + i;
    return fr[x % 30u];
}

/* Leaves about 480 bytes of room in the first stack, less than the reserve plus the leaf's frame. */
__attribute__((noinline)) static uint32_t fz90002_low(uint32_t x)
{
    volatile uint32_t fr[110];
    uint32_t acc = x;
    for (uint32_t i = 0; i < 110u; i++)
        fr[i] = x ^ i;
    for (uint32_t i = 0; i < 1500u; i++)
        acc = acc * 31u + fz90002_leaf(acc + i);
    return acc + fr[acc % 110u];
}

/* The handler's work: a frame that does not fit above a nearly full stack. */
__attribute__((noinline)) static uint32_t fz90002_work(uint32_t x)
{
    volatile uint32_t fr[70];
    for (uint32_t i = 0; i < 70u; i++)
        fr[i] = x * i;
    return fr[x % 70u];
}

void fz90002_init(void) { fz90002_irq_n = 0; fz90002_irq_err = 0; }
void fz90002_irq(void) { fz90002_sink = fz90002_work(fz90002_irq_n++); }
__attribute__((noinline)) uint32_t fz90002_run(void) { return fz90002_low(7u); }

#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{
    fz90002_init();
    printf("fz fz90002 checksum=%08x\n", (unsigned)fz90002_run());
    return 0;
}
#else
#ifndef FZ_DESC_DEFINED       /* several programs may share one translation unit (images.py) */
#define FZ_DESC_DEFINED
struct fz_desc {
    const char *name;
    void (*init)(void);
    uint32_t (*run)(void);
    void (*irq)(void);
    const volatile uint32_t *irq_count;
    const volatile uint32_t *irq_errors;
};
#endif
const struct fz_desc fz90002_desc = {"fz90002", fz90002_init, fz90002_run, fz90002_irq, &fz90002_irq_n, &fz90002_irq_err};
#endif
