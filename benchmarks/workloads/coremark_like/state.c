/*
 * State-machine kernel: scan a buffer of comma-separated numbers and
 * classify every token as an integer, a decimal, a number with an exponent
 * or invalid. One call per character classifies it, one call per character
 * makes the transition. The buffer is scanned twice: as written (the counts
 * are checked against the known answer) and with every 7th character
 * flipped, which turns some tokens into others.
 */
#include "work.h"

enum char_class { C_DIGIT, C_SIGN, C_DOT, C_EXP, C_SEP, C_OTHER };
enum state { S_START, S_SIGN, S_INT, S_DOT, S_FRAC, S_EXP_MARK, S_EXP_SIGN, S_EXP, S_INVALID };
enum token { T_INT, T_FLOAT, T_EXP, T_INVALID, TOKEN_TYPES };

/* 30 tokens: 8 integers, 7 decimals, 6 with exponents, 9 invalid (the expected counts below). */
static const char numbers[] =
    "127,-45,+8,3.25,-.5,0.0,3e7,1.5E+2,-2.0e-3,x12,1.2.3,+-2,4e,--,90210,"
    "6.02e23,.75,7.,-0,e5,12a,+3.14,2E-9,555,0.001,1e+,31337,-6.5e1,.,42";
static const uint16_t expected_counts[TOKEN_TYPES] = {8, 7, 6, 9};

#define NUMBERS_LEN (sizeof numbers - 1)
static char scratch[NUMBERS_LEN];

static HELPER enum char_class classify(char c)
{
    if (c >= '0' && c <= '9')
        return C_DIGIT;
    if (c == '+' || c == '-')
        return C_SIGN;
    if (c == '.')
        return C_DOT;
    if (c == 'e' || c == 'E')
        return C_EXP;
    if (c == ',')
        return C_SEP;
    return C_OTHER;
}

static HELPER enum state step(enum state s, enum char_class c)
{
    switch (s) {
    case S_START:
        return c == C_DIGIT ? S_INT : c == C_SIGN ? S_SIGN : c == C_DOT ? S_DOT : S_INVALID;
    case S_SIGN:
        return c == C_DIGIT ? S_INT : c == C_DOT ? S_DOT : S_INVALID;
    case S_INT:
        return c == C_DIGIT ? S_INT : c == C_DOT ? S_FRAC : c == C_EXP ? S_EXP_MARK : S_INVALID;
    case S_DOT:
        return c == C_DIGIT ? S_FRAC : S_INVALID;
    case S_FRAC:
        return c == C_DIGIT ? S_FRAC : c == C_EXP ? S_EXP_MARK : S_INVALID;
    case S_EXP_MARK:
        return c == C_DIGIT ? S_EXP : c == C_SIGN ? S_EXP_SIGN : S_INVALID;
    case S_EXP_SIGN:
    case S_EXP:
        return c == C_DIGIT ? S_EXP : S_INVALID;
    default:
        return S_INVALID;
    }
}

static HELPER enum token token_of(enum state s)
{
    switch (s) {
    case S_INT:
        return T_INT;
    case S_FRAC:
        return T_FLOAT;
    case S_EXP:
        return T_EXP;
    default:
        return T_INVALID;
    }
}

/* Scan `len` characters; counts[type] += tokens of that type; returns a CRC of (type, length) pairs. */
static HELPER uint16_t scan(const char *text, uint32_t len, uint16_t counts[TOKEN_TYPES], uint16_t crc)
{
    enum state s = S_START;
    uint32_t start = 0;
    for (uint32_t i = 0; i <= len; i++) {
        enum char_class c = i < len ? classify(text[i]) : C_SEP;
        if (c != C_SEP) {
            s = step(s, c);
            continue;
        }
        enum token t = token_of(s);
        counts[t]++;
        crc = crc_byte((uint8_t)(t << 5 | (i - start)), crc);
        s = S_START;
        start = i + 1;
    }
    return crc;
}

static HELPER char flip(char c)
{
    return (char)(c ^ 1);
}

uint16_t state_kernel(uint16_t crc, uint32_t *errors)
{
    uint16_t counts[TOKEN_TYPES] = {0};
    crc = scan(numbers, NUMBERS_LEN, counts, crc);
    for (uint32_t t = 0; t < TOKEN_TYPES; t++) {
        if (counts[t] != expected_counts[t])
            ++*errors;
        crc = crc_u16(counts[t], crc);
    }

    /* Every 7th character flipped (a counter rather than i % 7: no division helper on Cortex-M0). */
    for (uint32_t i = 0, k = 0; i < NUMBERS_LEN; i++) {
        char c = numbers[i];
        if (++k == 7) {
            k = 0;
            c = flip(c);
        }
        scratch[i] = c;
    }
    uint16_t flipped[TOKEN_TYPES] = {0};
    crc = scan(scratch, NUMBERS_LEN, flipped, crc);
    for (uint32_t t = 0; t < TOKEN_TYPES; t++)
        crc = crc_u16(flipped[t], crc);
    return crc;
}
