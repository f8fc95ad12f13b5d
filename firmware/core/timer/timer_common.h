/* Shared by the timer drivers: the NVIC side of the board's timer interrupt (MCUSPLIT_TIMER_IRQ). */
#ifndef MCUSPLIT_TIMER_COMMON_H
#define MCUSPLIT_TIMER_COMMON_H

#include <stdint.h>

#include "mcusplit_timer.h"

#define REG(offset) (*(volatile uint32_t *)((uintptr_t)MCUSPLIT_TIMER_BASE + (offset)))

#define NVIC_ISER ((volatile uint32_t *)0xE000E100u)
#define NVIC_ICER ((volatile uint32_t *)0xE000E180u)
#define NVIC_ICPR ((volatile uint32_t *)0xE000E280u)
#define NVIC_IPR  ((volatile uint32_t *)0xE000E400u)

void mcusplit_timer_board_init(void);       /* board.c (generated): the [timer] setup writes */

/* Priority first, then enable. IPR is written a word at a time: ARMv6-M has no byte access to it. */
static inline void mcusplit_timer_irq_enable(uint32_t priority)
{
    uint32_t irq = MCUSPLIT_TIMER_IRQ;
    uint32_t shift = (irq & 3u) * 8u;
    NVIC_IPR[irq >> 2] = (NVIC_IPR[irq >> 2] & ~(0xFFu << shift)) | ((priority & 0xFFu) << shift);
    NVIC_ICPR[irq >> 5] = 1u << (irq & 31u);
    NVIC_ISER[irq >> 5] = 1u << (irq & 31u);
}

static inline void mcusplit_timer_irq_disable(void)
{
    NVIC_ICER[MCUSPLIT_TIMER_IRQ >> 5] = 1u << (MCUSPLIT_TIMER_IRQ & 31u);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    NVIC_ICPR[MCUSPLIT_TIMER_IRQ >> 5] = 1u << (MCUSPLIT_TIMER_IRQ & 31u);
}

/* (Defined here: each build compiles exactly one driver.) */
uint32_t mcusplit_timer_clock_hz(void)
{
    return MCUSPLIT_TIMER_CLOCK;
}

#endif
