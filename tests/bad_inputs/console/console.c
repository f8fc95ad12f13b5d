/* A firmware whose console is bad in a chosen way (tests/test_bad_inputs.py, category "console").
 * The test patches the word console_mode in the linked ELF (found through its symbol), so each case
 * is a distinct image without a build of its own. */
#include <stdint.h>
#include "mcusplit.h"

const volatile uint32_t console_mode = 0x5EED0000u;

/* Semihosting SYS_EXIT_EXTENDED: ends QEMU with `code` without the runtime's exit line. */
static void __attribute__((noreturn)) quiet_exit(uint32_t code)
{
    static volatile uint32_t block[2];
    block[0] = 0x20026u;
    block[1] = code;
    register uint32_t r0 __asm__("r0") = 0x20u;
    register uint32_t r1 __asm__("r1") = (uint32_t)block;
    __asm__ volatile("bkpt 0xab" : : "r"(r0), "r"(r1) : "memory");
    for (;;) {
    }
}

int main(void)
{
    switch (console_mode & 0xffu) {
    case 1: quiet_exit(0);                                              /* no output at all */
    case 2: mcusplit_puts("hello\n"); quiet_exit(0);                    /* no exit line */
    case 3: mcusplit_puts("@mcusplit v1 exit code=abc\n"); quiet_exit(0);
    case 4: mcusplit_puts("@mcusplit v1 exit code=300\n"); quiet_exit(0);
    case 5: mcusplit_puts("@mcusplit v1 exit code=-1\n"); quiet_exit(0);
    case 6: mcusplit_puts("@mcusplit v1 exit\n"); quiet_exit(0);
    case 7: mcusplit_puts("@mcusplit v1 exit code=0x1ff\n"); quiet_exit(0);
    case 8: mcusplit_puts("@mcusplit v1 exit code=99999999999999999999\n"); quiet_exit(0);
    case 9: mcusplit_puts("\xff\xfe\x80 noise\n"); quiet_exit(3);       /* not UTF-8, no exit line */
    case 10: mcusplit_puts("spinning\n"); for (;;) { }                  /* never exits */
    case 11: mcusplit_puts("@mcusplit v1 exit code=\n"); quiet_exit(0);
    case 12: mcusplit_puts("@mcusplit v1 exit code=0"); quiet_exit(0);  /* no newline: a cut line */
    case 13: mcusplit_puts("@mcusplit v2 exit code=0\n"); quiet_exit(0); /* a version we do not speak */
    case 14: mcusplit_puts("@mcusplit v1 exit code=1e3\n"); quiet_exit(0);
    case 15: mcusplit_puts("@mcusplit v1 exit code=0b102\n"); quiet_exit(0);
    case 16: mcusplit_puts("@mcusplit v1 stats hwm=zz\n"); quiet_exit(0); /* stats, but no exit line */
    case 17: /* sp outside memory, then a fault: the exception entry cannot stack, the core locks up */
        __asm__ volatile("ldr r0, =0xfffffff0\n\tmov sp, r0\n\tudf #0" : : : "r0", "memory");
        break;
    default: break;
    }
    return 0;
}
