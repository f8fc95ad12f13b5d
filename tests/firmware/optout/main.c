/* The three ways to keep a function out of split stacks: the attribute, a section
 * whose name contains no_split_stack, and a name in mcusplit.toml. */
#include <stdint.h>

#include "mcusplit.h"

__attribute__((noinline)) int32_t checked(int32_t a)
{
    volatile int32_t buf[8];
    buf[a & 7] = a;
    return buf[a & 7] * 2;
}

__attribute__((noinline, no_split_stack)) int32_t by_attribute(int32_t a)
{
    volatile int32_t buf[8];
    buf[a & 7] = a;
    return buf[a & 7] * 3;
}

__attribute__((noinline, section(".text.no_split_stack.by_section"))) int32_t by_section(int32_t a)
{
    volatile int32_t buf[8];
    buf[a & 7] = a;
    return buf[a & 7] * 5;
}

__attribute__((noinline)) int32_t by_config(int32_t a)
{
    volatile int32_t buf[8];
    buf[a & 7] = a;
    return buf[a & 7] * 7;
}

int main(void)
{
    int32_t r = checked(1) + by_attribute(2) + by_section(3) + by_config(4);
    mcusplit_printf("optout: %d\n", (int)r);
    return r == 2 + 6 + 15 + 28 ? 0 : 1;
}
