/* A zlib round trip, the same source for the host (gcc) and the board (mcusplit cc): the
 * compressed streams' sizes and checksums must print the same on both (tests/test_thirdparty_zlib.py).
 * Only zlib's API and <stdio.h>/<string.h>: nothing here knows about split stacks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zlib.h"

#define INPUT_SIZE 12000u

static unsigned char input[INPUT_SIZE];
static unsigned char packed[INPUT_SIZE + 1024];
static unsigned char unpacked[INPUT_SIZE];

static void make_input(void)
{
    static const char *const words[] = {"stack", "segment", "pool", "morestack", "prologue", "cortex",
                                        "split", "frame", "reserve", "thumb", "interrupt", "task"};
    uint32_t state = 12345u;                        /* 32 bits on both: the same input */
    size_t n = 0;
    while (n < INPUT_SIZE) {
        state = state * 1103515245u + 12345u;
        const char *w = words[(state >> 16) % 12u];
        if ((state >> 8) % 7u == 0) {                 /* some noise the compressor cannot model */
            input[n++] = (unsigned char)(state >> 3);
            continue;
        }
        while (*w && n < INPUT_SIZE)
            input[n++] = (unsigned char)*w++;
        if (n < INPUT_SIZE)
            input[n++] = ' ';
    }
}

/* deflate with the given parameters in small output steps, then inflate in small input steps */
static int roundtrip(const char *name, int level, int window_bits, int mem_level, int strategy)
{
    z_stream d;
    memset(&d, 0, sizeof d);
    if (deflateInit2(&d, level, Z_DEFLATED, window_bits, mem_level, strategy) != Z_OK) {
        printf("%s: deflateInit2 failed\n", name);
        return 1;
    }
    d.next_in = input;
    d.avail_in = INPUT_SIZE;
    int status;
    do {
        d.next_out = packed + d.total_out;
        d.avail_out = (uInt)(sizeof packed - d.total_out < 700 ? sizeof packed - d.total_out : 700);
        status = deflate(&d, Z_FINISH);
    } while (status == Z_OK);
    unsigned long packed_size = d.total_out;
    deflateEnd(&d);
    if (status != Z_STREAM_END) {
        printf("%s: deflate ended with %d\n", name, status);
        return 1;
    }

    z_stream i;
    memset(&i, 0, sizeof i);
    if (inflateInit2(&i, window_bits) != Z_OK) {
        printf("%s: inflateInit2 failed\n", name);
        return 1;
    }
    i.next_out = unpacked;
    i.avail_out = sizeof unpacked;
    do {
        uInt step = (uInt)(packed_size - i.total_in < 333 ? packed_size - i.total_in : 333);
        i.next_in = packed + i.total_in;
        i.avail_in = step;
        status = inflate(&i, Z_NO_FLUSH);
    } while (status == Z_OK);
    unsigned long unpacked_size = i.total_out;
    inflateEnd(&i);
    int same = status == Z_STREAM_END && unpacked_size == INPUT_SIZE && memcmp(unpacked, input, INPUT_SIZE) == 0;
    printf("%s: level=%d packed=%lu crc32=%08lx adler32=%08lx roundtrip=%s\n", name, level, packed_size,
           crc32(0L, packed, (uInt)packed_size), adler32(1L, packed, (uInt)packed_size), same ? "ok" : "BAD");
    return !same;
}

/* Runs `roundtrip` below `depth` frames of 240 bytes: each round trip starts at another depth of
 * the stack, so zlib's own checks find their segment full at different functions. */
static int __attribute__((noinline)) nested(int depth, const char *name, int level, int window_bits,
                                            int mem_level, int strategy)
{
    volatile unsigned char pad[240];
    pad[depth % 240] = (unsigned char)depth;
    if (depth == 0)
        return roundtrip(name, level, window_bits, mem_level, strategy);
    return nested(depth - 1, name, level, window_bits, mem_level, strategy) + (pad[depth % 240] != (unsigned char)depth);
}

int main(void)
{
    make_input();
    printf("zlib %s, input crc32=%08lx adler32=%08lx\n", zlibVersion(), crc32(0L, input, INPUT_SIZE),
           adler32(1L, input, INPUT_SIZE));
    int failed = 0;
    failed += nested(0, "zlib-fast", 1, 15, 8, Z_DEFAULT_STRATEGY);
    failed += nested(1, "zlib-default", 6, 15, 8, Z_DEFAULT_STRATEGY);
    failed += nested(2, "zlib-best", 9, 15, 9, Z_DEFAULT_STRATEGY);
    failed += nested(3, "raw-small-window", 6, -10, 4, Z_DEFAULT_STRATEGY);
    failed += nested(4, "gzip", 6, 31, 8, Z_DEFAULT_STRATEGY);
    failed += nested(5, "huffman-only", 6, 15, 8, Z_HUFFMAN_ONLY);
    failed += nested(6, "rle", 6, 15, 8, Z_RLE);
    failed += nested(7, "stored", 0, 15, 8, Z_DEFAULT_STRATEGY);

    unsigned char small[64];
    uLongf small_size = sizeof small;
    const char *hello = "hello, split stacks";
    int simple = compress2(small, &small_size, (const unsigned char *)hello, (uLong)strlen(hello), 9);
    char back[64] = {0};
    uLongf back_size = sizeof back - 1;
    int undone = uncompress((unsigned char *)back, &back_size, small, small_size);
    printf("compress2=%d size=%lu uncompress=%d text=%s\n", simple, (unsigned long)small_size, undone, back);
    failed += simple != Z_OK || undone != Z_OK || strcmp(back, hello) != 0;
    printf("failed=%d\n", failed);
    return failed;
}
