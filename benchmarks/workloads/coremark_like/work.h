/*
 * coremark_like: a CoreMark-style workload written from scratch for the
 * split-stack benchmark (not EEMBC code). Four kernels run once per
 * iteration on the same inputs, so every iteration executes exactly the
 * same instructions; each kernel returns a CRC-16 of what it computed.
 *
 * Like CoreMark the hot paths are made of many small calls: a CRC update per
 * byte, a comparison through a function pointer per list merge step, a
 * classifier per character, a dot product per matrix element. That is what
 * makes a split-stack prologue (one check per call) visible in the count.
 */
#ifndef COREMARK_LIKE_WORK_H
#define COREMARK_LIKE_WORK_H

#include <stdint.h>

/* Keep a small helper a real call, as in CoreMark's hot paths. */
#define HELPER __attribute__((noinline))

/* crc.c: CRC-16 with the reflected polynomial 0xA001, one byte per call. */
uint16_t crc_byte(uint8_t data, uint16_t crc);
uint16_t crc_u16(uint16_t value, uint16_t crc);
uint16_t crc_u32(uint32_t value, uint16_t crc);

/* Each kernel: one iteration's work, returns a CRC of its results; a failed
   self-check (sortedness, token counts, ...) increments *errors. */
uint16_t list_kernel(uint16_t crc, uint32_t *errors);
uint16_t matrix_kernel(uint16_t crc, uint32_t *errors);
uint16_t state_kernel(uint16_t crc, uint32_t *errors);

#endif
