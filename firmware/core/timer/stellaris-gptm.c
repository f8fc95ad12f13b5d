/*
 * Stellaris general-purpose timer module, timer A as one 32-bit periodic down-counter with the
 * time-out interrupt. QEMU: hw/arm/stellaris.c (gptm); a new interval load is used from the next
 * time-out on.
 */
#include "timer_common.h"

#define CFG    REG(0x00)                /* 0: 32-bit */
#define TAMR   REG(0x04)                /* 2: periodic */
#define CTL    REG(0x0C)                /* bit 0 TAEN */
#define IMR    REG(0x18)                /* bit 0 TATOIM */
#define ICR    REG(0x24)                /* bit 0 TATOCINT */
#define TAILR  REG(0x28)

int mcusplit_timer_start(uint32_t period_ticks, uint32_t priority)
{
    mcusplit_timer_board_init();        /* SYSCTL RCGC1: the timer's clock */
    CTL = 0;
    CFG = 0;
    TAMR = 2;
    TAILR = period_ticks;
    ICR = 1;
    IMR = 1;
    mcusplit_timer_irq_enable(priority);
    CTL = 1;
    return 1;
}

void mcusplit_timer_set_period(uint32_t period_ticks)
{
    TAILR = period_ticks;
}

void mcusplit_timer_ack(void)
{
    ICR = 1;
    (void)ICR;                          /* the write must land before the handler returns */
}

void mcusplit_timer_stop(void)
{
    CTL = 0;
    IMR = 0;
    ICR = 1;
    mcusplit_timer_irq_disable();
}
