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
    if (f != f) return 0x7FC00000u;
    if (f < 0.0f) { f = -f; s = 0x80000000u; }
    if (f >= 4.0e9f) return s ^ 0x7F800000u;
    return s ^ (uint32_t)f ^ (f < 1.0e7f ? (uint32_t)(f * 256.0f) << 1 : 0u);
}
static inline uint32_t fz3_fold_f64(double f)
{
    uint32_t s = 0;
    if (f != f) return 0x7FF80000u;
    if (f < 0.0) { f = -f; s = 0x80000000u; }
    if (f >= 4.0e9) return s ^ 0x7FF00000u;
    return s ^ (uint32_t)f ^ (f < 1.0e7 ? (uint32_t)(f * 256.0) << 1 : 0u);
}
static inline uint32_t fz3_fold_s(struct fz3_s v)
{
    return v.a ^ fz3_fold_u64(v.b) ^ fz3_rot(fz3_fold_f32(v.c), 7) ^ ((uint32_t)v.d << 3) ^ v.e[0]
           ^ ((uint32_t)v.e[2] << 9);
}
static inline uint32_t fz3_fold_h(struct fz3_h v)
{
    return fz3_fold_f32(v.x) ^ fz3_rot(fz3_fold_f32(v.y), 11) ^ fz3_rot(fz3_fold_f32(v.z), 22);
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
static inline struct fz3_h fz3_make_h(uint32_t x)
{
    struct fz3_h v = {fz3_make_f32(x), fz3_make_f32(x >> 5) * 0.5f, fz3_make_f32(x >> 11) + 1.25f};
    return v;
}

typedef uint32_t (*fz3_sig0)(uint64_t, uint64_t, uint64_t, uint32_t, uint32_t);
typedef uint64_t (*fz3_sig1)(struct fz3_s, uint32_t, double, uint32_t, uint32_t, uint64_t);
static uint32_t fz3_g[4];
static volatile uint32_t fz3_irq_n, fz3_irq_err;
static uint32_t fz3_irq_expect[4];

static __attribute__((noinline)) uint64_t fz3_f1(uint32_t a0);
static __attribute__((noinline)) uint32_t fz3_f2(double a0, uint64_t a1, uint32_t a2, uint64_t a3, uint32_t a4, uint32_t a5);
static __attribute__((noinline)) uint64_t fz3_f3(uint32_t a0);
static __attribute__((noinline)) uint32_t fz3_r4(uint32_t a0);
static FZ_NOSPLIT __attribute__((noinline)) uint32_t fz3_ns5(uint32_t a0, uint32_t a1);
static __attribute__((noinline)) uint32_t fz3_vl6(uint32_t n, va_list ap);
static uint32_t fz3_v7(uint32_t n, ...);
static __attribute__((noinline)) float fz3_f8(uint32_t a0, float a1, float a2, uint64_t a3, uint64_t a4);
static __attribute__((noinline)) uint32_t fz3_r9(uint32_t a0);
static __attribute__((noinline)) struct fz3_s fz3_f10(void);
static __attribute__((noinline)) double fz3_f11(float a0, double a1, uint32_t a2, uint32_t a3, uint32_t a4, float a5);
static uint64_t fz3_f12(float a0, uint32_t a1, uint64_t a2, uint64_t a3, uint32_t a4, uint32_t a5, double a6);
static uint32_t fz3_f13(uint64_t a0, float a1, uint32_t a2);
static __attribute__((noinline)) uint32_t fz3_f14(uint32_t a0, uint32_t a1, uint64_t a2, uint32_t a3, uint32_t a4, uint32_t a5);
static __attribute__((noinline)) uint32_t fz3_f15(uint64_t a0, uint64_t a1, uint64_t a2, uint32_t a3, uint32_t a4);
static __attribute__((noinline)) uint32_t fz3_f16(uint64_t a0, uint64_t a1, uint64_t a2, uint32_t a3, uint32_t a4);
static __attribute__((noinline)) uint32_t fz3_vl17(uint32_t n, va_list ap);
static uint32_t fz3_v18(uint32_t n, ...);
static double fz3_f19(double a0, float a1, uint32_t a2, double a3, double a4);
static __attribute__((noinline)) uint64_t fz3_f20(struct fz3_s a0, uint32_t a1, double a2, uint32_t a3, uint32_t a4, uint64_t a5);
static __attribute__((noinline)) uint64_t fz3_f21(struct fz3_s a0, uint32_t a1, double a2, uint32_t a3, uint32_t a4, uint64_t a5);
static fz3_sig0 fz3_ram0[2] = {fz3_f15, fz3_f15};
static fz3_sig1 fz3_ram1[2] = {fz3_f20, fz3_f20};

static __attribute__((noinline)) uint64_t fz3_f1(uint32_t a0)
{
    uint32_t acc = 0xA6CD31B1u ^ fz3_fold_u32(a0);
    volatile uint32_t fr[64];
    for (uint32_t i = 0; i < 64u; i++)
        fr[i] = acc + i * 0xAB5135C8u;
    acc += fr[acc % 64u];
    return fz3_make_u64(acc);
}

static __attribute__((noinline)) uint32_t fz3_f2(double a0, uint64_t a1, uint32_t a2, uint64_t a3, uint32_t a4, uint32_t a5)
{
    uint32_t acc = 0xBC25B728u ^ fz3_fold_f64(a0) ^ fz3_fold_u64(a1) ^ fz3_fold_u32(a2) ^ fz3_fold_u64(a3) ^ fz3_fold_u32(a4) ^ fz3_fold_u32(a5);
    volatile uint32_t fr[56];
    for (uint32_t i = 0; i < 56u; i++)
        fr[i] = acc + i * 0xDED01ED0u;
    { float fv = fz3_make_f32(acc) * 0.5f + fz3_make_f32(acc >> 9);
      double dv = fz3_make_f64(acc ^ 0xFCF4E89Fu) / 0.375;
      acc ^= fz3_fold_f32(fv) + fz3_fold_f64(dv); }
    { uint64_t q = fz3_make_u64(acc) * 0x722211F6ull + acc;
      q ^= q >> 60u;
      acc ^= fz3_fold_u64(q / ((uint64_t)acc | 1u)); }
    { struct fz3_s v = fz3_make_s(acc);
      v.a += 0xB5023CFAu; v.e[1] ^= (uint8_t)acc;
      acc ^= fz3_fold_s(v); }
    acc += fr[acc % 56u];
    return fz3_make_u32(acc);
}

static __attribute__((noinline)) uint64_t fz3_f3(uint32_t a0)
{
    uint32_t acc = 0x2AE5B156u ^ fz3_fold_u32(a0);
    volatile uint32_t fr[4];
    for (uint32_t i = 0; i < 4u; i++)
        fr[i] = acc + i * 0xC97346A0u;
    acc += fr[acc % 4u];
    return fz3_make_u64(acc);
}

static __attribute__((noinline)) uint32_t fz3_r4(uint32_t a0)
{
    uint32_t acc = 0x0DE44C2Du ^ fz3_fold_u32(a0);
    volatile uint32_t fr[40];
    for (uint32_t i = 0; i < 40u; i++)
        fr[i] = acc + i * 0x8CBE2430u;
    if (a0 == 0u)
        return fz3_make_u32(acc);
    acc += fr[acc % 40u];
    return fz3_r4(a0 - 1u);
}

static FZ_NOSPLIT __attribute__((noinline)) uint32_t fz3_ns5(uint32_t a0, uint32_t a1)
{
    uint32_t acc = 0x4A04B168u ^ fz3_fold_u32(a0) ^ fz3_fold_u32(a1);
    volatile uint32_t fr[6];
    for (uint32_t i = 0; i < 6u; i++)
        fr[i] = acc + i * 0xB975AE3Au;
    acc += fr[acc % 6u];
    return acc;
}

static __attribute__((noinline)) uint32_t fz3_vl6(uint32_t n, va_list ap)
{
    uint32_t acc = 0xCFFD3C62u ^ n;
    acc = acc * 31u + fz3_fold_u32(va_arg(ap, uint32_t));
    acc = acc * 31u + fz3_fold_u32(va_arg(ap, uint32_t));
    return acc;
}

static uint32_t fz3_v7(uint32_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    uint32_t r = fz3_vl6(n, ap);
    va_end(ap);
    return r;
}

static __attribute__((noinline)) float fz3_f8(uint32_t a0, float a1, float a2, uint64_t a3, uint64_t a4)
{
    uint32_t acc = 0x768AC362u ^ fz3_fold_u32(a0) ^ fz3_fold_f32(a1) ^ fz3_fold_f32(a2) ^ fz3_fold_u64(a3) ^ fz3_fold_u64(a4);
    volatile uint32_t fr[67];
    for (uint32_t i = 0; i < 67u; i++)
        fr[i] = acc + i * 0x92438B4Au;
    { float fv = fz3_make_f32(acc) * 1.5f + fz3_make_f32(acc >> 9);
      double dv = fz3_make_f64(acc ^ 0xB1090AD9u) / 7.0;
      acc ^= fz3_fold_f32(fv) + fz3_fold_f64(dv); }
    acc += fz3_ns5(acc, 0xE9F92FECu);
    acc ^= fz3_v7(2u, fz3_make_u32(acc ^ 0xA73182A5u), fz3_make_u32(acc ^ 0x7B9025A4u));
    switch (acc % 7u) {
    case 0u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0x8D3B3B35u))); break;
    case 1u: acc ^= 0xC5F4DDB8u; break;
    case 2u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0x8A725A9Eu))); break;
    case 3u: acc ^= 0x25F392EDu; break;
    case 4u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x7F0F8956u), fz3_make_u64((acc) ^ 0x4816322Eu), fz3_make_u32((acc) ^ 0x101A4DFAu), fz3_make_u64((acc) ^ 0x9265961Eu), fz3_make_u32((acc) ^ 0x704CCA0Au), fz3_make_u32((acc) ^ 0xE718A349u))); break;
    case 5u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x4BD3E5CCu), fz3_make_u64((acc) ^ 0x97DDA137u), fz3_make_u32((acc) ^ 0x822949ACu), fz3_make_u64((acc) ^ 0xFC83D558u), fz3_make_u32((acc) ^ 0x0A1BE3ACu), fz3_make_u32((acc) ^ 0xECADA446u))); break;
    case 6u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0xBBA63D82u))); break;
    default: acc = ~acc; break;
    }
    acc += fr[acc % 67u];
    return fz3_make_f32(acc);
}

static __attribute__((noinline)) uint32_t fz3_r9(uint32_t a0)
{
    uint32_t acc = 0xAA93F6F1u ^ fz3_fold_u32(a0);
    volatile uint32_t fr[40];
    for (uint32_t i = 0; i < 40u; i++)
        fr[i] = acc + i * 0xBF9C290Eu;
    if (a0 == 0u)
        return fz3_make_u32(acc);
    { float fv = fz3_make_f32(acc) * 3.0f + fz3_make_f32(acc >> 9);
      double dv = fz3_make_f64(acc ^ 0x53176696u) / 3.0;
      acc ^= fz3_fold_f32(fv) + fz3_fold_f64(dv); }
    acc = acc * 33u + fz3_fold_u32(fz3_r9(a0 - 1u));
    acc += fr[acc % 40u];
    return fz3_make_u32(acc);
}

static __attribute__((noinline)) struct fz3_s fz3_f10(void)
{
    uint32_t acc = 0xB404EC49u;
    volatile uint32_t fr[56];
    for (uint32_t i = 0; i < 56u; i++)
        fr[i] = acc + i * 0x12F6B794u;
    { float fv = fz3_make_f32(acc) * 3.0f + fz3_make_f32(acc >> 9);
      double dv = fz3_make_f64(acc ^ 0xA9E1777Bu) / 3.0;
      acc ^= fz3_fold_f32(fv) + fz3_fold_f64(dv); }
    acc = acc * 31u + fz3_fold_u32(fz3_r4(1u));
    { uint64_t q = fz3_make_u64(acc) * 0xD039456Aull + acc;
      q ^= q >> 48u;
      acc ^= fz3_fold_u64(q / ((uint64_t)acc | 1u)); }
    for (uint32_t i = 0; i < 3u; i++)
        acc = fz3_rot(acc, 5u) ^ fz3_fold_u32(fz3_f2(fz3_make_f64((acc + i) ^ 0x2F49FEDDu), fz3_make_u64((acc + i) ^ 0xC63853C1u), fz3_make_u32((acc + i) ^ 0x758FEC93u), fz3_make_u64((acc + i) ^ 0x2D70F21Du), fz3_make_u32((acc + i) ^ 0x112F1ACBu), fz3_make_u32((acc + i) ^ 0xEE51902Au)));
    acc += fr[acc % 56u];
    return fz3_make_s(acc);
}

static __attribute__((noinline)) double fz3_f11(float a0, double a1, uint32_t a2, uint32_t a3, uint32_t a4, float a5)
{
    uint32_t acc = 0x67052498u ^ fz3_fold_f32(a0) ^ fz3_fold_f64(a1) ^ fz3_fold_u32(a2) ^ fz3_fold_u32(a3) ^ fz3_fold_u32(a4) ^ fz3_fold_f32(a5);
    volatile uint32_t fr[9];
    for (uint32_t i = 0; i < 9u; i++)
        fr[i] = acc + i * 0x28079F12u;
    acc = fz3_rot(acc, 11u) * 0x9F63886Fu + (acc >> 10u);
    { uint64_t q = fz3_make_u64(acc) * 0xD09EEE09ull + acc;
      q ^= q >> 53u;
      acc ^= fz3_fold_u64(q / ((uint64_t)acc | 1u)); }
    acc += fr[acc % 9u];
    return fz3_make_f64(acc);
}

static uint64_t fz3_f12(float a0, uint32_t a1, uint64_t a2, uint64_t a3, uint32_t a4, uint32_t a5, double a6)
{
    uint32_t acc = 0x9E10CA13u ^ fz3_fold_f32(a0) ^ fz3_fold_u32(a1) ^ fz3_fold_u64(a2) ^ fz3_fold_u64(a3) ^ fz3_fold_u32(a4) ^ fz3_fold_u32(a5) ^ fz3_fold_f64(a6);
    acc = acc * 31u + fz3_fold_s(fz3_f10());
    return fz3_make_u64(acc);
}

static uint32_t fz3_f13(uint64_t a0, float a1, uint32_t a2)
{
    uint32_t acc = 0x246E6DBEu ^ fz3_fold_u64(a0) ^ fz3_fold_f32(a1) ^ fz3_fold_u32(a2);
    volatile uint32_t fr[7];
    for (uint32_t i = 0; i < 7u; i++)
        fr[i] = acc + i * 0xA0708979u;
    for (uint32_t i = 0; i < 8u; i++)
        acc = fz3_rot(acc, 5u) ^ fz3_fold_u64(fz3_f1(fz3_make_u32((acc + i) ^ 0x20435D3Cu)));
    { float fv = fz3_make_f32(acc) * 3.0f + fz3_make_f32(acc >> 9);
      double dv = fz3_make_f64(acc ^ 0x2A22D51Eu) / 7.0;
      acc ^= fz3_fold_f32(fv) + fz3_fold_f64(dv); }
    acc += fr[acc % 7u];
    return fz3_f2(fz3_make_f64((acc) ^ 0x21933B77u), fz3_make_u64((acc) ^ 0xB6AF09F4u), fz3_make_u32((acc) ^ 0x0343DF1Du), fz3_make_u64((acc) ^ 0x35F15974u), fz3_make_u32((acc) ^ 0x0137D8E5u), fz3_make_u32((acc) ^ 0x590BB963u));
}

static __attribute__((noinline)) uint32_t fz3_f14(uint32_t a0, uint32_t a1, uint64_t a2, uint32_t a3, uint32_t a4, uint32_t a5)
{
    uint32_t acc = 0x2BA58DBEu ^ fz3_fold_u32(a0) ^ fz3_fold_u32(a1) ^ fz3_fold_u64(a2) ^ fz3_fold_u32(a3) ^ fz3_fold_u32(a4) ^ fz3_fold_u32(a5);
    volatile uint32_t fr[66];
    for (uint32_t i = 0; i < 66u; i++)
        fr[i] = acc + i * 0xC3324F49u;
    switch (acc % 6u) {
    case 0u: acc += fz3_fold_f32(fz3_f8(fz3_make_u32((acc) ^ 0x5755AD48u), fz3_make_f32((acc) ^ 0xF33F7980u), fz3_make_f32((acc) ^ 0x766CC598u), fz3_make_u64((acc) ^ 0xD1D3FA7Du), fz3_make_u64((acc) ^ 0xAE7E9449u))); break;
    case 1u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x7AF189C6u), fz3_make_u64((acc) ^ 0xFD337E03u), fz3_make_u32((acc) ^ 0x6B278BC8u), fz3_make_u64((acc) ^ 0x5FDE7BBAu), fz3_make_u32((acc) ^ 0xF4491FCEu), fz3_make_u32((acc) ^ 0xE5EA7C7Du))); break;
    case 2u: acc += fz3_fold_f32(fz3_f8(fz3_make_u32((acc) ^ 0xA92288EEu), fz3_make_f32((acc) ^ 0x557FEC92u), fz3_make_f32((acc) ^ 0x7C85D5BEu), fz3_make_u64((acc) ^ 0x32CC7E15u), fz3_make_u64((acc) ^ 0x1A6D3845u))); break;
    case 3u: acc += fz3_fold_f32(fz3_f8(fz3_make_u32((acc) ^ 0xF8B28923u), fz3_make_f32((acc) ^ 0x43B43AACu), fz3_make_f32((acc) ^ 0xF9EB4F2Fu), fz3_make_u64((acc) ^ 0x0BF16DCBu), fz3_make_u64((acc) ^ 0x1FA85B9Du))); break;
    case 4u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xD5A9764Eu), fz3_make_u64((acc) ^ 0x66B07809u), fz3_make_u32((acc) ^ 0x4880EA2Fu), fz3_make_u64((acc) ^ 0xBE9E3D6Cu), fz3_make_u32((acc) ^ 0x9FC11EA8u), fz3_make_u32((acc) ^ 0xA5148814u))); break;
    case 5u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0xD267BD6Du))); break;
    default: acc = ~acc; break;
    }
    acc = acc * 31u + fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xE3415CD9u), fz3_make_u64((acc) ^ 0x5F48F3BFu), fz3_make_u32((acc) ^ 0xC3C6F81Au), fz3_make_u64((acc) ^ 0xD53966B5u), fz3_make_u32((acc) ^ 0x213D32ACu), fz3_make_u32((acc) ^ 0x9AF584F6u)));
    acc += fz3_ns5(acc, 0x3116A789u);
    for (uint32_t i = 0; i < 7u; i++)
        acc = fz3_rot(acc, 5u) ^ fz3_fold_u64(fz3_f1(fz3_make_u32((acc + i) ^ 0x10D0B23Fu)));
    acc += fr[acc % 66u];
    return fz3_make_u32(acc);
}

static __attribute__((noinline)) uint32_t fz3_f15(uint64_t a0, uint64_t a1, uint64_t a2, uint32_t a3, uint32_t a4)
{
    uint32_t acc = 0xE8723B79u ^ fz3_fold_u64(a0) ^ fz3_fold_u64(a1) ^ fz3_fold_u64(a2) ^ fz3_fold_u32(a3) ^ fz3_fold_u32(a4);
    volatile uint32_t fr[58];
    for (uint32_t i = 0; i < 58u; i++)
        fr[i] = acc + i * 0x97161D93u;
    acc = fz3_rot(acc, 14u) * 0x53049E78u + (acc >> 9u);
    acc = acc * 31u + fz3_fold_f32(fz3_f8(fz3_make_u32((acc) ^ 0x048DC18Fu), fz3_make_f32((acc) ^ 0xEE7BEA70u), fz3_make_f32((acc) ^ 0x84A170A5u), fz3_make_u64((acc) ^ 0x8345A2B7u), fz3_make_u64((acc) ^ 0x337A9BEFu)));
    switch (acc % 10u) {
    case 0u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x33A3ACF7u), fz3_make_u64((acc) ^ 0x76B1EADDu), fz3_make_u32((acc) ^ 0xEA783729u), fz3_make_u64((acc) ^ 0x7F8AE907u), fz3_make_u32((acc) ^ 0x03E5CC4Eu), fz3_make_u32((acc) ^ 0x481194A6u))); break;
    case 1u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0xF770CFB0u))); break;
    case 2u: acc ^= 0xF51AC6DBu; break;
    case 3u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0x2CCF3855u))); break;
    case 4u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xD50B19DCu), fz3_make_u64((acc) ^ 0x20CF2881u), fz3_make_u32((acc) ^ 0x046A617Au), fz3_make_u64((acc) ^ 0x0AB9A655u), fz3_make_u32((acc) ^ 0xAEC40664u), fz3_make_u32((acc) ^ 0xBB76E6C5u))); break;
    case 5u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x40D2773Du), fz3_make_u64((acc) ^ 0xF9AC3AD8u), fz3_make_u32((acc) ^ 0xDCFFA877u), fz3_make_u64((acc) ^ 0x170A60D0u), fz3_make_u32((acc) ^ 0x6E32D036u), fz3_make_u32((acc) ^ 0xB7C07144u))); break;
    case 6u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x04D095C1u), fz3_make_u64((acc) ^ 0x57E958AAu), fz3_make_u32((acc) ^ 0xB5D2B36Du), fz3_make_u64((acc) ^ 0xCAC8DBE9u), fz3_make_u32((acc) ^ 0x9AE9BD84u), fz3_make_u32((acc) ^ 0x689F89ECu))); break;
    case 7u: acc ^= 0x9CAFE082u; break;
    case 8u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0xA6F9B272u))); break;
    case 9u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x8549F2D6u), fz3_make_u64((acc) ^ 0xAB3D3207u), fz3_make_u32((acc) ^ 0xFE3B7678u), fz3_make_u64((acc) ^ 0xA278B0A6u), fz3_make_u32((acc) ^ 0x63885A01u), fz3_make_u32((acc) ^ 0x7D27E6C9u))); break;
    default: acc = ~acc; break;
    }
    acc += fz3_ns5(acc, 0xBFBF15ACu);
    acc += fr[acc % 58u];
    return fz3_make_u32(acc);
}

static __attribute__((noinline)) uint32_t fz3_f16(uint64_t a0, uint64_t a1, uint64_t a2, uint32_t a3, uint32_t a4)
{
    uint32_t acc = 0xC7CD14C6u ^ fz3_fold_u64(a0) ^ fz3_fold_u64(a1) ^ fz3_fold_u64(a2) ^ fz3_fold_u32(a3) ^ fz3_fold_u32(a4);
    volatile uint32_t fr[26];
    for (uint32_t i = 0; i < 26u; i++)
        fr[i] = acc + i * 0x2BD79A12u;
    acc = acc * 31u + fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x5350617Du), fz3_make_u64((acc) ^ 0x73582266u), fz3_make_u32((acc) ^ 0xB30B69ABu), fz3_make_u64((acc) ^ 0x1B2AD1D7u), fz3_make_u32((acc) ^ 0x199224E7u), fz3_make_u32((acc) ^ 0x17F19480u)));
    switch (acc % 11u) {
    case 0u: acc ^= 0xD2FB286Bu; break;
    case 1u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0x622993FCu))); break;
    case 2u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0x61B460E6u))); break;
    case 3u: acc ^= 0x0B6D6A68u; break;
    case 4u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xBF482663u), fz3_make_u64((acc) ^ 0xF137D02Fu), fz3_make_u32((acc) ^ 0x028E369Cu), fz3_make_u64((acc) ^ 0x758FEAE7u), fz3_make_u32((acc) ^ 0x12D48314u), fz3_make_u32((acc) ^ 0xE30444BFu))); break;
    case 5u: acc += fz3_fold_f32(fz3_f8(fz3_make_u32((acc) ^ 0x9502EC0Bu), fz3_make_f32((acc) ^ 0x8CB44637u), fz3_make_f32((acc) ^ 0xDCA211A4u), fz3_make_u64((acc) ^ 0x23913ED4u), fz3_make_u64((acc) ^ 0x61567B99u))); break;
    case 6u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x161AB154u), fz3_make_u64((acc) ^ 0x8A3B1DBDu), fz3_make_u32((acc) ^ 0xEDF598C4u), fz3_make_u64((acc) ^ 0x6975476Cu), fz3_make_u32((acc) ^ 0x1D54A11Au), fz3_make_u32((acc) ^ 0xC5EF3140u))); break;
    case 7u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xBFB3F6EEu), fz3_make_u64((acc) ^ 0xE6AFEE5Cu), fz3_make_u32((acc) ^ 0xB932DBB2u), fz3_make_u64((acc) ^ 0xA0CB28E8u), fz3_make_u32((acc) ^ 0xC0C10530u), fz3_make_u32((acc) ^ 0x9CF4D401u))); break;
    case 8u: acc += fz3_fold_f32(fz3_f8(fz3_make_u32((acc) ^ 0xADFA0A30u), fz3_make_f32((acc) ^ 0xBA4A33D0u), fz3_make_f32((acc) ^ 0x92E5D713u), fz3_make_u64((acc) ^ 0x7DB3FB97u), fz3_make_u64((acc) ^ 0x68DDF2CCu))); break;
    case 9u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x1151A90Cu), fz3_make_u64((acc) ^ 0xDD968031u), fz3_make_u32((acc) ^ 0x6C7EE45Bu), fz3_make_u64((acc) ^ 0x209BF629u), fz3_make_u32((acc) ^ 0x4168B250u), fz3_make_u32((acc) ^ 0x816DDEABu))); break;
    case 10u: acc += fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0x48FF93F6u))); break;
    default: acc = ~acc; break;
    }
    switch (acc % 8u) {
    case 0u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xDE8ABAF2u), fz3_make_u64((acc) ^ 0xC1BF5E1Bu), fz3_make_u32((acc) ^ 0xA048498Bu), fz3_make_u64((acc) ^ 0x94A81D7Eu), fz3_make_u32((acc) ^ 0x078B958Cu), fz3_make_u32((acc) ^ 0x591C0836u))); break;
    case 1u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xB51A62B8u), fz3_make_u64((acc) ^ 0x0EE23268u), fz3_make_u32((acc) ^ 0x0C06C627u), fz3_make_u64((acc) ^ 0x550A668Au), fz3_make_u32((acc) ^ 0x1E74FBF7u), fz3_make_u32((acc) ^ 0x6DC368AEu))); break;
    case 2u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x912CAE41u), fz3_make_u64((acc) ^ 0xA0061287u), fz3_make_u32((acc) ^ 0x39FC9C66u), fz3_make_u64((acc) ^ 0xBE670A44u), fz3_make_u32((acc) ^ 0x6775EBDBu), fz3_make_u32((acc) ^ 0xEA12C578u))); break;
    case 3u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x52826B57u), fz3_make_u64((acc) ^ 0x80E6B5A5u), fz3_make_u32((acc) ^ 0x428B86EAu), fz3_make_u64((acc) ^ 0xB3D912A0u), fz3_make_u32((acc) ^ 0xD65D0594u), fz3_make_u32((acc) ^ 0xBCEBD1C5u))); break;
    case 4u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x6C31251Cu), fz3_make_u64((acc) ^ 0xFA2A71FAu), fz3_make_u32((acc) ^ 0xF030BE18u), fz3_make_u64((acc) ^ 0x618D40A0u), fz3_make_u32((acc) ^ 0x0910E7F0u), fz3_make_u32((acc) ^ 0x362ECC84u))); break;
    case 5u: acc ^= 0x4A640BDCu; break;
    case 6u: acc += fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0xD8704D4Du), fz3_make_u64((acc) ^ 0x83C6B24Au), fz3_make_u32((acc) ^ 0x64A572E0u), fz3_make_u64((acc) ^ 0x35D5A2C3u), fz3_make_u32((acc) ^ 0xC9BF16C2u), fz3_make_u32((acc) ^ 0x904ECD25u))); break;
    case 7u: acc ^= 0xE661C09Du; break;
    default: acc = ~acc; break;
    }
    acc = fz3_rot(acc, 29u) * 0x09596373u + (acc >> 15u);
    acc += fr[acc % 26u];
    return fz3_make_u32(acc);
}

static __attribute__((noinline)) uint32_t fz3_vl17(uint32_t n, va_list ap)
{
    uint32_t acc = 0x80ED8FA8u ^ n;
    volatile uint32_t fr[19];
    for (uint32_t i = 0; i < 19u; i++)
        fr[i] = acc + i * 0xCC72D5E4u;
    acc = acc * 31u + fz3_fold_u64(va_arg(ap, uint64_t));
    acc = acc * 31u + fz3_fold_f64(va_arg(ap, double));
    acc = acc * 31u + fz3_fold_u32(va_arg(ap, uint32_t));
    acc += fr[acc % 19u];
    return acc;
}

static uint32_t fz3_v18(uint32_t n, ...)
{
    va_list ap;
    va_start(ap, n);
    uint32_t r = fz3_vl17(n, ap);
    va_end(ap);
    return r;
}

static double fz3_f19(double a0, float a1, uint32_t a2, double a3, double a4)
{
    uint32_t acc = 0x6887617Du ^ fz3_fold_f64(a0) ^ fz3_fold_f32(a1) ^ fz3_fold_u32(a2) ^ fz3_fold_f64(a3) ^ fz3_fold_f64(a4);
    acc += fz3_ns5(acc, 0x860D887Cu);
    acc = fz3_rot(acc, 12u) * 0x90DA9F5Eu + (acc >> 27u);
    return fz3_make_f64(acc);
}

static __attribute__((noinline)) uint64_t fz3_f20(struct fz3_s a0, uint32_t a1, double a2, uint32_t a3, uint32_t a4, uint64_t a5)
{
    uint32_t acc = 0x2EB4DB4Bu ^ fz3_fold_s(a0) ^ fz3_fold_u32(a1) ^ fz3_fold_f64(a2) ^ fz3_fold_u32(a3) ^ fz3_fold_u32(a4) ^ fz3_fold_u64(a5);
    volatile uint32_t fr[24];
    for (uint32_t i = 0; i < 24u; i++)
        fr[i] = acc + i * 0xF36C5F54u;
    acc = fz3_rot(acc, 25u) * 0x8D90547Fu + (acc >> 4u);
    acc += fr[acc % 24u];
    return fz3_make_u64(acc);
}

static __attribute__((noinline)) uint64_t fz3_f21(struct fz3_s a0, uint32_t a1, double a2, uint32_t a3, uint32_t a4, uint64_t a5)
{
    uint32_t acc = 0xFF29A5A2u ^ fz3_fold_s(a0) ^ fz3_fold_u32(a1) ^ fz3_fold_f64(a2) ^ fz3_fold_u32(a3) ^ fz3_fold_u32(a4) ^ fz3_fold_u64(a5);
    volatile uint32_t fr[58];
    for (uint32_t i = 0; i < 58u; i++)
        fr[i] = acc + i * 0xDB63ADACu;
    acc = acc * 31u + fz3_fold_u64(fz3_f1(fz3_make_u32((acc) ^ 0xAB88C024u)));
    acc += fr[acc % 58u];
    return fz3_make_u64(acc);
}

static __attribute__((noinline)) uint32_t fz3_irqw(uint32_t x)
{
    uint32_t acc = x ^ 0x10C38458u;
    acc = acc * 31u + fz3_fold_u32(fz3_f2(fz3_make_f64((acc) ^ 0x10A866FDu), fz3_make_u64((acc) ^ 0xA21F139Au), fz3_make_u32((acc) ^ 0xCFA56241u), fz3_make_u64((acc) ^ 0xCE68ED8Cu), fz3_make_u32((acc) ^ 0x668D703Eu), fz3_make_u32((acc) ^ 0x14BF33F5u)));
    return acc;
}

void fz3_init(void)
{
    fz3_g[0] = 0x4DA1C784u;
    fz3_g[1] = 0x79C227B9u;
    fz3_g[2] = 0xD3F6D552u;
    fz3_g[3] = 0x692022A0u;
    fz3_ram0[0] = fz3_f16;
    fz3_ram0[1] = fz3_f15;
    fz3_ram1[0] = fz3_f21;
    fz3_ram1[1] = fz3_f20;
    fz3_irq_expect[0] = fz3_irqw(0xB78DF5F3u);
    fz3_irq_expect[1] = fz3_irqw(0x63390A37u);
    fz3_irq_expect[2] = fz3_irqw(0xCFBF73B8u);
    fz3_irq_expect[3] = fz3_irqw(0xF24038FCu);
    fz3_irq_n = 0;
    fz3_irq_err = 0;
}

void fz3_irq(void)
{
    static const uint32_t x[4] = {0xB78DF5F3u, 0x63390A37u, 0xCFBF73B8u, 0xF24038FCu};
    uint32_t k = fz3_irq_n & 3u;
    if (fz3_irqw(x[k]) != fz3_irq_expect[k])
        fz3_irq_err++;
    fz3_irq_n++;
}

__attribute__((noinline)) uint32_t fz3_run(void)
{
    uint32_t acc = 0x72ED7B9Au;
    for (uint32_t i = 0; i < 1u; i++)
        acc = acc * 31u + fz3_fold_u64(fz3_f3(fz3_make_u32((acc + i) ^ 0x3537FD11u)));
    for (uint32_t i = 0; i < 3u; i++)
        acc = acc * 31u + fz3_fold_u32(fz3_f13(fz3_make_u64((acc + i) ^ 0x95130DEEu), fz3_make_f32((acc + i) ^ 0x3C0ED45Du), fz3_make_u32((acc + i) ^ 0x6F454D57u)));
    for (uint32_t i = 0; i < 1u; i++)
        acc = acc * 31u + fz3_fold_u32(fz3_r9(1u));
    for (uint32_t i = 0; i < 2u; i++)
        acc = acc * 31u + fz3_fold_u32(fz3_f14(fz3_make_u32((acc + i) ^ 0x3F547261u), fz3_make_u32((acc + i) ^ 0x0C5B6455u), fz3_make_u64((acc + i) ^ 0x333C37FAu), fz3_make_u32((acc + i) ^ 0xCDF223D8u), fz3_make_u32((acc + i) ^ 0x9ECEE84Eu), fz3_make_u32((acc + i) ^ 0x9607CCD2u)));
    for (uint32_t i = 0; i < 2u; i++)
        acc = acc * 31u + fz3_fold_u64(fz3_f12(fz3_make_f32((acc + i) ^ 0x2AAA64B6u), fz3_make_u32((acc + i) ^ 0x28A651A3u), fz3_make_u64((acc + i) ^ 0xB91A095Eu), fz3_make_u64((acc + i) ^ 0x3464F23Cu), fz3_make_u32((acc + i) ^ 0xA3C957A8u), fz3_make_u32((acc + i) ^ 0x9987461Bu), fz3_make_f64((acc + i) ^ 0x80BEF7A0u)));
    acc ^= fz3_fold_u32(fz3_ram0[acc % 2u](fz3_make_u64((acc) ^ 0xB58B1FBFu), fz3_make_u64((acc) ^ 0xF9FD3A06u), fz3_make_u64((acc) ^ 0x0ABEB4A3u), fz3_make_u32((acc) ^ 0xB48FF5F4u), fz3_make_u32((acc) ^ 0x25396178u)));
    acc ^= fz3_fold_u64(fz3_ram1[acc % 2u](fz3_make_s((acc) ^ 0x262F4A42u), fz3_make_u32((acc) ^ 0x90C8F922u), fz3_make_f64((acc) ^ 0xB685B7AAu), fz3_make_u32((acc) ^ 0xF339AAB5u), fz3_make_u32((acc) ^ 0x3C5925AFu), fz3_make_u64((acc) ^ 0x27FDB47Eu)));
    acc ^= fz3_g[0] + fz3_g[1] * 3u + fz3_g[2] * 5u + fz3_g[3] * 7u;
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

