/* mcusplit fuzz: own generator v1, seed 5 (python3 -m mcusplit.cli fuzz --seed 5 --count 1) */
#include <stdarg.h>
#include <stdint.h>

#ifndef FZ_NOSPLIT
#ifdef FZ_HOST
#define FZ_NOSPLIT
#else
#define FZ_NOSPLIT __attribute__((no_split_stack))   /* runs in the reserve */
#endif
#endif

struct fz5_s { uint32_t a; uint64_t b; float c; uint16_t d; uint8_t e[3]; };
struct fz5_h { float x; float y; float z; };

static inline uint32_t fz5_rot(uint32_t x, uint32_t k) { k &= 31u; return k ? (x << k) | (x >> (32u - k)) : x; }
static inline uint32_t fz5_fold_u32(uint32_t x) { return x; }
static inline uint32_t fz5_fold_u64(uint64_t x) { return (uint32_t)x ^ ((uint32_t)(x >> 32) * 0x9E3779B1u); }
static inline uint32_t fz5_fold_f32(float f)
{
    uint32_t s = 0;
    if (f != f) return 0x7FC00000u;
    if (f < 0.0f) { f = -f; s = 0x80000000u; }
    if (f >= 4.0e9f) return s ^ 0x7F800000u;
    return s ^ (uint32_t)f ^ (f < 1.0e7f ? (uint32_t)(f * 256.0f) << 1 : 0u);
}
static inline uint32_t fz5_fold_f64(double f)
{
    uint32_t s = 0;
    if (f != f) return 0x7FF80000u;
    return s ^ (uint32_t)f ^ (f < 1.0e7 ? (uint32_t)(f * 256.0) << 1 : 0u);
}
static inline uint32_t fz5_fold_s(struct fz5_s v)
{
    return v.a ^ fz5_fold_u64(v.b) ^ fz5_rot(fz5_fold_f32(v.c), 7) ^ ((uint32_t)v.d << 3) ^ v.e[0]
           ^ ((uint32_t)v.e[2] << 9);
}
static inline uint32_t fz5_fold_h(struct fz5_h v)
{
    return fz5_fold_f32(v.x) ^ fz5_rot(fz5_fold_f32(v.y), 11) ^ fz5_rot(fz5_fold_f32(v.z), 22);
}
static inline uint32_t fz5_make_u32(uint32_t x) { return x; }
static inline uint64_t fz5_make_u64(uint32_t x) { return ((uint64_t)x << 29) ^ (uint64_t)x * 0x9E3779B97F4A7C15ull; }
static inline float fz5_make_f32(uint32_t x) { return (float)(x & 0xFFFFFu) * 0.0625f; }
static inline double fz5_make_f64(uint32_t x) { return (double)(x & 0x3FFFFFFu) * 0.03125; }
static inline struct fz5_s fz5_make_s(uint32_t x)
{
    struct fz5_s v = {x, fz5_make_u64(x ^ 0x5555u), fz5_make_f32(x >> 3), (uint16_t)(x >> 7),
                       {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16)}};
    return v;
}
static inline struct fz5_h fz5_make_h(uint32_t x)
{
    struct fz5_h v = {fz5_make_f32(x), fz5_make_f32(x >> 5) * 0.5f, fz5_make_f32(x >> 11) + 1.25f};
    return v;
}

typedef float (*fz5_sig2)(uint32_t, uint32_t, uint32_t, uint32_t);
static volatile uint32_t fz5_irq_n, fz5_irq_err;

static __attribute__((noinline)) float fz5_f24(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3);
static __attribute__((noinline)) float fz5_f26(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3);
static fz5_sig2 fz5_ram2[4] = {fz5_f24, fz5_f24, fz5_f24, fz5_f26};


static __attribute__((noinline)) struct fz5_h fz5_f2(void)
{
    uint32_t acc = 0x9371D721u;
    volatile uint32_t fr[22];
    return fz5_make_h(acc);
}




static float fz5_f6(uint32_t a0)
{
    uint32_t acc = 0x308E6633u ^ fz5_fold_u32(a0);
    return fz5_make_f32(acc);
}


static __attribute__((noinline)) uint32_t fz5_f8(uint32_t a0, double a1, struct fz5_s a2)
{
    uint32_t acc = 0x9D5E7F65u ^ fz5_fold_u32(a0) ^ fz5_fold_f64(a1) ^ fz5_fold_s(a2);
    volatile uint32_t fr[52];
    for (uint32_t i = 0; i < 52u; i++)
        fr[i] = acc + i * 0xAB12A6EBu;
    switch (acc % 10u) {
    case 0u: acc += fz5_fold_h(fz5_f2()); break;
    case 1u: acc ^= 0x095C1370u; break;
    case 2u: acc += fz5_fold_h(fz5_f2()); break;
    case 3u: acc += fz5_fold_h(fz5_f2()); break;
    case 4u: acc ^= 0x66CF7EEAu; break;
    case 5u: acc += fz5_fold_f32(fz5_f6(fz5_make_u32((acc) ^ 0xAA5970FCu))); break;
    case 6u: acc += fz5_fold_f32(fz5_f6(fz5_make_u32((acc) ^ 0x8221495Du))); break;
    case 7u: acc += fz5_fold_f32(fz5_f6(fz5_make_u32((acc) ^ 0xFFBD3423u))); break;
    case 8u: acc += fz5_fold_h(fz5_f2()); break;
    case 9u: acc += fz5_fold_f32(fz5_f6(fz5_make_u32((acc) ^ 0x8D0A87F9u))); break;
    default: acc = ~acc; break;
    }
    for (uint32_t i = 0; i < 11u; i++)
        acc = fz5_rot(acc, 5u) ^ fz5_fold_h(fz5_f2());
    return fz5_make_u32(acc);
}




static __attribute__((noinline)) float fz5_f12(float a0, double a1)
{
    uint32_t acc = 0xF831F4D7u ^ fz5_fold_f32(a0) ^ fz5_fold_f64(a1);
    volatile uint32_t fr[7];
    return fz5_make_f32(acc);
}












static __attribute__((noinline)) float fz5_f24(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t acc = 0x57D62350u ^ fz5_fold_u32(a0) ^ fz5_fold_u32(a1) ^ fz5_fold_u32(a2) ^ fz5_fold_u32(a3);
    volatile uint32_t fr[65];
    return fz5_f6(fz5_make_u32((acc) ^ 0x33A42C14u));
}


static __attribute__((noinline)) float fz5_f26(uint32_t a0, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint32_t acc = 0x9F562DD5u ^ fz5_fold_u32(a0) ^ fz5_fold_u32(a1) ^ fz5_fold_u32(a2) ^ fz5_fold_u32(a3);
    volatile uint32_t fr[1];
    acc = acc * 31u + fz5_fold_u32(fz5_f8(fz5_make_u32((acc) ^ 0xD8BED8EAu), fz5_make_f64((acc) ^ 0xAD01FD72u), fz5_make_s((acc) ^ 0xCD822F9Bu)));
    return fz5_make_f32(acc);
}




void fz5_init(void)
{
}

void fz5_irq(void)
{
}

__attribute__((noinline)) uint32_t fz5_run(void)
{
    uint32_t acc = 0xC81FA4BCu;
    for (uint32_t i = 0; i < 3u; i++)
        acc = acc * 31u + fz5_fold_f32(fz5_f12(fz5_make_f32((acc + i) ^ 0x8B35CFDBu), fz5_make_f64((acc + i) ^ 0xC091130Cu)));
    acc ^= fz5_fold_f32(fz5_ram2[acc % 4u](fz5_make_u32((acc) ^ 0xAB0898BEu), fz5_make_u32((acc) ^ 0x09E25A04u), fz5_make_u32((acc) ^ 0x18E78647u), fz5_make_u32((acc) ^ 0xEC3C29D8u)));
    return acc;
}

#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{
    fz5_init();
    printf("fz fz5 checksum=%08x\n", (unsigned)fz5_run());
    return 0;
}
#else
#ifndef FZ_DESC_DEFINED       /* several programs may share one translation unit (images.py) */
#define FZ_DESC_DEFINED
struct fz_desc {
    const char *name;
    void (*init)(void);
    uint32_t (*run)(void);
    void (*irq)(void);
    const volatile uint32_t *irq_count;
    const volatile uint32_t *irq_errors;
};
#endif
const struct fz_desc fz5_desc = {"fz5", fz5_init, fz5_run, fz5_irq, &fz5_irq_n, &fz5_irq_err};
#endif

