/*
 * LZ4 (third-party, unmodified: the lz4 1.9.4 sources from the python-lz4 sdist) through mcusplit cc:
 * block (fast and HC) and frame round trips, checked against the same program built for the host
 * by benchmarks/thirdparty/lz4.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lz4.h"
#include "lz4hc.h"
#include "lz4frame.h"
#include "xxhash.h"

#define N 6000
static char input[N], packed[LZ4_COMPRESSBOUND(N) + 64], unpacked[N];
static char frame[N + 1024];

int main(void)
{
    unsigned seed = 1;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        input[i] = "split stacks for cortex-m "[(seed >> 16) % 7 + (i / 50) % 20];
    }
    printf("lz4 %s, xxh32 %08x\n", LZ4_versionString(), (unsigned)XXH32(input, N, 0));
    int c = LZ4_compress_default(input, packed, N, sizeof packed);
    int d = LZ4_decompress_safe(packed, unpacked, c, N);
    printf("fast: %d -> %d -> %d %s\n", N, c, d, d == N && !memcmp(input, unpacked, N) ? "ok" : "WRONG");
    c = LZ4_compress_HC(input, packed, N, sizeof packed, 9);
    d = LZ4_decompress_safe(packed, unpacked, c, N);
    printf("hc: %d -> %d -> %d %s\n", N, c, d, d == N && !memcmp(input, unpacked, N) ? "ok" : "WRONG");
    size_t f = LZ4F_compressFrame(frame, sizeof frame, input, N, NULL);
    LZ4F_dctx *dctx;
    LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION);
    size_t out = N, in = f;
    size_t r = LZ4F_decompress(dctx, unpacked, &out, frame, &in, NULL);
    LZ4F_freeDecompressionContext(dctx);
    printf("frame: %d -> %d -> %d %s\n", N, (int)f, (int)out, !LZ4F_isError(r) && out == N && !memcmp(input, unpacked, N) ? "ok" : "WRONG");
    return 0;
}
