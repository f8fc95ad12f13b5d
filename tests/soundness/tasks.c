// corpus: segment_size=1024 segments=12 max_tasks=4 recursion=descend:20
/* Tasks: two instances of an entry recurse on their own chains of segments; results are printed
 * in a fixed order after both end (the host runs the same work one after the other). */
#include "corpus.h"
#ifndef CORPUS_HOST
#include "mcusplit_tasks.h"
#endif

static volatile uint32_t results[2];

NOINLINE uint32_t descend(uint32_t n, uint32_t acc)
{
    FRAME(120, acc);
    if (n == 0)
        return acc ^ frame_value_;
    return descend(n - 1u, acc * 7u + n) + frame_value_;
}

static void worker(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    uint32_t s = 0;
    for (uint32_t round = 0; round < 6; round++)
        s += descend(8u + (id * 5u + round * 3u) % 12u, s + id);
    results[id] = s;
}

#ifndef CORPUS_HOST
MCUSPLIT_TASK_ENTRY(worker, 2);
#endif

int main(void)
{
    corpus_irq_start();
#ifdef CORPUS_HOST
    worker((void *)0);
    worker((void *)1);
#else
    mcusplit_task_create(worker, (void *)0);
    mcusplit_task_create(worker, (void *)1);
    mcusplit_tasks_run(3000);
#endif
    corpus_irq_stop();
    OUT("tasks %x %x\n", (unsigned)results[0], (unsigned)results[1]);
    return 0;
}
