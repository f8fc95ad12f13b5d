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
	movw	r4, #55296
	mov	r5, sp
	movt	r4, #1
	sub	r5, r5, r4
	mrc	p15, #0, r4, c13, c0, #3
	ldr	r4, [r4, #4]
	cmp	r4, r5
	bls	.LBB0_2
@ %bb.1:
	movw	r4, #55296
	movt	r4, #1
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
	.pad	#119808
	sub.w	sp, sp, #119808
	.pad	#192
	sub	sp, #192
	mov	r2, sp
	str.w	r1, [r2, r0, lsl #2]
	mov	r0, r2
	bl	g
	add.w	sp, sp, #119808
	add	sp, #192
	pop	{r7, pc}
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
