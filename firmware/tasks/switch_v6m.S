/*
 * The context switch for Thumb-1 cores (ARMv6-M): PendSV. Same design as
 * switch_v7m.S (registers saved in the control block, never on the task's
 * stack); ARMv6-M has no FPU and stores r8-r11 through low registers.
 *
 * ABI: as switch_v7m.S (an exception handler at the lowest priority, on MSP; calls
 * mcusplit_sched_switch(outgoing, its exception frame) and returns into the context it chooses),
 * without FPU registers or a guard (ARMv6-M has neither); r8-r11 go through r4-r7.
 */
#include "sched.h"

    .syntax unified
    .thumb
    .section .text.PendSV_Handler, "ax", %progbits
    .global PendSV_Handler
    .global mcusplit_context_switch     @ referenced by sched.c, so the linker takes this file
    .type   PendSV_Handler, %function
    .thumb_func
PendSV_Handler:
mcusplit_context_switch:
    mov     r0, lr
    movs    r1, #4
    tst     r0, r1
    bne     1f
    mrs     r1, msp                     @ main() idling on the first stack
    b       2f
1:  mrs     r1, psp                     @ a task
2:  ldr     r3, =mcusplit_task_current
    ldr     r0, [r3]
    mov     r2, r0
    adds    r2, #TCB_REGS
    stmia   r2!, {r4-r7}
    mov     r4, r8
    mov     r5, r9
    mov     r6, r10
    mov     r7, r11
    stmia   r2!, {r4-r7}
    mov     r2, lr
    str     r2, [r0, #TCB_EXC_RETURN]
    mrs     r2, psp
    str     r2, [r0, #TCB_SP]
    bl      mcusplit_sched_switch       @ (outgoing, its frame) -> incoming; may restart a region
    ldr     r2, [r0, #TCB_SP]
    msr     psp, r2
    ldr     r2, [r0, #TCB_EXC_RETURN]
    mov     lr, r2
    mov     r2, r0
    adds    r2, #(TCB_REGS + 16)
    ldmia   r2!, {r4-r7}
    mov     r8, r4
    mov     r9, r5
    mov     r10, r6
    mov     r11, r7
    mov     r2, r0
    adds    r2, #TCB_REGS
    ldmia   r2!, {r4-r7}
    bx      lr
    .ltorg
    .size   PendSV_Handler, . - PendSV_Handler
