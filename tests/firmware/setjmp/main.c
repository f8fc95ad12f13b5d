/*
 * setjmp/longjmp across split stacks (tests/test_setjmp.py).
 *
 * MODE 0 (main): ROUNDS rounds; each goes `above` levels deep (splitting), calls setjmp there,
 * dives `below` levels more (splitting again) and longjmps back from the bottom. After every
 * jump the segments in use must be exactly those in use at its setjmp; at the end none are.
 * Every fourth round jumps without crossing a split (the same segment, no pool change), and on
 * cores with an FPU a value kept in d8 across setjmp must survive the jump.
 * MODE 1 (tasks): two tasks do the same at once, switched by SysTick inside the jumps; every
 * segment must be back in the pool when they end.
 * MODE 2: as MODE 0, with the board's timer interrupting at a high rate and its handler
 * recursing deep enough to split, on whatever stack the jumps left it.
 * Results (checksums of what was computed) are printed and must equal the plain build's.
 */
#include <setjmp.h>
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_tasks.h"
#include "mcusplit_timer.h"

#ifndef MODE
#define MODE 0
#endif
#ifndef ROUNDS
#define ROUNDS 3000
#endif
#ifndef TICK
#define TICK 3000
#endif
#ifndef TIMER_RATE
#define TIMER_RATE 20000          /* MODE 2: timer interrupts per second of the board's timer clock */
#endif
#if MODE != 1
#define ABOVE 17u               /* levels above setjmp (0..16) and below it (1..31) */
#define BELOW 31u
#else
#define ABOVE 9u                /* two tasks share the pool */
#define BELOW 15u
#endif

static uint32_t in_use(void)
{
    struct mcusplit_stats s;
    mcusplit_stats_read(&s);
    return s.in_use;
}

static uint32_t splits(void)
{
    struct mcusplit_stats s;
    mcusplit_stats_read(&s);
    return s.splits;
}

extern char __mcusplit_seg_size[], __mcusplit_seg_count[];   /* absolute: the values are the addresses */

/* The hardware guard must sit at the bottom of the segment sp is in (split builds with a guard):
 * after a jump too, or a later overrun would go unnoticed and a correct frame could fault. */
static uint32_t guard(void)
{
#if defined(__ARM_ARCH_8M_MAIN__)
    uint32_t control, limit;
    __asm__ volatile("mrs %0, control" : "=r"(control));
    if (control & 2u)
        __asm__ volatile("mrs %0, psplim" : "=r"(limit));
    else
        __asm__ volatile("mrs %0, msplim" : "=r"(limit));
    return limit;
#elif defined(__ARM_ARCH_7M__) || defined(__ARM_ARCH_7EM__)
    if (!(*(volatile uint32_t *)0xE000ED94u & 1u))  /* MPU_CTRL.ENABLE: the mpu guard is on */
        return 0;
    return *(volatile uint32_t *)0xE000ED9Cu & ~31u;   /* MPU_RBAR of region 7 */
#else
    return 0;
#endif
}

static int guarded;             /* set in main(): the build has a guard (and segments) */

static int guard_follows_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return !guarded || guard() == (sp & ~((uintptr_t)__mcusplit_seg_size - 1u));
}

struct jump {
    jmp_buf env;
    uint32_t in_use_at_setjmp;
    uint32_t in_use_at_bottom;
    uint32_t bad;               /* jumps that did not come back to what the pool held at setjmp */
    uint32_t crossing;          /* jumps that crossed at least one split */
    uint32_t given_back;        /* segments those jumps gave back, in total */
    uint32_t most;              /* the most one jump gave back */
};

/* ~112-byte frames: a 1 KiB segment holds about 6 of them, so deep dives split several times. */
__attribute__((noinline)) static uint32_t dive(struct jump *j, uint32_t n, uint32_t acc)
{
    volatile uint32_t pad[24];
    for (uint32_t i = 0; i < 24; i++)
        pad[i] = acc ^ (n + i);
    if (n == 0) {
        if (MODE != 1)
            j->in_use_at_bottom = in_use();
#if defined(__ARM_FP)
        __asm__ volatile("vmov d8, %0, %0" ::"r"(acc) : "d8");   /* clobber the caller's d8 on the way out */
#endif
        longjmp(j->env, (int)(acc & 0x7FFF));              /* 0 arrives as 1 */
    }
    return dive(j, n - 1, acc * 33u + pad[0]) + pad[n % 24];
}

/* Calls setjmp with callee-saved registers in use (the values after the jump must be those of
 * setjmp's time) and, on FPU cores, d8 holding a known value, which dive() clobbers. */
#define KEPT_LOW 0x01234567u
#define KEPT_HIGH 0x89ABCDEFu
__attribute__((noinline)) static uint32_t jump_from(struct jump *j, uint32_t below, uint32_t seed)
{
    volatile uint32_t pad[8];
    uint32_t a = seed * 7u, b = seed ^ 0x5A5Au, c = seed + below;
    for (uint32_t i = 0; i < 8; i++)
        pad[i] = a + i;
#if defined(__ARM_FP)
    __asm__ volatile("vmov d8, %0, %1" ::"r"(KEPT_LOW), "r"(KEPT_HIGH) : "d8");
#endif
    if (MODE != 1)
        j->in_use_at_setjmp = in_use();
    int got = setjmp(j->env);
    if (got == 0)
        dive(j, below, seed);                              /* does not return */
#if defined(__ARM_FP)
    uint32_t low, high;
    __asm__ volatile("vmov %0, %1, d8" : "=r"(low), "=r"(high));
    if (low != KEPT_LOW || high != KEPT_HIGH)
        j->bad++;
#endif
    if (!guard_follows_sp())
        j->bad++;
    if (MODE != 1) {
        uint32_t crossed = j->in_use_at_bottom - j->in_use_at_setjmp;
        if (in_use() != j->in_use_at_setjmp)
            j->bad++;
        j->crossing += crossed != 0;
        j->given_back += crossed;
        if (crossed > j->most)
            j->most = crossed;
    }
    return (uint32_t)got + a + b * 3u + c * 5u + pad[0];
}

__attribute__((noinline)) static uint32_t climb(struct jump *j, uint32_t above, uint32_t below, uint32_t seed)
{
    volatile uint32_t pad[24];
    for (uint32_t i = 0; i < 24; i++)
        pad[i] = seed + i;
    if (above == 0)
        return jump_from(j, below, seed);
    return climb(j, above - 1, below, seed * 5u + 1u) ^ pad[above % 24];
}

static uint32_t rounds(struct jump *j, uint32_t id, uint32_t count, uint32_t *no_split_ok)
{
    uint32_t sum = 0;
    for (uint32_t r = 0; r < count; r++) {
        uint32_t above = (r * 7u + id) % ABOVE, below = 1u + (r * 13u + id * 5u) % BELOW;
        if (r % 4 == 3) {
            /* A jump that crosses no split: shallow, in a segment with room for it. */
            uint32_t before = splits();
            sum = sum * 31u + jump_from(j, 1, r);
            if (MODE == 0 && splits() != before)   /* (MODE 2: the handler splits too) */
                (*no_split_ok) = 0;
            continue;
        }
        sum = sum * 31u + climb(j, above, below, r + id * 1000u);
    }
    return sum;
}

#if MODE == 2
static volatile uint32_t irq_count, irq_wrong;
__attribute__((noinline)) static uint32_t irq_descend(uint32_t n)
{
    volatile uint32_t pad[24];
    for (uint32_t i = 0; i < 24; i++)
        pad[i] = n + i;
    return n == 0 ? pad[23] : irq_descend(n - 1) + pad[n % 24];
}

void Timer_IRQHandler(void)
{
    mcusplit_timer_ack();
    if (irq_descend(10) != irq_descend(10))
        irq_wrong++;
    irq_count++;
}
#endif

static struct jump jumps[2];
static volatile uint32_t results[2];

#if MODE == 1
static void jumper(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg, ignored = 1;
    results[id] = rounds(&jumps[id], id, ROUNDS, &ignored);
}
MCUSPLIT_TASK_ENTRY(jumper, 2);
#endif

int main(void)
{
    uint32_t ok = 1;          /* MODE 0: no pool change without a split; MODE 1: results */
    uintptr_t segments = (uintptr_t)__mcusplit_seg_count;
    __asm__("" : "+r"(segments));     /* an absolute symbol, 0 without split stacks: keep the compiler from
                                         assuming an object's address is never 0 */
    guarded = segments != 0 && guard() != 0;           /* not in --no-split-stack builds */
#if MODE != 1
#if MODE == 2
    if (!mcusplit_timer_start(mcusplit_timer_clock_hz() / TIMER_RATE + 1u, 0x40))
        return 4;                                  /* no timer on this board */
#endif
    results[0] = rounds(&jumps[0], 0, ROUNDS, &ok);
#if MODE == 2
    mcusplit_timer_stop();
    mcusplit_printf("# timer: %u interrupts\n", (unsigned)irq_count);
    if (irq_wrong || !irq_count)
        return 5;
#endif
    mcusplit_printf("jumps: %u rounds, result %08x\n", (unsigned)ROUNDS, (unsigned)results[0]);
    mcusplit_printf("# %u jumps crossed splits and gave back %u segments (at most %u at once)\n",
                    (unsigned)jumps[0].crossing, (unsigned)jumps[0].given_back, (unsigned)jumps[0].most);
    if (!ok)
        mcusplit_printf("a jump that crosses no split changed the pool\n");
#else
    for (uint32_t i = 0; i < 2; i++)
        if (mcusplit_task_create(jumper, (void *)(uintptr_t)i) < 0)
            return 1;
    mcusplit_tasks_run(TICK);
    for (uint32_t i = 0; i < 2; i++) {
        uint32_t ignored = 1, expected = rounds(&jumps[i], i, ROUNDS, &ignored);   /* again, without tasks */
        mcusplit_printf("task %u: %u rounds, result %08x %s\n", (unsigned)i, (unsigned)ROUNDS, (unsigned)results[i],
                        results[i] == expected ? "ok" : "WRONG");
        ok &= results[i] == expected;
    }
#endif
    uint32_t bad = jumps[0].bad + jumps[1].bad;
    mcusplit_printf("bad jumps: %u\n", (unsigned)bad);
    mcusplit_printf("in use at the end: %u\n", (unsigned)in_use());
    return bad || !ok || in_use() ? 3 : 0;
}
