/*
 * __morestack for Thumb-2 cores (ARMv7-M, ARMv7E-M, ARMv8-M Mainline).
 *
 * Contract with the prologue mcusplit's code generator writes (docs/runtime.md):
 *
 *   fn_stub:  adr.w  ip, fn_body + 1       @ the body, Thumb bit set
 *             b.w    __morestack           @ or __morestack_args, then `.short arg_bytes`
 *   fn:       mov    ip, sp
 *             lsl.w  ip, ip, #(32 - SEG_SHIFT)   @ room = sp mod SEG, in the top bits
 *             cmp.w  ip, #(need << (32 - SEG_SHIFT))
 *             blo    fn_stub                     @ not enough room: split
 *   fn_body:  ...
 *
 * On entry: ip = fn_body | 1, lr = fn's return address, sp = fn's entry sp,
 * r0-r3 and s0-s15 = fn's arguments (left untouched), stack arguments at [sp].
 * __morestack takes a segment, runs the body on it, gives the segment back and
 * returns to fn's caller with the body's r0-r3/s0-s3.
 *
 * The body is not given the caller's r4-r7: callee-saved registers carry nothing
 * into a function, and the caller's values are popped on the way out anyway. So
 * r4 (&__mcusplit_free) and r5 (the segment's header) survive the body for free.
 *
 * Segment header (16 bytes, top of every segment; struct mcusplit_segment_header):
 *   +0 saved sp (in use) / next free header (free)   +4 call site (0: never taken)
 *   +8 chain depth (firmware with tasks)              +12 argument bytes copied
 *
 * Every split also counts one of MCUSPLIT_SITE_BUCKETS counters, chosen by its call
 * site (return address bits 6:1): where hot splits happen, for the price of five
 * instructions. The host names the call sites of a bucket from the ELF.
 *
 * Interrupts: the pool is a LIFO free list whose head is changed by one store. A
 * handler that splits takes and gives back segments before it returns, so the list
 * the interrupted code sees is unchanged: no masking is needed. A task switch is
 * not LIFO: the scheduler restarts an interrupted take or give from its beginning
 * (the regions between __mcusplit_take_begin/_end and __mcusplit_give_begin/_end
 * only read until their final store). The stack switch is a single `mov sp`, and
 * the limit follows sp (alignment), so nothing can observe a half-switched stack.
 *
 * ABI (not AAPCS: entered by a branch from a check's stub, never called from C):
 *   in:       ip = fn_body | 1; lr = fn's return address; sp = fn's entry sp; r0-r3 and s0-s15 =
 *             fn's arguments; stack arguments at [sp] (__morestack_args: their byte count is the
 *             `.short` right before fn).
 *   out:      returns to lr (fn's caller) with the body's r0-r3 and s0-s3, sp as on entry.
 *   kept:     r4-r11, s16-s31 (callee-saved for fn's caller); r0-r3, s0-s15 reach the body as they came.
 *   clobbers: ip, the flags.
 *   stack:    MORESTACK_PUSH bytes (mcusplit/contract.py: 20, 24 for __morestack_args) on the old
 *             stack, in its reserve; when the pool is empty, 24 more and mcusplit_pool_exhausted's
 *             frame. The body runs on the new segment, below its header and the copied arguments.
 *   memory:   the pool's free list __mcusplit_free (this file is the pool's other half, with
 *             pool.c: take and give are the restartable regions below), the segment's header,
 *             __mcusplit_site_splits, with tasks mcusplit_running_hwm; the guard (MSPLIM/PSPLIM,
 *             or MPU_RBAR of region 7).
 *   calls:    the body (blx ip, on the new segment); mcusplit_pool_exhausted(fn, call site) (AAPCS,
 *             policy.c or the application's, on the old stack) when the list is empty.
 *   exports:  __morestack, __morestack_args and the regions __mcusplit_{take,give,count,hwm}
 *             [_args]_begin/_end (tasks/sched.c restarts a task switched out inside one).
 */
    .syntax unified
    .thumb

#ifndef MCUSPLIT_SEG_SHIFT
#error "MCUSPLIT_SEG_SHIFT (log2 of the segment size) must be defined"
#endif
#define SEG_SIZE (1 << MCUSPLIT_SEG_SHIFT)
#define HEADER 16
#define CHECK_LEN 12                    /* bytes of the prologue check: body = fn + 12 */
#define SITE_BITS 6                     /* MCUSPLIT_SITE_BUCKETS = 64 */

    .section .text.__morestack, "ax", %progbits

/* Firmware with tasks (MCUSPLIT_TASK_HWM): each header records the depth of its chain (the old
 * stack's + 1; negative on the handler stack, whose first header holds INT32_MIN), and the running
 * task's high-water mark rises with it. The mark's update is a restartable region: a task switched
 * out inside it does it again, against its own mark. Uses r6, r7, lr. */
    .macro TRACK_DEPTH begin, end
#if defined(MCUSPLIT_TASK_HWM)
    mov     r6, sp
    lsrs    r7, r6, #MCUSPLIT_SEG_SHIFT
    lsls    r7, r7, #MCUSPLIT_SEG_SHIFT
#if SEG_SIZE <= 4096
    ldr     r7, [r7, #(SEG_SIZE - 8)]   @ depth of the stack we leave
#else
    movw    r6, #(SEG_SIZE - 8)
    ldr     r7, [r7, r6]
#endif
    adds    r7, #1
    str     r7, [r5, #8]
\begin:
    ldr     r6, =mcusplit_running_hwm
    ldr     lr, [r6]
    cmp     r7, lr
    it      gt
    strgt   r7, [r6]
\end:
#endif
    .endm

/* Hardware guards (docs/runtime.md, "Hardware guards"): switch sp to \\target (in the segment whose
 * header is r5), moving the guard with it. Leaves in r6 what SWITCH_BACK needs. Uses r6, r7, lr.
 *  - MCUSPLIT_GUARD_SPLIM (ARMv8-M): the active stack's limit register (PSPLIM on a task's PSP,
 *    MSPLIM otherwise) follows sp to the bottom of its segment. It is 0 while sp moves, so
 *    that neither stack is ever below its limit, even for an interrupt in between. On the way
 *    back it gets the value SWITCH_TO found (kept in r6), not one computed from sp: a handler
 *    that splits while the code it interrupted is between `msr msplim, 0` and `mov sp, ip`
 *    must leave 0 there, or that `mov sp` to the lower, older segment faults (STKOF).
 *  - MCUSPLIT_GUARD_MPU (ARMv7-M): MPU region GUARD_REGION, 32 bytes without access at the
 *    bottom of the segment sp runs on; the previous guard comes back on the way out. */
#define GUARD_REGION 7
#define MPU_RBAR 0xE000ED9C
    .macro SWITCH_TO target
#if defined(MCUSPLIT_GUARD_SPLIM) && !defined(MCUSPLIT_TASK_HWM)
    /* Firmware without tasks runs on MSP only: MSPLIM is the one limit that moves. */
    mrs     r6, msplim                  @ the limit now: SWITCH_BACK puts back exactly this
    mov     lr, #0
    msr     msplim, lr                  @ no limit while sp moves
    mov     sp, \target
    NEW_BOTTOM r7
    msr     msplim, r7
#elif defined(MCUSPLIT_GUARD_SPLIM)
    /* With tasks: PSPLIM on a task's PSP, MSPLIM otherwise. CONTROL.SPSEL is 1 only in thread
     * mode on PSP (exception entry clears it), and r7 keeps the answer for SWITCH_BACK. */
    mrs     r7, control
    ands    r7, r7, #2                  @ 2: a task on PSP; 0: MSP
    mov     lr, #0
    cbnz    r7, 1f
    mrs     r6, msplim                  @ the limit now: SWITCH_BACK puts back exactly this
    msr     msplim, lr
    mov     sp, \target
    NEW_BOTTOM lr
    msr     msplim, lr
    b       2f
1:  mrs     r6, psplim
    msr     psplim, lr
    mov     sp, \target
    NEW_BOTTOM lr
    msr     psplim, lr
2:
#elif defined(MCUSPLIT_GUARD_MPU)
    ldr     lr, =MPU_RBAR
    ldr     r6, [lr]                    @ the guard now (reads without VALID: region = RNR = 7)
    NEW_BOTTOM r7
    orr     r7, r7, #(0x10 | GUARD_REGION)  @ VALID | region
    str     r7, [lr]
    mov     sp, \target
#else
    mov     sp, \target                @ switch: one instruction
#endif
    .endm

/* The bottom of the segment whose header is r5 (flags untouched). */
    .macro NEW_BOTTOM reg
#if SEG_SIZE - HEADER <= 4095
    sub     \reg, r5, #(SEG_SIZE - HEADER)
#else
    lsr     \reg, r5, #MCUSPLIT_SEG_SHIFT
    lsl     \reg, \reg, #MCUSPLIT_SEG_SHIFT
#endif
    .endm

/* Back to the old stack (ip = its sp), the guard with it. Uses r6, r7, lr. */
    .macro SWITCH_BACK
#if defined(MCUSPLIT_GUARD_SPLIM) && !defined(MCUSPLIT_TASK_HWM)
    mov     r7, #0
    msr     msplim, r7
    mov     sp, ip
    msr     msplim, r6                  @ the limit SWITCH_TO found, not one computed from sp:
                                        @ see the note above
#elif defined(MCUSPLIT_GUARD_SPLIM)
    mov     lr, #0
    cbnz    r7, 1f                      @ r7 from SWITCH_TO (it survived the body)
    msr     msplim, lr
    mov     sp, ip
    msr     msplim, r6                  @ the limit SWITCH_TO found, not one computed from sp
    b       2f
1:  msr     psplim, lr
    mov     sp, ip
    msr     psplim, r6
2:
#elif defined(MCUSPLIT_GUARD_MPU)
    mov     sp, ip
    ldr     r7, =MPU_RBAR
    str     r6, [r7]                    @ the guard of the old stack again
#else
    mov     sp, ip                      @ switch back
#endif
    .endm

/* r5 == 0: to \\label. cbz reaches 126 bytes ahead, enough unless the extras above are in. */
    .macro IF_ZERO_GOTO label
#if defined(MCUSPLIT_TASK_HWM)
    cmp     r5, #0
    beq     \label
#else
    cbz     r5, \label
#endif
    .endm

/* ---- functions without stack arguments ------------------------------------ */
    .global __morestack
    .type   __morestack, %function
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
__morestack:
    push    {r4, r5, r6, r7, lr}        @ on the old stack (inside its reserve)
    ldr     r4, =__mcusplit_free
__mcusplit_take_begin:
.Ltake:
    ldr     r5, [r4]                    @ r5 = header of a free segment
    IF_ZERO_GOTO .Lexhausted
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
__mcusplit_take_end:
    mov     r6, sp
    strd    r6, lr, [r5]                @ saved sp, call site
    ubfx    r6, lr, #1, #SITE_BITS
    ldr     r7, =__mcusplit_site_splits
__mcusplit_count_begin:
    ldr     lr, [r7, r6, lsl #2]
    add     lr, lr, #1
    str     lr, [r7, r6, lsl #2]        @ splits from this call site's bucket + 1
__mcusplit_count_end:
    TRACK_DEPTH __mcusplit_hwm_begin, __mcusplit_hwm_end
    SWITCH_TO r5
    blx     ip
    ldr     ip, [r5]                    @ back (r4-r7 survived the body)
    SWITCH_BACK
__mcusplit_give_begin:
    ldr     r6, [r4]
    str     r6, [r5]                    @ header.link = head
    str     r5, [r4]                    @ commit: head = this segment (reused first)
__mcusplit_give_end:
    pop     {r4, r5, r6, r7, pc}

.Lexhausted:                            @ 20 bytes pushed; keep the arguments for the retry
    push    {r0, r1, r2, r3, ip, lr}
    sub     sp, #4                      @ 8-byte alignment for the C hook
    sub     r0, ip, #(CHECK_LEN + 1)    @ the function that needed a segment
    mov     r1, lr                      @ its call site
    bl      mcusplit_pool_exhausted     @ returns if a segment may be free again (r4 survives)
    add     sp, #4
    pop     {r0, r1, r2, r3, ip, lr}
    b       .Ltake
    .ltorg
    .size   __morestack, . - __morestack

/* ---- functions with stack arguments --------------------------------------- */
/* The stub is followed by `.short arg_bytes` right before fn: at fn_body - 14. */
    .global __morestack_args
    .type   __morestack_args, %function
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
__morestack_args:
    push    {r4, r5, r6, r7, r8, lr}    @ the caller's arguments are now at sp + 24
    ldr     r4, =__mcusplit_free
__mcusplit_take_args_begin:
.Ltake_args:
    ldr     r5, [r4]
    IF_ZERO_GOTO .Lexhausted_args
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
__mcusplit_take_args_end:
    mov     r6, sp
    strd    r6, lr, [r5]                @ saved sp, call site
    ubfx    r6, lr, #1, #SITE_BITS
    ldr     r7, =__mcusplit_site_splits
__mcusplit_count_args_begin:
    ldr     r8, [r7, r6, lsl #2]
    add     r8, r8, #1
    str     r8, [r7, r6, lsl #2]
__mcusplit_count_args_end:
    TRACK_DEPTH __mcusplit_hwm_args_begin, __mcusplit_hwm_args_end
    ldrh    r7, [ip, #-(CHECK_LEN + 2 + 1)]   @ argument bytes
    str     r7, [r5, #12]
    adds    r6, r7, #7
    bic     r6, r6, #7
    sub     r8, r5, r6                  @ the body's sp: arguments below the header, 8-aligned
    add     r6, sp, #24
1:  subs    r7, #4
    bmi     2f
    ldr     lr, [r6, r7]
    str     lr, [r8, r7]
    b       1b
2:  SWITCH_TO r8
    blx     ip
    ldr     ip, [r5]
    SWITCH_BACK
__mcusplit_give_args_begin:
    ldr     r6, [r4]
    str     r6, [r5]
    str     r5, [r4]
__mcusplit_give_args_end:
    pop     {r4, r5, r6, r7, r8, pc}

.Lexhausted_args:                       @ 24 bytes pushed
    push    {r0, r1, r2, r3, ip, lr}
    sub     r0, ip, #(CHECK_LEN + 1)
    mov     r1, lr
    bl      mcusplit_pool_exhausted
    pop     {r0, r1, r2, r3, ip, lr}
    b       .Ltake_args
    .ltorg
    .size   __morestack_args, . - __morestack_args
