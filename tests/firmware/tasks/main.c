/*
 * Tasks end to end: each task recurses on its own chain of segments, sleeps and yields; main
 * then recomputes every result without tasks and compares.
 *
 * Defines (mcusplit.toml or the tests): TICK (SysTick period in core cycles; small ticks switch
 * tasks inside __morestack), MODE: 0 normal, 1 misuse (an unregistered entry, then a gate call
 * with an unregistered function), 2 deadlock (every task holds segments and wants more), 3 churn
 * (every task splits in a loop, so that time slices end inside __morestack often), 4 churn with
 * the board's timer interrupting it, its handler recursing deep enough to split (on MSP, while
 * tasks split on PSP and are switched inside __morestack).
 */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_tasks.h"
#include "mcusplit_timer.h"

#ifndef TICK
#define TICK 2000
#endif
#ifndef MODE
#define MODE 0
#endif
#ifndef TIMER_RATE
#define TIMER_RATE 20000          /* MODE 4: timer interrupts per second of the board's timer clock */
#endif
#define TASKS 4
#define ROUNDS 20

static volatile uint32_t results[TASKS];

__attribute__((noinline)) static uint32_t descend(uint32_t n, uint32_t acc)
{
    volatile uint32_t pad[6];
    pad[0] = acc ^ n;
    if (n == 0)
        return pad[0];
    return descend(n - 1, acc * 31u + n) + pad[0];
}

/* MODE 3: inner() never fits below outer(): one split per call of outer(). */
__attribute__((noinline)) static uint32_t inner(uint32_t x)
{
    volatile uint32_t pad[100];
    for (uint32_t i = 0; i < 100; i++)
        pad[i] = x * i;
    return pad[3] + pad[99];
}

__attribute__((noinline)) static uint32_t outer(uint32_t x)
{
    volatile uint32_t pad[100];
    for (uint32_t i = 0; i < 100; i++)
        pad[i] = x + i;
    return inner(x + 1) ^ pad[99];
}

#if MODE == 4
/* The timer's handler splits on the handler stack; checked against the same sum. Only in this
 * mode: in the others the vector stays Default_Handler, as the analyzer's proofs assume. */
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
    if (irq_descend(12) != irq_descend(12))      /* deep enough to split from a shallow stack */
        irq_wrong++;
    irq_count++;
}
#endif

static uint32_t work(uint32_t id, int in_task)
{
    uint32_t sum = 0;
    if (MODE == 3 || MODE == 4) {
        for (uint32_t i = 0; i < 3000; i++)
            sum = sum * 31u + outer(id * 100000u + i);
        return sum;
    }
    for (uint32_t round = 0; round < ROUNDS; round++) {
        sum += descend(10 + (id * 7 + round * 13) % 40, id + round);
        if (in_task && round % 3 == 0)
            mcusplit_task_sleep(1 + id % 2);
        else if (in_task && round % 3 == 1)
            mcusplit_task_yield();
    }
    return sum;
}

static void worker(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    results[id] = work(id, 1);
}
MCUSPLIT_TASK_ENTRY(worker, TASKS);

#if MODE == 2
/* MODE 2: holds a chain of segments, then waits for ever for one more (the pool is too small). */
static volatile uint32_t holding;
__attribute__((noinline)) static uint32_t hoard(uint32_t n)
{
    volatile uint32_t pad[40];
    for (uint32_t i = 0; i < 40; i++)
        pad[i] = n;
    if (n == 0) {
        holding++;
        while (holding < TASKS)
            mcusplit_task_yield();       /* everyone holds some: now all dig deeper together */
        return pad[0];
    }
    return hoard(n - 1) + pad[0];
}

static void hoarder(void *arg)
{
    (void)arg;
    hoard(4);                            /* one split deep each (five 176-byte frames) ... */
    hoard(60);                           /* ... and then far more than the pool has */
}
MCUSPLIT_TASK_ENTRY(hoarder, TASKS);
#else
#define hoarder worker
#endif

#if MODE == 1
static void unregistered(void *arg) { (void)arg; }
static uintptr_t not_gated(void *arg) { return (uintptr_t)arg; }
MCUSPLIT_GATE(some_gate, 1);
#endif

int main(void)
{
#if MODE == 1
    int r = mcusplit_task_create(unregistered, 0);
    mcusplit_printf("create(unregistered) = %d\n", r);
    mcusplit_gate_call(&some_gate, not_gated, 0);       /* stops the firmware: exit 105 */
    return 0;
#endif
    for (uint32_t i = 0; i < TASKS; i++)
        if (mcusplit_task_create(MODE == 2 ? hoarder : worker, (void *)(uintptr_t)i) < 0)
            return 1;
#if MODE == 4
    if (!mcusplit_timer_start(mcusplit_timer_clock_hz() / TIMER_RATE + 1u, 0x40))
        return 4;                                  /* no timer on this board */
#endif
    mcusplit_tasks_run(TICK);
#if MODE == 4
    mcusplit_timer_stop();
    mcusplit_printf("timer: %u interrupts, %u wrong\n", (unsigned)irq_count, (unsigned)irq_wrong);
#endif
    uint32_t wrong = 0;
    for (uint32_t i = 0; i < TASKS; i++) {
        uint32_t expected = work(i, 0);
        mcusplit_printf("task %u: %08x %s\n", (unsigned)i, (unsigned)results[i],
                        results[i] == expected ? "ok" : "WRONG");
        wrong += results[i] != expected;
    }
    return wrong ? 3 : 0;
}
