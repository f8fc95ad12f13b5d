/* The scheduler's private state, shared by sched.c and the context switch (switch_v*.S). */
#ifndef MCUSPLIT_SCHED_H
#define MCUSPLIT_SCHED_H

/* Offsets the context switch uses: keep in step with switch_v6m.S / switch_v7m.S. */
#define TCB_SP          0
#define TCB_EXC_RETURN  4
#define TCB_REGS        8       /* r4-r11 */
#define TCB_FPREGS      40      /* s16-s31, when the task used the FPU */
#define TCB_LIMIT       104     /* ARMv8-M: PSPLIM for its current segment */

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "mcusplit_tasks.h"

struct mcusplit_tcb {
    uint32_t sp;                /* PSP while switched out (the exception frame is at sp) */
    uint32_t exc_return;
    uint32_t regs[8];
    uint32_t fpregs[16];
    uint32_t limit;
    /* Not used by the assembly: */
    int32_t id;                 /* -1: free slot (and the main context) */
    uint32_t state;             /* MCUSPLIT_TASK_STATE_* */
    const struct mcusplit_task_entry *entry;
    struct mcusplit_segment_header *base;   /* header of its first segment */
    uint32_t wake_tick;
    const struct mcusplit_gate *waiting_gate;
    uintptr_t waiting_fn;       /* WAIT_POOL: the function that needed a segment */
    uint32_t depth;             /* segments held when last looked at */
    uint32_t hwm;
    uint32_t switches;
};

/* The context switch calls this in PendSV with the outgoing context and its exception frame;
 * it returns the context to switch to. */
struct mcusplit_tcb *mcusplit_sched_switch(struct mcusplit_tcb *out, uint32_t *frame);

extern struct mcusplit_tcb *mcusplit_task_current;

#endif

#endif
