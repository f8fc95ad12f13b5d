/*
 * Deep recursion: many times more stack than one segment holds. Each level
 * keeps a 64-byte buffer live across the recursive call, so the chain of
 * segments grows with the depth and must shrink back to zero on the way up.
 *
 * Output: result lines (identical with and without split stacks) and
 * '#'-prefixed diagnostic lines (the pool's watermarks, which differ).
 */
#include <stdint.h>

#include "mcusplit.h"

#ifndef DEPTH
#define DEPTH 48
#endif

static volatile uint32_t deepest;
static struct mcusplit_stats at_bottom;

__attribute__((noinline)) uint32_t descend(uint32_t level, uint32_t seed)
{
    uint32_t buf[16];
    for (int i = 0; i < 16; i++)
        buf[i] = seed * 2654435761u + level + (uint32_t)i;
    if (level > deepest)
        deepest = level;
    uint32_t below;
    if (level < DEPTH) {
        below = descend(level + 1, buf[level % 16]);
    } else {
        mcusplit_stats_read(&at_bottom);     /* the chain of segments is longest here */
        below = 0;
    }
    uint32_t sum = below;
    for (int i = 0; i < 16; i++)
        sum ^= buf[i] >> (i & 7);
    return sum;
}

static uint32_t room_here(uint32_t seg_size)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return (uint32_t)(sp & (seg_size - 1u));
}

int main(void)
{
    struct mcusplit_stats before;
    mcusplit_stats_read(&before);
    uint32_t entry_room = room_here(before.seg_size);     /* what descend(1) will find */
    uint32_t result = descend(1, 12345);
    struct mcusplit_stats now;
    mcusplit_stats_read(&now);
    mcusplit_printf("recursion: result=%08x depth=%u\n", (unsigned)result, (unsigned)deepest);
    mcusplit_printf("# recursion: entered with %u bytes of room in the first stack\n", (unsigned)entry_room);
    mcusplit_printf("# recursion: at depth %u: %u segments in use; after: %u in use, high-water mark %u, "
                    "%u splits (pool: %u x %u bytes)\n", (unsigned)deepest, (unsigned)at_bottom.in_use,
                    (unsigned)now.in_use, (unsigned)now.hwm, (unsigned)now.splits, (unsigned)now.seg_count,
                    (unsigned)now.seg_size);
    return now.in_use == 0 ? 0 : 1;
}
