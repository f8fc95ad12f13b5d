#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
volatile unsigned word;
/* B: a load with sp writeback between cmp and bls keeps the compare's bound on the new value */
__attribute__((naked, noinline)) int atk(int x) {
    __asm volatile(
        "push {r4, lr}\n"
        "movs r3, #1\n"
        "str r3, [sp, #-8]!\n"
        "movs r1, #0\n"
        "cmp r1, #0\n"
        "ldr r1, [sp], #8\n"          /* r1 = 1; the walker keeps the flags of cmp r1, #0 */
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
