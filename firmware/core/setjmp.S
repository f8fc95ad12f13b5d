/*
 * setjmp/longjmp across split stacks (firmware/include/setjmp.h, docs/runtime.md).
 *
 * A longjmp skips the __morestack frames between it and its setjmp, and with them the gives
 * that would have returned their segments to the pool. So longjmp, after moving sp back to the
 * stack setjmp ran on, gives those segments back itself (mcusplit_release_segments in pool.c:
 * along the saved-sp links of the segment headers and big stacks, deepest first, as the skipped
 * returns would have). The order is what makes it interrupt-safe: sp leaves the abandoned
 * segments before any of them is free again, so a handler that splits meanwhile can never be
 * handed the stack it is running on; each give is one masked push.
 *
 * jmp_buf (words): 0-7 r4-r11, 8 sp, 9 lr, 10 the guard as setjmp found it (stack limit or MPU
 * RBAR), 11 pad, 12-27 d8-d15 (cores with an FPU).
 *
 * Compiled with the runtime's defines (MCUSPLIT_GUARD_SPLIM / MCUSPLIT_GUARD_MPU), without
 * split stacks: setjmp and longjmp use no stack of their own; longjmp's release runs on the
 * stack it jumps to, below the sp setjmp saw, where the caller's check left the reserve.
 *
 * ABI (AAPCS, as C's setjmp.h declares them):
 *   setjmp(env):    r0 = env; returns 0 in r0. Stores r4-r11, sp, lr, the guard (and d8-d15);
 *                   clobbers r1-r3, ip, the flags; no stack.
 *   longjmp(env, v): r0 = env, r1 = v; does not return: resumes at env's setjmp with r0 = v (1 for
 *                   0), r4-r11, sp, lr (and d8-d15) as saved, the guard as saved.
 *                   Calls mcusplit_release_segments(from_sp, to_sp) (pool.c, AAPCS) on the stack it
 *                   jumped to, below the saved sp, with interrupts enabled.
 *   memory:         env; the guard registers (MSPLIM/PSPLIM or MPU_RBAR). Never the free list
 *                   itself: the gives are pool.c's.
 */
    .syntax unified
    .thumb

#define JB_SP     32
#define JB_GUARD  40
#define JB_VFP    48
#define MPU_RBAR  0xE000ED9C

    .section .text.setjmp, "ax", %progbits
    .global setjmp
    .global _setjmp
    .type   setjmp, %function
    .type   _setjmp, %function
    .global longjmp
    .global _longjmp
    .type   longjmp, %function
    .type   _longjmp, %function

#if defined(__ARM_ARCH_6M__)

    .p2align 2
    .thumb_func
setjmp:
    .thumb_func
_setjmp:
    stmia   r0!, {r4, r5, r6, r7}
    mov     r1, r8
    mov     r2, r9
    mov     r3, r10
    stmia   r0!, {r1, r2, r3}
    mov     r1, r11
    mov     r2, sp
    mov     r3, lr
    stmia   r0!, {r1, r2, r3}           @ r11, sp, lr
    movs    r0, #0
    bx      lr
    .size   setjmp, . - setjmp
    .size   _setjmp, . - _setjmp

    .p2align 2
    .thumb_func
longjmp:
    .thumb_func
_longjmp:
    mov     r4, r0                      @ env (r4-r7 come back from it at the end)
    movs    r5, r1
    bne     1f
    movs    r5, #1                      @ longjmp(env, 0) returns 1
1:  mov     r0, sp                      @ the stack we leave
    ldr     r1, [r4, #JB_SP]            @ the stack we go back to
    mov     sp, r1
    bl      mcusplit_release_segments   @ (from_sp, to_sp), on the stack we went back to
    mov     r0, r4
    adds    r0, #16
    ldmia   r0!, {r1, r2, r3}
    mov     r8, r1
    mov     r9, r2
    mov     r10, r3
    ldmia   r0!, {r1, r2, r3}           @ r11, sp (already in place), lr
    mov     r11, r1
    mov     lr, r3
    mov     r0, r5
    ldmia   r4, {r4, r5, r6, r7}        @ r4 is both the base and loaded: no write-back
    bx      lr
    .size   longjmp, . - longjmp
    .size   _longjmp, . - _longjmp

#else /* Thumb-2: ARMv7-M, ARMv7E-M, ARMv8-M Mainline */

/* \reg = the guard now: the active stack's limit (PSPLIM on a task's PSP, MSPLIM otherwise, as
 * __morestack chooses) or the MPU guard region's RBAR. Uses \tmp. */
    .macro GUARD_READ reg, tmp
#if defined(MCUSPLIT_GUARD_SPLIM)
    mrs     \tmp, control
    tst     \tmp, #2
    ite     ne
    mrsne   \reg, psplim
    mrseq   \reg, msplim
#elif defined(MCUSPLIT_GUARD_MPU)
    ldr     \tmp, =MPU_RBAR
    ldr     \reg, [\tmp]
#else
    movs    \reg, #0
#endif
    .endm

/* sp = \target, with the guard \saved: the limit is 0 while sp moves (so neither stack is ever
 * below its limit, even for an interrupt in between), as in __morestack's SWITCH_BACK. */
    .macro SWITCH_TO target, saved, tmp
#if defined(MCUSPLIT_GUARD_SPLIM)
    mov     \tmp, #0
    mrs     lr, control
    tst     lr, #2
    bne     1f
    msr     msplim, \tmp
    mov     sp, \target
    msr     msplim, \saved
    b       2f
1:  msr     psplim, \tmp
    mov     sp, \target
    msr     psplim, \saved
2:
#elif defined(MCUSPLIT_GUARD_MPU)
    mov     sp, \target
    ldr     \tmp, =MPU_RBAR
    str     \saved, [\tmp]              @ RBAR without VALID: region RNR (7), as __morestack
#else
    mov     sp, \target
#endif
    .endm

    .p2align 2
    .thumb_func
setjmp:
    .thumb_func
_setjmp:
    mov     ip, sp
    stmia   r0!, {r4, r5, r6, r7, r8, r9, r10, r11, ip, lr}
    GUARD_READ r1, r2
    str     r1, [r0]                    @ JB_GUARD
#if defined(__ARM_FP)
    add     r0, r0, #(JB_VFP - JB_GUARD)
    vstmia  r0, {d8-d15}
#endif
    movs    r0, #0
    bx      lr
    .ltorg
    .size   setjmp, . - setjmp
    .size   _setjmp, . - _setjmp

    .p2align 2
    .thumb_func
longjmp:
    .thumb_func
_longjmp:
    mov     r4, r0                      @ env (r4-r11 come back from it at the end)
    movs    r5, r1
    it      eq
    moveq   r5, #1                      @ longjmp(env, 0) returns 1
    mov     r6, sp                      @ the stack we leave
    ldr     r7, [r4, #JB_SP]            @ the stack we go back to
    ldr     r8, [r4, #JB_GUARD]
    SWITCH_TO r7, r8, r9
    mov     r0, r6
    mov     r1, r7
    bl      mcusplit_release_segments   @ (from_sp, to_sp), on the stack we went back to
#if defined(__ARM_FP)
    add     r0, r4, #JB_VFP
    vldmia  r0, {d8-d15}
#endif
    mov     r0, r5
    ldmia   r4, {r4, r5, r6, r7, r8, r9, r10, r11, ip, lr}   @ ip = sp, already in place
    bx      lr
    .ltorg
    .size   longjmp, . - longjmp
    .size   _longjmp, . - _longjmp

#endif
