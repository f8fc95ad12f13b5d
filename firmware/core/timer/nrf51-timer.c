/*
 * nRF51 TIMER: 32-bit timer mode, PRESCALER 0 (16 MHz), compare 0 clears the counter (SHORTS)
 * and interrupts. QEMU: hw/timer/nrf51_timer.c.
 */
#include "timer_common.h"

#define TASKS_START        REG(0x000)
#define TASKS_STOP         REG(0x004)
#define TASKS_CLEAR        REG(0x00C)
#define TASKS_CAPTURE1     REG(0x044)
#define EVENTS_COMPARE0    REG(0x140)
#define SHORTS             REG(0x200)   /* bit 0: COMPARE0 -> CLEAR */
#define INTENSET           REG(0x304)   /* bit 16: COMPARE0 */
#define INTENCLR           REG(0x308)
#define MODE               REG(0x504)
#define BITMODE            REG(0x508)
#define PRESCALER          REG(0x510)
#define CC0                REG(0x540)
#define CC1                REG(0x544)

int mcusplit_timer_start(uint32_t period_ticks, uint32_t priority)
{
    mcusplit_timer_board_init();
    TASKS_STOP = 1;
    MODE = 0;
    BITMODE = 3;
    PRESCALER = 0;
    CC0 = period_ticks;
    SHORTS = 1;
    EVENTS_COMPARE0 = 0;
    INTENSET = 1u << 16;
    TASKS_CLEAR = 1;
    mcusplit_timer_irq_enable(priority);
    TASKS_START = 1;
    return 1;
}

void mcusplit_timer_set_period(uint32_t period_ticks)
{
    CC0 = period_ticks;
    TASKS_CAPTURE1 = 1;                 /* the counter, into CC1 */
    if (CC1 >= period_ticks)            /* already past the new compare: start the interval now */
        TASKS_CLEAR = 1;
}

void mcusplit_timer_ack(void)
{
    EVENTS_COMPARE0 = 0;
    (void)EVENTS_COMPARE0;              /* the write must land before the handler returns */
}

void mcusplit_timer_stop(void)
{
    TASKS_STOP = 1;
    INTENCLR = 1u << 16;
    EVENTS_COMPARE0 = 0;
    mcusplit_timer_irq_disable();
}
