/* Recursion with no bound: the pool must run out, the hook must say where, and the
 * run must end with MCUSPLIT_EXIT_POOL_EXHAUSTED, never by overwriting memory. */
#include <stdint.h>

#include "mcusplit.h"

volatile uint32_t sink;

__attribute__((noinline)) uint32_t bottomless(uint32_t n)
{
    volatile uint32_t frame[24];
    frame[n % 24] = n;
    sink = frame[(n + 1) % 24];
    return bottomless(n + 1) + frame[n % 24];
}

int main(void)
{
    mcusplit_printf("exhaust: starting\n");
    return (int)bottomless(0);
}
