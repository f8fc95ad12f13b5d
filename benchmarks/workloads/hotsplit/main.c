/*
 * hotsplit: the classic hot split. One invocation of hot_loop() runs a loop
 * of ITERATIONS iterations that calls a small function, small(). hot_loop's
 * frame (a 128-byte ring of the latest results) ends just above the
 * reserve of its stack segment: hot_loop itself fits, but small() does not,
 * so with split stacks every call of small() takes a segment and gives it
 * back - ITERATIONS splits from one call site inside one invocation.
 *
 * Build with -DNO_SPLIT_CALL for the same loop with plenty of room below
 * hot_loop's frame (no split): per-iteration count of this build minus that
 * one is what the hot split costs per call.
 *
 * Placement, to the byte: every stack is a SEG-aligned segment, so the room
 * is sp mod SEG (docs/runtime.md), and a function with frame F runs on the
 * current segment when room >= F + reserve. So hot_loop fits exactly when the
 * room left below its frame is at least the reserve, and small() (frame >=
 * 16 bytes) splits while that room is under reserve + 16. main() measures
 * hot_loop's frame (one call with no iterations), then dig() recurses, 8 or
 * 16 bytes per level, until the room left below hot_loop's frame will be the
 * reserve (or reserve + 8): the __mcusplit_reserve linker symbol. This also
 * makes small() split under LLVM's stock prologue (384 bytes kept below the
 * limit), as long as hot_loop's frame is at least 128 bytes.
 * NO_SPLIT_CALL leaves reserve + 256 bytes instead.
 *
 * small() is not a leaf (it calls advance()) and its subtree is larger than the
 * leaf allowance, so check elision does not remove its check: the split is the
 * one to measure.
 *
 * Output: "hotsplit: result=<v> ok=<0|1>" (the same for split, plain and
 * NO_SPLIT_CALL builds with the same ITERATIONS) and a diagnostic line
 * "# hotsplit: calls that split: all|none|<hex count>; ..." (counted around
 * the loop only). ok=1 needs: the results right, hot_loop placed as intended,
 * no splits with NO_SPLIT_CALL or without split stacks, and at most one split
 * per iteration (a mitigation may remove them: the count is reported, not
 * required; check_elision = "full" does, by raising dig's threshold).
 */
#include <stdint.h>

#include "mcusplit.h"

#ifndef ITERATIONS
#define ITERATIONS 100
#endif

/* Read at run time (volatile): code must not depend on the value, or the difference between two
   builds with different ITERATIONS would include code-generation noise, not only iterations. */
static const volatile uint32_t iterations_setting = ITERATIONS;

#define STEP 0x9E3779B9u          /* each small() call adds this (a Weyl sequence: odd step) */
#define RING_WORDS 32u            /* hot_loop's ring of the latest values: 128 bytes of frame */

#ifdef NO_SPLIT_CALL
#define ROOM_BELOW_LOOP_EXTRA 256u    /* plenty: small() fits */
#else
#define ROOM_BELOW_LOOP_EXTRA 0u      /* hot_loop just fits, small() does not */
#endif

#define DIG_MAX_LEVELS 200u       /* a safety stop */

#define HELPER __attribute__((noinline))

extern char __mcusplit_seg_size[];        /* linker symbols: their addresses are the values */
extern char __mcusplit_reserve[];

static uint32_t loop_room;                /* room below hot_loop's frame, at its last call */
static uint32_t entry_room;               /* room hot_loop was called with (by dig) */
static uint32_t dig_levels;

static inline __attribute__((always_inline)) uint32_t room_here(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return (uint32_t)(sp & ((uintptr_t)__mcusplit_seg_size - 1u));
}

/* A leaf: one step of the sequence, in memory (cell[1] only gives small() a real frame). */
static HELPER void advance(uint32_t cell[2])
{
    cell[0] += STEP;
    cell[1] ^= cell[0];
}

/* The small function of the hot loop: one call, and a frame (about 48 bytes) above the leaf
   allowance, so that neither leaf nor small-subtree elision removes its check. */
static HELPER uint32_t small(uint32_t v)
{
    uint32_t cell[10] = {v, 0};
    advance(cell);
    return cell[0];                          /* v + STEP */
}

/* The hot loop: one invocation, ITERATIONS calls of small() from one call site. Nothing else
   is called from here: any checked call would split too. */
static HELPER uint32_t hot_loop(uint32_t iterations, uint32_t v, uint32_t *bad)
{
    uint32_t ring[RING_WORDS];
    loop_room = room_here();                 /* what small()'s check sees */
    for (uint32_t k = 0; k < RING_WORDS; k++)
        ring[k] = 0;
    for (uint32_t i = 0; i < iterations; i++) {
        v = small(v);
        ring[i & (RING_WORDS - 1u)] = v;
    }
    /* The ring holds the RING_WORDS latest values, the last one (v) at iterations - 1, and
       zeros where fewer were written. (Not unrolled: 32 copies of this with their constants
       would double the frame.) */
#pragma clang loop unroll(disable)
    for (uint32_t j = 0; iterations && j < RING_WORDS; j++)
        *bad += ring[(iterations - 1u - j) & (RING_WORDS - 1u)] != (j < iterations ? v - j * STEP : 0u);
    return v;
}

/* Recurse until the room here is `room` or `room` + 8, then run the loop from here. */
static HELPER uint32_t dig(uint32_t room, uint32_t iterations, uint32_t v, uint32_t *bad, uint32_t levels_left)
{
    uint32_t here = room_here();
    uint32_t r;
    if ((here < room || here > room + 8u) && levels_left)
        r = dig(room, iterations, v, bad, levels_left - 1);
    else {
        entry_room = here;
        r = hot_loop(iterations, v, bad);
    }
    dig_levels++;         /* after the calls: no tail call, so hot_loop's entry room is `here` */
    return r;
}

/*
 * Output at a cost that does not depend on ITERATIONS: the harness subtracts the instruction
 * counts of two builds with different ITERATIONS, whose results differ, and printf's cost
 * depends on the digits. Hex digits by shifts cost the same for any value.
 */
static void hex8(char out[9], uint32_t v)
{
    for (int i = 7; i >= 0; i--) {
        out[i] = "0123456789abcdef"[v & 15u];
        v >>= 4;
    }
    out[8] = '\0';
}

/* How many of the calls split, in words (the same text for N and 2N). */
static const char *describe_splits(uint32_t splits, uint32_t calls, char hex[9])
{
    if (splits == calls)
        return "all";
    if (splits == 0)
        return "none";
    hex8(hex, splits);
    return hex;
}

int main(void)
{
    const uint32_t iterations = iterations_setting;
    struct mcusplit_stats before, after;
    const uint32_t v0 = 12345u;
    uint32_t bad = 0;
    uint32_t reserve = (uint32_t)(uintptr_t)__mcusplit_reserve;

    /* hot_loop's frame: the room here minus the room below its frame (no iterations, no split). */
    uint32_t main_room = room_here();
    hot_loop(0, v0, &bad);
    uint32_t loop_frame = main_room - loop_room;
    uint32_t want = reserve + ROOM_BELOW_LOOP_EXTRA;     /* room to leave below hot_loop's frame */

    mcusplit_stats_read(&before);
    uint32_t v = dig(want + loop_frame, iterations, v0, &bad, DIG_MAX_LEVELS);
    mcusplit_stats_read(&after);

    uint32_t splits = after.splits - before.splits;
    uint32_t split_build = after.seg_count != 0;         /* a plain build has no pool */
#ifdef NO_SPLIT_CALL
    int splits_ok = splits == 0;
#else
    int splits_ok = split_build ? splits <= iterations : splits == 0;
#endif
    /* Placed as intended: judged from the room hot_loop was called with, not the room it ran
       with, so a build that moves the split (e.g. a raised threshold makes hot_loop itself
       split, once) still passes. */
    int placed = entry_room >= want + loop_frame && entry_room <= want + loop_frame + 8u;
    int ok = bad == 0 && v == v0 + iterations * STEP && placed && splits_ok && after.in_use == 0;

    char result[9], count[9];
    hex8(result, v);
    mcusplit_printf("hotsplit: result=%s ok=%d\n", result, ok);
    mcusplit_printf("# hotsplit: calls that split: %s; room below hot_loop's frame %u (reserve %u), its frame %u; "
                    "%u dig levels (%s, %s)\n", describe_splits(splits, iterations, count), (unsigned)loop_room,
                    (unsigned)reserve, (unsigned)loop_frame, (unsigned)dig_levels,
                    split_build ? "split stacks" : "no split stacks",
#ifdef NO_SPLIT_CALL
                    "NO_SPLIT_CALL"
#else
                    "split call"
#endif
    );
    return ok ? 0 : 1;
}
