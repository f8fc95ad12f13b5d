/* Runtime-internal interfaces shared by the core files and the generated board file. */
#ifndef MCUSPLIT_INTERNAL_H
#define MCUSPLIT_INTERNAL_H

#include <stdint.h>

void mcusplit_pool_init(void);
void mcusplit_board_init(void);             /* board.c (generated): console pin/clock setup */
void mcusplit_console_tx(uint8_t byte);     /* the board's UART driver */
void mcusplit_fault_entry(void);
void mcusplit_exit_quietly(int code) __attribute__((noreturn));

/* A big stack ([split_stack] big_stack, firmware/core/big_stack.inc): its registry entry, in
 * .mcusplit_registry between __mcusplit_big_stacks_table_start and _end. While a call runs on it,
 * the busy word holds the sp of the stack the call came from, the link a segment header holds. */
struct mcusplit_big_stack {
    uintptr_t bottom;
    uintptr_t top;
    volatile uintptr_t *busy;   /* 0: free; else the caller's sp */
};

/* pool.c: the big stack sp is on (NULL: a segment or the first stack), and the sp the stack sp
 * is on was entered from (0 for a stack nothing links back from). */
const struct mcusplit_big_stack *mcusplit_big_stack_of(uintptr_t sp);
uintptr_t mcusplit_stack_link(uintptr_t sp);

/* From the generated board file. */
extern const int mcusplit_exit_semihosting; /* 1: semihosting exit; 0: halt unless a debugger is attached */

#endif
