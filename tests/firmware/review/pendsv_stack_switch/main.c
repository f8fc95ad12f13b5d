#include "mcusplit.h"
#include <stdint.h>
/* A hand-written PendSV_Handler that moves the interrupted code onto a 256-byte static stack
 * (copying its 8-word exception frame there). The walker accepts `msr msp` in any function named
 * PendSV_Handler. main then continues on that stack and calls a 1200-byte path. */
uint64_t tiny_stack[32];
volatile uint32_t marker = 0x12345678;
__attribute__((noinline)) int deep(int x) { volatile char b[600]; for (int i = 0; i < 600; i++) b[i] = (char)(x + i); return b[(x * 7) % 600]; }
__attribute__((noinline)) int deeper(int x) { volatile char b[600]; for (int i = 0; i < 600; i++) b[i] = (char)(x + i); return b[(x * 7) % 600] + deep(x); }
__attribute__((naked)) void PendSV_Handler(void) {
    __asm volatile(
        "mrs r0, msp\n"
        "ldr r1, =tiny_stack + 256 - 32\n"
        "ldm r0!, {r2, r3, r12}\n"  "stm r1!, {r2, r3, r12}\n"
        "ldm r0!, {r2, r3, r12}\n"  "stm r1!, {r2, r3, r12}\n"
        "ldm r0!, {r2, r3}\n"       "stm r1!, {r2, r3}\n"
        "ldr r1, =tiny_stack + 256 - 32\n"
        "msr msp, r1\n"
        "bx lr\n"
        ".ltorg\n");
}
__attribute__((noinline)) void go(void) {
    *(volatile uint32_t *)0xE000ED04u = 1u << 28;          /* ICSR.PENDSVSET */
    __asm volatile("dsb\n isb" ::: "memory");
    /* now on tiny_stack */
    int r = deeper(3);
    mcusplit_printf("r %d marker %x\n", r, (unsigned)marker);
    mcusplit_exit(0);
}
int main(void) { go(); return 0; }
