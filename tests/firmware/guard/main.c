/*
 * Hardware guards: split-heavy work in main and in tasks (the guard follows every switch),
 * then, with OVERRUN set, a function without a check whose frame is bigger than the room left
 * runs past the bottom of its segment: the guard must stop it (exit 102, its pc reported)
 * instead of letting it write over the segment below.
 *
 * OVERRUN: 0 none, 1 on main's stack (MSP), 2 in a task (PSP).
 */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_tasks.h"

#ifndef OVERRUN
#define OVERRUN 0
#endif

__attribute__((noinline)) static uint32_t descend(uint32_t n, uint32_t acc)
{
    volatile uint32_t pad[8];
    for (uint32_t i = 0; i < 8; i++)
        pad[i] = acc + i;
    if (n == 0)
        return pad[7];
    return descend(n - 1, acc * 31u + n) ^ pad[0];
}

/* No check, and a frame larger than any segment: it writes from the top of its array down, so
 * the first bytes it writes below its segment are the guard's. */
MCUSPLIT_NO_SPLIT __attribute__((noinline)) static uint32_t overrun(uint32_t seed)
{
    volatile uint32_t big[320];                  /* 1280 bytes */
    for (int i = 319; i >= 0; i--)
        big[i] = seed + (uint32_t)i;
    return big[0] + big[319];
}

/* Overruns from a pool segment (the first stack sits at the bottom of RAM, where an overrun would
 * leave RAM and take the exception frame with it). */
__attribute__((noinline)) static uint32_t dig_then_overrun(uint32_t n)
{
    volatile uint32_t pad[8];
    for (uint32_t i = 0; i < 8; i++)
        pad[i] = n + i;
    return (n == 0 ? overrun(pad[3]) : dig_then_overrun(n - 1)) + pad[5];
}

static volatile uint32_t task_sum[2];

static void worker(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    for (uint32_t round = 0; round < 10; round++) {
        task_sum[id] += descend(20 + round * 3, id);
        mcusplit_task_yield();
    }
    if (OVERRUN == 2 && id == 1)
        task_sum[id] += overrun(id);
}
MCUSPLIT_TASK_ENTRY(worker, 2);

int main(void)
{
    uint32_t sum = 0;
    for (uint32_t n = 0; n < 40; n += 7)
        sum += descend(n, n);
    mcusplit_task_create(worker, (void *)0);
    mcusplit_task_create(worker, (void *)1);
    mcusplit_tasks_run(5000);
    mcusplit_printf("guard: %08x %08x %08x\n", (unsigned)sum, (unsigned)task_sum[0], (unsigned)task_sum[1]);
    if (OVERRUN == 1)
        sum += dig_then_overrun(30);
    return (int)(sum & 0);
}
