#include "mcusplit.h"

int fill(volatile char *p, int n);

int huge(int n)
{
    volatile char block[4000];
    return fill(block, n);
}

int fill(volatile char *p, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (char)i;
    return p[n - 1];
}

int main(void) { return huge(10) - 9; }
