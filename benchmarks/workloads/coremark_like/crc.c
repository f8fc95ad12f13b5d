/*
 * CRC-16, reflected polynomial 0xA001 (the one CoreMark uses), computed bit
 * by bit. Every byte is one call to crc_byte: the per-byte call is the point
 * (a hot small function), not speed.
 */
#include "work.h"

HELPER uint16_t crc_byte(uint8_t data, uint16_t crc)
{
    for (int bit = 0; bit < 8; bit++) {
        uint16_t mix = (uint16_t)((crc ^ data) & 1u);
        crc >>= 1;
        if (mix)
            crc ^= 0xA001u;
        data >>= 1;
    }
    return crc;
}

HELPER uint16_t crc_u16(uint16_t value, uint16_t crc)
{
    crc = crc_byte((uint8_t)value, crc);
    return crc_byte((uint8_t)(value >> 8), crc);
}

HELPER uint16_t crc_u32(uint32_t value, uint16_t crc)
{
    crc = crc_u16((uint16_t)value, crc);
    return crc_u16((uint16_t)(value >> 16), crc);
}
