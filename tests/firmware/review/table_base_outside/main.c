#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
volatile unsigned word;
/* F: a load from a read-only table with an unknown index whose base lies outside the table */
const fp A[1] = {small};
const fp B[1] = {deeper};
__attribute__((naked, noinline)) int atk(int x) {
    __asm volatile(
        "push {r4, lr}\n"
        "ldr r3, =B - 4\n"
        "movs r1, #1\n"
        "ldr r2, =word\n"
        "ldr r2, [r2]\n"              /* 0, unknown to the walker */
        "add r1, r2\n"
        "ldr r3, [r3, r1, lsl #2]\n"  /* B[0] */
        "blx r3\n"
        "pop {r4, pc}\n"
        ".ltorg\n");
}
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return atk(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d\n", outer(3)); return 0; }
