#include "mcusplit.h"
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
/* An unprototyped definition (C17): IR `i32 ()`, called below through `int (*)(int)`; it must be a
 * target of that call. (A prototyped `int f(void)` is `i32 (void)` in the signatures: not one.) */
__attribute__((noinline)) int deeper() { volatile char b[600]; b[7] = 1; return b[(7 * 7) % 600] + deep(7); }
__attribute__((noinline)) int shallow(void) { return 3; }
int (*volatile hook)(int) = (int (*)(int))deeper;
int (*volatile other)(void) = shallow;
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return hook(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d %d\n", outer(3), other()); return 0; }
