/*
 * mcusplit runtime: split (segmented) stacks on Cortex-M.
 *
 * Stack model
 * -----------
 * Every stack (the initial stack and each segment of the pool) is SEG bytes
 * (a power of two) and aligned to SEG. A split-stack function therefore knows
 * how much room is left without reading any limit word:
 *
 *     room = sp mod SEG          (bytes between sp and the stack's bottom)
 *
 * and its prologue calls __morestack when room < frame + reserve. Because the
 * limit follows sp, switching stacks is one `mov sp, rX`: an interrupt can
 * never see a half-switched stack, handlers compare against the stack they
 * run on, and a task switch saves nothing besides sp.
 *
 * Each segment ends in a 16-byte header (struct mcusplit_segment_header);
 * a fresh segment's sp is the header's address.
 */
#ifndef MCUSPLIT_H
#define MCUSPLIT_H

#include <stdarg.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes the runtime itself uses (applications use 0..99). */
#define MCUSPLIT_EXIT_OK              0
#define MCUSPLIT_EXIT_POOL_EXHAUSTED  100
#define MCUSPLIT_EXIT_FAULT           101
#define MCUSPLIT_EXIT_STACK_OVERFLOW  102
#define MCUSPLIT_EXIT_BIG_STACK_BUSY  106   /* a big_stack function called while its stack is in use */

/* Version of the "@mcusplit v1 ..." console lines and of struct mcusplit_stats. */
#define MCUSPLIT_REPORT_VERSION 1

/* Painted on the bottom word of every stack; overwritten only by a stack that ran past its end. */
#define MCUSPLIT_CANARY 0x5AFEC0DEu

/* Keeps a function out of split stacks (no prologue; it runs in the reserve). */
#define MCUSPLIT_NO_SPLIT __attribute__((no_split_stack))

struct mcusplit_segment_header {
    uintptr_t link;        /* in use: sp of the previous stack; free: next free header */
    uintptr_t site;        /* return address of the latest call that split into it (0: never taken) */
    int32_t depth;         /* with tasks: stacks in its chain up to it (negative: the handler stack) */
    uint32_t arg_bytes;    /* stack-argument bytes copied by the latest split */
};

/* Splits counted by call site: bucket (return address >> 1) % MCUSPLIT_SITE_BUCKETS. */
#define MCUSPLIT_SITE_BUCKETS 64
extern uint32_t __mcusplit_site_splits[MCUSPLIT_SITE_BUCKETS];

struct mcusplit_stats {
    uint32_t version;      /* MCUSPLIT_REPORT_VERSION */
    uint32_t seg_size;     /* bytes per segment */
    uint32_t seg_count;    /* segments in the pool */
    uint32_t in_use;       /* segments taken right now */
    uint32_t hwm;          /* most segments ever taken at once */
    uint32_t splits;       /* calls that ran on a new segment, in total */
    uint32_t overflows;    /* stacks whose bottom word (a canary) was overwritten: must stay 0 */
};

/* What `mcusplit analyze` proved about this image, written into it by the build (firmware with
 * tasks). pool = 0xFFFFFFFF: nothing proven (no tasks, or no finite bound). */
struct mcusplit_proof {
    uint32_t magic;             /* 0x464F5250 */
    uint32_t pool;              /* segments the worst case needs */
    uint32_t tasks;             /* of which the registered tasks' share */
    uint32_t contiguous;        /* bytes contiguous worst-case stacks would take for the same tasks */
};
extern const volatile struct mcusplit_proof mcusplit_proof;

/* Fills *out from the pool itself (exact; costs O(segments)). */
void mcusplit_stats_read(struct mcusplit_stats *out);

/* Prints the "@mcusplit v1 stats ..." line (format: README, "Watermark line"). */
void mcusplit_report(void);

/* Prints the report and the "@mcusplit v1 exit code=N" line, then ends the run. A run that
 * overwrote the bottom word of any stack ends with MCUSPLIT_EXIT_STACK_OVERFLOW instead. */
void mcusplit_exit(int code) __attribute__((noreturn));

/*
 * Called by __morestack when the pool is empty, on the stack that ran out,
 * with `function` the address of the function that needed a segment and
 * `call_site` the return address of the call to it. The default prints
 *   @mcusplit v1 pool-exhausted fn=0x... site=0x... segments=N
 * and exits with MCUSPLIT_EXIT_POOL_EXHAUSTED. An override runs in the
 * reserve (keep it small and MCUSPLIT_NO_SPLIT); if it returns, __morestack
 * tries the pool again.
 */
void mcusplit_pool_exhausted(uintptr_t function, uintptr_t call_site);

/*
 * Called by a big_stack trampoline (docs/libc.md) when the function's stack is in use, with the
 * address of the trampoline's call of the function (a `bl`: mcusplit_bl_target() reads the function
 * from it; passing the function itself would take its address, and every indirect call the
 * analysis cannot type could then reach it), its stack and its size. A task yields (the trampoline tries again when it runs next);
 * anywhere else (an interrupt handler, main, a call through the function itself) the default
 * prints
 *   @mcusplit v1 big-stack-busy fn=0x...
 * and exits with MCUSPLIT_EXIT_BIG_STACK_BUSY. An override that returns makes it try again.
 */
void mcusplit_big_stack_busy(uintptr_t call, uintptr_t stack, uint32_t bytes);

/* The target of the Thumb `bl` at `call`. */
uintptr_t mcusplit_bl_target(uintptr_t call);

/* Console (polled UART of the board). */
void mcusplit_console_init(void);
void mcusplit_putc(char c);
void mcusplit_puts(const char *s);
void mcusplit_put_u32(uint32_t value);
void mcusplit_put_hex(uint32_t value);

/* Small formatted output (split-stack code): %d %i %u %x %X %p %s %c %f (%.Nf) %%, widths, '0', '-', 'l'. */
int mcusplit_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int mcusplit_vprintf(const char *fmt, va_list ap);

#ifdef __cplusplus
}
#endif

#endif /* MCUSPLIT_H */
