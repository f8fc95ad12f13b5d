/*
 * coremark_like: ITERATIONS times the same four kernels (list, matrix,
 * state machine, CRC of everything) on the same inputs. Every iteration must
 * produce the same CRC, equal to EXPECTED_CRC (from a reference run), and
 * pass the kernels' own self-checks.
 *
 * Because the work does not depend on the iteration number, the harness gets
 * the exact per-iteration instruction count as count(2N) - count(N) over N.
 *
 * Output: "coremark_like: result=<crc> ok=<0|1>", identical with and without
 * split stacks; exit status 0 only when ok=1.
 */
#include <stdint.h>

#include "mcusplit.h"
#include "work.h"

#ifndef ITERATIONS
#define ITERATIONS 10
#endif

/* Read at run time (volatile): code must not depend on the value, or the difference between two
   builds with different ITERATIONS would include code-generation noise, not only iterations. */
static const volatile uint32_t iterations_setting = ITERATIONS;

/* CRC of one iteration: independent of ITERATIONS, the core and the build (the same on the
   host with gcc -fsanitize=address,undefined). */
#define EXPECTED_CRC 0x0defu

static HELPER uint16_t iteration(uint32_t *errors)
{
    uint16_t crc = 0;
    crc = list_kernel(crc, errors);
    crc = matrix_kernel(crc, errors);
    crc = state_kernel(crc, errors);
    return crc;
}

int main(void)
{
    const uint32_t iterations = iterations_setting;
    uint32_t errors = 0;
    uint16_t first = iteration(&errors);
    for (uint32_t i = 1; i < iterations; i++)
        if (iteration(&errors) != first)
            errors++;
    int ok = errors == 0 && first == EXPECTED_CRC;
    mcusplit_printf("coremark_like: result=%04x ok=%d\n", (unsigned)first, ok);
    if (errors)
        mcusplit_printf("# coremark_like: %u self-check failures\n", (unsigned)errors);
    return ok ? 0 : 1;
}
