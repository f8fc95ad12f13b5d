/*
 * Two paths, chosen at run time (WHICH, a volatile the analyzer cannot see through):
 *   A: 56 frames of about 40 bytes: the deepest path in bytes, but the frames pack well;
 *   B: 5 frames of about 400 bytes: fewer bytes, but each frame needs a segment of its own
 *      (400 + reserve does not fit in what the previous frame left).
 * The analyzer must find B as the worst case in segments; running B must reach exactly its bound.
 */
#include <stdint.h>

#include "mcusplit.h"

#ifndef WHICH
#define WHICH 1
#endif

volatile int which = WHICH;
volatile uint32_t sink;

__attribute__((noinline)) uint32_t small_frames(uint32_t n)
{
    volatile uint32_t pad[6];
    pad[n % 6] = n;
    uint32_t below = n > 1 ? small_frames(n - 1) : 0;
    return below + pad[n % 6];
}

__attribute__((noinline)) uint32_t big_frames(uint32_t n)
{
    volatile uint32_t pad[96];
    pad[n % 96] = n;
    uint32_t below = n > 1 ? big_frames(n - 1) : 0;
    return below + pad[n % 96];
}

int main(void)
{
    uint32_t r = which ? big_frames(5) : small_frames(56);
    struct mcusplit_stats s;
    mcusplit_stats_read(&s);
    mcusplit_printf("worstpath: path=%c result=%u\n", which ? 'B' : 'A', (unsigned)r);
    return 0;
}
