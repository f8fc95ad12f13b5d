#include "mcusplit.h"
enum mode { M_A, M_B, M_C };
__attribute__((noinline)) int small(unsigned x) { return (int)x + 1; }
/* deep takes an enum: compatible (C11 6.7.2.2p4) with the implementation's underlying type */
__attribute__((noinline)) int deep(enum mode m) { volatile char b[600]; b[m % 600] = (char)m; return b[(m * 7) % 600]; }
__attribute__((noinline)) int deeper(enum mode m) { volatile char b[600]; b[m % 600] = (char)m; return b[(m * 7) % 600] + deep(m); }
int (*volatile hook)(unsigned) = small;
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return hook((unsigned)n) + pad[n]; }
int main(void) {
    int a = outer(3);
    hook = deeper;
    int b = outer(3);
    mcusplit_printf("r %d %d\n", a, b); return 0; }
