/* ARM CMSDK APB UART (MPS2 boards). QEMU needs CTRL.TX_EN before it prints. */
#include <stdint.h>

#include "mcusplit_internal.h"

#define UART ((volatile uint32_t *)MCUSPLIT_CONSOLE_BASE)
#define DATA 0
#define STATE 1          /* bit 0: TX buffer full */
#define CTRL 2           /* bit 0: TX enable */
#define BAUDDIV 4

void mcusplit_console_init(void)
{
    UART[BAUDDIV] = MCUSPLIT_CONSOLE_CLOCK / MCUSPLIT_CONSOLE_BAUD;
    UART[CTRL] = 1u;
}

void mcusplit_console_tx(uint8_t byte)
{
    while (UART[STATE] & 1u) {
    }
    UART[DATA] = byte;
}
