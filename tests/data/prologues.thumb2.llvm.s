	.syntax	unified
	.eabi_attribute	67, "2.09"	@ Tag_conformance
	.cpu	cortex-m4
	.eabi_attribute	6, 13	@ Tag_CPU_arch
	.eabi_attribute	7, 77	@ Tag_CPU_arch_profile
	.eabi_attribute	8, 0	@ Tag_ARM_ISA_use
	.eabi_attribute	9, 2	@ Tag_THUMB_ISA_use
	.fpu	fpv4-sp-d16
	.eabi_attribute	27, 1	@ Tag_ABI_HardFP_use
	.eabi_attribute	36, 1	@ Tag_FP_HP_extension
	.eabi_attribute	34, 1	@ Tag_CPU_unaligned_access
	.eabi_attribute	17, 1	@ Tag_ABI_PCS_GOT_use
	.eabi_attribute	20, 1	@ Tag_ABI_FP_denormal
	.eabi_attribute	21, 0	@ Tag_ABI_FP_exceptions
	.eabi_attribute	23, 3	@ Tag_ABI_FP_number_model
	.eabi_attribute	24, 1	@ Tag_ABI_align_needed
	.eabi_attribute	25, 1	@ Tag_ABI_align_preserved
	.eabi_attribute	28, 1	@ Tag_ABI_VFP_args
	.eabi_attribute	38, 1	@ Tag_ABI_FP_16bit_format
	.eabi_attribute	18, 4	@ Tag_ABI_PCS_wchar_t
	.eabi_attribute	26, 2	@ Tag_ABI_enum_size
	.eabi_attribute	14, 0	@ Tag_ABI_PCS_R9_use
	.file	"prologues.c"
	.text
	.globl	small                           @ -- Begin function small
	.p2align	2
	.type	small,%function
	.code	16
	.thumb_func
small:                                  @ @small
	.fnstart
@ %bb.0:
	push	{r4, r5}
	mrc	p15, #0, r4, c13, c0, #3
	ldr	r4, [r4, #4]
	mov	r5, sp
	cmp	r4, r5
	bls	.LBB0_2
@ %bb.1:
	mov	r4, #24
	mov	r5, #0
	push	{lr}
	bl	__morestack
	ldr	lr, [sp], #4
	pop	{r4, r5}
	bx	lr
.LBB0_2:
	pop	{r4, r5}
	.save	{r7, lr}
	push	{r7, lr}
	.pad	#16
	sub	sp, #16
	and	r1, r0, #3
	mov	r0, sp
	movs	r2, #1
	str.w	r2, [r0, r1, lsl #2]
	bl	g
	adds	r0, #1
	add	sp, #16
	pop	{r7, pc}
.Lfunc_end0:
	.size	small, .Lfunc_end0-small
	.cantunwind
	.fnend
                                        @ -- End function
	.globl	large                           @ -- Begin function large
	.p2align	2
	.type	large,%function
	.code	16
	.thumb_func
large:                                  @ @large
	.fnstart
@ %bb.0:
	push	{r4, r5}
	mov	r5, sp
	movw	r4, #288
	sub	r5, r5, r4
	mrc	p15, #0, r4, c13, c0, #3
	ldr	r4, [r4, #4]
	cmp	r4, r5
	bls	.LBB1_2
@ %bb.1:
	movw	r4, #288
	mov	r5, #0
	push	{lr}
	bl	__morestack
	ldr	lr, [sp], #4
	pop	{r4, r5}
	bx	lr
.LBB1_2:
	pop	{r4, r5}
	.save	{r7, lr}
	push	{r7, lr}
	.pad	#280
	sub	sp, #280
	mov	r2, sp
	str.w	r1, [r2, r0, lsl #2]
	mov	r0, r2
	bl	g
	add	sp, #280
	pop	{r7, pc}
.Lfunc_end1:
	.size	large, .Lfunc_end1-large
	.cantunwind
	.fnend
                                        @ -- End function
	.globl	stack_args                      @ -- Begin function stack_args
	.p2align	2
	.type	stack_args,%function
	.code	16
	.thumb_func
stack_args:                             @ @stack_args
	.fnstart
@ %bb.0:
	push	{r4, r5}
	mrc	p15, #0, r4, c13, c0, #3
	ldr	r4, [r4, #4]
	mov	r5, sp
	cmp	r4, r5
	bls	.LBB2_2
@ %bb.1:
	mov	r4, #24
	mov	r5, #8
	push	{lr}
	bl	__morestack
	ldr	lr, [sp], #4
	pop	{r4, r5}
	bx	lr
.LBB2_2:
	pop	{r4, r5}
	.save	{r7, lr}
	push	{r7, lr}
	.pad	#16
	sub	sp, #16
	ldrd	r1, r2, [sp, #24]
	add	r1, r2
	and	r2, r0, #3
	mov	r0, sp
	str.w	r1, [r0, r2, lsl #2]
	bl	g
	add	sp, #16
	pop	{r7, pc}
.Lfunc_end2:
	.size	stack_args, .Lfunc_end2-stack_args
	.cantunwind
	.fnend
                                        @ -- End function
	.globl	leaf                            @ -- Begin function leaf
	.p2align	2
	.type	leaf,%function
	.code	16
	.thumb_func
leaf:                                   @ @leaf
	.fnstart
@ %bb.0:
	add.w	r0, r0, r0, lsl #1
	bx	lr
.Lfunc_end3:
	.size	leaf, .Lfunc_end3-leaf
	.cantunwind
	.fnend
                                        @ -- End function
	.globl	not_split                       @ -- Begin function not_split
	.p2align	2
	.type	not_split,%function
	.code	16
	.thumb_func
not_split:                              @ @not_split
	.fnstart
@ %bb.0:
	.save	{r7, lr}
	push	{r7, lr}
	.pad	#16
	sub	sp, #16
	and	r1, r0, #3
	mov	r0, sp
	movs	r2, #1
	str.w	r2, [r0, r1, lsl #2]
	bl	g
	add	sp, #16
	pop	{r7, pc}
.Lfunc_end4:
	.size	not_split, .Lfunc_end4-not_split
	.cantunwind
	.fnend
                                        @ -- End function
	.ident	"clang version 22.1.8"
	.section	".note.GNU-split-stack","",%progbits
	.section	".note.GNU-no-split-stack","",%progbits
	.section	".note.GNU-stack","",%progbits
	.addrsig
	.eabi_attribute	30, 1	@ Tag_ABI_optimization_goals
