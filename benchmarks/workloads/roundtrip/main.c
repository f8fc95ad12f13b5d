/*
 * roundtrip: the cost of one call that splits.
 *
 * target() has a frame of about 340 bytes (a buffer it writes at both ends).
 * It is called exactly ITERATIONS times, each time through call_target(), a
 * small function entered afresh for every call, from a point where the room
 * left in the stack segment is enough for call_target but not for target:
 * with split stacks every call of target takes a segment and gives it back
 * (one __morestack round trip per iteration).
 *
 * Build with -DNO_SPLIT_CALL for the same calls from a point with plenty of
 * room (no split): per-iteration count of this build minus that one is the
 * cost of a split, exactly.
 *
 * Where the room is: every stack is a SEG-aligned segment, so the room is
 * sp mod SEG (docs/runtime.md). dig() recurses, a few bytes per level, until
 * the room in its own frame is in a window, then runs the loop. The windows
 * hold for any reserve up to 384 bytes (mcusplit: 256, or 320 with an FPU)
 * and also for LLVM's stock prologue (which keeps 384 bytes below its limit):
 *   split:  target's entry room 400..560: over every caller's threshold (at
 *           most 392), under target's (its frame + the reserve: 600 or more);
 *   NO_SPLIT_CALL: 736..880: over target's threshold (at most 728, LLVM's).
 *
 * Output: "roundtrip: result=<v> ok=<0|1>" (the same for split, plain and
 * NO_SPLIT_CALL builds with the same ITERATIONS) and a diagnostic line
 * "# roundtrip: calls that split: all|none|<hex count>; ..." (counted around
 * the loop only). ok=1 needs: every target() result right, target called
 * ITERATIONS times, the loop and target at the intended room, and the splits:
 * none with NO_SPLIT_CALL; otherwise one per call, or none at all (a plain
 * build; or check_elision = "full", which proves this loop safe without any
 * check by raising dig's threshold).
 */
#include <stdint.h>

#include "mcusplit.h"

#ifndef ITERATIONS
#define ITERATIONS 100
#endif

/* Read at run time (volatile): code must not depend on the value, or the difference between two
   builds with different ITERATIONS would include code-generation noise, not only iterations. */
static const volatile uint32_t iterations_setting = ITERATIONS;

#define STEP 0x9E3779B9u          /* each target() call adds this (a Weyl sequence: odd step) */
#define TARGET_WORDS 84           /* target's buffer: 336 bytes, a frame clearly over any caller's */

/* Room in the frame of the dig() level that runs the loop (the loop function's entry room)
   and, for the checks, the room target() finds on entry (call_target()'s frame is below). */
#ifdef NO_SPLIT_CALL
#define DIG_ROOM_MIN 816u
#define DIG_ROOM_MAX 880u
#define TARGET_ROOM_MIN 736u
#define TARGET_ROOM_MAX 880u
#else
#define DIG_ROOM_MIN 480u
#define DIG_ROOM_MAX 544u
#define TARGET_ROOM_MIN 400u
#define TARGET_ROOM_MAX 560u
#endif

#define DIG_MAX_LEVELS 200u       /* a safety stop: a level takes 8 or 16 bytes */

#define HELPER __attribute__((noinline))

extern char __mcusplit_seg_size[];        /* linker symbol: its address is the segment size */

static uint32_t calls, target_room, loop_room, dig_levels;

static inline __attribute__((always_inline)) uint32_t room_here(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return (uint32_t)(sp & ((uintptr_t)__mcusplit_seg_size - 1u));
}

/* Reads both ends of target's buffer (the buffer's address escapes, so the frame is real). */
static HELPER uint32_t ends(const uint32_t *words, uint32_t n)
{
    return words[0] + words[n - 1];
}

/* Not static: the harness can find it by name (e.g. to count instructions inside it). */
HELPER uint32_t target(uint32_t v)
{
    uint32_t buf[TARGET_WORDS];
    buf[0] = v;                              /* the far end of the frame: deepest in the stack */
    buf[TARGET_WORDS - 1] = STEP;
    return ends(buf, TARGET_WORDS);          /* v + STEP */
}

/* Entered once per call of target, with the same room every time. */
static HELPER uint32_t call_target(uint32_t v)
{
    target_room = room_here();               /* what target()'s check sees */
    uint32_t next = target(v);
    calls++;                                 /* (after the call: no tail call) */
    return next;
}

static HELPER uint32_t run_calls(uint32_t iterations, uint32_t v)
{
    for (uint32_t i = 0; i < iterations; i++)
        v = call_target(v);
    return v;
}

/* Recurse until the room here is in [DIG_ROOM_MIN, DIG_ROOM_MAX], then run the loop from here. */
static HELPER uint32_t dig(uint32_t iterations, uint32_t v, uint32_t levels_left)
{
    uint32_t room = room_here();
    uint32_t r;
    if ((room < DIG_ROOM_MIN || room > DIG_ROOM_MAX) && levels_left)
        r = dig(iterations, v, levels_left - 1);
    else {
        loop_room = room;
        r = run_calls(iterations, v);
    }
    dig_levels++;         /* after the calls: no tail call, so run_calls' entry room is `room` */
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

    mcusplit_stats_read(&before);
    uint32_t v = dig(iterations, v0, DIG_MAX_LEVELS);
    mcusplit_stats_read(&after);

    uint32_t splits = after.splits - before.splits;
    uint32_t split_build = after.seg_count != 0;        /* a plain build has no pool */
#ifdef NO_SPLIT_CALL
    int splits_ok = splits == 0;
#else
    /* Every call splits; or none does, in a plain build, and in one whose post-link check
       elision (check_elision = "full") proved the loop safe without checks by raising dig's. */
    int splits_ok = splits == iterations || splits == 0;
#endif
    int placed = loop_room >= DIG_ROOM_MIN && loop_room <= DIG_ROOM_MAX &&
                 target_room >= TARGET_ROOM_MIN && target_room <= TARGET_ROOM_MAX;
    int ok = v == v0 + iterations * STEP && calls == iterations && placed && splits_ok &&
             after.in_use == 0;

    char result[9], count[9];
    hex8(result, v);
    mcusplit_printf("roundtrip: result=%s ok=%d\n", result, ok);
    mcusplit_printf("# roundtrip: calls that split: %s; loop entered with room %u, target with %u; "
                    "%u dig levels (%s, %s)\n", describe_splits(splits, iterations, count), (unsigned)loop_room,
                    (unsigned)target_room, (unsigned)dig_levels,
                    split_build ? "split stacks" : "no split stacks",
#ifdef NO_SPLIT_CALL
                    "NO_SPLIT_CALL"
#else
                    "split call"
#endif
    );
    return ok ? 0 : 1;
}
