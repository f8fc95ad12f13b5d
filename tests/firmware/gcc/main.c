/*
 * Firmware built by Debian's arm-none-eabi-gcc, not by mcusplit (no split stacks, no mcusplit
 * symbols): tests/test_gcc_image.py checks the analyzer's contiguous-stack analysis on it and
 * that every static frame it reads equals what gcc -fstack-usage wrote in main.su.
 */
#include <stdint.h>

typedef uint32_t (*op_t)(uint32_t);

volatile uint32_t sink;

__attribute__((noinline)) uint32_t leaf(uint32_t x) { return x * 3u + 1u; }

__attribute__((noinline)) uint32_t mid(uint32_t x)
{
    volatile uint32_t buf[20];
    for (uint32_t i = 0; i < 20; i++)
        buf[i] = x + i;
    return leaf(buf[x % 20u]) + buf[3];
}

__attribute__((noinline)) uint32_t deep(uint32_t x)
{
    volatile uint8_t buf[300];
    for (uint32_t i = 0; i < sizeof buf; i += 7)
        buf[i] = (uint8_t)(x + i);
    return mid(buf[x % 300u]) + buf[7];
}

__attribute__((noinline)) uint32_t sw(uint32_t k, uint32_t x)
{
    switch (k) {
    case 0: return leaf(x) + 1u;
    case 1: return mid(x) * 3u;
    case 2: return deep(x) - 7u;
    case 3: return x ^ 5u;
    case 4: return x << 2;
    case 5: return deep(x + 1u) + 2u;
    case 6: return x / 3u;
    case 7: return x + 99u;
    default: return 0;
    }
}

const op_t ops[3] = {leaf, mid, deep};

__attribute__((noinline)) uint32_t dispatch(uint32_t i, uint32_t x) { return ops[i % 3u](x) + 1u; }

__attribute__((noinline)) uint32_t descend(uint32_t n)
{
    volatile uint32_t pad[8];
    pad[n % 8u] = n;
    return n == 0 ? pad[0] : descend(n - 1u) + pad[n % 8u];
}

void SysTick_Handler(void)
{
    sink += mid(sink);
}

int main(void)
{
    uint32_t s = 0;
    for (uint32_t i = 0; i < 8; i++)
        s += sw(i, i * 13u) + dispatch(i, s);
    sink = s + descend(10);
    return 0;
}
