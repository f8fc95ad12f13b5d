#include "mcusplit.h"
/* a 2048-byte big stack (1504 B asked): bigfn, unchecked, uses 1200 B at its top */
__attribute__((noinline)) int inner(int x) { volatile char b[600]; for (int i = 0; i < 600; i++) b[i] = (char)(0x55 + x); return b[(x * 7) % 600]; }
__attribute__((noinline)) int bigfn(int x) { volatile char b[1200]; b[x % 1200] = (char)x; return b[(x * 3) % 40] + inner(x); }
int main(void) { mcusplit_printf("r %d\n", bigfn(5)); return 0; }
