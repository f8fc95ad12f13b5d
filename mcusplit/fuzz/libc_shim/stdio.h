/* mcusplit fuzz: minimal <stdio.h> for Csmith programs (see README.md). */
#ifndef MCUSPLIT_FUZZ_SHIM_STDIO_H
#define MCUSPLIT_FUZZ_SHIM_STDIO_H
#include "mcusplit.h"
#define printf mcusplit_printf
#endif
