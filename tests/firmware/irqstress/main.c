/*
 * Interrupt stress for split stacks (tests/test_interrupts.py, benchmarks/irq_stress.py).
 *
 * The thread runs split-heavy work whose results must not depend on interrupts: deep recursion
 * whose frames are read back after the recursive call (a frame overwritten by an interrupt
 * changes the checksum), recursion with stack arguments (the __morestack_args path) and float
 * recursion (hard float on FPU cores). Meanwhile SysTick and the board's timer fire at random
 * intervals (a seeded LCG re-arms each in its handler). Both handlers are split-stack code that
 * recurses deep enough to split on 1024-byte segments and checks its own result against an
 * iterative computation. The timer has the higher priority, so it preempts SysTick's handler;
 * the nesting counters record how often that happened while the SysTick handler was on a
 * segment its own recursion took and the timer handler then split too.
 *
 * Modes (irqstress_config.mode): 0 quiet (no interrupts; the thread lines must be identical),
 * 1 stress, 2 broken: the timer handler also runs code without a check whose frame reaches
 * the bottom of its segment (what code opted out of split stacks must never do); the run must
 * then fail (the stack canary).
 *
 * Intervals are in instructions (under QEMU's -icount shift=0, nanoseconds): the program
 * measures SysTick ticks per instruction with a loop of known length, and timer ticks per
 * SysTick tick from the timer's own interrupts, so the same setting means the same rate on
 * every board.
 */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_timer.h"

#ifndef IRQ_MODE
#define IRQ_MODE 1
#endif
#ifndef IRQ_SEED
#define IRQ_SEED 1
#endif
#ifndef IRQ_INTERVAL
#define IRQ_INTERVAL 1000
#endif

#define MODE_QUIET 0
#define MODE_STRESS 1
#define MODE_BROKEN 2

struct irqstress_config {
    uint32_t magic;
    uint32_t mode;
    uint32_t seed;
    uint32_t interval;          /* mean instructions between two interrupts of one source */
};

/* Patched in the ELF by the harness (a copy per run): one build serves every rate and seed. */
__attribute__((used)) const volatile struct irqstress_config irqstress_config = {
    0x53515249u, IRQ_MODE, IRQ_SEED, IRQ_INTERVAL};

#define SYST_CSR  (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR  (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR  (*(volatile uint32_t *)0xE000E018u)
#define SCB_SHPR3 (*(volatile uint32_t *)0xE000ED20u)

#define SYSTICK_PRIORITY 0xC0u
#define TIMER_PRIORITY   0x40u  /* more urgent: the timer preempts SysTick's handler */
#define HANDLER_DEPTH    4      /* handler recursion: 0..3 levels below the handler (336-byte frames) */

extern char __mcusplit_seg_size[], __mcusplit_pool_start[], __mcusplit_pool_end[];
#define SEG ((uintptr_t)__mcusplit_seg_size)

static inline uintptr_t sp_now(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

static inline uintptr_t seg_of(uintptr_t address)
{
    return address & ~(SEG - 1u);
}

static inline int in_pool(uintptr_t address)
{
    return address >= (uintptr_t)__mcusplit_pool_start && address < (uintptr_t)__mcusplit_pool_end;
}

static inline uint32_t lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

/* 8 words written on the way down and read back on the way up: sum = 36 x + 168 when intact.
 * The array's address escapes, so the whole array is in the frame (large frames, few instructions). */
#define FILL(pad, x)                                    \
    do {                                                \
        __asm__ volatile("" : : "r"(pad) : "memory");   \
        for (uint32_t i_ = 0; i_ < 8; i_++)             \
            (pad)[i_] = (x) + i_;                       \
    } while (0)
#define READBACK(pad, s)                                \
    do {                                                \
        (s) = 0;                                        \
        for (uint32_t i_ = 0; i_ < 8; i_++)             \
            (s) += (pad)[i_] * (i_ + 1u);               \
    } while (0)

static inline uint32_t mix(uint32_t r, uint32_t s)
{
    return (r ^ (r >> 13)) + s;
}

/* On FPU cores the handlers keep a float live across their recursive call: lazily stacked FP
 * state then has to survive splits and the timer preempting SysTick. Exact in single precision. */
#if defined(__ARM_FP)
#define FLOAT_TERM(x) ((uint32_t)((float)((x) & 0xFFFFu) * 0.5f * 3.0f))
#else
#define FLOAT_TERM(x) 0u
#endif

/* ---- the thread ----------------------------------------------------------------------------- */

static uint32_t thread_splits;  /* levels that run on another segment than their caller */

__attribute__((noinline)) uint32_t t_rec(uint32_t n, uint32_t x, uintptr_t caller_seg)
{
    volatile uint32_t pad[24];
    uintptr_t seg = seg_of(sp_now());
    if (seg != caller_seg)
        thread_splits++;
    FILL(pad, x);
    pad[23] = n;
    if (n == 0)
        return x;
    uint32_t r = t_rec(n - 1, x * 1664525u + 1013904223u + n, seg);
    uint32_t s;
    READBACK(pad, s);
    return mix(r, s + pad[23]);
}

/* Nine arguments: five on the stack, copied by __morestack_args when a call splits. */
__attribute__((noinline)) uint32_t t_args(uint32_t n, uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t e,
                                          uint32_t f, uint32_t g, uintptr_t caller_seg)
{
    volatile uint32_t pad[16];
    uintptr_t seg = seg_of(sp_now());
    if (seg != caller_seg)
        thread_splits++;
    FILL(pad, a ^ g);
    if (n == 0)
        return a + 3u * b + 5u * c + 7u * d + 11u * e + 13u * f + 17u * g;
    uint32_t r = t_args(n - 1, b, c, d, e, f, g, a + n, seg);
    uint32_t s;
    READBACK(pad, s);
    return mix(r, s) * 3u + a - g;
}

__attribute__((noinline)) float t_float(uint32_t n, float x, double y, uintptr_t caller_seg)
{
    volatile float pad[8];
    uintptr_t seg = seg_of(sp_now());
    if (seg != caller_seg)
        thread_splits++;
    for (uint32_t i = 0; i < 8; i++)
        pad[i] = x * (float)(i + 1) + (float)y;
    if (n == 0)
        return x * 0.75f + (float)(y * 0.5);
    float r = t_float(n - 1, x * 1.0009765625f + 0.5f, y * 0.998046875 + 1.25, seg);
    float s = 0.0f;
    for (uint32_t i = 0; i < 8; i++)
        s += pad[i];
    return r * 0.5f + s * 0.125f - x;
}

struct results {
    uint32_t rec, args, fl;
};

static void thread_work(struct results *out, uint32_t rounds)
{
    uintptr_t seg = seg_of(sp_now());
    uint32_t rec = 0, args = 0, fl = 0;
    for (uint32_t i = 0; i < rounds; i++) {
        rec = rec * 31u + t_rec(8u + (i * 7u) % 25u, i ^ 0x9E3779B9u, seg);
        args = args * 31u + t_args(4u + (i * 5u) % 13u, i, i + 1u, i + 2u, i + 3u, i + 4u, i + 5u, i + 6u, seg);
        union { float f; uint32_t u; } v = {t_float(2u + (i * 3u) % 11u, (float)i * 0.25f, (double)i * 0.5, seg)};
        fl = fl * 31u + v.u;
    }
    out->rec = rec;
    out->args = args;
    out->fl = fl;
}

/* ---- the handlers ---------------------------------------------------------------------------- */

static uint32_t st_rng, tm_rng;
static uint32_t st_q16, tm_q16;         /* SysTick / timer ticks per instruction, 16.16 */
static volatile uint32_t st_count, tm_count, handler_splits, irq_errors;
static volatile uint32_t nested, nested_pool, nested_split;
static volatile uint32_t st_in_handler, st_level;
static volatile uintptr_t st_sp_entry, st_sp_now, tm_sp_entry;
static uint32_t tm_preempted, tm_recorded;
static volatile uint32_t st_sum, tm_sum;
static volatile uint32_t calibrating, cal_count, cal_cvr[3];

/* Ticks for one interval of each source; an interval is drawn uniformly from [T/2, 3T/2). */
static uint32_t st_ticks, tm_ticks;

static uint32_t interval_ticks(uint32_t q16)
{
    uint64_t ticks = ((uint64_t)irqstress_config.interval * q16) >> 16;
    return ticks < 4u ? 4u : ticks > 0xFFFFu ? 0xFFFFu : (uint32_t)ticks;
}

/* 32-bit arithmetic only: no division or 64-bit helper calls in the handlers. */
static inline uint32_t next_period(uint32_t *rng, uint32_t ticks)
{
    return ticks / 2u + (((lcg(rng) & 0xFFFFu) * ticks) >> 16);
}

/* The expected result of st_rec / tm_rec, without recursion. */
static uint32_t expected(uint32_t n, uint32_t x)
{
    uint32_t xs[HANDLER_DEPTH + 1];
    for (uint32_t k = n;; k--) {
        xs[k] = x;
        if (k == 0)
            break;
        x = x * 69069u + k;
    }
    uint32_t r = xs[0];
    for (uint32_t k = 1; k <= n; k++)
        r = mix(r, 36u * xs[k] + 168u + FLOAT_TERM(xs[k]));
    return r;
}

__attribute__((noinline)) uint32_t st_rec(uint32_t n, uint32_t x, uintptr_t caller_seg)
{
    volatile uint32_t pad[80];
    uintptr_t sp = sp_now(), seg = seg_of(sp);
    if (seg != caller_seg)
        handler_splits++;
    uintptr_t outer = st_sp_now;
    st_sp_now = sp;
    st_level++;
    FILL(pad, x);
#if defined(__ARM_FP)
    volatile float half = (float)(x & 0xFFFFu) * 0.5f;
#endif
    uint32_t r = x;
    if (n != 0) {
        r = st_rec(n - 1, x * 69069u + n, seg);
        uint32_t s;
        READBACK(pad, s);
#if defined(__ARM_FP)
        s += (uint32_t)(half * 3.0f);
#endif
        r = mix(r, s);
    }
    st_level--;
    st_sp_now = outer;
    return r;
}

__attribute__((noinline)) uint32_t tm_rec(uint32_t n, uint32_t x, uintptr_t caller_seg)
{
    volatile uint32_t pad[80];
    uintptr_t sp = sp_now(), seg = seg_of(sp);
    if (seg != caller_seg)
        handler_splits++;
    FILL(pad, x);
#if defined(__ARM_FP)
    volatile float half = (float)(x & 0xFFFFu) * 0.5f;
#endif
    if (n == 0) {
        /* The deepest point: is SysTick's handler underneath, itself in its recursion, and on a
         * segment that recursion took; and has this handler's recursion split too? */
        if (tm_preempted && !tm_recorded) {
            tm_recorded = 1;
            uintptr_t outer = st_sp_now;
            if (st_level > 0 && in_pool(outer) && in_pool(sp)) {
                nested_pool++;
                if (seg_of(outer) != seg_of(st_sp_entry) && seg != seg_of(tm_sp_entry))
                    nested_split++;
            }
        }
        return x;
    }
    uint32_t r = tm_rec(n - 1, x * 69069u + n, seg);
    uint32_t s;
    READBACK(pad, s);
#if defined(__ARM_FP)
    s += (uint32_t)(half * 3.0f);
#endif
    return mix(r, s);
}

/* The broken mode's bug, made deterministic: code without a check (opted out in mcusplit.toml)
 * whose frame reaches down to the bottom of its segment, the stack canary's word included.
 * Nothing below the segment is touched, so the run goes on and must be caught at exit. */
__attribute__((noinline)) uint32_t unchecked_to_the_bottom(uint32_t x)
{
    uintptr_t sp = sp_now();
    volatile uint32_t *bottom = (volatile uint32_t *)seg_of(sp);
    uint32_t words = (uint32_t)(sp - (uintptr_t)bottom) / 4u;
    for (uint32_t i = 0; i < words; i++)
        bottom[i] = x + i;
    return bottom[words / 2u];
}

void SysTick_Handler(void)
{
    st_in_handler = 1;
    st_count++;
    SYST_RVR = next_period(&st_rng, st_ticks) - 1u;
    SYST_CVR = 0;                       /* the next interrupt counts from now */
    uintptr_t sp = sp_now();
    st_sp_entry = sp;
    st_sp_now = sp;
    uint32_t depth = lcg(&st_rng) % HANDLER_DEPTH, x = lcg(&st_rng);
    uint32_t r = st_rec(depth, x, seg_of(sp));
    if (r != expected(depth, x))
        irq_errors++;
    st_sum += r;
    st_in_handler = 0;
}

void Timer_IRQHandler(void)
{
    mcusplit_timer_ack();
    if (calibrating) {
        if (cal_count < 3)
            cal_cvr[cal_count++] = SYST_CVR;
        return;
    }
    tm_count++;
    mcusplit_timer_set_period(next_period(&tm_rng, tm_ticks));
    tm_preempted = st_in_handler;
    tm_recorded = 0;
    if (tm_preempted)
        nested++;
    uintptr_t sp = sp_now();
    tm_sp_entry = sp;
    uint32_t depth = lcg(&tm_rng) % HANDLER_DEPTH, x = lcg(&tm_rng);
    uint32_t r = tm_rec(depth, x, seg_of(sp));
    if (r != expected(depth, x))
        irq_errors++;
    tm_sum += r;
    if (irqstress_config.mode == MODE_BROKEN)
        tm_sum += unchecked_to_the_bottom(x);
}

/* ---- set-up ---------------------------------------------------------------------------------- */

/* Two instructions per iteration. */
static inline void spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+l"(n) : : "cc");
}

#define CAL_LOOPS 32768u        /* 65536 instructions */
#define CAL_TIMER_TICKS 1024u

static void set_priority_systick(uint32_t priority)
{
    SCB_SHPR3 = (SCB_SHPR3 & 0x00FFFFFFu) | (priority << 24);
}

/* SysTick ticks per instruction, then timer ticks per instruction (0: no timer interrupts). */
static void calibrate(void)
{
    SYST_CSR = 0;
    SYST_RVR = 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 5u;                      /* processor clock, no interrupt */
    uint32_t a = SYST_CVR;
    spin(CAL_LOOPS);
    uint32_t b = SYST_CVR;
    uint32_t st_delta = (a - b) & 0x00FFFFFFu;
    st_q16 = (uint32_t)(((uint64_t)st_delta << 16) / (2u * CAL_LOOPS));

    calibrating = 1;
    if (mcusplit_timer_start(CAL_TIMER_TICKS, TIMER_PRIORITY)) {
        for (uint32_t guard = 0; cal_count < 3 && guard < 200000u; guard++)
            spin(64);
        mcusplit_timer_stop();
    }
    calibrating = 0;
    if (cal_count == 3) {
        uint32_t tm_delta = (cal_cvr[1] - cal_cvr[2]) & 0x00FFFFFFu;    /* SysTick counts down */
        if (tm_delta)
            tm_q16 = (uint32_t)(((uint64_t)CAL_TIMER_TICKS * st_delta << 16) / ((uint64_t)tm_delta * 2u * CAL_LOOPS));
    }
    SYST_CSR = 0;
}

#ifndef ROUNDS
#define ROUNDS 300
#endif

int main(void)
{
    uint32_t mode = irqstress_config.mode;
    if (irqstress_config.magic != 0x53515249u || mode > MODE_BROKEN) {
        mcusplit_printf("irqstress: bad configuration\n");
        return 3;
    }
    int timer = 0;
    if (mode != MODE_QUIET) {
        calibrate();
        st_rng = irqstress_config.seed * 2654435761u + 1u;
        tm_rng = irqstress_config.seed * 2246822519u + 7u;
        st_ticks = interval_ticks(st_q16);
        tm_ticks = interval_ticks(tm_q16);
        set_priority_systick(SYSTICK_PRIORITY);
        if (tm_q16)
            timer = mcusplit_timer_start(next_period(&tm_rng, tm_ticks), TIMER_PRIORITY);
        SYST_RVR = next_period(&st_rng, st_ticks) - 1u;
        SYST_CVR = 0;
        SYST_CSR = 7u;                  /* processor clock, interrupt, enable */
    }

    struct results res;
    thread_work(&res, ROUNDS);

    SYST_CSR = 0;
    if (timer)
        mcusplit_timer_stop();
    mcusplit_printf("thread: rec=%08x args=%08x float=%08x splits=%u\n", (unsigned)res.rec, (unsigned)res.args,
                    (unsigned)res.fl, (unsigned)thread_splits);
    mcusplit_printf("irq: mode=%u seed=%u interval=%u systick_q16=%u timer_q16=%u timer=%s\n", (unsigned)mode,
                    (unsigned)irqstress_config.seed, (unsigned)irqstress_config.interval, (unsigned)st_q16,
                    (unsigned)tm_q16, timer ? "yes" : "no");
    mcusplit_printf("irq: systick=%u timer=%u handler_splits=%u nested=%u nested_pool=%u nested_split=%u "
                    "errors=%u\n", (unsigned)st_count, (unsigned)tm_count, (unsigned)handler_splits,
                    (unsigned)nested, (unsigned)nested_pool, (unsigned)nested_split, (unsigned)irq_errors);
    return 0;
}
