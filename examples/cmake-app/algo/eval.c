#include "algo.h"

#include <string.h>

struct parser {
    const char *p;
    int error;
};

static int32_t expression(struct parser *s);

static int32_t primary(struct parser *s)
{
    char token[96];                     /* a frame worth splitting for */
    unsigned n = 0;
    if (*s->p == '(') {
        s->p++;
        int32_t v = expression(s);
        if (*s->p != ')')
            s->error = 1;
        else
            s->p++;
        return v;
    }
    while (*s->p >= '0' && *s->p <= '9' && n < sizeof token - 1)
        token[n++] = *s->p++;
    token[n] = 0;
    if (n == 0)
        s->error = 1;
    int32_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v = v * 10 + (token[i] - '0');
    return v;
}

static int32_t term(struct parser *s)
{
    int32_t v = primary(s);
    while (*s->p == '*') {
        s->p++;
        v *= primary(s);
    }
    return v;
}

static int32_t expression(struct parser *s)
{
    int32_t v = term(s);
    while (*s->p == '+' || *s->p == '-') {
        char op = *s->p++;
        int32_t w = term(s);
        v = op == '+' ? v + w : v - w;
    }
    return v;
}

int32_t algo_eval(const char *text, int *error)
{
    struct parser s = {text, 0};
    int32_t v = expression(&s);
    if (*s.p)
        s.error = 1;
    *error = s.error;
    return v;
}
