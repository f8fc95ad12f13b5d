/*
 * ARM CMSDK APB timer (MPS2 TIMER0; the IoTKit's on AN505): a 32-bit down-counter that interrupts
 * when it reaches 0 and reloads from RELOAD. QEMU: hw/timer/cmsdk-apb-timer.c.
 */
#include "timer_common.h"

#define CTRL      REG(0x00)             /* bit 0 enable, bit 3 interrupt enable */
#define VALUE     REG(0x04)
#define RELOAD    REG(0x08)
#define INTCLEAR  REG(0x0C)             /* write 1: clear (reads: INTSTATUS) */

int mcusplit_timer_start(uint32_t period_ticks, uint32_t priority)
{
    mcusplit_timer_board_init();
    CTRL = 0;
    RELOAD = period_ticks;
    VALUE = period_ticks;
    INTCLEAR = 1;
    mcusplit_timer_irq_enable(priority);
    CTRL = 1u | 8u;
    return 1;
}

void mcusplit_timer_set_period(uint32_t period_ticks)
{
    RELOAD = period_ticks;              /* used at the next reload */
}

void mcusplit_timer_ack(void)
{
    INTCLEAR = 1;
    (void)INTCLEAR;                     /* the write must land before the handler returns */
}

void mcusplit_timer_stop(void)
{
    CTRL = 0;
    INTCLEAR = 1;
    mcusplit_timer_irq_disable();
}
