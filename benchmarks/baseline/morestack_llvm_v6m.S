/*
 * __morestack with LLVM's own contract, Thumb-1 (ARMv6-M), for the benchmark's "stock LLVM
 * prologue" variant only. LLVM's v6-M prologue already reads its limit from a word
 * (`ldr r4, .LCPI: .long __STACK_LIMIT`, renamed to __mcusplit_llvm_limit); its return path after
 * `bl __morestack` is `pop {r4}; mov lr, r4; pop {r4, r5}; bx lr`: 8 bytes, the body at lr + 8.
 * Contract and limit as in morestack_llvm_v7m.S.
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
    .word __mcusplit_stack_top - SEG_SIZE + LIMIT_OFFSET
    .size __mcusplit_llvm_limit, 4

    .section .text.__morestack, "ax", %progbits
    .global __morestack
    .type   __morestack, %function
    .p2align 2
    .thumb_func
__morestack:
    push    {r6, r7, lr}                @ lr = the prologue's return path
    sub     sp, #4                      @ 8-byte alignment; return path at [sp+12], arguments at sp + 28
.Ltake:
    ldr     r6, =__mcusplit_free
    ldr     r7, [r6]                    @ r7 = header of a free segment
    cmp     r7, #0
    beq     .Lexhausted
    ldr     r4, [r7]                    @ (r4, the frame size, is not needed)
    str     r4, [r6]                    @ take it
    ldr     r4, [r7, #4]
    adds    r4, #1
    str     r4, [r7, #4]                @ takes + 1 (statistics)
    mov     r4, sp
    str     r4, [r7]                    @ saved sp
    ldr     r6, =__mcusplit_llvm_limit
    ldr     r4, [r6]
    str     r4, [r7, #8]                @ saved limit
    adds    r4, r5, #7
    lsrs    r4, r4, #3
    lsls    r4, r4, #3
    subs    r6, r7, r4                  @ r6 = where the arguments go (below the header, 8-aligned)
    mov     ip, r7                      @ the header, while r7 copies
    add     r4, sp, #28
1:  subs    r5, #4
    bmi     2f
    ldr     r7, [r4, r5]
    str     r7, [r6, r5]
    b       1b
2:  mov     r7, ip
    subs    r6, #8                      @ the caller's r4, r5 for the body's pop {r4, r5}
    ldr     r4, [sp, #20]
    str     r4, [r6]
    ldr     r4, [sp, #24]
    str     r4, [r6, #4]
    ldr     r4, =(SEG_SIZE - HEADER - LIMIT_OFFSET)
    mov     r5, r7
    subs    r5, r5, r4
    ldr     r4, =__mcusplit_llvm_limit
    str     r5, [r4]                    @ the new segment's limit
    ldr     r4, [sp, #12]
    adds    r4, #8                      @ the body: return path + 8
    mov     ip, r4
    mov     sp, r6
    blx     ip
    ldr     r6, [r7, #8]                @ r6, r7 survived the body (callee-saved)
    ldr     r4, =__mcusplit_llvm_limit
    str     r6, [r4]                    @ old limit back (r4, r5 are popped again by the return path)
    ldr     r6, [r7]
    mov     sp, r6                      @ old stack back
    ldr     r6, =__mcusplit_free
    ldr     r4, [r6]
    str     r4, [r7]
    str     r7, [r6]                    @ give the segment back
    add     sp, #4
    pop     {r6, r7, pc}

.Lexhausted:
    push    {r0, r1, r2, r3}
    ldr     r0, [sp, #(16 + 12)]        @ the return path: points into the function
    ldr     r1, [sp, #(16 + 16)]        @ its caller
    bl      mcusplit_pool_exhausted
    pop     {r0, r1, r2, r3}
    b       .Ltake
    .ltorg
    .size   __morestack, . - __morestack
