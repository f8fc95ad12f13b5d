/*
 * How deep the C library calls of examples/libc go below their call site, measured by painting
 * the stack: benchmarks/libc_stack.py builds this without split stacks (one contiguous stack) and
 * prints the table in docs/libc.md. Each call is made as examples/libc makes it.
 *
 * paint() fills the stack below its own frame with a pattern; after the call, the lowest word
 * that changed tells the deepest byte the call wrote, counted from the caller's sp at the call
 * (`here`). What paint's own frame covers (8 bytes) is counted as used: every call goes deeper.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcusplit.h"

#define PATTERN 0xA5C3E1F0u
#define SPAN 3072u

struct record {
    int key;
    double weight;
    char tag[8];
};

__attribute__((naked, noinline)) static uintptr_t stack_pointer(void)
{
    __asm__ volatile("mov r0, sp\n\tbx lr");
}

__attribute__((noinline)) static void paint(uintptr_t here)
{
    volatile uint32_t *word = (volatile uint32_t *)(stack_pointer() & ~3u) - 1;
    for (; (uintptr_t)word >= here - SPAN; word--)
        *word = PATTERN;
}

__attribute__((noinline)) static void report(const char *what, uintptr_t here)
{
    const volatile uint32_t *word = (const volatile uint32_t *)(here - SPAN);
    while (*word == PATTERN)
        word++;
    printf("%-34s %5u\n", what, (unsigned)(here - (uintptr_t)word));
}

#define MEASURE(what, call)                                                                        \
    do {                                                                                           \
        uintptr_t here = stack_pointer();                                                          \
        paint(here);                                                                               \
        call;                                                                                      \
        report(what, here);                                                                        \
    } while (0)

static int by_weight(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    char kx[16], ky[16];
    memcpy(kx, x->tag, sizeof x->tag);
    memcpy(ky, y->tag, sizeof y->tag);
    if (x->weight != y->weight)
        return x->weight < y->weight ? -1 : 1;
    return strcmp(kx, ky);
}

int main(void)
{
    static char line[96], copy[96];
    static struct record recs[6];
    static volatile double value = 2.375;
    static volatile int sink;
    char *end;
    for (int i = 0; i < 6; i++) {
        recs[i].key = i;
        recs[i].weight = (double)((i * 5) % 6) * 0.25;
        recs[i].tag[0] = (char)('a' + i);
    }
    printf("# call (depth below the call site, bytes)\n");
    MEASURE("snprintf %d:%s:%.3f", sink = snprintf(line, sizeof line, "%d:%s:%.3f", 12, "L12.3", value));
    MEASURE("snprintf %s", sink = snprintf(line, sizeof line, "%s", "tag"));
    MEASURE("printf %2d %-24s %s %+.3f %.3f", sink = printf("level %2d: %-24s first=%s weight=%+.3f parsed=%.3f\n",
                                                              8, line, "L8.1", value, value));
    MEASURE("printf %e %g", sink = printf("%e %g\n", value, value));
    MEASURE("strtod", value = strtod("-12.625", &end));
    MEASURE("qsort 6 records (callback incl.)", qsort(recs, 6, sizeof recs[0], by_weight));
    MEASURE("memcpy 96 B", memcpy(copy, line, sizeof line));
    MEASURE("strlen", sink = (int)strlen(line));
    MEASURE("malloc 100 B", sink = (int)(uintptr_t)malloc(100));
    MEASURE("mcusplit_printf %d %s", sink = mcusplit_printf("%d %s\n", 12, "tag"));
    return 0;
}
