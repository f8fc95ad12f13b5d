/*
 * __morestack with LLVM's own contract, for the benchmark's "stock LLVM prologue" variant only
 * (mcusplit build prologue_style="llvm"). Thumb-2.
 *
 * LLVM's prologue (the limit read from __mcusplit_llvm_limit instead of a Linux TLS slot):
 *     push {r4, r5}; mov r5, sp [; movw r4, #frame; sub r5, r5, r4]
 *     ldr r4, =__mcusplit_llvm_limit; ldr r4, [r4]; cmp r4, r5; bls body
 *     movw r4, #frame; mov r5, #arg_bytes; push {lr}; bl __morestack
 *     ldr lr, [sp], #4; pop {r4, r5}; bx lr          @ 8 bytes: the body is at lr + 8
 *   body: pop {r4, r5} ...
 * On entry: r4 = frame bytes, r5 = stack-argument bytes, lr = return path | 1,
 * [sp] = the function's return address, [sp+4], [sp+8] = the caller's r4, r5, arguments above.
 *
 * LLVM compares sp itself with the limit for frames under 256 bytes, so 256 bytes plus room for
 * exception frames must lie below the limit: the limit is the segment's base + LIMIT_OFFSET.
 * Not interrupt-safe (the limit word and sp change separately): a benchmark baseline.
 */
    .syntax unified
    .thumb

#define SEG_SIZE (1 << MCUSPLIT_SEG_SHIFT)
#define HEADER 16
#define LIMIT_OFFSET (256 + 128)

    .section .data.__mcusplit_llvm_limit, "aw", %progbits
    .p2align 2
    .global __mcusplit_llvm_limit
    .type __mcusplit_llvm_limit, %object
__mcusplit_llvm_limit:
    .word __mcusplit_stack_top - SEG_SIZE + LIMIT_OFFSET    @ the first stack's top segment
    .size __mcusplit_llvm_limit, 4

    .section .text.__morestack, "ax", %progbits
    .global __morestack
    .type   __morestack, %function
    .p2align 2
    .thumb_func
__morestack:
    push    {r6, r7, r8, lr}            @ lr = the prologue's return path
.Ltake:
    ldr     r6, =__mcusplit_free
    ldr     r7, [r6]                    @ r7 = header of a free segment
    cmp     r7, #0
    beq     .Lexhausted                 @ (too far for cbz)
    ldr     r8, [r7]
    str     r8, [r6]                    @ take it
    ldr     r8, [r7, #4]
    add     r8, r8, #1
    str     r8, [r7, #4]                @ takes + 1 (statistics)
    mov     r8, sp
    str     r8, [r7]                    @ saved sp
    ldr     r6, =__mcusplit_llvm_limit
    ldr     r8, [r6]
    str     r8, [r7, #8]                @ saved limit
    adds    r8, r5, #7
    bic     r8, r8, #7
    sub     r8, r7, r8                  @ where the arguments go: below the header, 8-aligned
    add     ip, sp, #28                 @ the caller's arguments: entry sp + 12
    mov     r6, r5
1:  subs    r6, #4
    bmi     2f
    ldr     lr, [ip, r6]
    str     lr, [r8, r6]
    b       1b
2:  ldrd    r6, lr, [sp, #20]           @ the caller's r4, r5 ...
    strd    r6, lr, [r8, #-8]!          @ ... for the body's pop {r4, r5}
    sub     r6, r7, #(SEG_SIZE - HEADER - LIMIT_OFFSET)
    ldr     lr, =__mcusplit_llvm_limit
    str     r6, [lr]                    @ the new segment's limit
    ldr     ip, [sp, #12]
    add     ip, ip, #8                  @ the body: return path + 8
    mov     sp, r8
    blx     ip
    ldr     r6, [r7, #8]                @ r6-r8 survived the body (callee-saved)
    ldr     r8, =__mcusplit_llvm_limit
    str     r6, [r8]                    @ old limit back
    ldr     r6, [r7]
    mov     sp, r6                      @ old stack back
    ldr     r6, =__mcusplit_free
    ldr     r8, [r6]
    str     r8, [r7]
    str     r7, [r6]                    @ give the segment back
    pop     {r6, r7, r8, pc}

.Lexhausted:
    push    {r0, r1, r2, r3}
    ldr     r0, [sp, #(16 + 12)]        @ the return path: points into the function
    ldr     r1, [sp, #(16 + 16)]        @ its caller
    bl      mcusplit_pool_exhausted
    pop     {r0, r1, r2, r3}
    b       .Ltake
    .ltorg
    .size   __morestack, . - __morestack
