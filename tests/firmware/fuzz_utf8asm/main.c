/*
 * Found by mcusplit fuzz (own generator, seed 2): LLVM writes the bytes of a double constant in
 * DWARF (DW_OP_implicit_value) as assembly comments, `.byte 216 @ \xd8`, which are not UTF-8;
 * reading the assembly as UTF-8 stopped the build with an internal error (UnicodeDecodeError).
 */
#include <stdint.h>

#include "mcusplit.h"

__attribute__((noinline)) static uint32_t fold(double f) { return (uint32_t)(f * 2.0); }

__attribute__((noinline)) uint32_t work(uint32_t x)
{
    double dv = (double)(x & 0xFFFFu) / 0.375;
    double k = 1.2345678e-3;
    return fold(dv) + fold(k * dv);
}

int main(void)
{
    mcusplit_printf("work=%u\n", (unsigned)work(77));
    return 0;
}
