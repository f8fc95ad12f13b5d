/* mcusplit fuzz: own generator v1, seed 9005 (python3 -m mcusplit.cli fuzz --seed 9005 --count 1) */
#include <stdarg.h>
#include <stdint.h>

#ifndef FZ_NOSPLIT
#ifdef FZ_HOST
#define FZ_NOSPLIT
#else
#define FZ_NOSPLIT __attribute__((no_split_stack))   /* runs in the reserve */
#endif
#endif

struct fz9005_s { uint32_t a; uint64_t b; float c; uint16_t d; uint8_t e[3]; };
struct fz9005_h { float x; float y; float z; };

static inline uint32_t fz9005_fold_u32(uint32_t x) { return x; }
static inline uint32_t fz9005_fold_u64(uint64_t x) { return (uint32_t)x ^ ((uint32_t)(x >> 32) * 0x9E3779B1u); }
static inline uint32_t fz9005_fold_f32(float f)
{
    uint32_t s = 0;
    return s ^ (uint32_t)f ^ (f < 1.0e7f ? (uint32_t)(f * 256.0f) << 1 : 0u);
}
static inline uint32_t fz9005_fold_f64(double f)
{
    uint32_t s = 0;
    return s ^ (uint32_t)f ^ (f < 1.0e7 ? (uint32_t)(f * 256.0) << 1 : 0u);
}
static inline uint32_t fz9005_make_u32(uint32_t x) { return x; }
static inline uint64_t fz9005_make_u64(uint32_t x) { return ((uint64_t)x << 29) ^ (uint64_t)x * 0x9E3779B97F4A7C15ull; }
static inline float fz9005_make_f32(uint32_t x) { return (float)(x & 0xFFFFFu) * 0.0625f; }
static inline double fz9005_make_f64(uint32_t x) { return (double)(x & 0x3FFFFFFu) * 0.03125; }

static volatile uint32_t fz9005_irq_n, fz9005_irq_err;


static __attribute__((noinline)) float fz9005_f1(float a0, uint32_t a1, float a2, float a3, uint32_t a4)
{
    uint32_t acc = 0x7F260381u ^ fz9005_fold_f32(a0) ^ fz9005_fold_u32(a1) ^ fz9005_fold_f32(a2) ^ fz9005_fold_f32(a3) ^ fz9005_fold_u32(a4);
    volatile uint32_t fr[61];
    for (uint32_t i = 0; i < 61u; i++)
        fr[i] = acc + i * 0x05631368u;
    { uint64_t q = fz9005_make_u64(acc) * 0x872AA7FAull + acc;
      q ^= q >> 31u;
      acc ^= fz9005_fold_u64(q / ((uint64_t)acc | 1u)); }
    return fz9005_make_f32(acc);
}

static __attribute__((noinline)) uint64_t fz9005_f2(float a0, uint32_t a1, double a2, uint32_t a3)
{
    uint32_t acc = 0x24B17F57u ^ fz9005_fold_f32(a0) ^ fz9005_fold_u32(a1) ^ fz9005_fold_f64(a2) ^ fz9005_fold_u32(a3);
    volatile uint32_t fr[67];
    return fz9005_make_u64(acc);
}


static __attribute__((noinline)) uint64_t fz9005_f4(float a0, uint32_t a1, double a2, uint32_t a3)
{
    uint32_t acc = 0xDD1AC692u ^ fz9005_fold_f32(a0) ^ fz9005_fold_u32(a1) ^ fz9005_fold_f64(a2) ^ fz9005_fold_u32(a3);
    return fz9005_make_u64(acc);
}



static __attribute__((noinline)) uint32_t fz9005_f7(uint64_t a0, uint32_t a1)
{
    uint32_t acc = 0xE2A9057Bu ^ fz9005_fold_u64(a0) ^ fz9005_fold_u32(a1);
    volatile uint32_t fr[57];
    for (uint32_t i = 0; i < 57u; i++)
        fr[i] = acc + i * 0x8E34E5EDu;
    switch (acc % 12u) {
    case 0u: acc += fz9005_fold_u64(fz9005_f2(fz9005_make_f32((acc) ^ 0x4C23F245u), fz9005_make_u32((acc) ^ 0xF1096DC6u), fz9005_make_f64((acc) ^ 0xA6093922u), fz9005_make_u32((acc) ^ 0x0976818Cu))); break;
    case 1u: acc += fz9005_fold_u64(fz9005_f2(fz9005_make_f32((acc) ^ 0xA8967706u), fz9005_make_u32((acc) ^ 0xB8A0C338u), fz9005_make_f64((acc) ^ 0x152FF4A1u), fz9005_make_u32((acc) ^ 0x0B7C26F3u))); break;
    case 2u: acc += fz9005_fold_u64(fz9005_f4(fz9005_make_f32((acc) ^ 0xBA3B727Au), fz9005_make_u32((acc) ^ 0xD76B9AABu), fz9005_make_f64((acc) ^ 0xB5161C40u), fz9005_make_u32((acc) ^ 0x0C536D86u))); break;
    case 3u: acc ^= 0x6BA5262Fu; break;
    case 4u: acc += fz9005_fold_u64(fz9005_f2(fz9005_make_f32((acc) ^ 0x4ED9EEE8u), fz9005_make_u32((acc) ^ 0xAEECE317u), fz9005_make_f64((acc) ^ 0x7A423771u), fz9005_make_u32(1u))); break;
    case 5u: acc += fz9005_fold_f32(fz9005_f1(fz9005_make_f32((acc) ^ 0xA5F2A089u), fz9005_make_u32((acc) ^ 0x45E4E24Cu), fz9005_make_f32((acc) ^ 0x320F8AD9u), fz9005_make_f32((acc) ^ 0xB65FCECDu), fz9005_make_u32((acc) ^ 0xBF622334u))); break;
    case 6u: acc += fz9005_fold_u64(fz9005_f4(fz9005_make_f32((acc) ^ 0xBB1BFFB4u), fz9005_make_u32((acc) ^ 0x853A7147u), fz9005_make_f64((acc) ^ 0x27920B43u), fz9005_make_u32((acc) ^ 0x1B7922FCu))); break;
    case 7u: acc += fz9005_fold_u64(fz9005_f2(fz9005_make_f32((acc) ^ 0xBF845199u), fz9005_make_u32((acc) ^ 0x1DDDBC44u), fz9005_make_f64((acc) ^ 0xF7E77358u), fz9005_make_u32((acc) ^ 0xDFD06AE2u))); break;
    case 8u: acc ^= 0xBB288663u; break;
    case 9u: acc += fz9005_fold_u64(fz9005_f4(fz9005_make_f32((acc) ^ 0x63F116F6u), fz9005_make_u32((acc) ^ 0x71C9BF51u), fz9005_make_f64((acc) ^ 0xFC357995u), fz9005_make_u32((acc) ^ 0xA097A04Eu))); break;
    case 10u: acc += fz9005_fold_f32(fz9005_f1(fz9005_make_f32((acc) ^ 0x6696E75Fu), fz9005_make_u32((acc) ^ 0x47D7E6D7u), fz9005_make_f32((acc) ^ 0x80926BC2u), fz9005_make_f32((acc) ^ 0xD02E1F5Eu), fz9005_make_u32((acc) ^ 0x8A502D90u))); break;
    case 11u: acc += fz9005_fold_f32(fz9005_f1(fz9005_make_f32((acc) ^ 0x9204108Bu), fz9005_make_u32((acc) ^ 0x311F8E64u), fz9005_make_f32((acc) ^ 0x31FA7ABFu), fz9005_make_f32((acc) ^ 0xE48D9A4Eu), fz9005_make_u32(1u))); break;
    default: acc = ~acc; break;
    }
    return fz9005_make_u32(acc);
}









void fz9005_init(void)
{
}

void fz9005_irq(void)
{
}

__attribute__((noinline)) uint32_t fz9005_run(void)
{
    uint32_t acc = 0x16C6B7AAu;
    for (uint32_t i = 0; i < 2u; i++)
        acc = acc * 31u + fz9005_fold_u32(fz9005_f7(fz9005_make_u64((acc + i) ^ 0xF6FC2C61u), fz9005_make_u32(1u)));
    return acc;
}

#ifdef FZ_HOST
#include <stdio.h>
int main(void)
{
    fz9005_init();
    printf("fz fz9005 checksum=%08x\n", (unsigned)fz9005_run());
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
const struct fz_desc fz9005_desc = {"fz9005", fz9005_init, fz9005_run, fz9005_irq, &fz9005_irq_n, &fz9005_irq_err};
#endif

