/*
 * The C library on every board (tests/test_libc.py): headers, printf on the console, errno
 * (thread-local), the heap, atexit and exit() through the runtime's exit path.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void at_exit(void)
{
    printf("atexit handler ran\n");
}

int main(void)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.4f|%-5s|%5d|%e", 3.14159265, "ab", -42, 6.25e-3);
    printf("snprintf: %s\n", buf);
    errno = 0;
    long big = strtol("99999999999999999999", NULL, 10);
    printf("strtol: %ld errno=%s\n", big, errno == ERANGE ? "ERANGE" : "wrong");
    printf("math: sqrt(2)=%.6f floor(-2.5)=%.1f fabs(-3)=%.1f\n", sqrt(2.0), floor(-2.5), fabs(-3.0));
    size_t total = 0;
    char *blocks[8];
    for (int i = 0; i < 8; i++) {
        blocks[i] = malloc(96);
        if (!blocks[i])
            return 1;
        memset(blocks[i], 'a' + i, 96);
        total += 96;
    }
    for (int i = 0; i < 8; i++)
        if (blocks[i][95] != 'a' + i)
            return 2;
    for (int i = 0; i < 8; i++)
        free(blocks[i]);
    printf("heap: %u bytes in 8 blocks\n", (unsigned)total);
    fprintf(stderr, "stderr: on the console too\n");
    atexit(at_exit);
    exit(7);
}
