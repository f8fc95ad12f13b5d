#include "mcusplit.h"
volatile int sink;
__attribute__((noinline)) void work(int x) { sink += x; }
__attribute__((noreturn, noinline)) void fatal(int c);
__attribute__((noinline)) void check_or_die(int x) { work(x); fatal(x); }
__attribute__((noreturn, noinline)) void fatal(int c) { mcusplit_printf("fatal %d\n", c); mcusplit_exit(c); }
int main(void) { if (sink == 0) check_or_die(0); return 0; }
