/* Tasks: recursion on every task's own chain of segments, time slices, sleep, yield, exit. */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_tasks.h"

#define TASKS 4
static volatile uint32_t results[TASKS];

__attribute__((noinline)) static uint32_t descend(uint32_t n, uint32_t acc)
{
    volatile uint32_t pad[6];
    pad[0] = acc ^ n;
    if (n == 0)
        return pad[0];
    return descend(n - 1, acc * 31u + n) + pad[0];
}

static void worker(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    uint32_t sum = 0;
    for (uint32_t round = 0; round < 20; round++) {
        sum += descend(10 + (id * 7 + round * 13) % 40, id + round);
        if (round % 3 == 0)
            mcusplit_task_sleep(1 + id % 2);
        else if (round % 3 == 1)
            mcusplit_task_yield();
    }
    results[id] = sum;
}
MCUSPLIT_TASK_ENTRY(worker, TASKS);

int main(void)
{
    for (uint32_t i = 0; i < TASKS; i++)
        if (mcusplit_task_create(worker, (void *)(uintptr_t)i) < 0)
            return 1;
    mcusplit_tasks_run(2000);
    for (uint32_t i = 0; i < TASKS; i++)
        mcusplit_printf("task %u: %08x\n", (unsigned)i, (unsigned)results[i]);
    return 0;
}
