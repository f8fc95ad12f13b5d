#include <stdarg.h>

#include "mcusplit.h"

int log_values(int n, ...)
{
    int copy[1100];                 /* 4,400 bytes: more than any segment of this pool */
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n && i < 1100; i++)
        copy[i] = va_arg(ap, int);
    va_end(ap);
    int s = 0;
    for (int i = 0; i < n && i < 1100; i++)
        s += copy[i] * (volatile int){1};
    return s;
}

int main(void) { return log_values(3, 1, 2, 3) - 6; }
