/* Runtime-internal interfaces shared by the core files and the generated board file. */
#ifndef MCUSPLIT_INTERNAL_H
#define MCUSPLIT_INTERNAL_H

#include <stdint.h>

#include "mcusplit.h"

/*
 * Who calls whom (no cycles; docs/runtime.md, "Units"):
 *
 *   startup.c -> pool.c, report.c, exit.c, console.c
 *   policy.c  -> pool.c, report.c, exit.c        (tasks only through the hooks below)
 *   report.c  -> pool.c, exit.c, console.c       (tasks only through the hooks below)
 *   exit.c    -> console.c                       (a leaf: the exit line and the exit)
 *   pool.c    -> nothing                         (with __morestack, the only code that touches the
 *                                                 free list)
 *   tasks/sched.c -> pool.c (its API), report.c (mcusplit_exit), console.c; registers its hooks
 */

/* board.c (generated) and the console. */
void mcusplit_board_init(void);             /* board.c (generated): console pin/clock setup */
void mcusplit_console_tx(uint8_t byte);     /* the board's UART driver */
void mcusplit_fault_entry(void);

/* exit.c: the "@mcusplit v1 exit code=N" line, then semihosting or a halt; nothing else (the
 * fault path, when memory cannot be trusted, and the end of mcusplit_exit). */
void mcusplit_exit_quietly(int code) __attribute__((noreturn));

/* pool.c: the pool and its free list. __morestack (morestack_v*.S) is the pool's other half: it
 * takes and gives in restartable regions (a task switched out inside one restarts it). Everything
 * else goes through these. Take and give change the list head with one store: call them with
 * interrupts masked, or from a handler at the lowest priority (PendSV, SysTick); a handler that
 * splits meanwhile gives back every segment it took before it returns. */
void mcusplit_pool_init(void);
uint32_t mcusplit_pool_segments(void);                     /* segments in the pool */
int mcusplit_pool_empty(void);                             /* no segment free right now */
struct mcusplit_segment_header *mcusplit_pool_take(void);  /* NULL when empty */
void mcusplit_pool_give(struct mcusplit_segment_header *h);
uintptr_t mcusplit_pool_site(uint32_t i);  /* call site the i-th segment last recorded (0: never taken) */
extern int32_t mcusplit_running_hwm;         /* the running task's mark (tasks; see pool.c) */

/* Hooks through which the core reaches optional parts (the scheduler) without naming them. A part
 * registers one record with MCUSPLIT_HOOKS; linker/common.ld gathers the records between
 * __mcusplit_hooks_start and _end, and the analyzer resolves the calls through them from the same
 * table (mcusplit/analysis/registry.py). Any field may be NULL. */
struct mcusplit_hooks {
    void (*report)(void);                   /* report.c: more lines after the stats line */
    /* policy.c, the pool is empty: 1 = waited until a segment may be free (try again), 0 = cannot. */
    int (*wait_for_segment)(uintptr_t function, uintptr_t call_site);
    /* policy.c, a big stack is busy: 1 = let its user run (try again), 0 = cannot wait here. */
    int (*wait_for_big_stack)(void);
};
extern const struct mcusplit_hooks __mcusplit_hooks_start[], __mcusplit_hooks_end[];
#define MCUSPLIT_HOOKS(name) \
    __attribute__((section(".mcusplit_hooks"), used, retain)) const struct mcusplit_hooks name

/* A big stack ([split_stack] big_stack, firmware/core/big_stack.inc): its registry entry, in
 * .mcusplit_registry between __mcusplit_big_stacks_table_start and _end. While a call runs on it,
 * the busy word holds the sp of the stack the call came from, the link a segment header holds. */
struct mcusplit_big_stack {
    uintptr_t bottom;
    uintptr_t top;
    volatile uintptr_t *busy;   /* 0: free; else the caller's sp */
};

/* pool.c: the big stack sp is on (NULL: a segment or the first stack), and the sp the stack sp
 * is on was entered from (0 for a stack nothing links back from). */
const struct mcusplit_big_stack *mcusplit_big_stack_of(uintptr_t sp);
uintptr_t mcusplit_stack_link(uintptr_t sp);

/* From the generated board file. */
extern const int mcusplit_exit_semihosting; /* 1: semihosting exit; 0: halt unless a debugger is attached */

#endif
