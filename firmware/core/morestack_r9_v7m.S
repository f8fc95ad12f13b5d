/*
 * __morestack for the register-limit experiment (build prologue_style="r9"; Thumb-2): the limit
 * is kept in r9 (every object compiled with -ffixed-r9), r9 = the current stack's base + reserve
 * + 64, so that frames of up to 64 bytes check with `cmp sp, r9; blo stub`.
 *
 * Same contract as morestack_v7m.S (ip = body | 1, lr = return address), plus: r9 is switched
 * with sp and restored on the way back. Not for products: code built without -ffixed-r9 (zig's
 * compiler-rt, prebuilt libraries) may hold anything in r9 while an interrupt checks against it.
 */
    .syntax unified
    .thumb

#define SEG_SIZE (1 << MCUSPLIT_SEG_SHIFT)
#define HEADER 16
#define FAST 64

    .section .text.mcusplit_check_register_init, "ax", %progbits
    .global mcusplit_check_register_init
    .type   mcusplit_check_register_init, %function
    .thumb_func
mcusplit_check_register_init:
    ldr     r9, =__mcusplit_stack_base
    ldr     r0, =__mcusplit_reserve
    add     r9, r9, r0
    add     r9, r9, #FAST
    bx      lr
    .ltorg
    .size   mcusplit_check_register_init, . - mcusplit_check_register_init

    .section .text.__morestack, "ax", %progbits
    .global __morestack
    .type   __morestack, %function
    .p2align 2
    .thumb_func
__morestack:
    push    {r4, r5, r6, r9}            @ r9: the caller's limit, back on return
    mov     r9, lr                      @ (r9 is free until the switch)
.Ltake:
    ldr     r4, =__mcusplit_free
    ldr     r5, [r4]
    cbz     r5, .Lexhausted
    ldr     r6, [r5]
    str     r6, [r4]
    ldr     r6, [r5, #4]
    adds    r6, #1
    mov     r4, sp
    stm     r5, {r4, r6, r9}            @ saved sp, takes + 1, call site
    ldr     r4, =__mcusplit_reserve
    sub     r6, r5, #(SEG_SIZE - HEADER - FAST)
    add     r9, r6, r4                  @ the new stack's limit
    mov     lr, r5
    ldm     sp, {r4, r5, r6}
    mov     sp, lr
    blx     ip
    ldr     ip, [sp]
    mov     lr, sp
    mov     sp, ip
    ldr     r4, =__mcusplit_free
    ldr     r5, [r4]
    str     r5, [lr]
    str     lr, [r4]
    ldr     lr, [lr, #8]                @ the call site: where to return
    pop     {r4, r5, r6, r9}
    bx      lr

.Lexhausted:
    push    {r0, r1, r2, r3, ip, lr}
    sub     r0, ip, #13
    mov     r1, r9
    bl      mcusplit_pool_exhausted
    pop     {r0, r1, r2, r3, ip, lr}
    b       .Ltake
    .ltorg
    .size   __morestack, . - __morestack

    .global __morestack_args
    .type   __morestack_args, %function
    .thumb_func
__morestack_args:
    udf     #0                          @ the experiment's workloads pass no stack arguments
    .size   __morestack_args, . - __morestack_args
