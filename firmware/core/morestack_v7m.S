/*
 * __morestack for Thumb-2 cores (ARMv7-M, ARMv7E-M, ARMv8-M Mainline).
 *
 * Contract with the prologue mcusplit's code generator writes
 * (docs/runtime.md has the whole picture):
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
 * __morestack takes a segment, runs the body on it with lr pointing back here,
 * gives the segment back and returns to fn's caller with the body's r0-r3/s0-s3.
 *
 * Segment header (16 bytes, top of every segment; struct mcusplit_segment_header):
 *   +0 saved sp (in use) / next free header (free)   +4 takes
 *   +8 call site                                      +12 argument bytes copied
 *
 * Interrupts: the pool is a LIFO free list whose head is changed by one store.
 * A handler that splits takes and gives back segments before it returns, so the
 * list the interrupted code sees is unchanged: no masking is needed. The stack
 * switch is a single `mov sp`, and the limit follows sp (alignment), so nothing
 * can observe a half-switched stack.
 */
    .syntax unified
    .thumb

#ifndef MCUSPLIT_SEG_SHIFT
#error "MCUSPLIT_SEG_SHIFT (log2 of the segment size) must be defined"
#endif
#define SEG_SIZE (1 << MCUSPLIT_SEG_SHIFT)
#define HEADER 16
#define CHECK_LEN 12                    /* bytes of the prologue check: body = fn + 12 */

    .section .text.__morestack, "ax", %progbits

/* ---- functions without stack arguments ------------------------------------ */
    .global __morestack
    .type   __morestack, %function
    .p2align 2
    .thumb_func
__morestack:
    push    {r4, r5, r6, lr}            @ on the old stack (inside its reserve)
.Ltake:
    ldr     r4, =__mcusplit_free
    ldr     r5, [r4]                    @ r5 = header of a free segment
    cbz     r5, .Lexhausted
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
    ldr     r6, [r5, #4]
    adds    r6, #1
    mov     r4, sp
    stm     r5, {r4, r6, lr}            @ saved sp, takes + 1, call site
    mov     lr, r5
    ldm     sp, {r4, r5, r6}            @ the body sees the caller's r4-r6
    mov     sp, lr                      @ switch: one instruction
    blx     ip
    ldr     ip, [sp]                    @ back from the body: sp = header again
    mov     lr, sp
    mov     sp, ip                      @ switch back
    ldr     r4, =__mcusplit_free        @ r4-r6 are free: the body preserved them
    ldr     r5, [r4]
    str     r5, [lr]                    @ header.link = head
    str     lr, [r4]                    @ commit: head = this segment (reused first)
    pop     {r4, r5, r6, pc}

.Lexhausted:
    push    {r0, r1, r2, r3, ip, lr}    @ keep the arguments for the retry
    sub     r0, ip, #(CHECK_LEN + 1)    @ the function that needed a segment
    mov     r1, lr                      @ its call site
    bl      mcusplit_pool_exhausted
    pop     {r0, r1, r2, r3, ip, lr}
    b       .Ltake
    .ltorg
    .size   __morestack, . - __morestack

/* ---- functions with stack arguments --------------------------------------- */
/* The stub is followed by `.short arg_bytes` right before fn: at fn_body - 14. */
    .global __morestack_args
    .type   __morestack_args, %function
    .p2align 2
    .thumb_func
__morestack_args:
    push    {r4, r5, r6, r7, r8, lr}    @ the caller's arguments are now at sp + 24
.Ltake_args:
    ldr     r4, =__mcusplit_free
    ldr     r5, [r4]
    cbz     r5, .Lexhausted_args
    ldr     r6, [r5]
    str     r6, [r4]                    @ commit: head = next
    ldr     r6, [r5, #4]
    adds    r6, #1
    mov     r4, sp
    stm     r5, {r4, r6, lr}            @ saved sp, takes + 1, call site
    ldrh    r7, [ip, #-(CHECK_LEN + 2 + 1)]   @ argument bytes
    str     r7, [r5, #12]
    adds    r6, r7, #7
    bic     r6, r6, #7
    sub     r6, r5, r6                  @ the body's sp: arguments below the header, 8-aligned
    add     r4, sp, #24
1:  subs    r7, #4
    bmi     2f
    ldr     r8, [r4, r7]
    str     r8, [r6, r7]
    b       1b
2:  mov     lr, r6
    ldm     sp, {r4, r5, r6, r7, r8}
    mov     sp, lr
    blx     ip
    mov     ip, sp                      @ header = segment base + SEG - HEADER
    lsr     ip, ip, #MCUSPLIT_SEG_SHIFT
    lsl     ip, ip, #MCUSPLIT_SEG_SHIFT
    add     ip, ip, #SEG_SIZE
    sub     ip, ip, #HEADER
    ldr     lr, [ip]
    mov     sp, lr                      @ switch back
    ldr     r4, =__mcusplit_free
    ldr     r5, [r4]
    str     r5, [ip]
    str     ip, [r4]
    pop     {r4, r5, r6, r7, r8, pc}

.Lexhausted_args:
    push    {r0, r1, r2, r3, ip, lr}
    sub     r0, ip, #(CHECK_LEN + 1)
    mov     r1, lr
    bl      mcusplit_pool_exhausted
    pop     {r0, r1, r2, r3, ip, lr}
    b       .Ltake_args
    .ltorg
    .size   __morestack_args, . - __morestack_args
