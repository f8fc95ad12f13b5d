#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
volatile unsigned word;
/* smull keeps the flags, the walker drops the compare's bound at it */
__attribute__((naked, noinline)) int atk(int x) {
    __asm volatile(
        "push {r4, lr}\n"
        "ands r1, r0, #1\n"
        "cmp r1, #1\n"
        "smull r2, r3, r0, r0\n"
        "bhi 3f\n"
        "tbb [pc, r1]\n"
        "0: .byte (1f - 0b)/2, (2f - 0b)/2\n"
        ".p2align 1\n"
        "1: bl small\n"
        "   pop {r4, pc}\n"
        "2: bl deeper\n"
        "3: pop {r4, pc}\n");
}
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return atk(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d\n", outer(3)); return 0; }
