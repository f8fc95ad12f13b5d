/*
 * Matrix kernel: two MAT_N x MAT_N int16 matrices are filled from a fixed
 * generator, a constant is added, they are multiplied with int32
 * accumulation (one dot-product call per element), and a bit field is
 * extracted from every product element (one call each). A matrix-times-
 * constant, a matrix-times-vector product and a product of bit fields of
 * the element products add straight-line arithmetic.
 * The product is checked against a second, independent evaluation of its
 * diagonal.
 */
#include "work.h"

#define MAT_N 8

static int16_t mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N];
static int32_t mat_c[MAT_N][MAT_N];

static HELPER int16_t gen_element(uint32_t row, uint32_t col, uint32_t seed)
{
    uint32_t x = (row * 31u + col * 7u + seed) * 0x9E3779B1u;
    return (int16_t)((int32_t)(x >> 20) - 2048);      /* -2048 .. 2047 */
}

static HELPER void mat_fill(int16_t m[MAT_N][MAT_N], uint32_t seed)
{
    for (uint32_t r = 0; r < MAT_N; r++)
        for (uint32_t c = 0; c < MAT_N; c++)
            m[r][c] = gen_element(r, c, seed);
}

static HELPER void mat_add_const(int16_t m[MAT_N][MAT_N], int16_t value)
{
    for (uint32_t r = 0; r < MAT_N; r++)
        for (uint32_t c = 0; c < MAT_N; c++)
            m[r][c] = (int16_t)(m[r][c] + value);
}

/* Row `row` of a times column `col` of b. */
static HELPER int32_t dot(const int16_t a[MAT_N][MAT_N], const int16_t b[MAT_N][MAT_N], uint32_t row, uint32_t col)
{
    int32_t acc = 0;
    for (uint32_t k = 0; k < MAT_N; k++)
        acc += (int32_t)a[row][k] * (int32_t)b[k][col];
    return acc;
}

static HELPER void mat_mul(int32_t out[MAT_N][MAT_N], const int16_t a[MAT_N][MAT_N], const int16_t b[MAT_N][MAT_N])
{
    for (uint32_t r = 0; r < MAT_N; r++)
        for (uint32_t c = 0; c < MAT_N; c++)
            out[r][c] = dot(a, b, r, c);
}

static HELPER uint32_t bit_field(int32_t value, uint32_t shift, uint32_t width)
{
    return ((uint32_t)value >> shift) & ((1u << width) - 1u);
}

/* Row `row` of a times column `col` of b, accumulating two bit fields of every product. */
static HELPER int32_t dot_bits(const int16_t a[MAT_N][MAT_N], const int16_t b[MAT_N][MAT_N], uint32_t row,
                               uint32_t col)
{
    int32_t acc = 0;
    for (uint32_t k = 0; k < MAT_N; k++) {
        uint32_t p = (uint32_t)((int32_t)a[row][k] * (int32_t)b[k][col]);
        acc += (int32_t)(((p >> 2) & 0xfu) * ((p >> 5) & 0x7fu));
    }
    return acc;
}

/* Sum of the elements of m * value (int32 products). */
static HELPER int32_t mat_times_const_sum(const int16_t m[MAT_N][MAT_N], int16_t value)
{
    int32_t sum = 0;
    for (uint32_t r = 0; r < MAT_N; r++)
        for (uint32_t c = 0; c < MAT_N; c++)
            sum += (int32_t)m[r][c] * value;
    return sum;
}

/* out = m * column (row-by-row dot products, written inline). */
static HELPER void mat_times_vector(int32_t out[MAT_N], const int16_t m[MAT_N][MAT_N], const int16_t column[MAT_N])
{
    for (uint32_t r = 0; r < MAT_N; r++) {
        int32_t acc = 0;
        for (uint32_t k = 0; k < MAT_N; k++)
            acc += (int32_t)m[r][k] * column[k];
        out[r] = acc;
    }
}

/* Reference for one element, computed differently (column-major walk, subtracting negatives). */
static HELPER int32_t ref_element(uint32_t row, uint32_t col)
{
    int32_t pos = 0, neg = 0;
    for (uint32_t k = MAT_N; k-- > 0;) {
        int32_t p = (int32_t)mat_a[row][k] * (int32_t)mat_b[k][col];
        if (p < 0)
            neg -= p;
        else
            pos += p;
    }
    return pos - neg;
}

uint16_t matrix_kernel(uint16_t crc, uint32_t *errors)
{
    mat_fill(mat_a, 0x1234u);
    mat_fill(mat_b, 0xBEEFu);
    mat_add_const(mat_a, 5);
    mat_add_const(mat_b, -3);
    mat_mul(mat_c, mat_a, mat_b);

    /* Bit-extract step: a histogram of a 4-bit field of every product element. */
    uint8_t histogram[16] = {0};
    int32_t row_sum[MAT_N];
    for (uint32_t r = 0; r < MAT_N; r++) {
        row_sum[r] = 0;
        for (uint32_t c = 0; c < MAT_N; c++) {
            histogram[bit_field(mat_c[r][c], 6, 4)]++;
            row_sum[r] += mat_c[r][c];
        }
    }

    int32_t bits_sum = 0;
    for (uint32_t r = 0; r < MAT_N; r++)
        for (uint32_t c = 0; c < MAT_N; c++)
            bits_sum += dot_bits(mat_a, mat_b, r, c);
    crc = crc_u32((uint32_t)bits_sum, crc);

    int32_t vec[MAT_N];
    mat_times_vector(vec, mat_a, mat_b[3]);
    int32_t vec_sum = 0;
    for (uint32_t r = 0; r < MAT_N; r++)
        vec_sum += vec[r];
    crc = crc_u32((uint32_t)vec_sum, crc);
    crc = crc_u32((uint32_t)mat_times_const_sum(mat_b, 77), crc);

    /* Spot-check the diagonal against the reference evaluation. */
    for (uint32_t i = 0; i < MAT_N; i++)
        if (ref_element(i, i) != mat_c[i][i])
            ++*errors;

    for (uint32_t r = 0; r < MAT_N; r++)
        crc = crc_u32((uint32_t)row_sum[r], crc);
    for (uint32_t i = 0; i < 16; i++)
        crc = crc_byte(histogram[i], crc);
    return crc;
}
