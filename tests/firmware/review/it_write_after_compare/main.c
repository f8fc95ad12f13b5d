/* A conditional write in an IT block of data processing (one path) to the register the last cmp
 * compared: the bound from that cmp no longer holds (it made the tbb index {0,1,2}, and deep, case 5,
 * was never walked: needed 0, measured 2). Found by a review. */
#include <stdint.h>
#include <stdio.h>
volatile uint32_t g = 2;
__attribute__((noinline)) void use(volatile char *p) { p[0] = 1; p[599] = 2; g += p[0] + p[599]; }
__attribute__((noinline)) void d3(void) { char buf[600]; use(buf); }
__attribute__((noinline)) void d2(void) { char buf[600]; use(buf); d3(); use(buf); }
__attribute__((noinline)) void deep(void) { char buf[600]; use(buf); d2(); use(buf); }
__attribute__((noinline)) void shallow(void) { g += 1; }
__attribute__((naked, noinline)) void h(uint32_t x) {
  __asm volatile(
    "push {r4, lr}\n"
    "cmp r0, #2\n"
    "it eq\n"
    "moveq r0, #5\n"
    "bhi 9f\n"
    "tbb [pc, r0]\n"
    "1: .byte (2f-1b)/2, (2f-1b)/2, (2f-1b)/2, (2f-1b)/2, (2f-1b)/2, (3f-1b)/2\n"
    ".align 1\n"
    "2: bl shallow\n"
    "b 9f\n"
    "3: bl deep\n"
    "9: pop {r4, pc}\n");
}
int main(void) { h(g); printf("done %u\n", (unsigned)g); return 0; }
