/* TI Stellaris UART (LM3S6965 UART0, a PL011). */
#include <stdint.h>

#include "mcusplit_internal.h"

#define REG(off) (*(volatile uint32_t *)(MCUSPLIT_CONSOLE_BASE + (off)))
#define DR   REG(0x000)
#define FR   REG(0x018)      /* bit 5: TXFF */
#define IBRD REG(0x024)
#define FBRD REG(0x028)
#define LCRH REG(0x02C)
#define CTL  REG(0x030)      /* bit 0: UARTEN, bit 8: TXE */

void mcusplit_console_init(void)
{
    uint32_t div64 = (MCUSPLIT_CONSOLE_CLOCK * 4u + MCUSPLIT_CONSOLE_BAUD / 2u) / MCUSPLIT_CONSOLE_BAUD;
    CTL = 0u;
    IBRD = div64 >> 6;
    FBRD = div64 & 63u;
    LCRH = 3u << 5;          /* 8 data bits */
    CTL = (1u << 0) | (1u << 8);
}

void mcusplit_console_tx(uint8_t byte)
{
    while (FR & (1u << 5)) {
    }
    DR = byte;
}
