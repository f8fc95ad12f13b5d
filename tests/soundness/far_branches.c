// corpus: segment_size=2048 segments=5 exact
/* A function longer than Thumb-1 branches reach (clang then branches with bl on Cortex-M0), its
 * far blocks calling functions with big frames. */
#include "corpus.h"

NOINLINE uint32_t f_small(uint32_t x) { return x + 1u; }
NOINLINE uint32_t f_mid(uint32_t x) { FRAME(300, x); return frame_value_ ^ x; }
NOINLINE uint32_t f_deep(uint32_t x) { FRAME(1100, x); return frame_value_ + x; }

NOINLINE uint32_t long_function(uint32_t k, uint32_t x)
{
    switch (k) {
    case 0: x = x * 3u + 0u; x ^= x >> 1; x = x * 4u + 5u; x ^= x >> 2; x = x * 5u + 10u; x ^= x >> 3; x = x * 6u + 15u; x ^= x >> 4; x = x * 7u + 20u; x ^= x >> 5; x = x * 8u + 25u; x ^= x >> 6; x += f_small(x); break;
    case 1: x = x * 10u + 13u; x ^= x >> 2; x = x * 11u + 18u; x ^= x >> 3; x = x * 12u + 23u; x ^= x >> 4; x = x * 13u + 28u; x ^= x >> 5; x = x * 3u + 33u; x ^= x >> 6; x = x * 4u + 38u; x ^= x >> 7; break;
    case 2: x = x * 6u + 26u; x ^= x >> 3; x = x * 7u + 31u; x ^= x >> 4; x = x * 8u + 36u; x ^= x >> 5; x = x * 9u + 41u; x ^= x >> 6; x = x * 10u + 46u; x ^= x >> 7; x = x * 11u + 51u; x ^= x >> 1; break;
    case 3: x = x * 13u + 39u; x ^= x >> 4; x = x * 3u + 44u; x ^= x >> 5; x = x * 4u + 49u; x ^= x >> 6; x = x * 5u + 54u; x ^= x >> 7; x = x * 6u + 59u; x ^= x >> 1; x = x * 7u + 64u; x ^= x >> 2; break;
    case 4: x = x * 9u + 52u; x ^= x >> 5; x = x * 10u + 57u; x ^= x >> 6; x = x * 11u + 62u; x ^= x >> 7; x = x * 12u + 67u; x ^= x >> 1; x = x * 13u + 72u; x ^= x >> 2; x = x * 3u + 77u; x ^= x >> 3; x += f_mid(x); break;
    case 5: x = x * 5u + 65u; x ^= x >> 6; x = x * 6u + 70u; x ^= x >> 7; x = x * 7u + 75u; x ^= x >> 1; x = x * 8u + 80u; x ^= x >> 2; x = x * 9u + 85u; x ^= x >> 3; x = x * 10u + 90u; x ^= x >> 4; break;
    case 6: x = x * 12u + 78u; x ^= x >> 7; x = x * 13u + 83u; x ^= x >> 1; x = x * 3u + 88u; x ^= x >> 2; x = x * 4u + 93u; x ^= x >> 3; x = x * 5u + 1u; x ^= x >> 4; x = x * 6u + 6u; x ^= x >> 5; break;
    case 7: x = x * 8u + 91u; x ^= x >> 1; x = x * 9u + 96u; x ^= x >> 2; x = x * 10u + 4u; x ^= x >> 3; x = x * 11u + 9u; x ^= x >> 4; x = x * 12u + 14u; x ^= x >> 5; x = x * 13u + 19u; x ^= x >> 6; break;
    case 8: x = x * 4u + 7u; x ^= x >> 2; x = x * 5u + 12u; x ^= x >> 3; x = x * 6u + 17u; x ^= x >> 4; x = x * 7u + 22u; x ^= x >> 5; x = x * 8u + 27u; x ^= x >> 6; x = x * 9u + 32u; x ^= x >> 7; x += f_deep(x); break;
    case 9: x = x * 11u + 20u; x ^= x >> 3; x = x * 12u + 25u; x ^= x >> 4; x = x * 13u + 30u; x ^= x >> 5; x = x * 3u + 35u; x ^= x >> 6; x = x * 4u + 40u; x ^= x >> 7; x = x * 5u + 45u; x ^= x >> 1; break;
    case 10: x = x * 7u + 33u; x ^= x >> 4; x = x * 8u + 38u; x ^= x >> 5; x = x * 9u + 43u; x ^= x >> 6; x = x * 10u + 48u; x ^= x >> 7; x = x * 11u + 53u; x ^= x >> 1; x = x * 12u + 58u; x ^= x >> 2; break;
    case 11: x = x * 3u + 46u; x ^= x >> 5; x = x * 4u + 51u; x ^= x >> 6; x = x * 5u + 56u; x ^= x >> 7; x = x * 6u + 61u; x ^= x >> 1; x = x * 7u + 66u; x ^= x >> 2; x = x * 8u + 71u; x ^= x >> 3; break;
    case 12: x = x * 10u + 59u; x ^= x >> 6; x = x * 11u + 64u; x ^= x >> 7; x = x * 12u + 69u; x ^= x >> 1; x = x * 13u + 74u; x ^= x >> 2; x = x * 3u + 79u; x ^= x >> 3; x = x * 4u + 84u; x ^= x >> 4; x += f_small(x); break;
    case 13: x = x * 6u + 72u; x ^= x >> 7; x = x * 7u + 77u; x ^= x >> 1; x = x * 8u + 82u; x ^= x >> 2; x = x * 9u + 87u; x ^= x >> 3; x = x * 10u + 92u; x ^= x >> 4; x = x * 11u + 0u; x ^= x >> 5; break;
    case 14: x = x * 13u + 85u; x ^= x >> 1; x = x * 3u + 90u; x ^= x >> 2; x = x * 4u + 95u; x ^= x >> 3; x = x * 5u + 3u; x ^= x >> 4; x = x * 6u + 8u; x ^= x >> 5; x = x * 7u + 13u; x ^= x >> 6; break;
    case 15: x = x * 9u + 1u; x ^= x >> 2; x = x * 10u + 6u; x ^= x >> 3; x = x * 11u + 11u; x ^= x >> 4; x = x * 12u + 16u; x ^= x >> 5; x = x * 13u + 21u; x ^= x >> 6; x = x * 3u + 26u; x ^= x >> 7; break;
    case 16: x = x * 5u + 14u; x ^= x >> 3; x = x * 6u + 19u; x ^= x >> 4; x = x * 7u + 24u; x ^= x >> 5; x = x * 8u + 29u; x ^= x >> 6; x = x * 9u + 34u; x ^= x >> 7; x = x * 10u + 39u; x ^= x >> 1; x += f_mid(x); break;
    case 17: x = x * 12u + 27u; x ^= x >> 4; x = x * 13u + 32u; x ^= x >> 5; x = x * 3u + 37u; x ^= x >> 6; x = x * 4u + 42u; x ^= x >> 7; x = x * 5u + 47u; x ^= x >> 1; x = x * 6u + 52u; x ^= x >> 2; break;
    case 18: x = x * 8u + 40u; x ^= x >> 5; x = x * 9u + 45u; x ^= x >> 6; x = x * 10u + 50u; x ^= x >> 7; x = x * 11u + 55u; x ^= x >> 1; x = x * 12u + 60u; x ^= x >> 2; x = x * 13u + 65u; x ^= x >> 3; break;
    case 19: x = x * 4u + 53u; x ^= x >> 6; x = x * 5u + 58u; x ^= x >> 7; x = x * 6u + 63u; x ^= x >> 1; x = x * 7u + 68u; x ^= x >> 2; x = x * 8u + 73u; x ^= x >> 3; x = x * 9u + 78u; x ^= x >> 4; break;
    case 20: x = x * 11u + 66u; x ^= x >> 7; x = x * 12u + 71u; x ^= x >> 1; x = x * 13u + 76u; x ^= x >> 2; x = x * 3u + 81u; x ^= x >> 3; x = x * 4u + 86u; x ^= x >> 4; x = x * 5u + 91u; x ^= x >> 5; x += f_deep(x); break;
    case 21: x = x * 7u + 79u; x ^= x >> 1; x = x * 8u + 84u; x ^= x >> 2; x = x * 9u + 89u; x ^= x >> 3; x = x * 10u + 94u; x ^= x >> 4; x = x * 11u + 2u; x ^= x >> 5; x = x * 12u + 7u; x ^= x >> 6; break;
    case 22: x = x * 3u + 92u; x ^= x >> 2; x = x * 4u + 0u; x ^= x >> 3; x = x * 5u + 5u; x ^= x >> 4; x = x * 6u + 10u; x ^= x >> 5; x = x * 7u + 15u; x ^= x >> 6; x = x * 8u + 20u; x ^= x >> 7; break;
    case 23: x = x * 10u + 8u; x ^= x >> 3; x = x * 11u + 13u; x ^= x >> 4; x = x * 12u + 18u; x ^= x >> 5; x = x * 13u + 23u; x ^= x >> 6; x = x * 3u + 28u; x ^= x >> 7; x = x * 4u + 33u; x ^= x >> 1; break;
    case 24: x = x * 6u + 21u; x ^= x >> 4; x = x * 7u + 26u; x ^= x >> 5; x = x * 8u + 31u; x ^= x >> 6; x = x * 9u + 36u; x ^= x >> 7; x = x * 10u + 41u; x ^= x >> 1; x = x * 11u + 46u; x ^= x >> 2; x += f_small(x); break;
    case 25: x = x * 13u + 34u; x ^= x >> 5; x = x * 3u + 39u; x ^= x >> 6; x = x * 4u + 44u; x ^= x >> 7; x = x * 5u + 49u; x ^= x >> 1; x = x * 6u + 54u; x ^= x >> 2; x = x * 7u + 59u; x ^= x >> 3; break;
    case 26: x = x * 9u + 47u; x ^= x >> 6; x = x * 10u + 52u; x ^= x >> 7; x = x * 11u + 57u; x ^= x >> 1; x = x * 12u + 62u; x ^= x >> 2; x = x * 13u + 67u; x ^= x >> 3; x = x * 3u + 72u; x ^= x >> 4; break;
    case 27: x = x * 5u + 60u; x ^= x >> 7; x = x * 6u + 65u; x ^= x >> 1; x = x * 7u + 70u; x ^= x >> 2; x = x * 8u + 75u; x ^= x >> 3; x = x * 9u + 80u; x ^= x >> 4; x = x * 10u + 85u; x ^= x >> 5; break;
    case 28: x = x * 12u + 73u; x ^= x >> 1; x = x * 13u + 78u; x ^= x >> 2; x = x * 3u + 83u; x ^= x >> 3; x = x * 4u + 88u; x ^= x >> 4; x = x * 5u + 93u; x ^= x >> 5; x = x * 6u + 1u; x ^= x >> 6; x += f_mid(x); break;
    case 29: x = x * 8u + 86u; x ^= x >> 2; x = x * 9u + 91u; x ^= x >> 3; x = x * 10u + 96u; x ^= x >> 4; x = x * 11u + 4u; x ^= x >> 5; x = x * 12u + 9u; x ^= x >> 6; x = x * 13u + 14u; x ^= x >> 7; break;
    case 30: x = x * 4u + 2u; x ^= x >> 3; x = x * 5u + 7u; x ^= x >> 4; x = x * 6u + 12u; x ^= x >> 5; x = x * 7u + 17u; x ^= x >> 6; x = x * 8u + 22u; x ^= x >> 7; x = x * 9u + 27u; x ^= x >> 1; break;
    case 31: x = x * 11u + 15u; x ^= x >> 4; x = x * 12u + 20u; x ^= x >> 5; x = x * 13u + 25u; x ^= x >> 6; x = x * 3u + 30u; x ^= x >> 7; x = x * 4u + 35u; x ^= x >> 1; x = x * 5u + 40u; x ^= x >> 2; break;
    case 32: x = x * 7u + 28u; x ^= x >> 5; x = x * 8u + 33u; x ^= x >> 6; x = x * 9u + 38u; x ^= x >> 7; x = x * 10u + 43u; x ^= x >> 1; x = x * 11u + 48u; x ^= x >> 2; x = x * 12u + 53u; x ^= x >> 3; x += f_deep(x); break;
    case 33: x = x * 3u + 41u; x ^= x >> 6; x = x * 4u + 46u; x ^= x >> 7; x = x * 5u + 51u; x ^= x >> 1; x = x * 6u + 56u; x ^= x >> 2; x = x * 7u + 61u; x ^= x >> 3; x = x * 8u + 66u; x ^= x >> 4; break;
    case 34: x = x * 10u + 54u; x ^= x >> 7; x = x * 11u + 59u; x ^= x >> 1; x = x * 12u + 64u; x ^= x >> 2; x = x * 13u + 69u; x ^= x >> 3; x = x * 3u + 74u; x ^= x >> 4; x = x * 4u + 79u; x ^= x >> 5; break;
    case 35: x = x * 6u + 67u; x ^= x >> 1; x = x * 7u + 72u; x ^= x >> 2; x = x * 8u + 77u; x ^= x >> 3; x = x * 9u + 82u; x ^= x >> 4; x = x * 10u + 87u; x ^= x >> 5; x = x * 11u + 92u; x ^= x >> 6; break;
    case 36: x = x * 13u + 80u; x ^= x >> 2; x = x * 3u + 85u; x ^= x >> 3; x = x * 4u + 90u; x ^= x >> 4; x = x * 5u + 95u; x ^= x >> 5; x = x * 6u + 3u; x ^= x >> 6; x = x * 7u + 8u; x ^= x >> 7; x += f_small(x); break;
    case 37: x = x * 9u + 93u; x ^= x >> 3; x = x * 10u + 1u; x ^= x >> 4; x = x * 11u + 6u; x ^= x >> 5; x = x * 12u + 11u; x ^= x >> 6; x = x * 13u + 16u; x ^= x >> 7; x = x * 3u + 21u; x ^= x >> 1; break;
    case 38: x = x * 5u + 9u; x ^= x >> 4; x = x * 6u + 14u; x ^= x >> 5; x = x * 7u + 19u; x ^= x >> 6; x = x * 8u + 24u; x ^= x >> 7; x = x * 9u + 29u; x ^= x >> 1; x = x * 10u + 34u; x ^= x >> 2; break;
    case 39: x = x * 12u + 22u; x ^= x >> 5; x = x * 13u + 27u; x ^= x >> 6; x = x * 3u + 32u; x ^= x >> 7; x = x * 4u + 37u; x ^= x >> 1; x = x * 5u + 42u; x ^= x >> 2; x = x * 6u + 47u; x ^= x >> 3; break;
    case 40: x = x * 8u + 35u; x ^= x >> 6; x = x * 9u + 40u; x ^= x >> 7; x = x * 10u + 45u; x ^= x >> 1; x = x * 11u + 50u; x ^= x >> 2; x = x * 12u + 55u; x ^= x >> 3; x = x * 13u + 60u; x ^= x >> 4; x += f_mid(x); break;
    case 41: x = x * 4u + 48u; x ^= x >> 7; x = x * 5u + 53u; x ^= x >> 1; x = x * 6u + 58u; x ^= x >> 2; x = x * 7u + 63u; x ^= x >> 3; x = x * 8u + 68u; x ^= x >> 4; x = x * 9u + 73u; x ^= x >> 5; break;
    case 42: x = x * 11u + 61u; x ^= x >> 1; x = x * 12u + 66u; x ^= x >> 2; x = x * 13u + 71u; x ^= x >> 3; x = x * 3u + 76u; x ^= x >> 4; x = x * 4u + 81u; x ^= x >> 5; x = x * 5u + 86u; x ^= x >> 6; break;
    case 43: x = x * 7u + 74u; x ^= x >> 2; x = x * 8u + 79u; x ^= x >> 3; x = x * 9u + 84u; x ^= x >> 4; x = x * 10u + 89u; x ^= x >> 5; x = x * 11u + 94u; x ^= x >> 6; x = x * 12u + 2u; x ^= x >> 7; break;
    case 44: x = x * 3u + 87u; x ^= x >> 3; x = x * 4u + 92u; x ^= x >> 4; x = x * 5u + 0u; x ^= x >> 5; x = x * 6u + 5u; x ^= x >> 6; x = x * 7u + 10u; x ^= x >> 7; x = x * 8u + 15u; x ^= x >> 1; x += f_deep(x); break;
    case 45: x = x * 10u + 3u; x ^= x >> 4; x = x * 11u + 8u; x ^= x >> 5; x = x * 12u + 13u; x ^= x >> 6; x = x * 13u + 18u; x ^= x >> 7; x = x * 3u + 23u; x ^= x >> 1; x = x * 4u + 28u; x ^= x >> 2; break;
    case 46: x = x * 6u + 16u; x ^= x >> 5; x = x * 7u + 21u; x ^= x >> 6; x = x * 8u + 26u; x ^= x >> 7; x = x * 9u + 31u; x ^= x >> 1; x = x * 10u + 36u; x ^= x >> 2; x = x * 11u + 41u; x ^= x >> 3; break;
    case 47: x = x * 13u + 29u; x ^= x >> 6; x = x * 3u + 34u; x ^= x >> 7; x = x * 4u + 39u; x ^= x >> 1; x = x * 5u + 44u; x ^= x >> 2; x = x * 6u + 49u; x ^= x >> 3; x = x * 7u + 54u; x ^= x >> 4; break;
    default: x = 0; break;
    }
    return x;
}

NOINLINE uint32_t outer(uint32_t n)
{
    FRAME(700, n);
    uint32_t s = frame_value_;
    for (uint32_t k = 0; k < n; k++)
        s += long_function(k, s + k);
    return s;
}

int main(void)
{
    corpus_irq_start();
    uint32_t r = outer(48);
    corpus_irq_stop();
    OUT("far_branches %x\n", (unsigned)r);
    return 0;
}
