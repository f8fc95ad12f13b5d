/*
 * A multi-directory project built by CMake or make through mcusplit cc (docs/driver.md):
 * hal/ (a driver layer), algo/ (a static library), app/ (this). It prints the same on every board.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "algo.h"
#include "hal.h"
#include "mcusplit.h"

static const char *const expressions[] = {
    "1+2*3",
    "((((((((((((((((((((7))))))))))))))))))))*6",
    "(1+(2+(3+(4+(5+(6+(7+(8+(9+(10))))))))))*(2-1)",
    "2*(3+",
};

int main(void)
{
    hal_init();
    hal_log("app", "mcusplit cc example on %s\n", "cortex-m");
    for (unsigned i = 0; i < sizeof expressions / sizeof *expressions; i++) {
        int error;
        int32_t v = algo_eval(expressions[i], &error);
        if (error)
            printf("eval %u: syntax error\n", i);
        else
            printf("eval %u: %ld\n", i, (long)v);
        hal_led_set(i, !error);
    }
    int32_t values[40];
    for (unsigned i = 0; i < 40; i++)
        values[i] = (int32_t)((i * 7919u) % 101u) - 50;
    algo_sort(values, 40);
    int sorted = 1;
    for (unsigned i = 1; i < 40; i++)
        sorted &= values[i - 1] <= values[i];
    printf("sort: %s, min %ld max %ld\n", sorted ? "ok" : "WRONG", (long)values[0], (long)values[39]);
    printf("crc: %08lx\n", (unsigned long)hal_crc32(values, sizeof values));
    printf("leds: %lx\n", (unsigned long)hal_led_state());
    printf("mix: %08lx\n", (unsigned long)hal_mix(0x12345678u, 0x0000ffffu));
    struct mcusplit_stats stats;
    mcusplit_stats_read(&stats);
    printf("# splits %lu, high-water mark %lu segments\n", (unsigned long)stats.splits, (unsigned long)stats.hwm);
    return sorted ? 0 : 1;
}
