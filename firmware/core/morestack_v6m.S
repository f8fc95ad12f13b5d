/*
 * __morestack for Thumb-1 cores (ARMv6-M: Cortex-M0, M0+).
 *
 * Contract with the prologue mcusplit's code generator writes:
 *
 *   fn_stub:  mov    ip, lr                 @ fn's return address
 *             bl     __morestack            @ lr = fn | 1 (the stub ends where fn starts)
 *   fn:       mov    r3, sp                 @ "short" check (10 bytes): r3 holds no argument
 *             lsls   r3, r3, #(32 - SEG_SHIFT)
 *             lsrs   r3, r3, #24            @ room >> (SEG_SHIFT - 8)
 *             cmp    r3, #need_scaled
 *             bcc    fn_stub
 *   fn_body:
 *
 * Functions whose arguments use r3 get the "long" check (14 bytes), which
 * parks r3 in ip (`mov ip, r3` first, `mov r3, ip` before the branch), and call
 * __morestack_r3. Functions with stack arguments call __morestack_args(_r3);
 * their stub ends with `.short arg_bytes`, so there lr = (fn - 2) | 1.
 *
 * On entry: ip = fn's return address, lr as above, sp = fn's entry sp,
 * r0-r3 = arguments (untouched), stack arguments at [sp].
 * Segment header and interrupt safety: as in morestack_v7m.S.
 */
    .syntax unified
    .thumb

#ifndef MCUSPLIT_SEG_SHIFT
#error "MCUSPLIT_SEG_SHIFT (log2 of the segment size) must be defined"
#endif
#define SEG_SIZE (1 << MCUSPLIT_SEG_SHIFT)
#define HEADER 16
#define SHORT_CHECK 10
#define LONG_CHECK 14
#define MOV_IP_R3 0x469C                /* first halfword of a long check */

    .section .text.__morestack, "ax", %progbits

/* ---- functions without stack arguments ------------------------------------ */
    .global __morestack
    .type   __morestack, %function
    .global __morestack_r3
    .type   __morestack_r3, %function
    .p2align 2
    .thumb_func
__morestack_r3:
    push    {r4, r5, r6, lr}
    movs    r4, #LONG_CHECK
    b       .Lcommon
    .thumb_func
__morestack:
    push    {r4, r5, r6, lr}            @ [sp+12] = fn | 1 for now
    movs    r4, #SHORT_CHECK
.Lcommon:
    ldr     r5, [sp, #12]
    adds    r4, r5                      @ fn_body | 1
    mov     r5, ip
    str     r5, [sp, #12]               @ pop {.., pc} returns to fn's caller
    mov     ip, r4
.Ltake:
    ldr     r4, =__mcusplit_free
    ldr     r5, [r4]                    @ r5 = header of a free segment
    cmp     r5, #0
    beq     .Lexhausted
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
    mov     r4, sp
    str     r4, [r5]                    @ saved sp
    ldr     r6, [r5, #4]
    adds    r6, #1
    str     r6, [r5, #4]                @ takes + 1
    ldr     r6, [sp, #12]
    str     r6, [r5, #8]                @ call site
    mov     lr, r5
    mov     r4, sp
    ldm     r4, {r4, r5, r6}            @ the body sees the caller's r4-r6
    mov     sp, lr                      @ switch: one instruction
    blx     ip
    mov     r4, sp                      @ header; r4-r6 are free (the body preserved them)
    ldr     r5, [r4]
    mov     sp, r5                      @ switch back
    ldr     r5, =__mcusplit_free
    ldr     r6, [r5]
    str     r6, [r4]                    @ header.link = head
    str     r4, [r5]                    @ commit: head = this segment (reused first)
    pop     {r4, r5, r6, pc}

.Lexhausted:                            @ sp = entry - 16, call site at [sp+12]
    push    {r0, r1, r2, r3}
    ldr     r1, [sp, #(16 + 12)]
    bl      .Lreport_exhausted
    pop     {r0, r1, r2, r3}
    b       .Ltake
    .ltorg
    .size   __morestack, . - __morestack
    .size   __morestack_r3, . - __morestack_r3

/* ---- functions with stack arguments --------------------------------------- */
    .global __morestack_args
    .type   __morestack_args, %function
    .global __morestack_args_r3
    .type   __morestack_args_r3, %function
    .p2align 2
    .thumb_func
__morestack_args_r3:
    push    {r4, r5, r6, r7, lr}
    movs    r4, #(LONG_CHECK + 2)
    b       .Lcommon_args
    .thumb_func
__morestack_args:
    push    {r4, r5, r6, r7, lr}        @ [sp+16] = (fn - 2) | 1; arguments at sp + 20
    movs    r4, #(SHORT_CHECK + 2)
.Lcommon_args:
    ldr     r5, [sp, #16]
    subs    r6, r5, #1
    ldrh    r7, [r6]                    @ r7 = argument bytes (the .short before fn)
    adds    r4, r5                      @ fn_body | 1
    mov     r5, ip
    str     r5, [sp, #16]
    mov     ip, r4
.Ltake_args:
    ldr     r4, =__mcusplit_free
    ldr     r5, [r4]
    cmp     r5, #0
    beq     .Lexhausted_args
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
    mov     r4, sp
    str     r4, [r5]                    @ saved sp
    ldr     r6, [r5, #4]
    adds    r6, #1
    str     r6, [r5, #4]                @ takes + 1
    ldr     r6, [sp, #16]
    str     r6, [r5, #8]                @ call site
    str     r7, [r5, #12]               @ argument bytes
    adds    r6, r7, #7
    lsrs    r6, r6, #3
    lsls    r6, r6, #3
    subs    r6, r5, r6                  @ the body's sp: arguments below the header, 8-aligned
    add     r4, sp, #20
1:  subs    r7, #4
    bmi     2f
    ldr     r5, [r4, r7]
    str     r5, [r6, r7]
    b       1b
2:  mov     lr, r6
    mov     r4, sp
    ldm     r4, {r4, r5, r6, r7}
    mov     sp, lr
    blx     ip
    mov     r4, sp                      @ header = segment base + SEG - HEADER
    lsrs    r4, r4, #MCUSPLIT_SEG_SHIFT
    lsls    r4, r4, #MCUSPLIT_SEG_SHIFT
    ldr     r5, =(SEG_SIZE - HEADER)
    adds    r4, r5
    ldr     r5, [r4]
    mov     sp, r5                      @ switch back
    ldr     r5, =__mcusplit_free
    ldr     r6, [r5]
    str     r6, [r4]
    str     r4, [r5]
    pop     {r4, r5, r6, r7, pc}

.Lexhausted_args:                       @ sp = entry - 20, call site at [sp+16]
    push    {r0, r1, r2, r3}            @ r7 (argument bytes) survives: callee-saved
    ldr     r1, [sp, #(16 + 16)]
    sub     sp, #4                      @ 8-byte alignment for the C hook
    bl      .Lreport_exhausted
    add     sp, #4
    pop     {r0, r1, r2, r3}
    b       .Ltake_args
    .ltorg
    .size   __morestack_args, . - __morestack_args
    .size   __morestack_args_r3, . - __morestack_args_r3

/* mcusplit_pool_exhausted(fn, r1 = call site), keeping ip (fn_body | 1).
 * The check the function starts with tells where it begins. */
    .type   mcusplit_report_exhausted_v6m, %function
    .thumb_func
mcusplit_report_exhausted_v6m:
.Lreport_exhausted:
    push    {r4, lr}
    mov     r4, ip
    mov     r0, ip
    subs    r0, #(LONG_CHECK + 1)       @ fn if the check is the long one
    ldrh    r2, [r0]
    ldr     r3, =MOV_IP_R3
    cmp     r2, r3
    beq     1f
    adds    r0, #(LONG_CHECK - SHORT_CHECK)
1:  bl      mcusplit_pool_exhausted
    mov     ip, r4
    pop     {r4, pc}
    .ltorg
    .size   mcusplit_report_exhausted_v6m, . - mcusplit_report_exhausted_v6m
