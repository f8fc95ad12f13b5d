	.syntax	unified
	.eabi_attribute	67, "2.09"	@ Tag_conformance
	.cpu	cortex-m0
	.eabi_attribute	6, 12	@ Tag_CPU_arch
	.eabi_attribute	7, 77	@ Tag_CPU_arch_profile
	.eabi_attribute	8, 0	@ Tag_ARM_ISA_use
	.eabi_attribute	9, 1	@ Tag_THUMB_ISA_use
	.eabi_attribute	34, 0	@ Tag_CPU_unaligned_access
	.eabi_attribute	17, 1	@ Tag_ABI_PCS_GOT_use
	.eabi_attribute	20, 1	@ Tag_ABI_FP_denormal
	.eabi_attribute	21, 0	@ Tag_ABI_FP_exceptions
	.eabi_attribute	23, 3	@ Tag_ABI_FP_number_model
	.eabi_attribute	24, 1	@ Tag_ABI_align_needed
	.eabi_attribute	25, 1	@ Tag_ABI_align_preserved
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
	mov	r5, sp
	ldr	r4, .LCPI0_0
	ldr	r4, [r4]
	cmp	r4, r5
	bls	.LBB0_2
@ %bb.1:
	mov	r4, #24
	mov	r5, #0
	push	{lr}
	bl	__morestack
	pop	{r4}
	mov	lr, r4
	pop	{r4, r5}
	bx	lr
.LBB0_2:
	pop	{r4, r5}
	.save	{r7, lr}
	push	{r7, lr}
	.pad	#16
	sub	sp, #16
	lsls	r0, r0, #30
	lsrs	r1, r0, #28
	mov	r0, sp
	movs	r2, #1
	str	r2, [r0, r1]
	bl	g
	adds	r0, r0, #1
	add	sp, #16
	pop	{r7, pc}
	.p2align	2
@ %bb.3:
.LCPI0_0:
	.long	__STACK_LIMIT
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
	ldr	r4, .LCPI1_0
	sub	r5, r5, r4
	ldr	r4, .LCPI1_1
	ldr	r4, [r4]
	cmp	r4, r5
	bls	.LBB1_2
@ %bb.1:
	ldr	r4, .LCPI1_0
	mov	r5, #0
	push	{lr}
	bl	__morestack
	pop	{r4}
	mov	lr, r4
	pop	{r4, r5}
	bx	lr
.LBB1_2:
	pop	{r4, r5}
	.save	{r7, lr}
	push	{r7, lr}
	.pad	#280
	sub	sp, #280
	lsls	r2, r0, #2
	mov	r0, sp
	str	r1, [r0, r2]
	bl	g
	add	sp, #280
	pop	{r7, pc}
	.p2align	2
@ %bb.3:
.LCPI1_0:
	.long	288                             @ 0x120
.LCPI1_1:
	.long	__STACK_LIMIT
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
	mov	r5, sp
	ldr	r4, .LCPI2_0
	ldr	r4, [r4]
	cmp	r4, r5
	bls	.LBB2_2
@ %bb.1:
	mov	r4, #24
	mov	r5, #8
	push	{lr}
	bl	__morestack
	pop	{r4}
	mov	lr, r4
	pop	{r4, r5}
	bx	lr
.LBB2_2:
	pop	{r4, r5}
	.save	{r7, lr}
	push	{r7, lr}
	.pad	#16
	sub	sp, #16
	ldr	r1, [sp, #24]
	ldr	r2, [sp, #28]
	adds	r1, r2, r1
	lsls	r0, r0, #30
	lsrs	r2, r0, #28
	mov	r0, sp
	str	r1, [r0, r2]
	bl	g
	add	sp, #16
	pop	{r7, pc}
	.p2align	2
@ %bb.3:
.LCPI2_0:
	.long	__STACK_LIMIT
.Lfunc_end2:
	.size	stack_args, .Lfunc_end2-stack_args
	.cantunwind
	.fnend
                                        @ -- End function
	.globl	leaf                            @ -- Begin function leaf
	.p2align	1
	.type	leaf,%function
	.code	16
	.thumb_func
leaf:                                   @ @leaf
	.fnstart
@ %bb.0:
	movs	r1, #3
	muls	r0, r1, r0
	bx	lr
.Lfunc_end3:
	.size	leaf, .Lfunc_end3-leaf
	.cantunwind
	.fnend
                                        @ -- End function
	.globl	not_split                       @ -- Begin function not_split
	.p2align	1
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
	lsls	r0, r0, #30
	lsrs	r1, r0, #28
	mov	r0, sp
	movs	r2, #1
	str	r2, [r0, r1]
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
