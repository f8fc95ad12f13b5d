#include "mcusplit.h"
typedef int (*fp)(int);
__attribute__((noinline)) int small(int x) { return x + 1; }
__attribute__((noinline)) int deep(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; b[x % 600] = (char)x; return b[(x * 7) % 600] + deep(x); }
volatile unsigned word;
/* D: a branch to its own check at depth 0 is taken for a loop even when lr no longer holds the
 * return address: the re-entered call returns to 1:, which the walk never visits */
__attribute__((naked, noinline)) int atk(int x) {
    __asm volatile(
        "mov ip, sp\n"
        "lsl.w ip, ip, #22\n"
        "cmp.w ip, #0x04000000\n"     /* mcusplit's check: 16 bytes */
        "blo 9f\n"
        "cmp r0, #0\n"
        "beq 5f\n"
        "ldr r2, =word\n"
        "str lr, [r2]\n"
        "movs r0, #0\n"
        "adr lr, 1f + 1\n"
        "b atk\n"                     /* walker: a self tail call (a loop) */
        ".p2align 2\n"
        "1: push {r4, lr}\n"
        "   bl deeper\n"
        "   pop {r4, lr}\n"
        "   ldr r2, =word\n"
        "   ldr lr, [r2]\n"
        "   bx lr\n"
        "5: bx lr\n"
        "9: addw ip, pc, #17\n"
        "   b.w __morestack\n"
        ".ltorg\n");
}
__attribute__((noinline)) int outer(int n) { volatile char pad[500]; pad[n] = 1; return atk(n) + pad[n]; }
int main(void) { mcusplit_printf("r %d\n", outer(3)); return 0; }
