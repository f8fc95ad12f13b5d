#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
volatile unsigned word;
/* C: stm through an sp-derived register rewrites the saved lr; the walker still sees its entry lr */
__attribute__((naked, noinline)) int atk(int x) {
    __asm volatile(
        "push {r4, lr}\n"
        "mov r1, r4\n"
        "adr r3, 1f + 1\n"
        "mov r2, sp\n"
        "stm r2, {r1, r3}\n"          /* saved r4 := r4, saved lr := 1f */
        "pop {r4, pc}\n"              /* walker: a return */
        ".p2align 2\n"
        "1: push {r4, lr}\n"          /* never walked */
        "   bl deeper\n"
        "   pop {r4, pc}\n");
}
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return atk(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d\n", outer(3)); return 0; }
