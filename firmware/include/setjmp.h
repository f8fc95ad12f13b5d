/*
 * setjmp/longjmp that know about split stacks (firmware/core/setjmp.S, docs/runtime.md).
 *
 * longjmp gives back to the pool every segment taken since its setjmp, deepest first, as the
 * skipped __morestack frames would have on their way out, and puts the hardware guard (stack
 * limit or MPU region) back where it was at setjmp. A jump that crosses no split costs nothing
 * more than a plain longjmp.
 *
 * This header takes the place of the C library's <setjmp.h> (it comes first on the include
 * path): picolibc 1.8's jmp_buf (23 words) has no room for the FPU's callee-saved d8-d15, which
 * its longjmp does not restore, nor for the guard.
 *
 * A jump out of a big_stack call (docs/libc.md) frees that big stack too.
 *
 * Limits: jump only to a setjmp of a function that is still running, on the same stack chain
 * (the same task, not out of an interrupt handler).
 */
#ifndef MCUSPLIT_SETJMP_H
#define MCUSPLIT_SETJMP_H

#ifdef __cplusplus
extern "C" {
#endif

/* r4-r11, sp, lr, the guard, a pad word, d8-d15 (offsets in firmware/core/setjmp.S). */
typedef long long jmp_buf[14];

int setjmp(jmp_buf env) __attribute__((returns_twice));
void longjmp(jmp_buf env, int value) __attribute__((noreturn));
int _setjmp(jmp_buf env) __attribute__((returns_twice));
void _longjmp(jmp_buf env, int value) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* MCUSPLIT_SETJMP_H */
