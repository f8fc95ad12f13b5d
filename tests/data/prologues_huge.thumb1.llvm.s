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
	.file	"prologues_huge.c"
	.text
	.globl	huge                            @ -- Begin function huge
	.p2align	2
	.type	huge,%function
	.code	16
	.thumb_func
huge:                                   @ @huge
	.fnstart
@ %bb.0:
	push	{r4, r5}
	mov	r5, sp
	ldr	r4, .LCPI0_2
	sub	r5, r5, r4
	ldr	r4, .LCPI0_3
	ldr	r4, [r4]
	cmp	r4, r5
	bls	.LBB0_2
@ %bb.1:
	ldr	r4, .LCPI0_2
	mov	r5, #0
	push	{lr}
	bl	__morestack
	pop	{r4}
	mov	lr, r4
	pop	{r4, r5}
	bx	lr
.LBB0_2:
	pop	{r4, r5}
	.save	{r4, r5, r6, lr}
	push	{r4, r5, r6, lr}
	ldr	r6, .LCPI0_0
	.pad	#120000
	add	sp, r6
	lsls	r2, r0, #2
	mov	r0, sp
	str	r1, [r0, r2]
	bl	g
	ldr	r6, .LCPI0_1
	add	sp, r6
	pop	{r4, r5, r6, pc}
	.p2align	2
@ %bb.3:
.LCPI0_0:
	.long	4294847296                      @ 0xfffe2b40
.LCPI0_1:
	.long	120000                          @ 0x1d4c0
.LCPI0_2:
	.long	120832                          @ 0x1d800
.LCPI0_3:
	.long	__STACK_LIMIT
.Lfunc_end0:
	.size	huge, .Lfunc_end0-huge
	.cantunwind
	.fnend
                                        @ -- End function
	.ident	"clang version 22.1.8"
	.section	".note.GNU-split-stack","",%progbits
	.section	".note.GNU-stack","",%progbits
	.addrsig
	.eabi_attribute	30, 1	@ Tag_ABI_optimization_goals
