/*
 * The C library from deep split-stack recursion: snprintf, printf with floats, strtod, qsort with
 * a comparison callback (split-stack code called back from the library) and memcpy, at every
 * level of a recursion that runs over several segments. It prints the same with split stacks,
 * without them (--no-split-stack) and built for the host with gcc (tests/test_libc.py compares
 * all three). Lines starting with '#' are diagnostics that differ between builds.
 *
 *   mcusplit build --board qemu-microbit examples/libc -o out/ && mcusplit run --board qemu-microbit out/libc.elf
 *   gcc -O2 -o libc-host examples/libc/main.c -lm && ./libc-host
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__arm__)
#include "mcusplit.h"
#endif

#ifndef DEPTH
#define DEPTH 16
#endif
#define RECORDS 6
#define TAIL 20

struct record {
    int key;
    double weight;          /* multiples of 1/8: exact in binary and in 3 decimals */
    char tag[16];
};

static unsigned compares;

/* The comparison callback: split-stack code (its 32-byte key buffers keep its check), entered
 * from inside qsort, which runs without checks. When qsort has taken the room, it splits. */
static int by_weight(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    char kx[16], ky[16];
    compares++;
    memcpy(kx, x->tag, sizeof x->tag);
    memcpy(ky, y->tag, sizeof y->tag);
    if (x->weight != y->weight)
        return x->weight < y->weight ? -1 : 1;
    return strcmp(kx, ky);
}

static uint32_t fnv1a(const char *s, uint32_t h)
{
    while (*s)
        h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

/* One level: build records, sort them, format a line, parse a number back out of it, copy it,
 * and recurse with that line as the parent. */
static uint32_t descend(int level, const char *parent, uint32_t acc)
{
    struct record recs[RECORDS];
    char line[64], copy[64];
    char *end;
    for (int i = 0; i < RECORDS; i++) {
        recs[i].key = (level * 7 + i * 13) % 17;
        recs[i].weight = ((level * 31 + i * 17) % 23) * 0.25 - 2.0;
        snprintf(recs[i].tag, sizeof recs[i].tag, "L%d.%d", level, i);
    }
    qsort(recs, RECORDS, sizeof recs[0], by_weight);
    size_t length = strlen(parent);
    const char *tail = length > TAIL ? parent + length - TAIL : parent;
    int n = snprintf(line, sizeof line, "%s/%d:%.3fV", tail, level, recs[0].weight + level / 8.0);
    double parsed = strtod(strrchr(line, ':') + 1, &end);
    memcpy(copy, line, (size_t)n + 1);
    acc = fnv1a(copy, acc * 31u) ^ (uint32_t)(int32_t)(parsed * 1000.0);
    if (level % 4 == 0)
        printf("level %2d: %-28s first=%-6s weight=%+.3f parsed=%.3f rest='%s'\n", level, tail, recs[0].tag,
               recs[0].weight, parsed, end);
    if (level == DEPTH)
        return acc;
    return descend(level + 1, copy, acc) ^ (uint32_t)level;
}

int main(void)
{
    uint32_t result = descend(0, "root", 2166136261u);
    printf("result=%08lx\n", (unsigned long)result);
    printf("# %u comparisons (the C library's qsort decides how many)\n", compares);
    printf("sqrt(2)=%.9f %e %g\n", sqrt(2.0), 1.0 / 3.0, 1.0 / 1024.0);
    char *heap = malloc(64);
    if (!heap)
        return 1;
    snprintf(heap, 64, "%s", "from the heap");
    printf("%s: %zu bytes\n", heap, strlen(heap) + 1);
    free(heap);
#if defined(__arm__)
    struct mcusplit_stats stats;
    mcusplit_stats_read(&stats);
    printf("# pool: %lu splits, high-water mark %lu of %lu segments, %lu in use\n", (unsigned long)stats.splits,
           (unsigned long)stats.hwm, (unsigned long)stats.seg_count, (unsigned long)stats.in_use);
#endif
    return 0;
}
