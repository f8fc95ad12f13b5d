/* Ending a run: the exit line, then semihosting or a halt. A leaf: it calls nothing but the
 * console (the report before it is report.c's mcusplit_exit). */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_internal.h"

#define DHCSR (*(volatile uint32_t *)0xE000EDF0u)

static void semihosting_exit(int code)
{
    /* SYS_EXIT_EXTENDED: {ADP_Stopped_ApplicationExit, code} ends QEMU with `code`. */
    static volatile uint32_t block[2];
    block[0] = 0x20026u;
    block[1] = (uint32_t)code;
    register uint32_t op __asm__("r0") = 0x20u;
    register volatile uint32_t *arg __asm__("r1") = block;
    __asm__ volatile("bkpt 0xab" : "+r"(op) : "r"(arg) : "memory");
}

static int debugger_attached(void)
{
#if defined(__ARM_ARCH_6M__)
    return 0;                               /* DHCSR is not readable by software on ARMv6-M */
#else
    return (DHCSR & 1u) != 0;               /* C_DEBUGEN */
#endif
}

/* The exit line, then semihosting or a halt. */
static inline __attribute__((always_inline, noreturn)) void finish(int code)
{
    mcusplit_puts("@mcusplit v1 exit code=");
    if (code < 0) {
        mcusplit_putc('-');
        mcusplit_put_u32((uint32_t)-code);
    } else {
        mcusplit_put_u32((uint32_t)code);
    }
    mcusplit_puts("\n");
    if (mcusplit_exit_semihosting || debugger_attached())
        semihosting_exit(code);
    for (;;)
        __asm__ volatile("wfi");
}

/* The exit line and the exit, nothing else: the end of mcusplit_exit (report.c), and the fault
 * path when memory cannot be trusted. Probes and the HIL rack find the `bkpt 0xab` in here. */
void mcusplit_exit_quietly(int code)
{
    __asm__ volatile("cpsid i" ::: "memory");
    finish(code);
}
