/* mcusplit fuzz: own generator v1, seed 3 (python3 -m mcusplit.cli fuzz --seed 3 --count 1) */
#include <stdarg.h>
#include <stdint.h>

#ifndef FZ_NOSPLIT
#ifdef FZ_HOST
#define FZ_NOSPLIT
#else
#define FZ_NOSPLIT __attribute__((no_split_stack))   /* runs in the reserve */
#endif
#endif

struct fz3_s { uint32_t a; uint64_t b; float c; uint16_t d; uint8_t e[3]; };
struct fz3_h { float x; float y; float z; };

static inline uint32_t fz3_rot(uint32_t x, uint32_t k) { k &= 31u; return k ? (x << k) | (x >> (32u - k)) : x; }
static inline uint32_t fz3_fold_u32(uint32_t x) { return x; }
static inline uint32_t fz3_fold_u64(uint64_t x) { return (uint32_t)x ^ ((uint32_t)(x >> 32) * 0x9E3779B1u); }
static inline uint32_t fz3_fold_f32(float f)
{
    uint32_t s = 0;
    return s ^ (uint32_t)f ^ (f < 1.0e7f ? (uint32_t)(f * 256.0f) << 1 : 0u);
}
static inline uint32_t fz3_fold_f64(double f)
{
    uint32_t s = 0;
    return s ^ (uint32_t)f ^ (f < 1.0e7 ? (uint32_t)(f * 256.0) << 1 : 0u);
}
static inline uint32_t fz3_fold_s(struct fz3_s v)
{
    return v.a ^ fz3_fold_u64(v.b) ^ fz3_rot(fz3_fold_f32(v.c), 7) ^ ((uint32_t)v.d << 3) ^ v.e[0]
           ^ ((uint32_t)v.e[2] << 9);
}
static inline uint32_t fz3_make_u32(uint32_t x) { return x; }
static inline uint64_t fz3_make_u64(uint32_t x) { return ((uint64_t)x << 29) ^ (uint64_t)x * 0x9E3779B97F4A7C15ull; }
static inline float fz3_make_f32(uint32_t x) { return (float)(x & 0xFFFFFu) * 0.0625f; }
static inline double fz3_make_f64(uint32_t x) { return (double)(x & 0x3FFFFFFu) * 0.03125; }
static inline struct fz3_s fz3_make_s(uint32_t x)
{
    struct fz3_s v = {x, fz3_make_u64(x ^ 0x5555u), fz3_make_f32(x >> 3), (uint16_t)(x >> 7),
                       {(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16)}};
    return v;
}

static volatile uint32_t fz3_irq_n, fz3_irq_err;





static __attribute__((noinline)) uint32_t fz3_r4(uint32_t a0)
{
    uint32_t acc = 0x0DE44C2Du ^ fz3_fold_u32(a0);
    volatile uint32_t fr[40];
    for (uint32_t i = 0; i < 40u; i++)
        fr[i] = acc + i * 0x8CBE2430u;
    if (a0 == 0u)
        return fz3_make_u32(acc);
    return fz3_r4(a0 - 1u);
}






static __attribute__((noinline)) struct fz3_s fz3_f10(void)
{
    uint32_t acc = 0xB404EC49u;
    volatile uint32_t fr[56];
    acc = acc * 31u + fz3_fold_u32(fz3_r4(1u));
    return fz3_make_s(acc);
}


static uint64_t fz3_f12(float a0, uint32_t a1, uint64_t a2, uint64_t a3, uint32_t a4, uint32_t a5, double a6)
{
    uint32_t acc = 0x9E10CA13u ^ fz3_fold_f32(a0) ^ fz3_fold_u32(a1) ^ fz3_fold_u64(a2) ^ fz3_fold_u64(a3) ^ fz3_fold_u32(a4) ^ fz3_fold_u32(a5) ^ fz3_fold_f64(a6);
    acc = acc * 31u + fz3_fold_s(fz3_f10());
    return fz3_make_u64(acc);
}











void fz3_init(void)
{
}

void fz3_irq(void)
{
}

__attribute__((noinline)) uint32_t fz3_run(void)
{
    uint32_t acc = 0x72ED7B9Au;
    for (uint32_t i = 0; i < 2u; i++)
        acc = acc * 31u + fz3_fold_u64(fz3_f12(fz3_make_f32(1u), fz3_make_u32(1u), fz3_make_u64(1u), fz3_make_u64(1u), fz3_make_u32(1u), fz3_make_u32(1u), fz3_make_f64(1u)));
    return acc;
}

#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{
    fz3_init();
    printf("fz fz3 checksum=%08x\n", (unsigned)fz3_run());
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
const struct fz_desc fz3_desc = {"fz3", fz3_init, fz3_run, fz3_irq, &fz3_irq_n, &fz3_irq_err};
#endif

