/* STM32F4 USART (NUCLEO-F4 USART2 on the ST-LINK VCP; netduinoplus2 USART1).
 * Uses the reset clock (HSI 16 MHz) and never waits on RCC flags: QEMU's
 * STM32F405 has no clock controller, and the same image must run there. */
#include <stdint.h>

#include "mcusplit_internal.h"

#define USART ((volatile uint32_t *)MCUSPLIT_CONSOLE_BASE)
#define SR 0             /* bit 7: TXE */
#define DR 1
#define BRR 2
#define CR1 3            /* bit 13: UE, bit 3: TE */

void mcusplit_console_init(void)
{
    USART[BRR] = (MCUSPLIT_CONSOLE_CLOCK + MCUSPLIT_CONSOLE_BAUD / 2) / MCUSPLIT_CONSOLE_BAUD;
    USART[CR1] = (1u << 13) | (1u << 3);
}

void mcusplit_console_tx(uint8_t byte)
{
    /* Bounded: a USART whose clock is off must not hang the report forever. */
    for (uint32_t spins = 0; !(USART[SR] & (1u << 7)) && spins < 100000u; spins++) {
    }
    USART[DR] = byte;
}
