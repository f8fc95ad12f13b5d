#ifndef ALGO_H
#define ALGO_H

#include <stdint.h>

/* A recursive parser of arithmetic expressions: each level keeps a 96-byte token buffer on its
 * frame, so nested parentheses go deep and the stack splits into pool segments. */
int32_t algo_eval(const char *expression, int *error);
/* A recursive merge sort with a scratch buffer per level. */
void algo_sort(int32_t *values, unsigned count);

#endif
