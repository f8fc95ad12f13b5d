#include "mcusplit.h"
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
int (*volatile hook)() = deeper;          /* C17: pointer to a function without a prototype */
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return hook(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d\n", outer(3)); return 0; }
