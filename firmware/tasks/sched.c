/*
 * The scheduler (docs/tasks.md). Compiled without split stacks: it runs in
 * PendSV/SysTick on the handler stack, or in a task's reserve.
 *
 * Concurrency: thread-mode code changes scheduler state with interrupts masked
 * (cpsid i) and then pends PendSV; SysTick and PendSV share the lowest
 * priority, so neither preempts the other. The pool's free list is changed
 * without masking by __morestack; a task switched out in the middle of a take
 * or a give is restarted at the beginning of it (restartable regions).
 *
 * The free list is the pool's: this file takes and gives through its API
 * (mcusplit_pool_take/give/empty). The core reaches the scheduler only through
 * the hooks registered at the end of this file (report lines, waiting for a
 * segment or a big stack).
 */
#include <stddef.h>
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_internal.h"
#include "mcusplit_tasks.h"
#include "sched.h"

#ifndef MCUSPLIT_MAX_TASKS
#define MCUSPLIT_MAX_TASKS 8
#endif
#define SEG ((uintptr_t)1 << MCUSPLIT_SEG_SHIFT)
#define HEADER sizeof(struct mcusplit_segment_header)

#define SCB_ICSR   (*(volatile uint32_t *)0xE000ED04u)
#define SCB_SHPR3  (*(volatile uint32_t *)0xE000ED20u)
#define SYST_CSR   (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR   (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR   (*(volatile uint32_t *)0xE000E018u)
#define ICSR_PENDSVSET (1u << 28)

_Static_assert(offsetof(struct mcusplit_tcb, sp) == TCB_SP, "TCB layout");
_Static_assert(offsetof(struct mcusplit_tcb, exc_return) == TCB_EXC_RETURN, "TCB layout");
_Static_assert(offsetof(struct mcusplit_tcb, regs) == TCB_REGS, "TCB layout");
_Static_assert(offsetof(struct mcusplit_tcb, fpregs) == TCB_FPREGS, "TCB layout");
_Static_assert(offsetof(struct mcusplit_tcb, limit) == TCB_LIMIT, "TCB layout");

extern char __mcusplit_pool_start[], __mcusplit_pool_end[];
extern const struct mcusplit_task_entry __mcusplit_tasks_start[], __mcusplit_tasks_end[];
extern const struct mcusplit_gate __mcusplit_gates_start[], __mcusplit_gates_end[];
extern const struct mcusplit_gated __mcusplit_gated_start[], __mcusplit_gated_end[];

/* __morestack's restartable regions (weak: the benchmark-only prologue styles have none). */
extern const char __mcusplit_take_begin[] __attribute__((weak)), __mcusplit_take_end[] __attribute__((weak));
extern const char __mcusplit_give_begin[] __attribute__((weak)), __mcusplit_give_end[] __attribute__((weak));
extern const char __mcusplit_take_args_begin[] __attribute__((weak));
extern const char __mcusplit_take_args_end[] __attribute__((weak));
extern const char __mcusplit_give_args_begin[] __attribute__((weak));
extern const char __mcusplit_give_args_end[] __attribute__((weak));
extern const char __mcusplit_hwm_begin[] __attribute__((weak)), __mcusplit_hwm_end[] __attribute__((weak));
extern const char __mcusplit_count_begin[] __attribute__((weak)), __mcusplit_count_end[] __attribute__((weak));
extern const char __mcusplit_count_args_begin[] __attribute__((weak));
extern const char __mcusplit_count_args_end[] __attribute__((weak));
extern const char __mcusplit_hwm_args_begin[] __attribute__((weak));
extern const char __mcusplit_hwm_args_end[] __attribute__((weak));

/* At a fixed symbol for probes: every slot's figures (struct mcusplit_task_stats is a prefix-free
 * view of these; use mcusplit_tasks_stats()). */
struct mcusplit_tcb mcusplit_tasks[MCUSPLIT_MAX_TASKS];
const uint32_t mcusplit_tasks_max = MCUSPLIT_MAX_TASKS;

/* Where a probe finds each task's figures in mcusplit_tasks[] (mcusplit/probe/poolstats.py):
 * offsets, so the control block may change without breaking readers. */
__attribute__((used, retain)) const struct {
    uint32_t version, slots, size, state, entry, depth, hwm, switches;
} mcusplit_task_layout = {
    1, MCUSPLIT_MAX_TASKS, sizeof(struct mcusplit_tcb), offsetof(struct mcusplit_tcb, state),
    offsetof(struct mcusplit_tcb, entry), offsetof(struct mcusplit_tcb, depth),
    offsetof(struct mcusplit_tcb, hwm), offsetof(struct mcusplit_tcb, switches),
};
#if defined(MCUSPLIT_TASK_STACK)
/* Builds without split stacks ([tasks] contiguous_stack): every slot has a contiguous stack of its
 * own, the reference that benchmarks/tasks32_memory.py sizes. Its bottom word is a canary, checked
 * when the task ends and by mcusplit_tasks_run before it returns. */
_Static_assert(MCUSPLIT_TASK_STACK % 8 == 0 && MCUSPLIT_TASK_STACK >= 256, "contiguous task stack size");
static uint64_t task_stacks[MCUSPLIT_MAX_TASKS][MCUSPLIT_TASK_STACK / 8];
static uint32_t task_stack_overflows;

static uint32_t *task_stack_bottom(const struct mcusplit_tcb *t)
{
    return (uint32_t *)task_stacks[t - mcusplit_tasks];
}
#endif
static struct mcusplit_tcb main_context = {.id = -1, .state = MCUSPLIT_TASK_STATE_READY};

/* A task that has not finished (its slot is not free or done). */
static int live(const struct mcusplit_tcb *t)
{
    return t->state != MCUSPLIT_TASK_STATE_FREE && t->state != MCUSPLIT_TASK_STATE_DONE;
}
struct mcusplit_tcb *mcusplit_task_current;
static volatile uint32_t ticks;
static uint32_t switches;           /* context switches */
static uint32_t restarts;           /* of them, inside a restartable region of __morestack */
static uint32_t pool_waits;         /* times a task found the pool empty and waited */
static volatile uint32_t alive;
static volatile int running;
static volatile int deadlocked;     /* set by the switch, reported by main (not in PendSV: its stack) */

static inline void mask(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void unmask(void) { __asm__ volatile("cpsie i\n\tisb" ::: "memory"); }

static inline uint32_t ipsr(void)
{
    uint32_t value;
    __asm__ volatile("mrs %0, ipsr" : "=r"(value));
    return value & 0x1FFu;
}

static inline uint32_t psp(void)
{
    uint32_t value;
    __asm__ volatile("mrs %0, psp" : "=r"(value));
    return value;
}

static void pend_switch(void)
{
    SCB_ICSR = ICSR_PENDSVSET;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}

static struct mcusplit_segment_header *header_of_sp(uintptr_t sp)
{
    return (struct mcusplit_segment_header *)((sp & ~(SEG - 1)) + SEG - HEADER);
}

/* Segments a task holds, from its stack pointer back along the saved-sp links to its first one
 * (through big stacks too, which hold no segment: mcusplit_stack_link follows their busy words). */
static uint32_t chain_depth(const struct mcusplit_tcb *t, uintptr_t sp)
{
#if defined(MCUSPLIT_TASK_STACK)
    (void)t;
    (void)sp;
    return 1;                           /* one contiguous stack, no chain */
#endif
    uint32_t depth = 1;
    uint32_t limit = (uint32_t)(((uintptr_t)__mcusplit_pool_end - (uintptr_t)__mcusplit_pool_start) / SEG);
    for (uint32_t steps = 0; steps <= 2 * limit; steps++) {
        if (mcusplit_big_stack_of(sp)) {
            sp = mcusplit_stack_link(sp);
            continue;
        }
        struct mcusplit_segment_header *h = header_of_sp(sp);
        if (h == t->base || depth > limit)
            break;
        depth++;
        sp = h->link;
    }
    return depth;
}

static void note_depth(struct mcusplit_tcb *t, uintptr_t sp)
{
    t->depth = chain_depth(t, sp);
    if (t->depth > t->hwm)
        t->hwm = t->depth;
}

/* A task that finished: every segment of its chain back to the pool, deepest first. */
static void release_chain(struct mcusplit_tcb *t)
{
#if defined(MCUSPLIT_TASK_STACK)
    task_stack_overflows += *task_stack_bottom(t) != MCUSPLIT_CANARY;
    t->base = NULL;
    return;
#endif
    uintptr_t sp = t->sp;
    uint32_t limit = (uint32_t)(((uintptr_t)__mcusplit_pool_end - (uintptr_t)__mcusplit_pool_start) / SEG);
    for (uint32_t n = 0; n <= 2 * limit; n++) {
        const struct mcusplit_big_stack *big = mcusplit_big_stack_of(sp);
        if (big) {                                  /* it exited inside a big-stack call: free it */
            sp = *big->busy;
            *big->busy = 0;
            continue;
        }
        struct mcusplit_segment_header *h = header_of_sp(sp);
        sp = h->link;
        mcusplit_pool_give(h);          /* in PendSV: safe against a handler that splits (the pool's rule) */
        if (h == t->base)
            break;
    }
    t->base = NULL;
}

/* A context switched out inside __morestack's take or give (or its high-water mark update)
 * restarts it from the beginning: the regions only read until their final store, and another
 * task may change the list (or the running mark) meanwhile. */
static void restart_region(uint32_t *frame)
{
    const struct { const char *begin, *end; } spans[] = {
        {__mcusplit_take_begin, __mcusplit_take_end},
        {__mcusplit_give_begin, __mcusplit_give_end},
        {__mcusplit_take_args_begin, __mcusplit_take_args_end},
        {__mcusplit_give_args_begin, __mcusplit_give_args_end},
        {__mcusplit_hwm_begin, __mcusplit_hwm_end},
        {__mcusplit_hwm_args_begin, __mcusplit_hwm_args_end},
        {__mcusplit_count_begin, __mcusplit_count_end},
        {__mcusplit_count_args_begin, __mcusplit_count_args_end},
    };
    uintptr_t pc = frame[6];
    for (unsigned i = 0; i < sizeof spans / sizeof spans[0]; i++) {
        uintptr_t begin = (uintptr_t)spans[i].begin & ~(uintptr_t)1, end = (uintptr_t)spans[i].end & ~(uintptr_t)1;
        if (begin && pc > begin && pc < end) {
            frame[6] = begin;
            frame[7] &= ~0x0600FC00u;       /* no IT/ICI state: the region has no IT blocks or LDM/STM */
            restarts++;
            return;
        }
    }
}

static struct mcusplit_tcb *slot(uint32_t i) { return &mcusplit_tasks[i]; }

static int any_state(uint32_t state)
{
    for (uint32_t i = 0; i < MCUSPLIT_MAX_TASKS; i++)
        if (slot(i)->state == state)
            return 1;
    return 0;
}

static void wake_pool_waiters(void)
{
    if (mcusplit_pool_empty())
        return;
    for (uint32_t i = 0; i < MCUSPLIT_MAX_TASKS; i++)
        if (slot(i)->state == MCUSPLIT_TASK_STATE_WAIT_POOL)
            slot(i)->state = MCUSPLIT_TASK_STATE_READY;
}

static const char *state_name(uint32_t state)
{
    switch (state) {
    case MCUSPLIT_TASK_STATE_READY: return "ready";
    case MCUSPLIT_TASK_STATE_SLEEPING: return "sleeping";
    case MCUSPLIT_TASK_STATE_WAIT_POOL: return "wait-pool";
    case MCUSPLIT_TASK_STATE_WAIT_GATE: return "wait-gate";
    case MCUSPLIT_TASK_STATE_DONE: return "done";
    default: return "free";
    }
}

/* "@mcusplit v1 task ..." per task slot that ran, and "@mcusplit v1 gate ..." per gate. The report's
 * hook: mcusplit_report() calls it at exit (a deadlock exit too). */
void mcusplit_tasks_report(void)
{
    for (uint32_t i = 0; i < MCUSPLIT_MAX_TASKS; i++) {
        struct mcusplit_tcb *t = slot(i);
        if (!t->entry)
            continue;
        mcusplit_puts("@mcusplit v1 task id=");
        mcusplit_put_u32((uint32_t)i);
        mcusplit_puts(" name=");
        mcusplit_puts(t->entry->name);
        mcusplit_puts(" state=");
        mcusplit_puts(state_name(t->state));
        mcusplit_puts(" depth=");
        mcusplit_put_u32(t->state == MCUSPLIT_TASK_STATE_DONE ? 0 : t->depth);
        mcusplit_puts(" hwm=");
        mcusplit_put_u32(t->hwm);
        mcusplit_puts(" switches=");
        mcusplit_put_u32(t->switches);
        if (t->state == MCUSPLIT_TASK_STATE_WAIT_POOL) {
            mcusplit_puts(" fn=");
            mcusplit_put_hex((uint32_t)t->waiting_fn);
        } else if (t->state == MCUSPLIT_TASK_STATE_WAIT_GATE) {
            mcusplit_puts(" gate=");
            mcusplit_puts(t->waiting_gate->name);
        }
        mcusplit_puts("\n");
    }
    mcusplit_puts("@mcusplit v1 sched switches=");
    mcusplit_put_u32(switches);
    mcusplit_puts(" restarts=");
    mcusplit_put_u32(restarts);
    mcusplit_puts(" ticks=");
    mcusplit_put_u32(ticks);
    mcusplit_puts(" pool_waits=");
    mcusplit_put_u32(pool_waits);
    mcusplit_puts("\n");
    for (const struct mcusplit_gate *g = __mcusplit_gates_start; g < __mcusplit_gates_end; g++) {
        mcusplit_puts("@mcusplit v1 gate name=");
        mcusplit_puts(g->name);
        mcusplit_puts(" permits=");
        mcusplit_put_u32(g->permits);
        mcusplit_puts(" peak=");
        mcusplit_put_u32(g->state->peak);
        mcusplit_puts(" waits=");
        mcusplit_put_u32(g->state->waits);
        mcusplit_puts("\n");
    }
}

struct mcusplit_tcb *mcusplit_sched_switch(struct mcusplit_tcb *out, uint32_t *frame)
{
    restart_region(frame);
    if (out != &main_context) {
        if ((uint32_t)mcusplit_running_hwm > out->hwm)
            out->hwm = (uint32_t)mcusplit_running_hwm;
        note_depth(out, out->sp);
        if (out->state == MCUSPLIT_TASK_STATE_DONE && out->base) {
            release_chain(out);
            alive--;
        }
    }
    wake_pool_waiters();
    /* Round robin: the next ready task after the outgoing one. */
    uint32_t start = out == &main_context ? MCUSPLIT_MAX_TASKS - 1 : (uint32_t)(out - mcusplit_tasks);
    struct mcusplit_tcb *next = &main_context;
    for (uint32_t n = 1; n <= MCUSPLIT_MAX_TASKS; n++) {
        struct mcusplit_tcb *t = slot((start + n) % MCUSPLIT_MAX_TASKS);
        if (t->state == MCUSPLIT_TASK_STATE_READY) {
            next = t;
            break;
        }
    }
    if (next == &main_context && alive && !any_state(MCUSPLIT_TASK_STATE_SLEEPING))
        deadlocked = 1;             /* every task waits for segments or a gate: nothing can free them */
    if (next != &main_context)
        next->switches++;
    if (next != out)
        switches++;
    mcusplit_running_hwm = next == &main_context ? 0 : (int32_t)next->hwm;
    mcusplit_task_current = next;
    return next;
}

void SysTick_Handler(void)
{
    ticks++;
    struct mcusplit_tcb *current = mcusplit_task_current;
    if (current && current != &main_context)
        note_depth(current, psp());
    int others = 0;
    for (uint32_t i = 0; i < MCUSPLIT_MAX_TASKS; i++) {
        struct mcusplit_tcb *t = slot(i);
        if (t->state == MCUSPLIT_TASK_STATE_SLEEPING && (int32_t)(ticks - t->wake_tick) >= 0)
            t->state = MCUSPLIT_TASK_STATE_READY;
        if (t->state == MCUSPLIT_TASK_STATE_WAIT_POOL && !mcusplit_pool_empty())
            t->state = MCUSPLIT_TASK_STATE_READY;
        if (t != current && t->state == MCUSPLIT_TASK_STATE_READY)
            others = 1;
    }
    if (others)
        pend_switch();              /* time slice over */
}

static const struct mcusplit_task_entry *registered(mcusplit_task_fn entry)
{
    for (const struct mcusplit_task_entry *e = __mcusplit_tasks_start; e < __mcusplit_tasks_end; e++)
        if (e->entry == entry)
            return e;
    return NULL;
}

void mcusplit_task_exit(void)
{
    mask();
    mcusplit_task_current->state = MCUSPLIT_TASK_STATE_DONE;
    pend_switch();
    unmask();
    for (;;)
        __asm__ volatile("wfi");    /* not reached: PendSV switches away for good */
}

int mcusplit_task_create(mcusplit_task_fn entry, void *arg)
{
    const struct mcusplit_task_entry *reg = registered(entry);
    if (!reg)
        return MCUSPLIT_TASK_UNREGISTERED;
    int result = MCUSPLIT_TASK_NO_SLOT;
    mask();
    uint32_t instances = 0;
    struct mcusplit_tcb *free_slot = NULL;
    for (uint32_t i = 0; i < MCUSPLIT_MAX_TASKS; i++) {
        struct mcusplit_tcb *t = slot(i);
        if (live(t) && t->entry == reg)
            instances++;
        if (!live(t) && !t->base && !free_slot)
            free_slot = t;
    }
    if (instances >= reg->max_instances) {
        result = MCUSPLIT_TASK_TOO_MANY;
    } else if (free_slot) {
#if defined(MCUSPLIT_TASK_STACK)
        uint32_t *bottom = task_stack_bottom(free_slot);
        *bottom = MCUSPLIT_CANARY;
        struct mcusplit_segment_header *h =
            (struct mcusplit_segment_header *)((char *)bottom + MCUSPLIT_TASK_STACK - HEADER);
#else
        struct mcusplit_segment_header *h = mcusplit_pool_take();   /* interrupts masked */
#endif
        if (!h) {
            result = MCUSPLIT_TASK_NO_SEGMENT;
        } else {
            h->site = (uintptr_t)entry;        /* marks the segment as used (hwm) */
            h->depth = 1;                       /* a task's chain starts here */
            h->link = 0;
            /* The exception frame PendSV "returns" through to start the task: the entry runs with
             * sp = the header, as on any fresh segment (what the analyzer assumes). */
            uint32_t *frame = (uint32_t *)h - 8;
            frame[0] = (uint32_t)arg;                          /* r0 */
            frame[1] = frame[2] = frame[3] = frame[4] = 0;     /* r1-r3, r12 */
            frame[5] = (uint32_t)mcusplit_task_exit;           /* lr: returning from the entry exits */
            frame[6] = (uint32_t)entry & ~1u;                  /* pc */
            frame[7] = 0x01000000u;                            /* xPSR: Thumb */
            struct mcusplit_tcb *t = free_slot;
            t->sp = (uint32_t)frame;
            t->exc_return = 0xFFFFFFFDu;                       /* thread mode, PSP, no FP frame */
            for (unsigned i = 0; i < 8; i++)
                t->regs[i] = 0;
#if defined(MCUSPLIT_TASK_STACK)
            t->limit = ((uint32_t)bottom + 31u) & ~31u;    /* PSPLIM, or the MPU guard's 32-byte base */
#else
            t->limit = (uint32_t)h & ~(uint32_t)(SEG - 1);
#endif
            t->entry = reg;
            t->base = h;
            t->state = MCUSPLIT_TASK_STATE_READY;
            t->depth = t->hwm = 1;
            t->switches = 0;
            t->waiting_gate = NULL;
            t->id = (int32_t)(t - mcusplit_tasks);
            alive++;
            result = t->id;
        }
    }
    unmask();
    return result;
}

static void report_deadlock(void)
{
    uint32_t waiting = 0;
    for (uint32_t i = 0; i < MCUSPLIT_MAX_TASKS; i++)
        if (slot(i)->state == MCUSPLIT_TASK_STATE_WAIT_POOL || slot(i)->state == MCUSPLIT_TASK_STATE_WAIT_GATE)
            waiting++;
    mcusplit_puts("@mcusplit v1 deadlock waiting=");
    mcusplit_put_u32(waiting);
    mcusplit_puts(" free_segments=0\n");
    mcusplit_exit(MCUSPLIT_EXIT_DEADLOCK);
}

/* switch_v*.S: PendSV_Handler under another name. The firmware's vector table names
 * PendSV_Handler weakly, which would not pull the switch in from the lazily linked runtime. */
extern void mcusplit_context_switch(void);
void (*const volatile mcusplit_context_switch_used)(void) = mcusplit_context_switch;

void mcusplit_tasks_run(uint32_t tick_cycles)
{
    if (!alive)
        return;
    (void)mcusplit_context_switch_used;
    mask();
    /* PendSV and SysTick at the lowest priority: they never preempt each other or a handler. */
    SCB_SHPR3 |= 0xFFFF0000u;
    SYST_RVR = (tick_cycles - 1u) & 0x00FFFFFFu;
    SYST_CVR = 0;
    SYST_CSR = 7u;                  /* processor clock, interrupt, enable */
    running = 1;
    mcusplit_task_current = &main_context;
    pend_switch();
    unmask();                       /* PendSV switches to the first task here */
    while (alive && !deadlocked)
        __asm__ volatile("wfi");    /* main idles on the first stack while no task is ready */
    SYST_CSR = 0;
    if (deadlocked)
        report_deadlock();
#if defined(MCUSPLIT_TASK_STACK)
    if (task_stack_overflows) {
        mcusplit_puts("@mcusplit v1 stack-overflow task_stacks=");
        mcusplit_put_u32(task_stack_overflows);
        mcusplit_puts("\n");
        mcusplit_exit(MCUSPLIT_EXIT_STACK_OVERFLOW);
    }
#endif
    running = 0;
    mcusplit_task_current = NULL;
}

static int in_task(void)
{
    return running && ipsr() == 0 && mcusplit_task_current && mcusplit_task_current != &main_context;
}

void mcusplit_task_yield(void)
{
    if (in_task())
        pend_switch();
}

void mcusplit_task_sleep(uint32_t n)
{
    if (!in_task())
        return;
    if (n) {
        mask();
        mcusplit_task_current->wake_tick = ticks + n;
        mcusplit_task_current->state = MCUSPLIT_TASK_STATE_SLEEPING;
        unmask();
    }
    pend_switch();
}

int mcusplit_task_id(void)
{
    return in_task() ? mcusplit_task_current->id : -1;
}

uint32_t mcusplit_ticks(void)
{
    return ticks;
}

/* The pool-exhausted policy's hook (policy.c): a task waits for a segment; anything else cannot. */
int mcusplit_sched_wait_for_segment(uintptr_t function, uintptr_t call_site)
{
    (void)call_site;
    if (!in_task())
        return 0;
    mask();
    struct mcusplit_tcb *t = mcusplit_task_current;
    note_depth(t, psp());
    if (mcusplit_pool_empty()) {
        pool_waits++;
        t->state = MCUSPLIT_TASK_STATE_WAIT_POOL;
        t->waiting_fn = function;
        pend_switch();
    }
    unmask();                       /* switched out here until a segment is free again */
    return 1;                       /* __morestack tries the pool again */
}

static void misuse(const char *what, const struct mcusplit_gate *gate, uintptr_t fn)
{
    mcusplit_puts("@mcusplit v1 task-misuse what=");
    mcusplit_puts(what);
    mcusplit_puts(" gate=");
    mcusplit_put_hex((uint32_t)(uintptr_t)gate);
    mcusplit_puts(" fn=");
    mcusplit_put_hex((uint32_t)fn);
    mcusplit_puts("\n");
    mcusplit_exit(MCUSPLIT_EXIT_TASK_MISUSE);
}

uintptr_t mcusplit_gate_call(const struct mcusplit_gate *gate, mcusplit_gated_fn fn, void *arg)
{
    const struct mcusplit_gated *g = __mcusplit_gated_start;
    while (g < __mcusplit_gated_end && !(g->gate == gate && g->fn == fn))
        g++;
    if (g == __mcusplit_gated_end)
        misuse("unregistered-gated-function", gate, (uintptr_t)fn);   /* the pool proof does not cover it */
    struct mcusplit_gate_state *s = gate->state;
    mask();
    while (s->inside >= gate->permits) {
        if (!in_task())
            misuse("gate-full-outside-a-task", gate, (uintptr_t)fn);   /* only tasks can wait */
        s->waits++;
        mcusplit_task_current->state = MCUSPLIT_TASK_STATE_WAIT_GATE;
        mcusplit_task_current->waiting_gate = gate;
        pend_switch();
        unmask();                   /* switched out until a permit is given back */
        mask();
    }
    s->inside++;
    if (s->inside > s->peak)
        s->peak = s->inside;
    unmask();
    uintptr_t result = fn(arg);
    mask();
    s->inside--;
    for (uint32_t i = 0; i < MCUSPLIT_MAX_TASKS; i++) {
        struct mcusplit_tcb *t = slot(i);
        if (t->state == MCUSPLIT_TASK_STATE_WAIT_GATE && t->waiting_gate == gate) {
            t->state = MCUSPLIT_TASK_STATE_READY;
            t->waiting_gate = NULL;
            break;                  /* one permit, one waiter */
        }
    }
    unmask();
    return result;
}

uint32_t mcusplit_tasks_stats(struct mcusplit_task_stats *out, uint32_t n)
{
    for (uint32_t i = 0; i < n && i < MCUSPLIT_MAX_TASKS; i++) {
        struct mcusplit_tcb *t = slot(i);
        out[i].id = t->entry ? t->id : -1;
        out[i].state = t->state;
        out[i].name = t->entry ? t->entry->name : "";
        out[i].depth = t->depth;
        out[i].hwm = t->hwm;
        out[i].switches = t->switches;
    }
    return MCUSPLIT_MAX_TASKS;
}

/* A big stack's policy hook (policy.c): a task yields until the stack is free; anything else cannot. */
static int wait_for_big_stack(void)
{
    if (mcusplit_task_id() < 0)
        return 0;
    mcusplit_task_yield();
    return 1;
}

/* How the core reaches the scheduler (mcusplit_internal.h): linked in with this file. */
MCUSPLIT_HOOKS(mcusplit_sched_hooks) = {
    .report = mcusplit_tasks_report,
    .wait_for_segment = mcusplit_sched_wait_for_segment,
    .wait_for_big_stack = wait_for_big_stack,
};
