/* A small HAL: what a vendor's driver layer looks like to an application (here over the runtime's
 * console and a few registers kept in RAM, so it runs on every board mcusplit emulates). */
#ifndef HAL_H
#define HAL_H

#include <stdint.h>

void hal_init(void);
void hal_led_set(unsigned led, int on);
uint32_t hal_led_state(void);
void hal_log(const char *tag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint32_t hal_crc32(const void *data, unsigned len);
uint32_t hal_mix(uint32_t a, uint32_t b);          /* hal_asm.S */

#endif
