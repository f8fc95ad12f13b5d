"""The C value types of generated programs, and how a value becomes part of the checksum.

Everything is chosen so that gcc on the host and clang on Cortex-M compute the same bits:
only fixed-width unsigned integer arithmetic (no signed overflow, shifts masked below the
width, divisors forced odd), floats made exactly from small integers, no fused multiply-add
(-ffp-contract=off on both sides), and float-to-integer conversions guarded against NaN and
out-of-range values (undefined in C). No `long` (64 bits on the host, 32 on the target).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CType:
    key: str
    spelling: str          # with the program prefix substituted for '@'
    words: int             # 32-bit words when passed (for stack-argument estimates)
    floating: bool = False


TYPES = {
    "u32": CType("u32", "uint32_t", 1),
    "u64": CType("u64", "uint64_t", 2),
    "f32": CType("f32", "float", 1, True),
    "f64": CType("f64", "double", 2, True),
    "s": CType("s", "struct @_s", 6),          # mixed struct, passed by value (core registers, stack)
    "h": CType("h", "struct @_h", 3, True),    # homogeneous float aggregate (s-registers with hard float)
}

# Flags both compilers need for identical float results.
FLOAT_FLAGS = ("-ffp-contract=off",)


def spelling(key: str, prefix: str) -> str:
    return TYPES[key].spelling.replace("@", prefix)


def helpers(p: str) -> str:
    """Type definitions and the fold/make helpers of program prefix `p` (static, so packs of many
    programs link without clashes)."""
    return f"""struct {p}_s {{ uint32_t a; uint64_t b; float c; uint16_t d; uint8_t e[3]; }};
struct {p}_h {{ float x; float y; float z; }};

static inline uint32_t {p}_rot(uint32_t x, uint32_t k) {{ k &= 31u; return k ? (x << k) | (x >> (32u - k)) : x; }}
static inline uint32_t {p}_fold_u32(uint32_t x) {{ return x; }}
static inline uint32_t {p}_fold_u64(uint64_t x) {{ return (uint32_t)x ^ ((uint32_t)(x >> 32) * 0x9E3779B1u); }}
static inline uint32_t {p}_fold_f32(float f)
{{
    uint32_t s = 0;
    if (f != f) return 0x7FC00000u;
    if (f < 0.0f) {{ f = -f; s = 0x80000000u; }}
    if (f >= 4.0e9f) return s ^ 0x7F800000u;
    return s ^ (uint32_t)f ^ (f < 1.0e7f ? (uint32_t)(f * 256.0f) << 1 : 0u);
}}
static inline uint32_t {p}_fold_f64(double f)
{{
    uint32_t s = 0;
    if (f != f) return 0x7FF80000u;
    if (f < 0.0) {{ f = -f; s = 0x80000000u; }}
    if (f >= 4.0e9) return s ^ 0x7FF00000u;
    return s ^ (uint32_t)f ^ (f < 1.0e7 ? (uint32_t)(f * 256.0) << 1 : 0u);
}}
static inline uint32_t {p}_fold_s(struct {p}_s v)
{{
    return v.a ^ {p}_fold_u64(v.b) ^ {p}_rot({p}_fold_f32(v.c), 7) ^ ((uint32_t)v.d << 3) ^ v.e[0]
           ^ ((uint32_t)v.e[2] << 9);
}}
static inline uint32_t {p}_fold_h(struct {p}_h v)
{{
    return {p}_fold_f32(v.x) ^ {p}_rot({p}_fold_f32(v.y), 11) ^ {p}_rot({p}_fold_f32(v.z), 22);
}}
static inline uint32_t {p}_make_u32(uint32_t x) {{ return x; }}
static inline uint64_t {p}_make_u64(uint32_t x) {{ return ((uint64_t)x << 29) ^ (uint64_t)x * 0x9E3779B97F4A7C15ull; }}
static inline float {p}_make_f32(uint32_t x) {{ return (float)(x & 0xFFFFFu) * 0.0625f; }}
static inline double {p}_make_f64(uint32_t x) {{ return (double)(x & 0x3FFFFFFu) * 0.03125; }}
static inline struct {p}_s {p}_make_s(uint32_t x)
{{
    struct {p}_s v = {{x, {p}_make_u64(x ^ 0x5555u), {p}_make_f32(x >> 3), (uint16_t)(x >> 7),
                       {{(uint8_t)x, (uint8_t)(x >> 8), (uint8_t)(x >> 16)}}}};
    return v;
}}
static inline struct {p}_h {p}_make_h(uint32_t x)
{{
    struct {p}_h v = {{{p}_make_f32(x), {p}_make_f32(x >> 5) * 0.5f, {p}_make_f32(x >> 11) + 1.25f}};
    return v;
}}
"""


def fold(key: str, p: str, expr: str) -> str:
    return f"{p}_fold_{key}({expr})"


def make(key: str, p: str, expr: str) -> str:
    return f"{p}_make_{key}({expr})"
