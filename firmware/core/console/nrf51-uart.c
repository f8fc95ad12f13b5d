/* nRF51 UART (micro:bit v1). TX pin 24 is the micro:bit's USB interface chip. */
#include <stdint.h>

#include "mcusplit_internal.h"

#define REG(off) (*(volatile uint32_t *)(MCUSPLIT_CONSOLE_BASE + (off)))
#define TASKS_STARTTX   REG(0x008)
#define EVENTS_TXDRDY   REG(0x11C)
#define ENABLE          REG(0x500)
#define PSELTXD         REG(0x50C)
#define TXD             REG(0x51C)
#define BAUDRATE        REG(0x524)

void mcusplit_console_init(void)
{
    PSELTXD = 24u;
    BAUDRATE = 0x01D7E000u;       /* 115200 */
    ENABLE = 4u;
    TASKS_STARTTX = 1u;
}

void mcusplit_console_tx(uint8_t byte)
{
    EVENTS_TXDRDY = 0u;
    TXD = byte;
    for (uint32_t spins = 0; !EVENTS_TXDRDY && spins < 100000u; spins++) {
    }
}
