#include "mcusplit.h"
#include "mcusplit_timer.h"
#include <stdint.h>
/* One interrupt function serving two vectors (a dispatcher reading IPSR): the timer IRQ at a low
 * priority and SysTick at a high one, so SysTick preempts the function while the timer runs it. */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SHPR3    (*(volatile uint32_t *)0xE000ED20u)
static volatile uint32_t systicks, timer_runs, sink;

__attribute__((noinline)) uint32_t deep(uint32_t x) { volatile char b[600]; for (int i = 0; i < 600; i += 8) b[i] = (char)(x + i); return b[(x * 8) % 600]; }
__attribute__((noinline)) uint32_t deep_wait(uint32_t x) {
    volatile char b[600]; for (int i = 0; i < 600; i += 8) b[i] = (char)(x + i);
    uint32_t seen = systicks;
    while (systicks == seen) { }          /* SysTick preempts right here */
    return b[(x * 8) % 600];
}
__attribute__((noinline)) uint32_t deep2(uint32_t x) { volatile char b[600]; for (int i = 0; i < 600; i += 8) b[i] = (char)(x + i); return b[(x * 8) % 600] + deep(x); }

void shared_irq(void) {
    uint32_t ipsr;
    __asm volatile("mrs %0, ipsr" : "=r"(ipsr));
    if (ipsr == 15) { systicks++; sink += deep2(systicks); }
    else { mcusplit_timer_ack(); timer_runs++; sink += deep_wait(timer_runs); }
}
void SysTick_Handler(void) __attribute__((alias("shared_irq")));
void Timer_IRQHandler(void) __attribute__((alias("shared_irq")));

int main(void)
{
    SHPR3 = (SHPR3 & 0x00FFFFFFu) | (0x00u << 24);     /* SysTick: most urgent */
    SYST_RVR = 50000; SYST_CVR = 0; SYST_CSR = 7;
    mcusplit_timer_start(200000, 0xC0);                 /* timer: least urgent */
    while (timer_runs < 3) { }
    mcusplit_timer_stop(); SYST_CSR = 0;
    mcusplit_printf("runs %u\n", (unsigned)timer_runs);
    return 0;
}
