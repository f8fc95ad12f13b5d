/*
 * "Many frames, stack arguments, floats, function pointers": a small sensor
 * pipeline of the kind firmware runs, written so that its stack use is deep
 * and uneven.
 *
 * - A recursive merge sort of 256 readings (a temporary run in each frame).
 * - A chain of filter stages called through a table of function pointers,
 *   each stage taking eight arguments (three on the stack) and floats.
 * - A recursive evaluator of a small expression tree in double precision.
 *
 * Result lines are identical with and without split stacks; lines starting
 * with '#' are diagnostics (the pool's watermarks).
 */
#include <stdint.h>

#include "mcusplit.h"

#define N 256

static int32_t readings[N];

static uint32_t lcg(uint32_t *state)
{
    *state = *state * 1664525u + 1013904223u;
    return *state >> 8;
}

/* ---- merge sort: depth log2(N), a 64-byte scratch run per level ---------- */
static void merge_sort(int32_t *a, int n)
{
    if (n <= 16) {
        for (int i = 1; i < n; i++) {
            int32_t v = a[i];
            int j = i - 1;
            while (j >= 0 && a[j] > v) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = v;
        }
        return;
    }
    int half = n / 2;
    merge_sort(a, half);
    merge_sort(a + half, n - half);
    int32_t run[N / 2];
    for (int i = 0; i < half; i++)
        run[i] = a[i];
    int i = 0, j = half, k = 0;
    while (i < half && j < n)
        a[k++] = run[i] <= a[j] ? run[i++] : a[j++];
    while (i < half)
        a[k++] = run[i++];
}

/* ---- filter stages through function pointers, stack-passed arguments ---- */
typedef float (*stage_fn)(float x, float gain, int32_t offset, int32_t clamp_lo, int32_t clamp_hi,
                          int32_t shift, int32_t bias, int32_t index);

static float clampf(float x, int32_t lo, int32_t hi)
{
    return x < (float)lo ? (float)lo : (x > (float)hi ? (float)hi : x);
}

__attribute__((noinline)) static float stage_scale(float x, float gain, int32_t offset, int32_t lo, int32_t hi,
                                                   int32_t shift, int32_t bias, int32_t index)
{
    return clampf(x * gain + (float)offset, lo, hi) + (float)((bias + index) >> shift);
}

__attribute__((noinline)) static float stage_smooth(float x, float gain, int32_t offset, int32_t lo, int32_t hi,
                                                    int32_t shift, int32_t bias, int32_t index)
{
    static float previous;
    float y = previous + (x - previous) * gain;
    previous = y;
    return clampf(y, lo - offset, hi + offset) + (float)(index % (shift + 1)) * 0.125f + (float)bias;
}

__attribute__((noinline)) static float stage_square(float x, float gain, int32_t offset, int32_t lo, int32_t hi,
                                                    int32_t shift, int32_t bias, int32_t index)
{
    float y = x * x * gain * 0.001f;
    return clampf(y, lo, hi) - (float)offset + (float)(bias ^ index) / (float)(1 << shift);
}

static const stage_fn stages[] = {stage_scale, stage_smooth, stage_square, stage_scale};

/* Recursion through the table: each stage's result feeds the next, deepest first. */
__attribute__((noinline)) static float pipeline(int stage, float x, int32_t index)
{
    if (stage < 0)
        return x;
    float input = pipeline(stage - 1, x, index);
    return stages[stage](input, 0.5f + 0.25f * (float)stage, stage * 3, -5000, 5000, stage + 1, stage * 7,
                         index);
}

/* ---- expression tree, evaluated recursively in double precision ---------- */
struct node {
    char op;            /* '+', '*', '-', '/', or 'n' for a number */
    double value;
    const struct node *left, *right;
};

__attribute__((noinline)) static double eval(const struct node *e, double x, int depth)
{
    volatile double scratch[6];                  /* keep the frame honest */
    scratch[depth % 6] = x;
    switch (e->op) {
    case 'n':
        return e->value == 0.0 ? scratch[depth % 6] : e->value;
    case '+':
        return eval(e->left, x, depth + 1) + eval(e->right, x, depth + 1);
    case '-':
        return eval(e->left, x, depth + 1) - eval(e->right, x, depth + 1);
    case '*':
        return eval(e->left, x, depth + 1) * eval(e->right, x, depth + 1);
    default:
        return eval(e->left, x, depth + 1) / eval(e->right, x, depth + 1);
    }
}

/* (x * 1.5 + 2) * (x - 0.25) / (x + 3) + x * x, with x a leaf of value 0 (the variable) */
static const struct node X = {'n', 0.0, 0, 0};
static const struct node C15 = {'n', 1.5, 0, 0}, C2 = {'n', 2.0, 0, 0}, C025 = {'n', 0.25, 0, 0};
static const struct node C3 = {'n', 3.0, 0, 0};
static const struct node A1 = {'*', 0, &X, &C15}, A2 = {'+', 0, &A1, &C2}, A3 = {'-', 0, &X, &C025};
static const struct node A4 = {'*', 0, &A2, &A3}, A5 = {'+', 0, &X, &C3}, A6 = {'/', 0, &A4, &A5};
static const struct node A7 = {'*', 0, &X, &X}, ROOT = {'+', 0, &A6, &A7};

int main(void)
{
    uint32_t state = 2024;
    for (int i = 0; i < N; i++)
        readings[i] = (int32_t)(lcg(&state) % 20000u) - 10000;
    merge_sort(readings, N);
    int sorted = 1;
    int64_t sum = 0;
    for (int i = 0; i < N; i++) {
        sum += readings[i];
        if (i && readings[i - 1] > readings[i])
            sorted = 0;
    }
    mcusplit_printf("mixed: sort sorted=%d min=%d max=%d sum=%d\n", sorted, (int)readings[0],
                    (int)readings[N - 1], (int)sum);

    double filtered = 0.0;
    for (int i = 0; i < 64; i++)
        filtered += (double)pipeline(3, (float)readings[i * 4] * 0.01f, i);
    mcusplit_printf("mixed: pipeline total=%.3f\n", filtered);

    double total = 0.0;
    for (int i = 1; i <= 40; i++)
        total += eval(&ROOT, (double)i * 0.5, 0);
    mcusplit_printf("mixed: expression total=%.6f\n", total);

    struct mcusplit_stats s;
    mcusplit_stats_read(&s);
    mcusplit_printf("# mixed: high-water mark %u segments, %u splits\n", (unsigned)s.hwm, (unsigned)s.splits);
    return sorted ? 0 : 1;
}
