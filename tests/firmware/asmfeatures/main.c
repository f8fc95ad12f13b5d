/*
 * Hand-written assembly for the analyzer's stack walker: each function uses one idiom and has a
 * known frame (the numbers in the comments are what tests/test_analyzer.py expects). Not meant to
 * run: main calls them only when `never` is set.
 */
#include <stdint.h>

#include "mcusplit.h"

volatile int never;

__attribute__((noinline, no_split_stack)) uint32_t leaf_helper(uint32_t x) { return x * 3u + 1u; }

#if __ARM_ARCH_ISA_THUMB >= 2

/* frame 76; call at 76; sp restored from the frame pointer */
__attribute__((naked)) uint32_t fp_frame(uint32_t x)
{
    __asm__ volatile("push {r4, r7, lr}\n\t"
                     "add r7, sp, #4\n\t"
                     "sub sp, #64\n\t"
                     "bl leaf_helper\n\t"
                     "subs r1, r7, #4\n\t"
                     "mov sp, r1\n\t"
                     "pop {r4, r7, pc}\n\t");
}

/* a tbb jump table: frames 4+8, 4+32, 4+128: frame 132 */
__attribute__((naked)) uint32_t switch_table(uint32_t x)
{
    __asm__ volatile("push {lr}\n\t"
                     "cmp r0, #2\n\t"
                     "bhi 9f\n\t"
                     "tbb [pc, r0]\n"
                     "1:\n\t"
                     ".byte (2f - 1b) / 2, (3f - 1b) / 2, (4f - 1b) / 2, 0\n\t"
                     ".p2align 1\n"
                     "2:\n\t"
                     "sub sp, #8\n\t"
                     "bl leaf_helper\n\t"
                     "add sp, #8\n\t"
                     "pop {pc}\n"
                     "3:\n\t"
                     "sub sp, #32\n\t"
                     "bl leaf_helper\n\t"
                     "add sp, #32\n\t"
                     "pop {pc}\n"
                     "4:\n\t"
                     "sub sp, #128\n\t"
                     "bl leaf_helper\n\t"
                     "add sp, #128\n\t"
                     "pop {pc}\n"
                     "9:\n\t"
                     "pop {pc}\n\t");
}

/* an early return inside an IT block, then frame 8+16 = 24 */
__attribute__((naked)) uint32_t cond_return(uint32_t x)
{
    __asm__ volatile("push {r4, lr}\n\t"
                     "cmp r0, #0\n\t"
                     "it eq\n\t"
                     "popeq {r4, pc}\n\t"
                     "sub sp, #16\n\t"
                     "bl leaf_helper\n\t"
                     "add sp, #16\n\t"
                     "pop {r4, pc}\n\t");
}

/* what a long-branch veneer (lld thunk) does on Thumb-2: a tail call through ip */
__attribute__((naked)) uint32_t veneer_like(uint32_t x)
{
    __asm__ volatile("movw ip, #:lower16:leaf_helper\n\t"
                     "movt ip, #:upper16:leaf_helper\n\t"
                     "bx ip\n\t");
}

/* moves sp somewhere the walker cannot know */
__attribute__((naked)) void weird_sp(uint32_t x)
{
    __asm__ volatile("push {r4, lr}\n\t"
                     "mov sp, r0\n\t"
                     "pop {r4, pc}\n\t");
}

#else

/* Thumb-1: a frame too big for `sub sp, #imm`, made with a literal: frame 8+600 */
__attribute__((naked)) uint32_t fp_frame(uint32_t x)
{
    __asm__ volatile("push {r4, lr}\n\t"
                     "ldr r4, =-600\n\t"
                     "add sp, r4\n\t"
                     "bl leaf_helper\n\t"
                     "ldr r4, =600\n\t"
                     "add sp, r4\n\t"
                     "pop {r4, pc}\n\t"
                     ".ltorg\n\t");
}

#endif

/* a tail call through a register loaded with a constant */
__attribute__((naked)) uint32_t const_tail(uint32_t x)
{
    __asm__ volatile("ldr r1, =leaf_helper\n\t"
                     "bx r1\n\t"
                     ".ltorg\n\t");
}

/* an indirect call nothing can resolve: reported with its source line */
__attribute__((noinline)) uint32_t call_through(uint32_t (*fn)(uint32_t), uint32_t x)
{
    return fn(x) + 1u;
}

int main(void)
{
    if (never) {
        uint32_t r = fp_frame(1) + const_tail(2) + call_through(leaf_helper, 3);
#if __ARM_ARCH_ISA_THUMB >= 2
        r += switch_table(1) + cond_return(0) + veneer_like(4);
        weird_sp(r);
#endif
        return (int)r;
    }
    return 0;
}
