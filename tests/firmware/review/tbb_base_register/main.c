#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
volatile unsigned word;
/* E: tbb with a base other than pc: the walker reads the bytes after the tbb, the core reads r2's table */
__attribute__((naked, noinline)) int atk(int x) {
    __asm volatile(
        "push {r4, lr}\n"
        "adr r2, 5f\n"
        "movs r1, #0\n"
        "tbb [r2, r1]\n"
        "0: .byte (1f - 0b)/2, (1f - 0b)/2\n"
        ".p2align 1\n"
        "1: bl small\n"
        "   pop {r4, pc}\n"
        "2: bl deeper\n"
        "   pop {r4, pc}\n"
        ".p2align 2\n"
        "5: .byte (2b - 0b)/2, (2b - 0b)/2\n"
        ".p2align 2\n");
}
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return atk(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d\n", outer(3)); return 0; }
