/*
 * ABI torture test for __morestack: every kind of argument and result, called
 * at every amount of room left in the segment, so that each call runs once
 * without a split and, where room is short, through __morestack onto a new
 * segment. Results must equal the plain calls (and the no-split build).
 *
 * Covered: stack-passed arguments (> 4 words), hard-float (s/d registers) and
 * soft-float arguments and results, 64-bit values, structs by value and
 * returned through memory, function pointers, tail calls, a frame larger than
 * 256 bytes, a variadic function (no check: runs in the reserve), a
 * no_split_stack function, recursion with stack arguments.
 */
#include <stdint.h>

#include "mcusplit.h"

#define SEG 1024u       /* pool.segment_size in mcusplit.toml */

static uint32_t room(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return (uint32_t)(sp & (SEG - 1u));
}

/* ---- the functions under test ---------------------------------------------- */

__attribute__((noinline)) int32_t many_ints(int32_t a, int32_t b, int32_t c, int32_t d, int32_t e, int32_t f,
                                            int32_t g, int32_t h)
{
    return a * 1 + b * 3 + c * 5 + d * 7 + e * 11 + f * 13 + g * 17 + h * 19;
}

__attribute__((noinline)) double mixed(double a, float b, int32_t c, double d, float e, int64_t f, int32_t g,
                                       int32_t h, double i, int32_t j, float k, int32_t l)
{
    volatile double keep[4] = {a, d, i, (double)f};
    return keep[0] * 2.0 + b + c + keep[1] / 3.0 + e * 1.5f + keep[3] + g - h + keep[2] * 0.25 + j + k + l;
}

__attribute__((noinline)) float floats(float a, float b, float c, float d, float e, float f, float g, float h,
                                       float i, float j, float k, float l, float m, float n, float o, float p,
                                       float q, float r)
{
    return a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + i * 9 + j * 10 + k * 11 + l * 12 +
           m * 13 + n * 14 + o * 15 + p * 16 + q * 17 + r * 18;
}

__attribute__((noinline)) int64_t wide(int64_t a, int32_t b, int64_t c, int64_t d)
{
    return a * 3 - c + (d >> 3) + b;
}

struct triple {
    int32_t x, y, z;
    double w;
};

__attribute__((noinline)) struct triple by_value(struct triple t, int32_t scale, struct triple u)
{
    struct triple r = {t.x * scale + u.x, t.y * scale + u.y, t.z * scale + u.z, t.w * scale + u.w};
    return r;
}

__attribute__((noinline)) uint32_t big_frame(uint32_t seed)
{
    volatile uint32_t table[96];               /* 384 bytes: needs more than the 256-byte fast case */
    for (int i = 0; i < 96; i++)
        table[i] = seed * (uint32_t)(i + 1) ^ (seed >> (i & 15));
    uint32_t sum = 0;
    for (int i = 0; i < 96; i++)
        sum = sum * 31u + table[(i * 7) % 96];
    return sum;
}

/* Frame beyond what "full" elision may ask a caller to cover (cover_budget 256): keeps its check. */
__attribute__((noinline)) uint32_t huge_frame(uint32_t seed)
{
    volatile uint32_t table[150];              /* 600 bytes */
    for (int i = 0; i < 150; i++)
        table[i] = seed + (uint32_t)i * 0x9E3779B9u;
    uint32_t sum = 0;
    for (int i = 149; i >= 0; i -= 3)
        sum = (sum << 5) + sum + table[i];
    return sum;
}

__attribute__((noinline)) int32_t add3(int32_t a, int32_t b, int32_t c) { return a + b + c; }
__attribute__((noinline)) int32_t mul3(int32_t a, int32_t b, int32_t c) { return a * b * c; }
__attribute__((noinline)) int32_t mix3(int32_t a, int32_t b, int32_t c) { return (a ^ b) - c; }
static int32_t (*const ops[3])(int32_t, int32_t, int32_t) = {add3, mul3, mix3};

__attribute__((noinline)) int32_t tail_target(int32_t x, int32_t y) { return x * 7 - y; }
__attribute__((noinline)) int32_t tail_caller(int32_t x, int32_t y) { return tail_target(x + 1, y * 2); }

__attribute__((noinline)) int32_t sum_va(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    int32_t s = 0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int32_t) * (i + 1);
    va_end(ap);
    return s;
}

__attribute__((noinline, no_split_stack)) int32_t unchecked(int32_t a, int32_t b) { return a * b + 1; }

__attribute__((noinline)) int64_t chain(int32_t depth, int32_t a, int32_t b, int32_t c, int32_t d, int64_t acc,
                                        int32_t e)
{
    volatile uint8_t pad[40];
    pad[depth % 40] = (uint8_t)depth;
    if (depth == 0)
        return acc + a + b + c + d + e + pad[0];
    return chain(depth - 1, b, c, d, e, acc * 3 + a, a + depth) + pad[depth % 40];
}

/* ---- the harness ----------------------------------------------------------- */

static uint32_t checksum;
static uint32_t calls;

static void fold(uint64_t value)
{
    checksum = (checksum ^ (uint32_t)value ^ (uint32_t)(value >> 32)) * 16777619u;
    calls++;
}

static uint64_t bits_of_double(double d)
{
    union { double d; uint64_t u; } v = {d};
    return v.u;
}

static uint32_t bits_of_float(float f)
{
    union { float f; uint32_t u; } v = {f};
    return v.u;
}

typedef void (*probe_fn)(int32_t k);

static void probe_ints(int32_t k) { fold((uint32_t)many_ints(k, 2, 3, 4, 5, 6, 7, k * 8)); }
static void probe_mixed(int32_t k)
{
    fold(bits_of_double(mixed(1.5 * k, 2.25f, k, 4.5, 5.5f, (int64_t)k << 33, 7, 8, 9.75, 10, 11.5f, 12)));
}
static void probe_floats(int32_t k)
{
    float x = (float)k;
    fold(bits_of_float(floats(x, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, x * 0.5f)));
}
static void probe_wide(int32_t k) { fold((uint64_t)wide((int64_t)k << 40, k, -5, 1ll << 50)); }
static void probe_struct(int32_t k)
{
    struct triple t = {k, 2, 3, 0.5}, u = {10, 20, 30, 0.25};
    struct triple r = by_value(t, k + 1, u);
    fold((uint32_t)(r.x + r.y * 3 + r.z * 5));
    fold(bits_of_double(r.w));
}
static void probe_big(int32_t k)
{
    fold(big_frame((uint32_t)k * 2654435761u));
    fold(huge_frame((uint32_t)k));
}
static void probe_pointers(int32_t k) { fold((uint32_t)ops[k % 3](k, 3, 4)); }
static void probe_tail(int32_t k) { fold((uint32_t)tail_caller(k, 5)); }
static void probe_va(int32_t k) { fold((uint32_t)sum_va(6, k, 2, 3, 4, 5, 6)); }
static void probe_unchecked(int32_t k) { fold((uint32_t)unchecked(k, 9)); }
static void probe_chain(int32_t k) { fold((uint64_t)chain(12, k, 2, 3, 4, 5, 6)); }

static const struct {
    const char *name;
    probe_fn fn;
} probes[] = {
    {"many_ints", probe_ints}, {"mixed", probe_mixed}, {"floats", probe_floats}, {"wide", probe_wide},
    {"struct", probe_struct}, {"big_frame", probe_big}, {"pointers", probe_pointers}, {"tail", probe_tail},
    {"variadic", probe_va}, {"no_split_stack", probe_unchecked}, {"chain", probe_chain},
};

/* Recurse with small frames until the room left is at most `target`, then probe. */
__attribute__((noinline)) static void at_room(uint32_t target, probe_fn fn, int32_t k, int depth)
{
    volatile uint32_t pad[2];
    pad[0] = target;
    if (room() > target + 24u && depth < 64)
        at_room(target, fn, k, depth + 1);
    else
        fn(k);
    pad[1] = pad[0];
}

int main(void)
{
    for (unsigned p = 0; p < sizeof probes / sizeof probes[0]; p++) {
        checksum = 2166136261u;
        calls = 0;
        /* Sweep the room across every threshold: 8-byte steps over the whole segment. */
        for (uint32_t target = 0; target < SEG; target += 8u)
            at_room(target, probes[p].fn, (int32_t)(target / 8u) + 1, 0);
        mcusplit_printf("abi: %s checksum=%08x calls=%u\n", probes[p].name, (unsigned)checksum, (unsigned)calls);
    }
    struct mcusplit_stats s;
    mcusplit_stats_read(&s);
    mcusplit_printf("# abi: splits=%u hwm=%u in_use=%u\n", (unsigned)s.splits, (unsigned)s.hwm, (unsigned)s.in_use);
    return s.in_use == 0 ? 0 : 1;
}
