/*
 * The reserve must hold an unchecked leaf plus an interrupt arriving at the leaf's deepest point.
 *
 * After a fixed descent, `pad8` .. `pad248` (no check, constant frames 8 bytes apart) call `checked`
 * at every room around its threshold, so one of them enters it with just its threshold: `checked` then calls
 * `tiny` and `leaf` (whose checks were elided) with only the reserve left. At its deepest point `leaf` pends PendSV,
 * so the exception frame lands right there, and PendSV_Handler's own check sends it to a new
 * segment through __morestack, which pushes on the old stack first. All of that must fit; the
 * runtime's canary at the bottom of every stack says whether it did (exit 102 if not; a run whose
 * stack went past RAM ends in a fault, 101, or a lockup, 103).
 */
#include <stdint.h>

#include "mcusplit.h"

#define ICSR (*(volatile uint32_t *)0xE000ED04u)

#ifndef DESCENT
#define DESCENT 440             /* bytes before the sweep; tests/test_elision.py varies it */
#endif
#define PENDSVSET (1u << 28)

volatile uint32_t sink;
volatile uint32_t interrupts;

__attribute__((noinline)) uint32_t leaf(uint32_t x)
{
    volatile uint32_t scratch[4];            /* 16-32 bytes of frame: under the leaf allowance */
    scratch[x & 3] = x;
#if defined(__ARM_FP)
    /* Use the FPU, so that the interrupt below stacks the 104-byte frame with FP state. */
    volatile float f = (float)scratch[x & 3];
    f = f * 1.5f;
    scratch[(x + 2) & 3] = (uint32_t)f;
#endif
    ICSR = PENDSVSET;                        /* the interrupt arrives at the leaf's deepest point */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    return scratch[(x + 1) & 3] + x;
}

/* Not a leaf, but its whole subtree (itself and `leaf`) fits in the leaf allowance: its check
 * goes after linking, whoever calls it. */
__attribute__((noinline)) uint32_t tiny(uint32_t x)
{
    return leaf(x ^ 1u) + 3u;
}

__attribute__((noinline)) uint32_t checked(uint32_t x)
{
    volatile uint32_t frame[16];
    frame[x & 15] = x;
    uint32_t r = tiny(x);
    return r + frame[(x + 3) & 15];
}

void PendSV_Handler(void)
{
    volatile uint32_t work[20];              /* enough frame to split when the room is short */
    work[interrupts & 15] = interrupts;
    interrupts = interrupts + 1 + work[(interrupts + 1) & 15] * 0;
}

#define PAD(n)                                                                   \
    __attribute__((noinline, no_split_stack)) uint32_t pad##n(uint32_t x)        \
    {                                                                            \
        volatile uint8_t p[n];                                                   \
        __asm__ volatile("" : : "r"(p) : "memory"); /* keep all n bytes */      \
        p[0] = (uint8_t)x;                                                       \
        return checked(x) + p[0];                                                \
    }
PAD(8) PAD(16) PAD(24) PAD(32) PAD(40) PAD(48) PAD(56) PAD(64) PAD(72) PAD(80) PAD(88) PAD(96)
PAD(104) PAD(112) PAD(120) PAD(128) PAD(136) PAD(144) PAD(152) PAD(160) PAD(168) PAD(176) PAD(184)
PAD(192) PAD(200) PAD(208) PAD(216) PAD(224) PAD(232) PAD(240) PAD(248)

/* A fixed descent first, so that the pads' sweep passes `checked`'s threshold. */
__attribute__((noinline, no_split_stack)) uint32_t sweep(void)
{
    volatile uint8_t descent[DESCENT];
    __asm__ volatile("" : : "r"(descent) : "memory");   /* keep all of it: it is the point */
    descent[0] = 1;
    uint32_t r = pad8(1) + pad16(2) + pad24(3) + pad32(4) + pad40(5) + pad48(6) + pad56(7) + pad64(8) +
                 pad72(9) + pad80(10) + pad88(11) + pad96(12) + pad104(13) + pad112(14) + pad120(15) +
                 pad128(16) + pad136(17) + pad144(18) + pad152(19) + pad160(20) + pad168(21) + pad176(22) +
                 pad184(23) + pad192(24) + pad200(25) + pad208(26) + pad216(27) + pad224(28) + pad232(29) +
                 pad240(30) + pad248(31);
    return r + descent[0];
}

int main(void)
{
    sink = sweep();
    mcusplit_printf("leafreserve: interrupts=%u\n", (unsigned)interrupts);
    return interrupts == 31 ? 0 : 1;
}
