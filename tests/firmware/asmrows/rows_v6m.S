/*
 * Thumb-1 (Cortex-M0) rows of the stack walk's table (docs/analyzer.md): see rows_v7m.S.
 */
    .syntax unified
    .thumb
    .text

    .macro FUNC name
    .global \name
    .type \name, %function
    .thumb_func
    .p2align 1
\name:
    .endm

FUNC leaf
    bx      lr
    .size leaf, . - leaf

FUNC leaf2
    sub     sp, #40
    add     sp, #40
    bx      lr
    .size leaf2, . - leaf2

@ ADD_PC: clang's compressed Thumb-1 jump table (add r0, pc; ldrb; lsls; add pc, r0): cases at
@ depth 8 + 16 and 8 + 64, each calling a function
FUNC row_add_pc_table
    push    {r7, lr}
    cmp     r0, #1
    bhi     9f
    add     r0, pc
    ldrb    r0, [r0, #4]
    lsls    r0, r0, #1
0:  add     pc, r0
1:  .byte   (2f - 0b - 4) / 2, (3f - 0b - 4) / 2
    .p2align 1
2:  sub     sp, #16
    bl      leaf
    add     sp, #16
    pop     {r7, pc}
3:  sub     sp, #64
    bl      leaf2
    add     sp, #64
    pop     {r7, pc}
9:  pop     {r7, pc}
    .size row_add_pc_table, . - row_add_pc_table

@ ADD_PC with no bound: unknown
FUNC row_add_pc_unbounded
    push    {r7, lr}
    add     pc, r0
    pop     {r7, pc}
    .size row_add_pc_unbounded, . - row_add_pc_unbounded

@ MOVE_PC: a table of absolute addresses (Thumb-1 without compression): cases at 8 + 8, 8 + 24
FUNC row_mov_pc_table
    push    {r7, lr}
    cmp     r0, #1
    bhi     9f
    lsls    r0, r0, #2
    adr     r1, 1f
    ldr     r0, [r1, r0]
    mov     pc, r0
    .p2align 2
1:  .word   2f + 1, 3f + 1
2:  sub     sp, #8
    add     sp, #8
    pop     {r7, pc}
3:  sub     sp, #24
    add     sp, #24
    pop     {r7, pc}
9:  pop     {r7, pc}
    .size row_mov_pc_table, . - row_mov_pc_table

@ SP_ADD with a literal: ldr r4, =-600; add sp, r4: frame 8 + 600
FUNC row_thumb1_big_frame
    push    {r4, lr}
    ldr     r4, =-600
    add     sp, r4
    bl      leaf
    ldr     r4, =600
    add     sp, r4
    pop     {r4, pc}
    .ltorg
    .size row_thumb1_big_frame, . - row_thumb1_big_frame

@ POP_PC: lld's Thumb-1 long-branch thunk shape: a tail call to leaf2
FUNC row_v6m_thunk
    push    {r0, r1}
    ldr     r0, 1f
    str     r0, [sp, #4]
    pop     {r0, pc}
    .p2align 2
1:  .word   leaf2
    .size row_v6m_thunk, . - row_v6m_thunk

@ CALL as a long branch across 3 KiB of code (further than a Thumb-1 `b` reaches): the far block
@ calls leaf2 at depth 8
FUNC row_bl_far
    push    {r7, lr}
    cmp     r0, #0
    bne     1f
    bl      2f
1:  pop     {r7, pc}
    .rept 1536
    nop
    .endr
2:  bl      leaf2
    pop     {r7, pc}
    .size row_bl_far, . - row_bl_far
