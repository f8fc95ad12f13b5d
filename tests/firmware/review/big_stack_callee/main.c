#include "mcusplit.h"
/* bigfn runs on its own big stack (64 B asked, 1024 B with the reserve, segment-aligned): inner, checked, fits there without splitting */
__attribute__((noinline)) int inner(int x) { volatile char b[600]; for (int i = 0; i < 600; i++) b[i] = (char)(0x55 + x); return b[(x * 7) % 600]; }
__attribute__((noinline)) int bigfn(int x) { volatile char b[40]; b[x % 40] = (char)x; return b[(x * 3) % 40] + inner(x); }
int main(void) { mcusplit_printf("r %d\n", bigfn(5)); return 0; }
