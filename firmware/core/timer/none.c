/* The board has no [timer]: starting one reports 0, the rest does nothing. */
#include "mcusplit_timer.h"

uint32_t mcusplit_timer_clock_hz(void)
{
    return 0;
}

int mcusplit_timer_start(uint32_t period_ticks, uint32_t priority)
{
    (void)period_ticks;
    (void)priority;
    return 0;
}

void mcusplit_timer_set_period(uint32_t period_ticks)
{
    (void)period_ticks;
}

void mcusplit_timer_ack(void) {}

void mcusplit_timer_stop(void) {}
