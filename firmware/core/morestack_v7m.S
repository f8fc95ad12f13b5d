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
 *   +8 owner (the scheduler's)                        +12 argument bytes copied
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

/* ---- functions without stack arguments ------------------------------------ */
    .global __morestack
    .type   __morestack, %function
    .global __mcusplit_take_begin
    .global __mcusplit_take_end
    .global __mcusplit_give_begin
    .global __mcusplit_give_end
    .p2align 2
    .thumb_func
__morestack:
    push    {r4, r5, r6, r7, lr}        @ on the old stack (inside its reserve)
    ldr     r4, =__mcusplit_free
__mcusplit_take_begin:
.Ltake:
    ldr     r5, [r4]                    @ r5 = header of a free segment
    cbz     r5, .Lexhausted
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
__mcusplit_take_end:
    mov     r6, sp
    strd    r6, lr, [r5]                @ saved sp, call site
    ubfx    r6, lr, #1, #SITE_BITS
    ldr     r7, =__mcusplit_site_splits
    ldr     lr, [r7, r6, lsl #2]
    add     lr, lr, #1
    str     lr, [r7, r6, lsl #2]        @ splits from this call site's bucket + 1
    mov     sp, r5                      @ switch: one instruction
    blx     ip
    ldr     ip, [r5]                    @ back (r4, r5 survived the body)
    mov     sp, ip                      @ switch back
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
    .p2align 2
    .thumb_func
__morestack_args:
    push    {r4, r5, r6, r7, r8, lr}    @ the caller's arguments are now at sp + 24
    ldr     r4, =__mcusplit_free
__mcusplit_take_args_begin:
.Ltake_args:
    ldr     r5, [r4]
    cbz     r5, .Lexhausted_args
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
__mcusplit_take_args_end:
    mov     r6, sp
    strd    r6, lr, [r5]                @ saved sp, call site
    ubfx    r6, lr, #1, #SITE_BITS
    ldr     r7, =__mcusplit_site_splits
    ldr     r8, [r7, r6, lsl #2]
    add     r8, r8, #1
    str     r8, [r7, r6, lsl #2]
    ldrh    r7, [ip, #-(CHECK_LEN + 2 + 1)]   @ argument bytes
    str     r7, [r5, #12]
    adds    r6, r7, #7
    bic     r6, r6, #7
    sub     r6, r5, r6                  @ the body's sp: arguments below the header, 8-aligned
    add     r8, sp, #24
1:  subs    r7, #4
    bmi     2f
    ldr     lr, [r8, r7]
    str     lr, [r6, r7]
    b       1b
2:  mov     sp, r6
    blx     ip
    ldr     ip, [r5]
    mov     sp, ip                      @ switch back
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
