#include "algo.h"

#include <string.h>

void algo_sort(int32_t *values, unsigned count)
{
    int32_t scratch[16];
    if (count < 2)
        return;
    unsigned half = count / 2;
    algo_sort(values, half);
    algo_sort(values + half, count - half);
    if (count > 16) {                       /* merge in place by insertion (slow, small inputs) */
        for (unsigned i = half; i < count; i++)
            for (unsigned j = i; j > 0 && values[j - 1] > values[j]; j--) {
                int32_t t = values[j];
                values[j] = values[j - 1];
                values[j - 1] = t;
            }
        return;
    }
    unsigned a = 0, b = half, k = 0;
    while (a < half && b < count)
        scratch[k++] = values[a] <= values[b] ? values[a++] : values[b++];
    while (a < half)
        scratch[k++] = values[a++];
    while (b < count)
        scratch[k++] = values[b++];
    memcpy(values, scratch, count * sizeof *values);
}
