#include "mcusplit.h"

__attribute__((noinline)) int use(int *p);

int vla(int n)
{
    int buffer[n];
    buffer[0] = n;
    return use(buffer);
}

__attribute__((noinline)) int use(int *p) { return *p; }

int main(void) { return vla(3) - 3; }
