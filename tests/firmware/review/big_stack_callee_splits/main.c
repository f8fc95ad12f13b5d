#include "mcusplit.h"
/* bigfn uses 300 B of its 1024-byte big stack: inner, checked, splits from it */
__attribute__((noinline)) int inner(int x) { volatile char b[600]; for (int i = 0; i < 600; i++) b[i] = (char)(0x55 + x); return b[(x * 7) % 600]; }
__attribute__((noinline)) int bigfn(int x) { volatile char b[300]; b[x % 300] = (char)x; return b[(x * 3) % 40] + inner(x); }
int main(void) { mcusplit_printf("r %d\n", bigfn(5)); return 0; }
