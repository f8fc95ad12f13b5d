#include "hal.h"

#include <stdarg.h>
#include <stdio.h>

static volatile uint32_t led_register;      /* stands in for a GPIO output data register */
static uint32_t crc_table[256];

void hal_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
    led_register = 0;
}

void hal_led_set(unsigned led, int on)
{
    if (on)
        led_register |= 1u << led;
    else
        led_register &= ~(1u << led);
}

uint32_t hal_led_state(void)
{
    return led_register;
}

/* Variadic: built without a check (LLVM cannot split varargs); it only forwards to vprintf. */
void hal_log(const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("[%s] ", tag);
    vprintf(fmt, ap);
    va_end(ap);
}

uint32_t hal_crc32(const void *data, unsigned len)
{
    const uint8_t *p = data;
    uint32_t c = 0xFFFFFFFFu;
    while (len--)
        c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}
