#include "mcusplit.h"
volatile int K = 5;
__attribute__((noinline)) int sw(int k, int x) {
    switch (k & 7) {            /* every case present: no compare, the mask bounds the index */
    case 0: return x + 1; case 1: return x * 3; case 2: return x - 4; case 3: return x ^ 7;
    case 4: return x << 2; case 5: return x / 3; case 6: return x + 99; default: return x * x;
    }
}
int main(void) { mcusplit_printf("r %d\n", sw(K, 12)); return 0; }
