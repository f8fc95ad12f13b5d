#include "mcusplit.h"
#include <stdint.h>
__attribute__((noinline)) int aligned_local(int x) {
    _Alignas(64) volatile char b[64];
    b[x & 63] = (char)x;
    return b[(x * 3) & 63] + (int)((uintptr_t)&b[0] & 63);
}
int main(void) { mcusplit_printf("r %d\n", aligned_local(5)); return 0; }
