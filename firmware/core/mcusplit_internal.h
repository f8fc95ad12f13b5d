/* Runtime-internal interfaces shared by the core files and the generated board file. */
#ifndef MCUSPLIT_INTERNAL_H
#define MCUSPLIT_INTERNAL_H

#include <stdint.h>

void mcusplit_pool_init(void);
void mcusplit_board_init(void);             /* board.c (generated): console pin/clock setup */
void mcusplit_console_tx(uint8_t byte);     /* the board's UART driver */
void mcusplit_fault_entry(void);
void mcusplit_exit_quietly(int code) __attribute__((noreturn));

/* From the generated board file. */
extern const int mcusplit_exit_semihosting; /* 1: semihosting exit; 0: halt unless a debugger is attached */

#endif
