/* mcusplit fuzz: own generator v1, seed 316 (python3 -m mcusplit.cli fuzz --seed 316 --count 1) */
#include <stdarg.h>
#include <stdint.h>

#ifndef FZ_NOSPLIT
#ifdef FZ_HOST
#define FZ_NOSPLIT
#else
#define FZ_NOSPLIT __attribute__((no_split_stack))   /* runs in the reserve */
#endif
#endif

struct fz316_s { uint32_t a; uint64_t b; float c; uint16_t d; uint8_t e[3]; };
struct fz316_h { float x; float y; float z; };

static inline uint32_t fz316_rot(uint32_t x, uint32_t k) { k &= 31u; return k ? (x << k) | (x >> (32u - k)) : x; }
static inline uint32_t fz316_fold_u32(uint32_t x) { return x; }
static inline uint32_t fz316_fold_u64(uint64_t x) { return (uint32_t)x ^ ((uint32_t)(x >> 32) * 0x9E3779B1u); }
static inline uint32_t fz316_fold_f32(float f)
{
    uint32_t s = 0;
    return s ^ (uint32_t)f ^ (f < 1.0e7f ? (uint32_t)(f * 256.0f) << 1 : 0u);
}
static inline uint32_t fz316_fold_f64(double f)
{
    uint32_t s = 0;
    return s ^ (uint32_t)f ^ (f < 1.0e7 ? (uint32_t)(f * 256.0) << 1 : 0u);
}
static inline uint32_t fz316_fold_h(struct fz316_h v)
{
    return fz316_fold_f32(v.x) ^ fz316_rot(fz316_fold_f32(v.y), 11) ^ fz316_rot(fz316_fold_f32(v.z), 22);
}
static inline uint32_t fz316_make_u32(uint32_t x) { return x; }
static inline uint64_t fz316_make_u64(uint32_t x) { return ((uint64_t)x << 29) ^ (uint64_t)x * 0x9E3779B97F4A7C15ull; }
static inline float fz316_make_f32(uint32_t x) { return (float)(x & 0xFFFFFu) * 0.0625f; }
static inline double fz316_make_f64(uint32_t x) { return (double)(x & 0x3FFFFFFu) * 0.03125; }
static inline struct fz316_h fz316_make_h(uint32_t x)
{
    struct fz316_h v = {fz316_make_f32(x), fz316_make_f32(x >> 5) * 0.5f, fz316_make_f32(x >> 11) + 1.25f};
    return v;
}

typedef float (*fz316_sig1)(uint32_t);
static volatile uint32_t fz316_irq_n, fz316_irq_err;

static __attribute__((noinline)) float fz316_f14(uint32_t a0);
static __attribute__((noinline)) float fz316_f16(uint32_t a0);
static fz316_sig1 fz316_ram1[4] = {fz316_f14, fz316_f14, fz316_f16, fz316_f16};


static __attribute__((noinline)) uint64_t fz316_f2(uint32_t a0, double a1, uint32_t a2)
{
    uint32_t acc = 0x50214F7Bu ^ fz316_fold_u32(a0) ^ fz316_fold_f64(a1) ^ fz316_fold_u32(a2);
    volatile uint32_t fr[64];
    return fz316_make_u64(acc);
}

static __attribute__((noinline)) uint32_t fz316_f3(double a0)
{
    uint32_t acc = 0xC15FEBDEu ^ fz316_fold_f64(a0);
    volatile uint32_t fr[25];
    return fz316_make_u32(acc);
}



static __attribute__((noinline)) uint32_t fz316_f6(uint32_t a0)
{
    uint32_t acc = 0x64403432u ^ fz316_fold_u32(a0);
    volatile uint32_t fr[61];
    return fz316_f3(fz316_make_f64((acc) ^ 0x7138BCA4u));
}

static __attribute__((noinline)) uint32_t fz316_f7(uint32_t a0)
{
    uint32_t acc = 0xD05854ECu ^ fz316_fold_u32(a0);
    volatile uint32_t fr[67];
    return fz316_make_u32(acc);
}







static __attribute__((noinline)) float fz316_f14(uint32_t a0)
{
    uint32_t acc = 0xBFF48F39u ^ fz316_fold_u32(a0);
    volatile uint32_t fr[54];
    acc = fz316_rot(acc, 11u) * 0x508256F0u + (acc >> 31u);
    switch (acc % 12u) {
    case 0u: acc += fz316_fold_u32(fz316_f3(fz316_make_f64((acc) ^ 0x32D1DB12u))); break;
    case 1u: acc += fz316_fold_u64(fz316_f2(fz316_make_u32((acc) ^ 0x1EB844D7u), fz316_make_f64((acc) ^ 0x497391B9u), fz316_make_u32((acc) ^ 0x1843542Eu))); break;
    case 2u: acc += fz316_fold_u32(fz316_f6(fz316_make_u32((acc) ^ 0x11D5EC19u))); break;
    case 3u: acc ^= 0x6679C4D6u; break;
    case 4u: acc += fz316_fold_u32(fz316_f3(fz316_make_f64((acc) ^ 0x72E98AD6u))); break;
    case 5u: acc += fz316_fold_u32(fz316_f6(fz316_make_u32((acc) ^ 0x922DD99Cu))); break;
    case 6u: acc += fz316_fold_u32(fz316_f7(fz316_make_u32((acc) ^ 0x279AA26Fu))); break;
    case 7u: acc += fz316_fold_u64(fz316_f2(fz316_make_u32((acc) ^ 0x2D00B4F6u), fz316_make_f64((acc) ^ 0x81589515u), fz316_make_u32((acc) ^ 0xFCAB35EFu))); break;
    case 8u: acc ^= 0x983C859Bu; break;
    case 9u: acc ^= 0x395F9ABBu; break;
    case 10u: acc += fz316_fold_u32(fz316_f7(fz316_make_u32((acc) ^ 0x17BE45CCu))); break;
    case 11u: acc += fz316_fold_u32(fz316_f3(fz316_make_f64((acc) ^ 0x8F5C6325u))); break;
    default: acc = ~acc; break;
    }
    return fz316_make_f32(acc);
}


static __attribute__((noinline)) float fz316_f16(uint32_t a0)
{
    uint32_t acc = 0x17FBBE2Fu ^ fz316_fold_u32(a0);
    volatile uint32_t fr[4];
    return fz316_make_f32(acc);
}





static __attribute__((noinline)) struct fz316_h fz316_f21(double a0)
{
    uint32_t acc = 0x249948B8u ^ fz316_fold_f64(a0);
    volatile uint32_t fr[34];
    return fz316_make_h(acc);
}





void fz316_init(void)
{
}

void fz316_irq(void)
{
}

__attribute__((noinline)) uint32_t fz316_run(void)
{
    uint32_t acc = 0xF58FB39Du;
    for (uint32_t i = 0; i < 4u; i++)
        acc = acc * 31u + fz316_fold_h(fz316_f21(fz316_make_f64(1u)));
    acc ^= fz316_fold_f32(fz316_ram1[acc % 4u](fz316_make_u32(1u)));
    return acc;
}

#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{
    fz316_init();
    printf("fz fz316 checksum=%08x\n", (unsigned)fz316_run());
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
const struct fz_desc fz316_desc = {"fz316", fz316_init, fz316_run, fz316_irq, &fz316_irq_n, &fz316_irq_err};
#endif

