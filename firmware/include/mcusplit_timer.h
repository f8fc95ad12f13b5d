/*
 * The board's second interrupt timer, besides SysTick: `[timer]` in the board file, one driver
 * in firmware/core/timer/. Its interrupt is the vector `Timer_IRQHandler`: define that function
 * (split-stack code is fine: the prologue checks the stack the handler runs on). Boards without
 * a [timer] get a stub: mcusplit_timer_start() returns 0 and the rest does nothing.
 */
#ifndef MCUSPLIT_TIMER_H
#define MCUSPLIT_TIMER_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The counter's input clock as the board file gives it (clock_hz); 0: the board has no timer. */
uint32_t mcusplit_timer_clock_hz(void);

/* Interrupt every period_ticks (>= 2) at NVIC priority `priority` (the 8-bit field: 0x00 is the
 * most urgent; a core keeps its top 2..4 bits). Returns 1, or 0 when the board has no timer. */
int mcusplit_timer_start(uint32_t period_ticks, uint32_t priority);

/* The following intervals last period_ticks; the one running may end with the old period. */
void mcusplit_timer_set_period(uint32_t period_ticks);

/* Clears the timer's interrupt flag: call it in Timer_IRQHandler. */
void mcusplit_timer_ack(void);

/* Stops the timer and disables its interrupt. */
void mcusplit_timer_stop(void);

/* The timer's interrupt handler (weak default: Default_Handler, which reports it and stops). */
void Timer_IRQHandler(void);

#ifdef __cplusplus
}
#endif

#endif /* MCUSPLIT_TIMER_H */
