/* Console output shared by all UART drivers (they provide mcusplit_console_tx). */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_internal.h"

void mcusplit_putc(char c)
{
    if (c == '\n')
        mcusplit_console_tx('\r');          /* terminals expect CR LF; the host strips CR */
    mcusplit_console_tx((uint8_t)c);
}

void mcusplit_puts(const char *s)
{
    while (*s)
        mcusplit_putc(*s++);
}

void mcusplit_put_u32(uint32_t value)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value);
    while (n)
        mcusplit_putc(digits[--n]);
}

void mcusplit_put_hex(uint32_t value)
{
    mcusplit_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        mcusplit_putc("0123456789abcdef"[(value >> shift) & 0xFu]);
}
