/*
 * Small printf for the examples and tests. Compiled WITH split stacks:
 * mcusplit_vprintf and its helpers have prologues, so printing from deep
 * recursion splits instead of overrunning. mcusplit_printf itself is varargs,
 * which LLVM cannot split; it is a thin wrapper whose frame fits in the reserve.
 */
#include <stdarg.h>
#include <stdint.h>

#include "mcusplit.h"

struct spec {
    int width;
    int precision;
    char pad;
    char left;
    char is_long;
};

static int emit_padded(const char *text, int len, const struct spec *s)
{
    int pad = s->width > len ? s->width - len : 0;
    int n = 0;
    if (!s->left)
        for (; pad > 0; pad--, n++)
            mcusplit_putc(s->pad);
    for (int i = 0; i < len; i++, n++)
        mcusplit_putc(text[i]);
    for (; pad > 0; pad--, n++)
        mcusplit_putc(' ');
    return n;
}

static int emit_unsigned(uint64_t value, unsigned base, int upper, int negative, const struct spec *s)
{
    char buf[24];
    int i = (int)sizeof buf;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    do {
        buf[--i] = digits[value % base];
        value /= base;
    } while (value);
    if (negative) {
        if (s->pad == '0' && s->width > 0) {
            mcusplit_putc('-');
            struct spec rest = *s;
            rest.width--;
            return 1 + emit_padded(buf + i, (int)sizeof buf - i, &rest);
        }
        buf[--i] = '-';
    }
    return emit_padded(buf + i, (int)sizeof buf - i, s);
}

static int emit_double(double value, const struct spec *s)
{
    int precision = s->precision < 0 ? 6 : (s->precision > 9 ? 9 : s->precision);
    int negative = value < 0;
    if (negative)
        value = -value;
    uint32_t scale = 1;
    for (int i = 0; i < precision; i++)
        scale *= 10u;
    uint64_t scaled = (uint64_t)(value * (double)scale + 0.5);
    uint64_t whole = scaled / scale;
    uint32_t frac = (uint32_t)(scaled % scale);
    char buf[40];
    int i = (int)sizeof buf;
    for (int d = 0; d < precision; d++) {
        buf[--i] = (char)('0' + frac % 10u);
        frac /= 10u;
    }
    if (precision)
        buf[--i] = '.';
    do {
        buf[--i] = (char)('0' + whole % 10u);
        whole /= 10u;
    } while (whole && i > 1);
    if (negative)
        buf[--i] = '-';
    return emit_padded(buf + i, (int)sizeof buf - i, s);
}

int mcusplit_vprintf(const char *fmt, va_list ap)
{
    int n = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            mcusplit_putc(*fmt);
            n++;
            continue;
        }
        struct spec s = {0, -1, ' ', 0, 0};
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                s.left = 1;
            else if (*fmt == '0')
                s.pad = '0';
            else
                break;
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            s.width = s.width * 10 + (*fmt - '0');
        if (*fmt == '.') {
            s.precision = 0;
            for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
                s.precision = s.precision * 10 + (*fmt - '0');
        }
        while (*fmt == 'l') {
            s.is_long++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            int64_t v = s.is_long >= 2 ? va_arg(ap, long long) : va_arg(ap, int);
            n += emit_unsigned(v < 0 ? (uint64_t)(-v) : (uint64_t)v, 10, 0, v < 0, &s);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            uint64_t v = s.is_long >= 2 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            n += emit_unsigned(v, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0, &s);
            break;
        }
        case 'p': {
            mcusplit_puts("0x");
            struct spec hex = {8, -1, '0', 0, 0};
            n += 2 + emit_unsigned((uintptr_t)va_arg(ap, void *), 16, 0, 0, &hex);
            break;
        }
        case 'f':
            n += emit_double(va_arg(ap, double), &s);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            int len = 0;
            while (str[len] && (s.precision < 0 || len < s.precision))
                len++;
            n += emit_padded(str, len, &s);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            n += emit_padded(&c, 1, &s);
            break;
        }
        case '%':
            mcusplit_putc('%');
            n++;
            break;
        case '\0':
            return n;
        default:
            mcusplit_putc('%');
            mcusplit_putc(*fmt);
            n += 2;
        }
    }
    return n;
}

int mcusplit_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = mcusplit_vprintf(fmt, ap);
    va_end(ap);
    return n;
}
