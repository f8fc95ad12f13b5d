/*
 * mcusplit tasks: a small preemptive scheduler over the segment pool.
 *
 * Every task runs on its own chain of segments, on PSP, in thread mode; the
 * first segment is taken from the pool when the task is created and the rest
 * by __morestack as it goes deeper. Interrupt handlers run on MSP (the first
 * stack, where main() waits in mcusplit_tasks_run()). Because the limit is
 * sp mod SEG, a switch saves and restores nothing but the registers.
 *
 * Time slices come from SysTick (round robin among ready tasks); PendSV,
 * at the lowest priority, switches. Tasks may also yield, sleep and exit.
 *
 * The analyzer (mcusplit analyze) finds task entries and gates in the ELF:
 *
 *     MCUSPLIT_TASK_ENTRY(worker, 32);        // worker may run as up to 32 tasks at once
 *     MCUSPLIT_GATE(deep, 2);                 // at most 2 tasks inside `deep` at a time
 *     MCUSPLIT_GATED(deep, walk_tree);        // walk_tree is called through `deep`
 *
 * and proves the pool for: every task's shallow worst case, plus the K
 * largest extra depths of the tasks that can be inside each gate. The
 * runtime enforces what the proof assumes: mcusplit_task_create() refuses an
 * entry that is not registered (or one more task than its maximum), and
 * mcusplit_gate_call() stops the firmware if fn is not registered with the gate.
 *
 * When the pool is empty, a task waits until a segment is given back
 * (interrupt handlers never wait: they get the pool-exhausted hook). If
 * every task is waiting, the runtime reports a deadlock with each task's
 * depth and exits with MCUSPLIT_EXIT_DEADLOCK.
 */
#ifndef MCUSPLIT_TASKS_H
#define MCUSPLIT_TASKS_H

#include <stdint.h>

#include "mcusplit.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCUSPLIT_EXIT_DEADLOCK        104   /* every task waits (for segments or a gate) */
#define MCUSPLIT_EXIT_TASK_MISUSE     105   /* a gate called with an unregistered function, ... */

/* mcusplit_task_create() results below zero. */
#define MCUSPLIT_TASK_UNREGISTERED    (-1)  /* entry has no MCUSPLIT_TASK_ENTRY */
#define MCUSPLIT_TASK_TOO_MANY        (-2)  /* entry already runs as its registered maximum of tasks */
#define MCUSPLIT_TASK_NO_SLOT         (-3)  /* [tasks] max_tasks tasks exist */
#define MCUSPLIT_TASK_NO_SEGMENT      (-4)  /* the pool has no segment for the task's first stack */

typedef void (*mcusplit_task_fn)(void *arg);
typedef uintptr_t (*mcusplit_gated_fn)(void *arg);

/* ---- registries the analyzer reads (sections kept by linker/common.ld) ----------------------- */

struct mcusplit_task_entry {
    mcusplit_task_fn entry;
    const char *name;
    uint32_t max_instances;     /* tasks running this entry at once, at most */
};

struct mcusplit_gate_state {
    volatile uint32_t inside;   /* permits taken */
    volatile uint32_t peak;     /* most permits ever taken at once */
    volatile uint32_t waits;    /* times a task had to wait at the entry */
};

struct mcusplit_gate {
    uint32_t permits;           /* K: tasks inside at once, at most */
    const char *name;
    struct mcusplit_gate_state *state;
};

struct mcusplit_gated {
    const struct mcusplit_gate *gate;
    mcusplit_gated_fn fn;
};

#define MCUSPLIT_TASK_ENTRY(fn, max)                                                               \
    void fn(void *);                                                                               \
    __attribute__((section(".mcusplit_tasks"), used)) static const struct mcusplit_task_entry      \
        mcusplit_task_entry_##fn = {fn, #fn, (max)}

#define MCUSPLIT_GATE(name, k)                                                                     \
    static struct mcusplit_gate_state mcusplit_gate_state_##name;                                  \
    __attribute__((section(".mcusplit_gates"), used)) const struct mcusplit_gate name =            \
        {(k), #name, &mcusplit_gate_state_##name}

#define MCUSPLIT_GATED(gate_name, fn)                                                              \
    uintptr_t fn(void *);                                                                          \
    __attribute__((section(".mcusplit_gated"), used)) static const struct mcusplit_gated           \
        mcusplit_gated_##gate_name##_##fn = {&gate_name, fn}

/* ---- the API (thread mode; not from interrupt handlers) -------------------------------------- */

/* A new task running entry(arg), ready to run. Returns its id (>= 0) or MCUSPLIT_TASK_* < 0. */
int mcusplit_task_create(mcusplit_task_fn entry, void *arg);

/* Runs the tasks, SysTick every tick_cycles core clock cycles, until every task has exited.
 * Called from main(), which then waits on the first stack (and idles in `wfi`). */
void mcusplit_tasks_run(uint32_t tick_cycles);

void mcusplit_task_yield(void);
void mcusplit_task_sleep(uint32_t ticks);           /* 0: yield */
void mcusplit_task_exit(void) __attribute__((noreturn));   /* returning from the entry does this */
int mcusplit_task_id(void);                         /* the running task's id; -1 outside tasks */
uint32_t mcusplit_ticks(void);

/* Calls fn(arg) with one of the gate's permits, waiting at the entry while all K are taken. */
uintptr_t mcusplit_gate_call(const struct mcusplit_gate *gate, mcusplit_gated_fn fn, void *arg);

/* Per-task figures, for probes and reports. */
struct mcusplit_task_stats {
    int32_t id;                 /* -1: free slot */
    uint32_t state;             /* MCUSPLIT_TASK_STATE_* */
    const char *name;
    uint32_t depth;             /* segments held now (the first included) */
    uint32_t hwm;               /* most segments held at once, sampled (see docs/tasks.md) */
    uint32_t switches;          /* times it was switched in */
};

#define MCUSPLIT_TASK_STATE_FREE       0
#define MCUSPLIT_TASK_STATE_READY      1
#define MCUSPLIT_TASK_STATE_SLEEPING   2
#define MCUSPLIT_TASK_STATE_WAIT_POOL  3
#define MCUSPLIT_TASK_STATE_WAIT_GATE  4
#define MCUSPLIT_TASK_STATE_DONE       5

/* Fills out[0..n) with the task slots; returns how many slots exist. */
uint32_t mcusplit_tasks_stats(struct mcusplit_task_stats *out, uint32_t n);

#ifdef __cplusplus
}
#endif

#endif /* MCUSPLIT_TASKS_H */
