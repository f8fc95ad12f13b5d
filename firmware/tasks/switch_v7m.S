/*
 * The context switch for Thumb-2 cores (ARMv7-M, ARMv7E-M, ARMv8-M Mainline): PendSV.
 *
 * Registers are saved in the task's control block, not on its stack: the only
 * bytes a switch puts on a task's stack are the exception frame, which every
 * segment's reserve already holds (32 bytes, 104 with a lazily stacked FP frame).
 * So a task switched out anywhere (in __morestack, in a leaf without a check)
 * needs no more stack than an interrupt there would.
 *
 * PendSV runs at the lowest priority and tail-chains after any other handler,
 * so it always switches a thread-mode context.
 *
 * ABI (an exception handler: entered by the hardware, at the lowest priority, on MSP):
 *   in:       lr = EXC_RETURN of the context switched out; its exception frame on PSP (a task) or
 *             MSP (main idling); mcusplit_task_current = its control block (sched.h, TCB_*).
 *   out:      exception return into the context mcusplit_sched_switch chose (its EXC_RETURN,
 *             r4-r11, s16-s31 if it used the FPU, PSP and, with a guard, PSPLIM or MPU_RBAR).
 *   memory:   the two control blocks (TCB_SP, TCB_EXC_RETURN, TCB_REGS, TCB_FPREGS, TCB_LIMIT).
 *   calls:    mcusplit_sched_switch(outgoing, its exception frame) (AAPCS, sched.c, on MSP), which
 *             returns the incoming control block and may move a restartable region's pc back.
 *   stack:    nothing pushed by this file (the call's own frame only, on MSP).
 */
#include "sched.h"

#define MPU_RBAR 0xE000ED9C

    .syntax unified
    .thumb
    .section .text.PendSV_Handler, "ax", %progbits
    .global PendSV_Handler
    .global mcusplit_context_switch     @ referenced by sched.c, so the linker takes this file
    .type   PendSV_Handler, %function
    .thumb_func
PendSV_Handler:
mcusplit_context_switch:
    tst     lr, #4                      @ where the outgoing context's exception frame is
    ite     eq
    mrseq   r1, msp                     @ main() idling on the first stack
    mrsne   r1, psp                     @ a task
    ldr     r3, =mcusplit_task_current
    ldr     r0, [r3]
    add     r2, r0, #TCB_REGS
    stmia   r2, {r4-r11}
#if defined(__ARM_FP)
    tst     lr, #0x10                   @ FType 0: the context used the FPU (its frame holds s0-s15)
    itt     eq
    addeq   r2, r0, #TCB_FPREGS
    vstmiaeq r2, {s16-s31}
#endif
    str     lr, [r0, #TCB_EXC_RETURN]
    mrs     r2, psp
    str     r2, [r0, #TCB_SP]
#if defined(MCUSPLIT_GUARD_SPLIM)
    mrs     r2, psplim
    str     r2, [r0, #TCB_LIMIT]
#elif defined(MCUSPLIT_GUARD_MPU)
    ldr     r2, =MPU_RBAR
    ldr     r2, [r2]
    str     r2, [r0, #TCB_LIMIT]            @ its guard (region 7's base)
#endif
    bl      mcusplit_sched_switch       @ (outgoing, its frame) -> incoming; may restart a region
    ldr     r2, [r0, #TCB_SP]
#if defined(MCUSPLIT_GUARD_SPLIM)
    movs    r3, #0
    msr     psplim, r3                  @ no limit while PSP moves to the other task's segment
    msr     psp, r2
    ldr     r3, [r0, #TCB_LIMIT]
    msr     psplim, r3                  @ the bottom of the incoming task's current segment
#elif defined(MCUSPLIT_GUARD_MPU)
    msr     psp, r2
    ldr     r3, [r0, #TCB_LIMIT]
    ldr     r2, =MPU_RBAR
    str     r3, [r2]                    @ without VALID: region RNR (7) moves to the incoming stack
#else
    msr     psp, r2
#endif
    ldr     lr, [r0, #TCB_EXC_RETURN]
    add     r2, r0, #TCB_REGS
    ldmia   r2, {r4-r11}
#if defined(__ARM_FP)
    tst     lr, #0x10
    itt     eq
    addeq   r2, r0, #TCB_FPREGS
    vldmiaeq r2, {s16-s31}
#endif
    bx      lr
    .ltorg
    .size   PendSV_Handler, . - PendSV_Handler
