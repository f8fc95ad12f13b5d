/* Reduced by hand from what mcusplit fuzz found first: the driver called every program through
 * `return d->run()`, an indirect tail call (`ldr r0, [r0, #8]; bx r0`), and the analyzer took the
 * `bx` for a return: every program's stack use vanished from the bound (0 segments). The same
 * construct in a program: fz90001_pick tail-calls a deep function through a const table. */
#include <stdint.h>

static volatile uint32_t fz90001_irq_n, fz90001_irq_err, fz90001_which;

__attribute__((noinline)) static uint32_t fz90001_deep(uint32_t x)
{
    volatile uint32_t fr[120];
    for (uint32_t i = 0; i < 120u; i++)
        fr[i] = x + i;
    return fr[x % 120u] + fr[(x * 7u) % 120u];
}

__attribute__((noinline)) static uint32_t fz90001_deeper(uint32_t x)
{
    volatile uint32_t fr[120];
    for (uint32_t i = 0; i < 120u; i++)
        fr[i] = x ^ i;
    return fz90001_deep(fr[x % 120u]) + fr[3];
}

static uint32_t (*const fz90001_table[2])(uint32_t) = {fz90001_deeper, fz90001_deep};

__attribute__((noinline)) static uint32_t fz90001_pick(uint32_t x)
{
    return fz90001_table[fz90001_which & 1u](x);        /* an indirect tail call: bx */
}

__attribute__((noinline)) static uint32_t fz90001_level(uint32_t n, uint32_t x)
{
    volatile uint32_t fr[100];
    for (uint32_t i = 0; i < 100u; i++)
        fr[i] = x * i;
    if (n == 0u)
        return fz90001_pick(fr[7]);
    return fz90001_level(n - 1u, fr[9]) + fr[n];
}

void fz90001_init(void) { fz90001_which = 0; }
void fz90001_irq(void) { fz90001_irq_n++; }
__attribute__((noinline)) uint32_t fz90001_run(void) { return fz90001_level(2u, 5u); }

#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{
    fz90001_init();
    printf("fz fz90001 checksum=%08x\n", (unsigned)fz90001_run());
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
const struct fz_desc fz90001_desc = {"fz90001", fz90001_init, fz90001_run, fz90001_irq, &fz90001_irq_n, &fz90001_irq_err};
#endif
