#include "mcusplit.h"
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
volatile unsigned word;
/* strex writes its status register (1: no exclusive monitor held); the walker keeps r1 = 0 */
__attribute__((naked, noinline)) int strex_table(int x) {
    __asm volatile(
        "push {r4, lr}\n"
        "movs r1, #0\n"
        "ldr r2, =word\n"
        "strex r1, r0, [r2]\n"       /* no ldrex before: fails, r1 = 1 */
        "tbb [pc, r1]\n"
        "0: .byte (1f - 0b)/2, (2f - 0b)/2\n"
        ".p2align 1\n"
        "1: bl small\n"
        "   pop {r4, pc}\n"
        "2: bl deeper\n"
        "   pop {r4, pc}\n"
        ".ltorg\n");
}
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return strex_table(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d\n", outer(3)); return 0; }
