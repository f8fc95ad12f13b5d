/* mcusplit fuzz: own generator v1, seed 19 (python3 -m mcusplit.cli fuzz --seed 19 --count 1) */
#include <stdarg.h>
#include <stdint.h>

#ifndef FZ_NOSPLIT
#ifdef FZ_HOST
#define FZ_NOSPLIT
#else
#define FZ_NOSPLIT __attribute__((no_split_stack))   /* runs in the reserve */
#endif
#endif

struct fz19_s { uint32_t a; uint64_t b; float c; uint16_t d; uint8_t e[3]; };
struct fz19_h { float x; float y; float z; };

static inline uint32_t fz19_rot(uint32_t x, uint32_t k) { k &= 31u; return k ? (x << k) | (x >> (32u - k)) : x; }
static inline uint32_t fz19_fold_u32(uint32_t x) { return x; }
static inline uint32_t fz19_fold_u64(uint64_t x) { return (uint32_t)x ^ ((uint32_t)(x >> 32) * 0x9E3779B1u); }
static inline uint32_t fz19_fold_f32(float f)
{
    uint32_t s = 0;
    return s ^ (uint32_t)f ^ (f < 1.0e7f ? (uint32_t)(f * 256.0f) << 1 : 0u);
}
static inline uint32_t fz19_fold_f64(double f)
{
    uint32_t s = 0;
    if (f != f) return 0x7FF80000u;
    return s ^ (uint32_t)f ^ (f < 1.0e7 ? (uint32_t)(f * 256.0) << 1 : 0u);
}
static inline uint32_t fz19_make_u32(uint32_t x) { return x; }
static inline uint64_t fz19_make_u64(uint32_t x) { return ((uint64_t)x << 29) ^ (uint64_t)x * 0x9E3779B97F4A7C15ull; }
static inline float fz19_make_f32(uint32_t x) { return (float)(x & 0xFFFFFu) * 0.0625f; }
static inline double fz19_make_f64(uint32_t x) { return (double)(x & 0x3FFFFFFu) * 0.03125; }

typedef uint64_t (*fz19_sig0)(float, double, uint32_t, uint32_t);
typedef float (*fz19_sig2)(double);
static volatile uint32_t fz19_irq_n, fz19_irq_err;

static __attribute__((noinline)) uint64_t fz19_f2(float a0, double a1, uint32_t a2, uint32_t a3);
static __attribute__((noinline)) float fz19_f14(double a0);
static __attribute__((noinline)) float fz19_f15(double a0);
static __attribute__((noinline)) float fz19_f16(double a0);
static __attribute__((noinline)) float fz19_f17(double a0);
static fz19_sig0 fz19_ram0[3] = {fz19_f2, fz19_f2, fz19_f2};
static fz19_sig2 const fz19_rom2[4] = {fz19_f14, fz19_f15, fz19_f16, fz19_f17};


static __attribute__((noinline)) uint64_t fz19_f2(float a0, double a1, uint32_t a2, uint32_t a3)
{
    uint32_t acc = 0xFD28530Bu ^ fz19_fold_f32(a0) ^ fz19_fold_f64(a1) ^ fz19_fold_u32(a2) ^ fz19_fold_u32(a3);
    volatile uint32_t fr[3];
    for (uint32_t i = 0; i < 3u; i++)
        fr[i] = acc + i * 0x23286901u;
    acc += fr[acc % 3u];
    return fz19_make_u64(acc);
}

static __attribute__((noinline)) uint64_t fz19_f3(float a0, double a1, uint32_t a2, uint32_t a3)
{
    uint32_t acc = 0x972FC54Cu ^ fz19_fold_f32(a0) ^ fz19_fold_f64(a1) ^ fz19_fold_u32(a2) ^ fz19_fold_u32(a3);
    return fz19_make_u64(acc);
}

static __attribute__((noinline)) uint64_t fz19_f4(float a0, double a1, uint32_t a2, uint32_t a3)
{
    uint32_t acc = 0xE05EECD8u ^ fz19_fold_f32(a0) ^ fz19_fold_f64(a1) ^ fz19_fold_u32(a2) ^ fz19_fold_u32(a3);
    volatile uint32_t fr[67];
    for (uint32_t i = 0; i < 67u; i++)
        fr[i] = acc + i * 0x095C0ACFu;
    { float fv = fz19_make_f32(acc) * 3.0f + fz19_make_f32(acc >> 9);
      double dv = fz19_make_f64(acc ^ 0xBCFC5B47u) / 3.0;
      acc ^= fz19_fold_f32(fv) + fz19_fold_f64(dv); }
    acc += fr[acc % 67u];
    return fz19_make_u64(acc);
}



static FZ_NOSPLIT __attribute__((noinline)) uint32_t fz19_ns6(uint32_t a0, uint32_t a1)
{
    uint32_t acc = 0x2AB68AE7u ^ fz19_fold_u32(a0) ^ fz19_fold_u32(a1);
    volatile uint32_t fr[2];
    for (uint32_t i = 0; i < 2u; i++)
        fr[i] = acc + i * 0xFDB70624u;
    acc += fr[acc % 2u];
    return acc;
}


static __attribute__((noinline)) double fz19_f8(uint32_t a0, uint32_t a1, double a2, uint32_t a3, uint32_t a4, uint64_t a5)
{
    uint32_t acc = 0xF0469DCAu ^ fz19_fold_u32(a0) ^ fz19_fold_u32(a1) ^ fz19_fold_f64(a2) ^ fz19_fold_u32(a3) ^ fz19_fold_u32(a4) ^ fz19_fold_u64(a5);
    volatile uint32_t fr[64];
    return fz19_make_f64(acc);
}

static __attribute__((noinline)) double fz19_f9(uint32_t a0, uint32_t a1, double a2, uint32_t a3, uint32_t a4, uint64_t a5)
{
    uint32_t acc = 0x3C2F3F84u ^ fz19_fold_u32(a0) ^ fz19_fold_u32(a1) ^ fz19_fold_f64(a2) ^ fz19_fold_u32(a3) ^ fz19_fold_u32(a4) ^ fz19_fold_u64(a5);
    volatile uint32_t fr[5];
    for (uint32_t i = 0; i < 5u; i++)
        fr[i] = acc + i * 0x8B35CB35u;
    for (uint32_t i = 0; i < 7u; i++)
        acc = fz19_rot(acc, 5u) ^ fz19_fold_u64(fz19_f2(fz19_make_f32((acc + i) ^ 0x306DFCDAu), fz19_make_f64((acc + i) ^ 0x42583BFBu), fz19_make_u32((acc + i) ^ 0xB1E86487u), fz19_make_u32((acc + i) ^ 0x85E4CB12u)));
    acc ^= fz19_fold_u64(fz19_ram0[acc % 3u](fz19_make_f32((acc) ^ 0x462E6A12u), fz19_make_f64((acc) ^ 0xD857A95Fu), fz19_make_u32((acc) ^ 0xB8768E3Bu), fz19_make_u32((acc) ^ 0xAC34B941u)));
    return fz19_make_f64(acc);
}

static __attribute__((noinline)) double fz19_f10(uint32_t a0, uint32_t a1, double a2, uint32_t a3, uint32_t a4, uint64_t a5)
{
    uint32_t acc = 0xA4A94533u ^ fz19_fold_u32(a0) ^ fz19_fold_u32(a1) ^ fz19_fold_f64(a2) ^ fz19_fold_u32(a3) ^ fz19_fold_u32(a4) ^ fz19_fold_u64(a5);
    volatile uint32_t fr[63];
    return fz19_make_f64(acc);
}




static __attribute__((noinline)) float fz19_f14(double a0)
{
    uint32_t acc = 0x822B6C06u ^ fz19_fold_f64(a0);
    volatile uint32_t fr[1];
    return fz19_make_f32(acc);
}

static __attribute__((noinline)) float fz19_f15(double a0)
{
    uint32_t acc = 0x103051F2u ^ fz19_fold_f64(a0);
    volatile uint32_t fr[66];
    for (uint32_t i = 0; i < 66u; i++)
        fr[i] = acc + i * 0x548CAE7Bu;
    acc = acc * 31u + fz19_fold_f64(fz19_f9(fz19_make_u32((acc) ^ 0x7B0D5930u), fz19_make_u32((acc) ^ 0x57FDBE5Bu), fz19_make_f64((acc) ^ 0xDE116E19u), fz19_make_u32((acc) ^ 0x8398A317u), fz19_make_u32((acc) ^ 0xBBCECFFCu), fz19_make_u64((acc) ^ 0x5F310DEEu)));
    return fz19_make_f32(acc);
}

static __attribute__((noinline)) float fz19_f16(double a0)
{
    uint32_t acc = 0xF19595A2u ^ fz19_fold_f64(a0);
    volatile uint32_t fr[52];
    for (uint32_t i = 0; i < 52u; i++)
        fr[i] = acc + i * 0xD65EBC0Bu;
    acc = acc * 31u + fz19_fold_f64(fz19_f9(fz19_make_u32((acc) ^ 0x01E055B8u), fz19_make_u32((acc) ^ 0x5663E55Au), fz19_make_f64((acc) ^ 0x01B12801u), fz19_make_u32((acc) ^ 0x305E91EAu), fz19_make_u32((acc) ^ 0xE25D811Eu), fz19_make_u64((acc) ^ 0xBCF502B6u)));
    switch (acc % 7u) {
    case 0u: acc ^= 0xB0862CFAu; break;
    case 1u: acc += fz19_fold_u64(fz19_f2(fz19_make_f32((acc) ^ 0xE580F1DBu), fz19_make_f64((acc) ^ 0x50712E43u), fz19_make_u32((acc) ^ 0x00A4DAE7u), fz19_make_u32((acc) ^ 0x95503FDBu))); break;
    case 2u: acc += fz19_fold_f64(fz19_f10(fz19_make_u32((acc) ^ 0x481FBE2Fu), fz19_make_u32((acc) ^ 0xF31ACF4Au), fz19_make_f64((acc) ^ 0x10D6659Au), fz19_make_u32((acc) ^ 0x296CA03Du), fz19_make_u32((acc) ^ 0x27A1B6C7u), fz19_make_u64(1u))); break;
    case 3u: acc += fz19_fold_f64(fz19_f8(fz19_make_u32((acc) ^ 0x4A0D9FA4u), fz19_make_u32((acc) ^ 0xFC532C6Cu), fz19_make_f64((acc) ^ 0x33472D68u), fz19_make_u32((acc) ^ 0xD91766F0u), fz19_make_u32((acc) ^ 0xDDB150EDu), fz19_make_u64((acc) ^ 0xA61FE2A7u))); break;
    case 4u: acc += fz19_fold_f64(fz19_f10(fz19_make_u32((acc) ^ 0x70C65D39u), fz19_make_u32((acc) ^ 0xAABED7B4u), fz19_make_f64((acc) ^ 0x303AB3B4u), fz19_make_u32((acc) ^ 0xEB04164Au), fz19_make_u32((acc) ^ 0x6BEE096Fu), fz19_make_u64((acc) ^ 0x3417E4EFu))); break;
    case 5u: acc += fz19_fold_f64(fz19_f8(fz19_make_u32((acc) ^ 0xE5762F73u), fz19_make_u32((acc) ^ 0x5A182C2Eu), fz19_make_f64((acc) ^ 0xBD652982u), fz19_make_u32((acc) ^ 0x3519BCC6u), fz19_make_u32((acc) ^ 0xF924849Eu), fz19_make_u64((acc) ^ 0x1B78A187u))); break;
    case 6u: acc ^= 0x0128F4B3u; break;
    default: acc = ~acc; break;
    }
    acc += fz19_ns6(acc, 0xAC0B7962u);
    switch (acc % 8u) {
    case 0u: acc += fz19_fold_u64(fz19_f3(fz19_make_f32((acc) ^ 0xCA005075u), fz19_make_f64((acc) ^ 0x42A50A47u), fz19_make_u32((acc) ^ 0x09F6766Du), fz19_make_u32((acc) ^ 0x06140DD7u))); break;
    case 1u: acc += fz19_fold_f64(fz19_f9(fz19_make_u32((acc) ^ 0xE851844Fu), fz19_make_u32((acc) ^ 0x868A7B77u), fz19_make_f64((acc) ^ 0xEF762D2Fu), fz19_make_u32((acc) ^ 0xCF4C2760u), fz19_make_u32((acc) ^ 0x229FEA7Au), fz19_make_u64((acc) ^ 0xD70715E2u))); break;
    case 2u: acc += fz19_fold_u64(fz19_f3(fz19_make_f32((acc) ^ 0xF4D33765u), fz19_make_f64((acc) ^ 0xD754F8D7u), fz19_make_u32((acc) ^ 0x16C9C54Au), fz19_make_u32((acc) ^ 0xCDA57084u))); break;
    case 3u: acc ^= 0x06E619BAu; break;
    case 4u: acc ^= 0xF8903998u; break;
    case 5u: acc ^= 0xA28E9804u; break;
    case 6u: acc += fz19_fold_u64(fz19_f4(fz19_make_f32((acc) ^ 0xACE9FB4Eu), fz19_make_f64((acc) ^ 0xEEA65EADu), fz19_make_u32((acc) ^ 0xCF465432u), fz19_make_u32((acc) ^ 0x0AFC94B7u))); break;
    case 7u: acc += fz19_fold_u64(fz19_f3(fz19_make_f32((acc) ^ 0x2C9B7961u), fz19_make_f64((acc) ^ 0x2272B3F3u), fz19_make_u32((acc) ^ 0x0FCCB034u), fz19_make_u32((acc) ^ 0xA001E5D9u))); break;
    default: acc = ~acc; break;
    }
    acc += fr[acc % 52u];
    return fz19_make_f32(acc);
}

static __attribute__((noinline)) float fz19_f17(double a0)
{
    uint32_t acc = 0x5EE58637u ^ fz19_fold_f64(a0);
    return fz19_make_f32(acc);
}



void fz19_init(void)
{
    fz19_ram0[0] = fz19_f4;
}

void fz19_irq(void)
{
}

__attribute__((noinline)) uint32_t fz19_run(void)
{
    uint32_t acc = 0x20864B70u;
    for (uint32_t i = 0; i < 2u; i++)
        acc = acc * 31u + fz19_fold_f32(fz19_f16(fz19_make_f64((acc + i) ^ 0x9B2D692Cu)));
    for (uint32_t i = 0; i < 3u; i++)
        acc = acc * 31u + fz19_fold_u64(fz19_f2(fz19_make_f32((acc + i) ^ 0x86B27B12u), fz19_make_f64((acc + i) ^ 0x232A9886u), fz19_make_u32((acc + i) ^ 0xEB16BDECu), fz19_make_u32((acc + i) ^ 0x951409BDu)));
    acc ^= fz19_fold_f32(fz19_rom2[acc % 4u](fz19_make_f64((acc) ^ 0xD5CE075Bu)));
    return acc;
}

#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{
    fz19_init();
    printf("fz fz19 checksum=%08x\n", (unsigned)fz19_run());
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
const struct fz_desc fz19_desc = {"fz19", fz19_init, fz19_run, fz19_irq, &fz19_irq_n, &fz19_irq_err};
#endif

