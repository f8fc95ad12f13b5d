/*
 * tasks32: 32 tasks with bursty recursion, on one segment pool.
 *
 * Every task runs ROUNDS rounds of shallow work (one segment is plenty) and,
 * in about one round in six, a deep recursion of DEEP_LEVELS frames (about
 * 8 KiB of stack) through the gate `deep`, which lets at most 2 tasks be deep
 * at once. Tasks sleep a tick between rounds, so they all overlap.
 *
 * Contiguous stacks would have to give every task its worst case (the deep
 * recursion); the pool needs 32 shallow chains plus 2 deep ones. The build
 * writes the analyzer's proof into the image; the firmware prints it next to
 * what it measured.
 */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_tasks.h"

#define TASKS 32
#define ROUNDS 24
#define DEEP_LEVELS 160
#define TICK_CYCLES 3000

static volatile uint32_t results[TASKS];
static volatile uint32_t deep_calls[TASKS];

/* A step of shallow work: a small frame, mixing a buffer. */
__attribute__((noinline)) static uint32_t shallow_step(uint32_t x, uint32_t round)
{
    volatile uint32_t buffer[16];
    for (uint32_t i = 0; i < 16; i++)
        buffer[i] = x ^ (round * 0x9E3779B9u + i);
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < 16; i++)
        h = (h ^ buffer[i]) * 16777619u;
    return h;
}

/* The deep part: DEEP_LEVELS frames of about 64 bytes. */
__attribute__((noinline)) static uint32_t descend(uint32_t level, uint32_t seed)
{
    volatile uint32_t local[14];            /* volatile: the frame stays this big */
    for (uint32_t i = 0; i < 14; i++)
        local[i] = seed + level;
    if (level == 0)
        return local[0];
    return descend(level - 1, seed * 33u + level) ^ local[0];
}

/* The same value without recursion (what main checks the tasks' results against): descend()
 * XORs seed_l + l over the levels l = level..0, with seed_(l-1) = seed_l * 33 + l. */
static uint32_t descend_reference(uint32_t level, uint32_t seed)
{
    uint32_t value = 0;
    for (uint32_t l = level;; l--) {
        value ^= seed + l;
        if (l == 0)
            return value;
        seed = seed * 33u + l;
    }
}

struct deep_args {
    uint32_t seed;
};

static uintptr_t deep_walk(void *arg)
{
    const struct deep_args *a = arg;
    return descend(DEEP_LEVELS, a->seed);
}

MCUSPLIT_GATE(deep, 2);
MCUSPLIT_GATED(deep, deep_walk);

static int goes_deep(uint32_t task, uint32_t round)
{
    return ((task * 7u + round * 5u) * 2654435761u >> 28) % 6u == 0;
}

static void worker(void *arg)
{
    uint32_t id = (uint32_t)(uintptr_t)arg;
    uint32_t x = id;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        x = shallow_step(x, round);
        if (goes_deep(id, round)) {
            struct deep_args a = {x};
            x ^= (uint32_t)mcusplit_gate_call(&deep, deep_walk, &a);
            deep_calls[id]++;
        }
        mcusplit_task_sleep(1);
    }
    results[id] = x;
}
MCUSPLIT_TASK_ENTRY(worker, TASKS);

static uint32_t expected(uint32_t id)
{
    uint32_t x = id;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        x = shallow_step(x, round);
        if (goes_deep(id, round))
            x ^= descend_reference(DEEP_LEVELS, x);
    }
    return x;
}

static void kib(const char *label, uint32_t bytes)
{
    mcusplit_printf("  %-34s %4u.%u KiB\n", label, (unsigned)(bytes / 1024), (unsigned)(bytes % 1024 * 10 / 1024));
}

int main(void)
{
    for (uint32_t i = 0; i < TASKS; i++)
        if (mcusplit_task_create(worker, (void *)(uintptr_t)i) < 0) {
            mcusplit_printf("tasks32: cannot create task %u\n", (unsigned)i);
            return 1;
        }
    mcusplit_tasks_run(TICK_CYCLES);

    uint32_t wrong = 0, deep_total = 0;
    for (uint32_t i = 0; i < TASKS; i++) {
        wrong += results[i] != expected(i);
        deep_total += deep_calls[i];
    }
    mcusplit_printf("tasks32: %u tasks x %u rounds, %u deep calls through a gate of 2: %s\n", TASKS, ROUNDS,
                    (unsigned)deep_total, wrong ? "WRONG RESULTS" : "results ok");

    struct mcusplit_stats s;
    mcusplit_stats_read(&s);
    mcusplit_printf("stack RAM for the %u tasks (segments of %u B):\n", TASKS, (unsigned)s.seg_size);
    if (mcusplit_proof.pool != 0xFFFFFFFFu) {
        kib("proven pool for the tasks", mcusplit_proof.tasks * s.seg_size);
        kib("measured (pool high-water mark)", s.hwm * s.seg_size);
        /* The analyzer's bound for contiguous stacks (deepest path + an exception frame per task). What
         * contiguous stacks really take is measured by benchmarks/tasks32_memory.py. */
        kib("contiguous worst-case stacks", mcusplit_proof.contiguous);
    } else {
        kib("measured (pool high-water mark)", s.hwm * s.seg_size);
        mcusplit_printf("  (no proof in this image: build it with mcusplit build)\n");
    }
    return wrong ? 2 : 0;
}
