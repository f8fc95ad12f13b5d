#include "mcusplit.h"
__attribute__((noinline)) int small() { return 1; }            /* C17: no prototype */
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
/* C17 6.7.6.3p15: int (*)() is compatible with int (*)(int); calling deeper through it is defined */
int (*volatile hook)() = small;
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return hook(n) + pad[n]; }
int main(void) {
    int a = outer(3);
    hook = deeper;
    int b = outer(3);
    mcusplit_printf("r %d %d\n", a, b); return 0; }
