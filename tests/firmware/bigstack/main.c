/*
 * Big stacks (tests/test_bigstack.py): functions listed in [split_stack] big_stack run on their
 * own static stacks, called from deep split-stack recursion where the segment has little room.
 *
 * MODE 0: legacy() has a 4 KiB frame (the pool's segments are 1 KiB); legacy_args() takes two of
 * its six arguments on the stack; legacy_log() is variadic with up to four words on the stack and
 * calls back into split-stack code; on FPU cores legacy_float() takes and returns floats in
 * s/d registers. Results are printed and must equal the --no-split-stack build's.
 * MODE 1: two tasks call legacy() at once, each yielding inside it: the other waits for the stack
 * (never two calls on it at once), both get the right results.
 * MODE 2: legacy_log() is entered again through a callback while it runs: one line, exit 106.
 * MODE 3: a callback longjmps out of legacy_log() (and the segments its splits took) to main, a
 * thousand times: the big stack is free again each time and every segment back in the pool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_tasks.h"

#ifndef MODE
#define MODE 0
#endif

#if MODE == 1
static volatile uint32_t inside, overlaps, waited, wanting[2];
#endif

__attribute__((noinline)) uint32_t legacy(uint32_t seed, uint32_t n)
{
    volatile uint32_t buffer[1024];                 /* 4 KiB */
#if MODE == 1
    /* Two tasks: never both in here (one stack); let the other run while this one holds it. */
    if (++inside > 1)
        overlaps++;
    mcusplit_task_yield();
#endif
    for (uint32_t i = 0; i < 1024; i++)
        buffer[i] = seed * 2654435761u + i;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n; i++)
        sum = sum * 31u + buffer[(i * 7u) % 1024u];
#if MODE == 1
    for (uint32_t i = 0; i < 2; i++)
        waited += wanting[i];                      /* (our own flag too: +1 per call) */
    inside--;
#endif
    return sum ^ buffer[0] ^ buffer[1023];
}

__attribute__((noinline)) uint32_t legacy_args(uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
                                               uint32_t f)
{
    volatile uint8_t scratch[512];
    for (uint32_t i = 0; i < sizeof scratch; i++)
        scratch[i] = (uint8_t)(a + i * b);
    return a + 3u * b + 5u * c + 7u * d + 11u * e + 13u * f + scratch[511];
}

static uint32_t log_sum;

__attribute__((noinline)) static uint32_t callback(uint32_t x);

__attribute__((noinline)) int legacy_log(const char *format, ...)
{
    volatile char line[512];
    va_list ap;
    va_start(ap, format);
    uint32_t sum = 0;
    for (const char *p = format; *p; p++)
        if (*p == '%')
            sum = sum * 131u + va_arg(ap, uint32_t);
    va_end(ap);
    line[0] = (char)sum;
    line[511] = line[0];
    log_sum += sum + callback(sum) + (uint8_t)line[511];   /* split-stack code called from here */
    return (int)sum;
}

#if defined(__ARM_FP)
__attribute__((noinline)) double legacy_float(float x, double y, float z)
{
    volatile float scratch[64];
    for (int i = 0; i < 64; i++)
        scratch[i] = x * (float)i;
    return y * 2.0 + (double)z + (double)scratch[63];
}
#endif

#if MODE == 3
static jmp_buf escape;

__attribute__((noinline)) static uint32_t deeper(uint32_t n)
{
    volatile uint32_t pad[60];
    for (uint32_t i = 0; i < 60; i++)
        pad[i] = n + i;
    if (n == 0)
        longjmp(escape, (int)pad[59]);
    return deeper(n - 1) + pad[0];
}
#endif

/* Split-stack code: called back from legacy_log, which runs on its big stack. */
__attribute__((noinline)) static uint32_t callback(uint32_t x)
{
#if MODE == 3
    deeper(x % 8u);                                 /* splits from the big stack, then jumps out */
#endif
    volatile uint32_t pad[40];
    for (uint32_t i = 0; i < 40; i++)
        pad[i] = x + i;
#if MODE == 2
    legacy_log("%", 8u);                            /* its stack is in use: exit 106 */
#endif
    return pad[39];
}

/* Deep split-stack recursion; the big-stack calls are made at the bottom, with little room. */
__attribute__((noinline)) static uint32_t descend(uint32_t n, uint32_t acc)
{
    volatile uint32_t pad[20];
    for (uint32_t i = 0; i < 20; i++)
        pad[i] = acc + i;
    if (n == 0) {
        uint32_t r = legacy(acc, 300);
        r += legacy_args(acc, 2, 3, 4, 5, 6);
        r += (uint32_t)legacy_log("%%%%%%", acc, 1u, 2u, 3u, 4u, 5u);
#if defined(__ARM_FP)
        r += (uint32_t)legacy_float(1.5f, (double)(acc & 0xFF), 0.25f);
#endif
        return r;
    }
    return descend(n - 1, acc * 33u + pad[n % 20]) + pad[0];
}

#if MODE == 1
static volatile uint32_t results[2];
static void caller(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    for (uint32_t round = 0; round < 20; round++) {
        wanting[id] = 1;
        results[id] += legacy(id * 100u + round, 1000);
        wanting[id] = 0;
    }
}
MCUSPLIT_TASK_ENTRY(caller, 2);
#endif

int main(void)
{
#if MODE == 3
    uint32_t total = 0;
    for (uint32_t round = 0; round < 1000; round++) {
        int got = setjmp(escape);
        if (got == 0)
            legacy_log("%%", round, round * 3u);     /* does not return: the callback jumps */
        total += (uint32_t)got;
    }
    struct mcusplit_stats stats;
    mcusplit_stats_read(&stats);
    mcusplit_printf("jumps out of a big stack: total %08x, %u segments in use, %u splits\n", (unsigned)total,
                    (unsigned)stats.in_use, (unsigned)stats.splits);
    return stats.in_use ? 3 : 0;
#elif MODE == 0 || MODE == 2
    uint32_t total = 0;
    for (uint32_t depth = 0; depth < 27; depth += 3)
        total = total * 7u + descend(depth, depth);
    mcusplit_printf("big stacks: total %08x, log %08x\n", (unsigned)total, (unsigned)log_sum);
#else
    for (uint32_t i = 0; i < 2; i++)
        if (mcusplit_task_create(caller, (void *)(uintptr_t)i) < 0)
            return 1;
    mcusplit_tasks_run(2000);
    /* 40 calls; each found the other task waiting at the stack unless it had finished. */
    mcusplit_printf("overlaps %u, calls that kept the other task waiting: %u\n", (unsigned)overlaps,
                    (unsigned)(waited - 40u));
    if (overlaps || waited - 40u < 10u)
        return 4;
    for (uint32_t i = 0; i < 2; i++) {
        uint32_t expected = 0;
        for (uint32_t round = 0; round < 20; round++)
            expected += legacy(i * 100u + round, 1000);
        mcusplit_printf("task %u: %08x %s\n", (unsigned)i, (unsigned)results[i],
                        results[i] == expected ? "ok" : "WRONG");
        if (results[i] != expected)
            return 3;
    }
#endif
    return 0;
}
