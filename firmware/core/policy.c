/*
 * What the runtime does when a stack cannot be had: the pool is empty
 * (__morestack calls mcusplit_pool_exhausted) or a big stack is in use (its
 * trampoline calls mcusplit_big_stack_busy). Both are weak: an application
 * may bring its own.
 *
 * A task can wait; the scheduler says so through its registered hooks
 * (struct mcusplit_hooks), so this file does not name it. Anything else
 * prints one line and exits through mcusplit_exit (report.c).
 */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_internal.h"

__attribute__((weak)) void mcusplit_pool_exhausted(uintptr_t function, uintptr_t call_site)
{
    /* A task waits until a segment is given back. The loop stays in this function: the analyzer
     * resolves the calls here from the hooks table. */
    for (const struct mcusplit_hooks *h = __mcusplit_hooks_start; h < __mcusplit_hooks_end; h++)
        if (h->wait_for_segment && h->wait_for_segment(function & ~1u, call_site & ~1u))
            return;
    mcusplit_puts("@mcusplit v1 pool-exhausted fn=");
    mcusplit_put_hex((uint32_t)function & ~1u);
    mcusplit_puts(" site=");
    mcusplit_put_hex((uint32_t)call_site & ~1u);
    mcusplit_puts(" segments=");
    mcusplit_put_u32(mcusplit_pool_segments());
    mcusplit_puts("\n");
    mcusplit_exit(MCUSPLIT_EXIT_POOL_EXHAUSTED);
}

uintptr_t mcusplit_bl_target(uintptr_t call)
{
    const volatile uint16_t *hw = (const volatile uint16_t *)(call & ~(uintptr_t)1);
    uint32_t s = (hw[0] >> 10) & 1u, j1 = (hw[1] >> 13) & 1u, j2 = (hw[1] >> 11) & 1u;
    uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
    uint32_t offset = (s << 24) | (i1 << 23) | (i2 << 22) | ((hw[0] & 0x3FFu) << 12) | ((hw[1] & 0x7FFu) << 1);
    if (s)
        offset |= 0xFE000000u;                      /* sign-extend the 25-bit offset */
    return (call & ~(uintptr_t)1) + 4u + offset;
}

__attribute__((weak)) void mcusplit_big_stack_busy(uintptr_t call, uintptr_t stack, uint32_t bytes)
{
    uintptr_t sp;
    uint32_t ipsr;
    __asm__ volatile("mov %0, sp\n\tmrs %1, ipsr" : "=r"(sp), "=r"(ipsr));
    /* A task waits its turn, unless the stack is its own already (a call through the function
     * itself, which would wait for ever). */
    int own = sp - stack < bytes;
    if (!own && ipsr == 0)
        for (const struct mcusplit_hooks *h = __mcusplit_hooks_start; h < __mcusplit_hooks_end; h++)
            if (h->wait_for_big_stack && h->wait_for_big_stack())
                return;
    mcusplit_puts("@mcusplit v1 big-stack-busy fn=");
    mcusplit_put_hex((uint32_t)mcusplit_bl_target(call) & ~1u);
    mcusplit_puts("\n");
    mcusplit_exit(MCUSPLIT_EXIT_BIG_STACK_BUSY);
}
