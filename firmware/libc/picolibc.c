/*
 * What picolibc leaves to the system (docs/libc.md). Compiled without split stacks, like the
 * runtime's core: it runs inside library calls, in the reserve below a checked frame.
 *
 * Every definition is weak, so an application that brings its own stdout or _exit (as
 * picolibc's documentation shows) wins without a duplicate-symbol error.
 */
#include <stdio.h>

#include "mcusplit.h"

/* tinystdio: one unbuffered stream over the board's console. mcusplit_putc turns '\n' into CR LF,
 * as the runtime's own lines, so printf and mcusplit_printf interleave exactly. */
static int console_put(char c, FILE *stream)
{
    (void)stream;
    mcusplit_putc(c);
    return (unsigned char)c;
}

static int console_get(FILE *stream)
{
    (void)stream;
    return EOF;                             /* the runtime's console has no receive side */
}

static FILE console = FDEV_SETUP_STREAM(console_put, console_get, NULL, _FDEV_SETUP_RW);

__attribute__((weak)) FILE *const stdin = &console;
__attribute__((weak)) FILE *const stdout = &console;
__attribute__((weak)) FILE *const stderr = &console;

/* exit() runs the atexit handlers, then this: the runtime's exit (watermark lines, exit line,
 * semihosting or halt). abort() ends here too, with status 1 after raise(SIGABRT). */
__attribute__((weak, noreturn)) void _exit(int code)
{
    mcusplit_exit(code);
}

/*
 * Thread-local storage (errno is `__thread` in picolibc). ARM's local-exec model addresses a
 * thread-local variable as __aeabi_read_tp() + its offset in the TLS block + the 8-byte TCB
 * (lld: alignTo(8, p_align)). The program has one TLS block (.tdata/.tbss in linker/common.ld,
 * initialised with .data and .bss at reset), so the thread pointer is a link-time constant:
 * no _set_tls() call at start-up, and nothing for a task switch to save. Only r0 changes, as
 * the run-time ABI requires of this helper.
 */
__attribute__((weak, naked)) void *__aeabi_read_tp(void)
{
    __asm__ volatile("ldr r0, =__mcusplit_tls_tp\n\t"
                     "bx lr\n\t"
                     ".ltorg");
}
