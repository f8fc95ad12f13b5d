/*
 * STM32 general-purpose timer (TIM2 on the F4: 32 bits) counting up to ARR, update interrupt.
 *
 * QEMU 7.2's model (hw/timer/stm32f2xx_timer.c) is not the silicon: it counts at its
 * clock-frequency property (1 GHz unless the SoC sets another) from reset, places the next
 * alarm at now + ARR + its tick offset, and a write to CNT, PSC or EGR.UG moves that offset to
 * the current time, so every later interval would grow by the time elapsed since reset. This
 * driver therefore writes only ARR, DIER, SR and CR1, which gives exact periods on both: on
 * silicon ARR is preloaded (ARPE) so a new period starts at the next update event and the
 * counter never has to pass a smaller ARR; QEMU applies a new ARR at once.
 */
#include "timer_common.h"

#define CR1   REG(0x00)                 /* bit 0 CEN, bit 7 ARPE */
#define DIER  REG(0x0C)                 /* bit 0 UIE */
#define SR    REG(0x10)                 /* bit 0 UIF, rc_w0 */
#define ARR   REG(0x2C)

int mcusplit_timer_start(uint32_t period_ticks, uint32_t priority)
{
    mcusplit_timer_board_init();        /* RCC APB1ENR: the timer's clock */
    CR1 = 0;                            /* ARPE off: the first ARR is used as is */
    ARR = period_ticks - 1u;            /* counts 0..ARR: period = ARR + 1 */
    SR = 0;
    DIER = 1;
    mcusplit_timer_irq_enable(priority);
    CR1 = 0x80u | 1u;
    return 1;
}

void mcusplit_timer_set_period(uint32_t period_ticks)
{
    ARR = period_ticks - 1u;
}

void mcusplit_timer_ack(void)
{
    SR = ~1u;
    (void)SR;                           /* the write must land before the handler returns */
}

void mcusplit_timer_stop(void)
{
    DIER = 0;
    CR1 = 0;
    SR = 0;
    mcusplit_timer_irq_disable();
}
