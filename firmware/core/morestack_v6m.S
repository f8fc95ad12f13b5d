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
 * Segment header, call-site counters, restartable regions and interrupt safety:
 * as in morestack_v7m.S (r4 = &__mcusplit_free and r5 = the header survive the body).
 *
 * ABI (not AAPCS: entered by `bl` from a check's stub, never called from C):
 *   in:       ip = fn's return address; lr = (the end of the stub) | 1 as above; sp = fn's entry
 *             sp; r0-r3 = fn's arguments; stack arguments at [sp] (the _args entries).
 *   out:      returns to fn's caller with the body's r0-r3, sp as on entry.
 *   kept:     r4-r11 (callee-saved for fn's caller); r0-r3 reach the body as they came.
 *   clobbers: ip, the flags.
 *   stack:    MORESTACK_PUSH bytes (mcusplit/contract.py: 20, 24 with stack arguments) on the old
 *             stack, in its reserve; when the pool is empty, 20 more, mcusplit_report_exhausted_v6m's
 *             8 and mcusplit_pool_exhausted's frame. The body runs on the new segment.
 *   memory:   the pool's free list __mcusplit_free (this file is the pool's other half, with
 *             pool.c: take and give are restartable regions), the segment's header,
 *             __mcusplit_site_splits, with tasks mcusplit_running_hwm.
 *   calls:    the body (blx ip, on the new segment); mcusplit_pool_exhausted(fn, call site) (AAPCS,
 *             through mcusplit_report_exhausted_v6m, on the old stack) when the list is empty.
 *   exports:  __morestack, __morestack_r3, __morestack_args, __morestack_args_r3 and the restartable
 *             regions __mcusplit_{take,give,count,hwm}[_args]_begin/_end.
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

/* Count a split in its call site's bucket: r6 = call site; clobbers r6, r7. The increment is a
 * restartable region (a task switched out inside it does it again). */
    .macro COUNT_SITE begin, end
    lsls    r6, r6, #25
    lsrs    r6, r6, #26                 @ (site >> 1) & 63
    lsls    r6, r6, #2
    ldr     r7, =__mcusplit_site_splits
    adds    r7, r6
\begin:
    ldr     r6, [r7]
    adds    r6, #1
    str     r6, [r7]
\end:
    .endm


/* Firmware with tasks (MCUSPLIT_TASK_HWM): the chain depth in the new header and the running
 * task's high-water mark, as in morestack_v7m.S. r5 = the new header, sp = the old stack.
 * Clobbers r6, r7 and r4 (reloaded with &__mcusplit_free). */
    .macro TRACK_DEPTH begin, end
#if defined(MCUSPLIT_TASK_HWM)
    mov     r7, sp
    lsrs    r7, r7, #MCUSPLIT_SEG_SHIFT
    lsls    r7, r7, #MCUSPLIT_SEG_SHIFT
    ldr     r6, =(SEG_SIZE - 8)
    ldr     r7, [r7, r6]                @ depth of the stack we leave
    adds    r7, #1
    str     r7, [r5, #8]
\begin:
    ldr     r6, =mcusplit_running_hwm
    ldr     r4, [r6]
    cmp     r7, r4
    ble     1f
    str     r7, [r6]
1:
\end:
    ldr     r4, =__mcusplit_free
#endif
    .endm

/* ---- functions without stack arguments ------------------------------------ */
    .global __morestack
    .type   __morestack, %function
    .global __morestack_r3
    .type   __morestack_r3, %function
    .global __mcusplit_take_begin
    .global __mcusplit_take_end
    .global __mcusplit_give_begin
    .global __mcusplit_give_end
    .global __mcusplit_count_begin
    .global __mcusplit_count_end
#if defined(MCUSPLIT_TASK_HWM)
    .global __mcusplit_hwm_begin
    .global __mcusplit_hwm_end
#endif
    .p2align 2
    .thumb_func
__morestack_r3:
    push    {r4, r5, r6, r7, lr}
    movs    r4, #LONG_CHECK
    b       .Lcommon
    .thumb_func
__morestack:
    push    {r4, r5, r6, r7, lr}        @ [sp+16] = fn | 1 for now
    movs    r4, #SHORT_CHECK
.Lcommon:
    ldr     r5, [sp, #16]
    adds    r4, r5                      @ fn_body | 1
    mov     r5, ip
    str     r5, [sp, #16]               @ pop {.., pc} returns to fn's caller
    mov     ip, r4
    ldr     r4, =__mcusplit_free
__mcusplit_take_begin:
.Ltake:
    ldr     r5, [r4]                    @ r5 = header of a free segment
    cmp     r5, #0
    beq     .Lexhausted
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
__mcusplit_take_end:
    mov     r6, sp
    str     r6, [r5]                    @ saved sp
    ldr     r6, [sp, #16]
    str     r6, [r5, #4]                @ call site
    COUNT_SITE __mcusplit_count_begin, __mcusplit_count_end
    TRACK_DEPTH __mcusplit_hwm_begin, __mcusplit_hwm_end
    mov     sp, r5                      @ switch: one instruction
    blx     ip
    ldr     r6, [r5]                    @ back (r4, r5 survived the body)
    mov     sp, r6                      @ switch back
__mcusplit_give_begin:
    ldr     r6, [r4]
    str     r6, [r5]                    @ header.link = head
    str     r5, [r4]                    @ commit: head = this segment (reused first)
__mcusplit_give_end:
    pop     {r4, r5, r6, r7, pc}

.Lexhausted:                            @ 20 bytes pushed, call site at [sp+16]
    push    {r0, r1, r2, r3}
    ldr     r1, [sp, #(16 + 16)]
    sub     sp, #4                      @ 8-byte alignment for the C hook
    bl      .Lreport_exhausted
    add     sp, #4
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
    .global __mcusplit_take_args_begin
    .global __mcusplit_take_args_end
    .global __mcusplit_give_args_begin
    .global __mcusplit_give_args_end
    .global __mcusplit_count_args_begin
    .global __mcusplit_count_args_end
#if defined(MCUSPLIT_TASK_HWM)
    .global __mcusplit_hwm_args_begin
    .global __mcusplit_hwm_args_end
#endif
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
    adds    r4, r5                      @ fn_body | 1
    mov     r6, ip
    str     r6, [sp, #16]               @ pop {.., pc} returns to fn's caller
    mov     ip, r4
    subs    r5, #1
    ldrh    r5, [r5]                    @ argument bytes (the .short before fn)
    mov     lr, r5                      @ kept in lr while the segment is taken
    ldr     r4, =__mcusplit_free
__mcusplit_take_args_begin:
.Ltake_args:
    ldr     r5, [r4]
    cmp     r5, #0
    beq     .Lexhausted_args
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
__mcusplit_take_args_end:
    mov     r6, sp
    str     r6, [r5]                    @ saved sp
    ldr     r6, [sp, #16]
    str     r6, [r5, #4]                @ call site
    COUNT_SITE __mcusplit_count_args_begin, __mcusplit_count_args_end
    TRACK_DEPTH __mcusplit_hwm_args_begin, __mcusplit_hwm_args_end
    mov     r7, lr
    str     r7, [r5, #12]               @ argument bytes
    adds    r6, r7, #7
    lsrs    r6, r6, #3
    lsls    r6, r6, #3
    subs    r7, r5, r6                  @ r7 = the body's sp: arguments below the header, 8-aligned
    add     r6, sp, #20                 @ r6 = the caller's arguments
    add     lr, r6                      @ lr = their end
    push    {r7}                        @ (the old stack: the new sp, for after the copy)
1:  cmp     r6, lr
    bhs     2f
    ldm     r6!, {r4}
    stm     r7!, {r4}
    b       1b
2:  pop     {r6}
    ldr     r4, =__mcusplit_free        @ (r4 carried words)
    mov     sp, r6
    blx     ip
    ldr     r6, [r5]
    mov     sp, r6                      @ switch back
__mcusplit_give_args_begin:
    ldr     r6, [r4]
    str     r6, [r5]
    str     r5, [r4]
__mcusplit_give_args_end:
    pop     {r4, r5, r6, r7, pc}

.Lexhausted_args:                       @ 20 bytes pushed, call site at [sp+16]
    mov     r7, lr                      @ the argument bytes survive the hook (callee-saved)
    push    {r0, r1, r2, r3}
    ldr     r1, [sp, #(16 + 16)]
    sub     sp, #4
    bl      .Lreport_exhausted
    add     sp, #4
    pop     {r0, r1, r2, r3}
    mov     lr, r7
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
