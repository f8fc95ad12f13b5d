/*
 * Calls from checked code into code without a check (tests/test_allowance.py). MODE picks the case:
 *
 * 0  legacy_fill(), opted out of split stacks (no_split_stack), fills a 1 KiB frame. It is called
 *    from checked code at every depth of a recursion of 40-byte frames, so at some depth the
 *    current segment has less than 1 KiB left. With the allowance the caller's check demands room
 *    for legacy_fill and splits first; without it (allowance = false) legacy_fill writes past the
 *    bottom of the segment. log_line() is variadic (no check possible) with a 512-byte buffer, and
 *    step() moves sp by 384 bytes in inline assembly; both are counted.
 * 1  an opted-out function recursing without a bound, reached from split code: a build error.
 * 2  an opted-out function with a 2,264-byte frame, more than a 1 KiB segment: a build error.
 * 3  inline assembly that moves sp by a register (an amount the analysis cannot read): a build
 *    error, unless allow_unknown names the function.
 */
#include <stdarg.h>
#include <stdint.h>

#include "mcusplit.h"

#ifndef MODE
#define MODE 0
#endif

static volatile uint32_t sink;

#if MODE == 0
__attribute__((noinline)) uint32_t legacy_fill(uint32_t seed)
{
    volatile uint32_t buffer[256];                  /* 1 KiB, no check */
    for (uint32_t i = 0; i < 256; i++)
        buffer[i] = seed * 2654435761u + i;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < 256; i += 5)
        sum += buffer[i] ^ (sum >> 3);
    return sum;
}

/* Variadic: LLVM cannot give it a check; its 512-byte buffer runs below its caller's frame. */
__attribute__((noinline)) uint32_t log_line(uint32_t count, ...)
{
    volatile char line[512];
    va_list ap;
    va_start(ap, count);
    uint32_t sum = 0;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t word = va_arg(ap, uint32_t);
        line[(i * 97u) % 512u] = (char)word;
        sum = sum * 31u + word + (uint32_t)line[(i * 97u) % 512u];
    }
    va_end(ap);
    return sum;
}

/* 384 bytes below its frame for a moment, by inline assembly (a constant: counted). */
__attribute__((noinline)) uint32_t step(uint32_t x)
{
    uint32_t out;
    __asm__ volatile("sub sp, sp, #384\n\t"
                     "str %1, [sp, #380]\n\t"
                     "str %1, [sp]\n\t"
                     "ldr %0, [sp, #380]\n\t"
                     "add sp, sp, #384"
                     : "=&r"(out) : "r"(x) : "memory");
    return out + 1u;
}

__attribute__((noinline)) uint32_t visit(uint32_t level, uint32_t seed)
{
    volatile uint32_t pad[6];                       /* a 40-byte frame or so */
    pad[level % 6u] = seed;
    uint32_t here = legacy_fill(seed + level) ^ log_line(3, level, seed, pad[level % 6u]) ^ step(level);
    if (level == 0)
        return here;
    return here + visit(level - 1u, seed * 3u + 1u);
}

int main(void)
{
    uint32_t total = 0;
    for (uint32_t depth = 0; depth < 48; depth += 3)
        total = total * 7u + visit(depth, depth + 11u);
    mcusplit_printf("allowance total %x\n", (unsigned)total);
    return 0;
}
#elif MODE == 1
__attribute__((noinline)) uint32_t walk_list(uint32_t n)
{
    volatile uint32_t pad[4];
    pad[n % 4u] = n;
    return n == 0 ? pad[0] : walk_list(n - 1u) + pad[n % 4u];
}

int main(void)
{
    mcusplit_printf("%u\n", (unsigned)walk_list(sink + 5u));
    return 0;
}
#elif MODE == 2
__attribute__((noinline)) uint32_t huge_frame(uint32_t seed)
{
    volatile uint32_t buffer[566];                  /* 2,264 bytes */
    for (uint32_t i = 0; i < 566; i++)
        buffer[i] = seed + i;
    return buffer[seed % 566u];
}

int main(void)
{
    mcusplit_printf("%u\n", (unsigned)huge_frame(sink + 3u));
    return 0;
}
#elif MODE == 3
__attribute__((noinline)) uint32_t scratch(uint32_t bytes)
{
    uint32_t out;
    __asm__ volatile("sub sp, sp, %1\n\t"
                     "str %1, [sp]\n\t"
                     "ldr %0, [sp]\n\t"
                     "add sp, sp, %1"
                     : "=&r"(out) : "r"(bytes) : "memory");
    return out;
}

int main(void)
{
    mcusplit_printf("%u\n", (unsigned)scratch((sink + 8u) & ~7u));
    return 0;
}
#endif
