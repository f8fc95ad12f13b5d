/* mcusplit fuzz: minimal <assert.h> for Csmith programs (see README.md): a failed assertion ends the
 * run with status 99, which the fuzzer reports. */
#ifndef MCUSPLIT_FUZZ_SHIM_ASSERT_H
#define MCUSPLIT_FUZZ_SHIM_ASSERT_H
#include "mcusplit.h"
#define assert(e) ((e) ? (void)0 : mcusplit_exit(99))
#endif
