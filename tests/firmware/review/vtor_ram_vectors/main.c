#include "mcusplit.h"
#include "mcusplit_timer.h"
#include <stdint.h>
/* CMSIS-style NVIC_SetVector: a RAM copy of the vector table, VTOR pointed at it, a handler
 * installed at run time. The flash vector table never names the handler. */
#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
extern const uint32_t __isr_vector[];
static uint32_t ram_vectors[48] __attribute__((aligned(256)));
static volatile uint32_t ticks, sink;

__attribute__((noinline)) uint32_t deep(uint32_t x) { volatile char b[600]; for (int i = 0; i < 600; i++) b[i] = (char)(x + i); return b[(x * 16) % 592]; }
__attribute__((noinline)) uint32_t deeper(uint32_t x) { volatile char b[600]; for (int i = 0; i < 600; i++) b[i] = (char)(x + i); return b[(x * 16) % 592] + deep(x); }

static void timer_handler(void) { mcusplit_timer_ack(); sink += deeper(ticks++); }

static void set_vector(int irq, void (*handler)(void)) { ram_vectors[16 + irq] = (uint32_t)handler; }

int main(void)
{
    for (int i = 0; i < 48; i++) ram_vectors[i] = __isr_vector[i];
    SCB_VTOR = (uint32_t)ram_vectors;
    set_vector(8, timer_handler);
    mcusplit_timer_start(2000, 0x40);
    while (ticks < 20) { }
    mcusplit_timer_stop();
    mcusplit_printf("ticks %u\n", (unsigned)ticks);
    return 0;
}
