/*
 * One function per row of the stack walk's table of instruction classes and idioms
 * (docs/analyzer.md): tests/test_walk_rows.py assembles and links this file on its own (no
 * runtime) and checks what the walker reads from each. Not meant to run.
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

FUNC spin
    b       .
    .size spin, . - spin

@ BRANCH: a jump inside, frame 24
FUNC row_branch_internal
    push    {r4, lr}
    cmp     r0, #0
    beq     1f
    sub     sp, #16
    add     sp, #16
1:  pop     {r4, pc}
    .size row_branch_internal, . - row_branch_internal

@ BRANCH: a tail call
FUNC row_tail_call
    b.w     leaf2
    .size row_tail_call, . - row_tail_call

@ BRANCH: a conditional tail call, else a return
FUNC row_conditional_tail
    cmp     r0, #0
    beq.w   leaf2
    bx      lr
    .size row_conditional_tail, . - row_conditional_tail

@ BRANCH: back to its own entry without a check: a loop
FUNC row_self_loop
    subs    r0, #1
    bne     row_self_loop
    bx      lr
    .size row_self_loop, . - row_self_loop

@ COMPARE_BRANCH: cbz out of the function (into the next one): a conditional tail call
FUNC row_cbz_tail
    cbz     r0, 1f
    bx      lr
    .size row_cbz_tail, . - row_cbz_tail
    .global row_cbz_target
    .type row_cbz_target, %function
    .thumb_func
row_cbz_target:
1:  sub     sp, #8
    add     sp, #8
    bx      lr
    .size row_cbz_target, . - row_cbz_target

@ CALL: a call at depth 12
FUNC row_call
    push    {lr}
    sub     sp, #8
    bl      leaf2
    add     sp, #8
    pop     {pc}
    .size row_call, . - row_call

@ CALL: bl to a block of its own (a long branch): lr is clobbered, the block returns; frame 12
FUNC row_long_branch
    push    {lr}
    bl      1f
    .word   0xdeadbeef
1:  sub     sp, #8
    add     sp, #8
    pop     {pc}
    .size row_long_branch, . - row_long_branch

@ CALL: a local subroutine that returns through lr: frame 8 + 32
FUNC row_local_subroutine
    push    {r4, lr}
    bl      1f
    pop     {r4, pc}
1:  sub     sp, #32
    add     sp, #32
    bx      lr
    .size row_local_subroutine, . - row_local_subroutine

@ CALL_REG: through a constant
FUNC row_call_reg_const
    push    {lr}
    ldr     r3, =leaf2
    blx     r3
    pop     {pc}
    .ltorg
    .size row_call_reg_const, . - row_call_reg_const

@ CALL_REG: through a table in flash, index unbounded (assembly: not trusted to stay in the table)
FUNC row_call_rom_table
    push    {lr}
    ldr     r3, =rom_table
    ldr     r3, [r3, r0, lsl #2]
    blx     r3
    pop     {pc}
    .ltorg
    .size row_call_rom_table, . - row_call_rom_table

@ CALL_REG: through a table in flash, index bounded by the compare: exactly its two entries
FUNC row_call_rom_table_bounded
    cmp     r0, #1
    bhi     9f
    push    {lr}
    ldr     r3, =rom_table
    ldr     r3, [r3, r0, lsl #2]
    blx     r3
    pop     {pc}
9:  bx      lr
    .ltorg
    .size row_call_rom_table_bounded, . - row_call_rom_table_bounded

@ CALL_REG: through a table in RAM: never inferred from its contents
FUNC row_call_ram_table
    push    {lr}
    ldr     r3, =ram_table
    ldr     r3, [r3, r0, lsl #2]
    blx     r3
    pop     {pc}
    .ltorg
    .size row_call_ram_table, . - row_call_ram_table

@ BRANCH_REG: a return
FUNC row_bx_lr
    bx      lr
    .size row_bx_lr, . - row_bx_lr

@ BRANCH_REG: an indirect tail call (frame gone, lr intact)
FUNC row_indirect_tail
    ldr     r3, =ram_table
    ldr     r3, [r3, r0, lsl #2]
    bx      r3
    .ltorg
    .size row_indirect_tail, . - row_indirect_tail

@ BRANCH_REG: an indirect jump with the frame still on the stack: unknown
FUNC row_indirect_jump_with_frame
    push    {lr}
    ldr     r3, =ram_table
    ldr     r3, [r3]
    bx      r3
    .ltorg
    .size row_indirect_jump_with_frame, . - row_indirect_jump_with_frame

@ BRANCH_REG: bx r0 at depth 0 with lr intact: an indirect tail call through an argument
FUNC row_tail_through_argument
    bx      r0
    .size row_tail_through_argument, . - row_tail_through_argument

@ TABLE_BRANCH: tbb with its bound: cases at 4+8, 4+32, 4+128
FUNC row_tbb
    push    {lr}
    cmp     r0, #2
    bhi     9f
    tbb     [pc, r0]
1:  .byte   (2f - 1b) / 2, (3f - 1b) / 2, (4f - 1b) / 2, 0
    .p2align 1
2:  sub     sp, #8
    bl      leaf
    add     sp, #8
    pop     {pc}
3:  sub     sp, #32
    bl      leaf
    add     sp, #32
    pop     {pc}
4:  sub     sp, #128
    bl      leaf
    add     sp, #128
    pop     {pc}
9:  pop     {pc}
    .size row_tbb, . - row_tbb

@ TABLE_BRANCH: tbh with its bound, the index offset by a subtraction first
FUNC row_tbh
    push    {lr}
    subs    r0, #5
    cmp     r0, #1
    bhi     9f
    tbh     [pc, r0, lsl #1]
1:  .short  (2f - 1b) / 2, (3f - 1b) / 2
2:  sub     sp, #16
    bl      leaf
    add     sp, #16
    pop     {pc}
3:  sub     sp, #64
    bl      leaf2
    add     sp, #64
    pop     {pc}
9:  pop     {pc}
    .size row_tbh, . - row_tbh

@ TABLE_BRANCH: no bound on the index, an inline table: read up to its lowest target (every real
@ entry; the padding byte points into the table, so the table ended there)
FUNC row_tbb_inline_unbounded
    push    {lr}
    tbb     [pc, r0]
1:  .byte   (2f - 1b) / 2, (3f - 1b) / 2, 0
    .p2align 1
2:  bl      leaf
    pop     {pc}
3:  pop     {pc}
    .size row_tbb_inline_unbounded, . - row_tbb_inline_unbounded

@ TABLE_BRANCH: no bound on the index, the table after nops, addressed by adr (LLVM's x % 10 at
@ -O3, found by mcusplit fuzz): read up to its lowest target; the padding byte leads to the nops
FUNC row_tbb_table_after_nops
    push    {lr}
    adr.w   r2, 1f
    tbb     [r2, r0]
0:  nop
    .p2align 2
1:  .byte   (2f - 0b) / 2, (3f - 0b) / 2, 0
    .p2align 1
2:  bl      leaf
    pop     {pc}
3:  pop     {pc}
    .size row_tbb_table_after_nops, . - row_tbb_table_after_nops

@ TABLE_BRANCH: no bound on the index, a table the walk cannot place (its address an argument): unknown
FUNC row_tbb_unbounded
    push    {lr}
    tbb     [r1, r0]
    pop     {pc}
    .size row_tbb_unbounded, . - row_tbb_unbounded

@ POP_PC: an early return in an IT block, then frame 8 + 16
FUNC row_pop_pc_it
    push    {r4, lr}
    cmp     r0, #0
    it      eq
    popeq   {r4, pc}
    sub     sp, #16
    bl      leaf
    add     sp, #16
    pop     {r4, pc}
    .size row_pop_pc_it, . - row_pop_pc_it

@ POP_PC: popping a stored constant into pc (lld's Thumb-1 long-branch thunk): a tail call
FUNC row_pop_pc_thunk
    push    {r0, r1}
    ldr     r0, =leaf2
    str     r0, [sp, #4]
    pop     {r0, pc}
    .ltorg
    .size row_pop_pc_thunk, . - row_pop_pc_thunk

@ LOAD_PC: a veneer through a literal: a tail call
FUNC row_ldr_pc_veneer
    ldr.w   pc, 1f
    .p2align 2
1:  .word   leaf2
    .size row_ldr_pc_veneer, . - row_ldr_pc_veneer

@ LOAD_PC: ldr pc, [sp], #4 is a pop: a return, frame 12
FUNC row_ldr_pc_pop
    push    {lr}
    sub     sp, #8
    add     sp, #8
    ldr     pc, [sp], #4
    .size row_ldr_pc_pop, . - row_ldr_pc_pop

@ LOAD_PC: a jump table of addresses with its bound: both cases (frames 16 and 48)
FUNC row_ldr_pc_table
    cmp     r0, #1
    bhi     9f
    adr     r1, 1f
    ldr     pc, [r1, r0, lsl #2]
    .p2align 2
1:  .word   2f + 1, 3f + 1
2:  sub     sp, #16
    add     sp, #16
    bx      lr
3:  sub     sp, #48
    add     sp, #48
    bx      lr
9:  bx      lr
    .size row_ldr_pc_table, . - row_ldr_pc_table

@ LDM_PC: pc from a block of words in RAM at depth 0: an indirect tail call
FUNC row_ldm_pc
    ldr     r0, =ram_table
    ldm     r0, {r1, pc}
    .ltorg
    .size row_ldm_pc, . - row_ldm_pc

@ MOVE_PC: mov pc, lr is a return
FUNC row_mov_pc_lr
    mov     pc, lr
    .size row_mov_pc_lr, . - row_mov_pc_lr

@ PUSH/POP with FP registers: 8 + 16
FUNC row_vpush
    push    {r4, lr}
    vpush   {d8, d9}
    vpop    {d8, d9}
    pop     {r4, pc}
    .size row_vpush, . - row_vpush

@ SP_WRITEBACK: str lr, [sp, #-8]! ... ldr pc, [sp], #8: frame 8, a return
FUNC row_sp_writeback
    str     lr, [sp, #-8]!
    ldr     pc, [sp], #8
    .size row_sp_writeback, . - row_sp_writeback

@ SP_ADD with a register holding a constant: frame 8 + 600
FUNC row_sp_add_register
    push    {r4, lr}
    movw    r4, #600
    sub     sp, sp, r4
    add     sp, sp, r4
    pop     {r4, pc}
    .size row_sp_add_register, . - row_sp_add_register

@ SP_ADD by an amount the walk cannot know: unknown
FUNC row_sp_add_unknown
    push    {r4, lr}
    sub     sp, sp, r0
    pop     {r4, pc}
    .size row_sp_add_unknown, . - row_sp_add_unknown

@ SP_MOVE: restored from a frame pointer: frame 12 + 64, the call at 76
FUNC row_fp_restore
    push    {r4, r7, lr}
    add     r7, sp, #4
    sub     sp, #64
    bl      leaf
    subs    r1, r7, #4
    mov     sp, r1
    pop     {r4, r7, pc}
    .size row_fp_restore, . - row_fp_restore

@ SP_MOVE: to a static stack and back; the call runs there
FUNC row_static_stack
    push    {r4, lr}
    mov     r4, sp
    ldr     r0, =big_stack + 2048
    mov     sp, r0
    sub     sp, #24
    bl      leaf2
    add     sp, #24
    mov     sp, r4
    pop     {r4, pc}
    .ltorg
    .size row_static_stack, . - row_static_stack

@ SP_LOAD: unknown
FUNC row_sp_load
    ldr     sp, [r0]
    bx      lr
    .size row_sp_load, . - row_sp_load

@ MSR_SP: unknown outside the runtime's context switch
FUNC row_msr_msp
    msr     msp, r0
    bx      lr
    .size row_msr_msp, . - row_msr_msp

@ MSR_CONTROL: unknown
FUNC row_msr_control
    msr     control, r0
    bx      lr
    .size row_msr_control, . - row_msr_control

@ TRAP: udf ends its path; the other path returns
FUNC row_udf
    cmp     r0, #0
    bne     1f
    udf     #0
1:  bx      lr
    .size row_udf, . - row_udf

@ a call to a function that never returns ends the path
FUNC row_noreturn_call
    push    {lr}
    bl      spin
    .size row_noreturn_call, . - row_noreturn_call

@ a call to a function that returns, then the end of the function: unknown
FUNC row_runs_off
    push    {lr}
    bl      leaf
    .size row_runs_off, . - row_runs_off

FUNC row_after_runs_off
    bx      lr
    .size row_after_runs_off, . - row_after_runs_off

@ returning with a word still pushed: unknown
FUNC row_return_with_frame
    push    {r4}
    bx      lr
    .size row_return_with_frame, . - row_return_with_frame

@ UNKNOWN_PC: ldrd r2, pc, [r0], #8 (UNPREDICTABLE; no compiler writes it)
FUNC row_unknown_pc
    .inst.w 0xe8f02f02
    bx      lr
    .size row_unknown_pc, . - row_unknown_pc

    .section .rodata
    .p2align 2
    .global rom_table
    .type rom_table, %object
rom_table:
    .word   leaf, leaf2
    .size rom_table, . - rom_table

    .data
    .p2align 2
    .global ram_table
    .type ram_table, %object
ram_table:
    .word   leaf, leaf
    .size ram_table, . - ram_table

    .bss
    .p2align 10
    .global big_stack
    .type big_stack, %object
big_stack:
    .space  2048
    .size big_stack, . - big_stack
