/*
 * Reporting: the watermark lines at exit ("@mcusplit v1 stats", "hot-split",
 * the lines of registered parts such as the scheduler's, "proof") and
 * mcusplit_exit, which prints them before the exit line.
 *
 * It reads the pool through its API (statistics, the call sites segments
 * recorded) and reaches optional parts only through their registered hooks
 * (struct mcusplit_hooks), so nothing here names the scheduler.
 */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_internal.h"

extern struct mcusplit_stats mcusplit_stats_snapshot;

static void put_field(const char *name, uint32_t value)
{
    mcusplit_puts(name);
    mcusplit_put_u32(value);
}

/* The call site behind a counter: the latest one a segment header recorded in that bucket. */
static uintptr_t site_of_bucket(uint32_t bucket)
{
    uint32_t count = mcusplit_pool_segments();
    for (uint32_t i = 0; i < count; i++) {
        uintptr_t site = mcusplit_pool_site(i);
        if (site && ((site >> 1) % MCUSPLIT_SITE_BUCKETS) == bucket)
            return site & ~(uintptr_t)1;
    }
    return 0;
}

/* "@mcusplit v1 hot-split ..." for the call sites that split most (at least twice), up to three. */
static void report_hot_sites(void)
{
    uint64_t printed = 0;
    for (int rank = 0; rank < 3; rank++) {
        uint32_t best = 0, best_count = 1;
        for (uint32_t b = 0; b < MCUSPLIT_SITE_BUCKETS; b++)
            if (!(printed >> b & 1u) && __mcusplit_site_splits[b] > best_count) {
                best = b;
                best_count = __mcusplit_site_splits[b];
            }
        if (best_count < 2)
            return;
        printed |= (uint64_t)1 << best;
        mcusplit_puts("@mcusplit v1 hot-split");
        put_field(" splits=", best_count);
        put_field(" bucket=", best);
        uintptr_t site = site_of_bucket(best);
        if (site) {
            mcusplit_puts(" site=");
            mcusplit_put_hex((uint32_t)site);
        }
        mcusplit_puts("\n");
    }
}

/* What `mcusplit analyze` proved about this image: written into it by the build (firmware with
 * tasks; mcusplit/optimize/proof.py). pool = 0xFFFFFFFF: nothing proven. */
const volatile struct mcusplit_proof mcusplit_proof = {0x464F5250u, 0xFFFFFFFFu, 0, 0};

void mcusplit_report(void)
{
    mcusplit_stats_read(&mcusplit_stats_snapshot);
    const struct mcusplit_stats *s = &mcusplit_stats_snapshot;
    mcusplit_puts("@mcusplit v1 stats");
    put_field(" seg_size=", s->seg_size);
    put_field(" segments=", s->seg_count);
    put_field(" in_use=", s->in_use);
    put_field(" hwm=", s->hwm);
    put_field(" splits=", s->splits);
    put_field(" overflows=", s->overflows);
    mcusplit_puts("\n");
    report_hot_sites();
    /* The registered parts' lines (the scheduler's task, sched and gate lines). The loop stays in
     * this function: the analyzer resolves the calls here from the hooks table. */
    for (const struct mcusplit_hooks *h = __mcusplit_hooks_start; h < __mcusplit_hooks_end; h++)
        if (h->report)
            h->report();
    if (mcusplit_proof.pool != 0xFFFFFFFFu) {
        put_field("@mcusplit v1 proof pool=", mcusplit_proof.pool);
        put_field(" tasks=", mcusplit_proof.tasks);
        put_field(" task_bytes=", mcusplit_proof.tasks * s->seg_size);
        put_field(" contiguous_bytes=", mcusplit_proof.contiguous);
        mcusplit_puts("\n");
    }
}

void mcusplit_exit(int code)
{
    __asm__ volatile("cpsid i" ::: "memory");
#if defined(MCUSPLIT_GUARD_MPU)
    /* The report reads the bottom word of every stack: the guard must not stand in its way. */
    *(volatile uint32_t *)0xE000ED94u = 0;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    mcusplit_report();
    if (mcusplit_stats_snapshot.overflows) {
        mcusplit_puts("@mcusplit v1 stack-overflow stacks=");
        mcusplit_put_u32(mcusplit_stats_snapshot.overflows);
        mcusplit_puts("\n");
        code = MCUSPLIT_EXIT_STACK_OVERFLOW;
    }
    mcusplit_exit_quietly(code);
}
