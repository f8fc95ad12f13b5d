/*
 * The segment pool: a static area of SEG-aligned, SEG-sized segments kept
 * in a LIFO free list (the segment given back last is taken first, so a
 * call that splits in a loop keeps reusing one hot segment).
 *
 * Statistics are read from the pool itself, so __morestack pays almost
 * nothing for them: in_use = segments - free; splits = the sum of the
 * call-site counters (the one count __morestack keeps); hwm = segments ever
 * taken (a call site recorded in the header), exact because the list is LIFO
 * and starts in address order (a never-used segment is taken only when every
 * used one is in use).
 */
#include <stddef.h>
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_internal.h"

extern char __mcusplit_pool_start[], __mcusplit_pool_end[];
extern char __mcusplit_seg_size[];           /* absolute linker symbol: the value is its address */
extern char __mcusplit_stack_top[];
extern char __mcusplit_stack_base[];

#define SEG ((uintptr_t)__mcusplit_seg_size)
#define HEADER sizeof(struct mcusplit_segment_header)

struct mcusplit_segment_header *__mcusplit_free;
uint32_t __mcusplit_site_splits[MCUSPLIT_SITE_BUCKETS];

static struct mcusplit_segment_header *header_of(uintptr_t segment_base)
{
    return (struct mcusplit_segment_header *)(segment_base + SEG - HEADER);
}

void mcusplit_pool_init(void)
{
    struct mcusplit_segment_header *next = NULL;
    uintptr_t start = (uintptr_t)__mcusplit_pool_start;
    for (uintptr_t base = (uintptr_t)__mcusplit_pool_end; base > start;) {
        base -= SEG;
        struct mcusplit_segment_header *h = header_of(base);
        h->link = (uintptr_t)next;
        h->site = 0;
        h->depth = 0;
        h->arg_bytes = 0;
        *(volatile uint32_t *)base = MCUSPLIT_CANARY;
        next = h;
    }
    *(volatile uint32_t *)__mcusplit_stack_base = MCUSPLIT_CANARY;
    __mcusplit_free = next;
    /* The initial stack has the same header, so every stack looks alike. */
    struct mcusplit_segment_header *initial = (struct mcusplit_segment_header *)(__mcusplit_stack_top - HEADER);
    initial->link = 0;
    initial->site = 0;
    initial->depth = INT32_MIN;         /* the handler stack: its chain's depths never count for a task */
    initial->arg_bytes = 0;
}

static int in_pool(uintptr_t address)
{
    return address >= (uintptr_t)__mcusplit_pool_start && address < (uintptr_t)__mcusplit_pool_end;
}

extern const struct mcusplit_big_stack __mcusplit_big_stacks_table_start[], __mcusplit_big_stacks_table_end[];

const struct mcusplit_big_stack *mcusplit_big_stack_of(uintptr_t sp)
{
    for (const struct mcusplit_big_stack *b = __mcusplit_big_stacks_table_start; b < __mcusplit_big_stacks_table_end; b++)
        if (sp > b->bottom && sp <= b->top)
            return b;
    return NULL;
}

uintptr_t mcusplit_stack_link(uintptr_t sp)
{
    const struct mcusplit_big_stack *big = mcusplit_big_stack_of(sp);
    return big ? *big->busy : header_of(sp & ~(SEG - 1))->link;
}

/* Which stack sp is on: a big stack's bottom, or the segment (or first stack chunk) it is in. */
static uintptr_t stack_of(uintptr_t sp)
{
    const struct mcusplit_big_stack *big = mcusplit_big_stack_of(sp);
    return big ? big->bottom : sp & ~(SEG - 1);
}

/*
 * longjmp (setjmp.S), already back on the stack to_sp is in: give back every stack from the one
 * from_sp is on up to, not including, the one to_sp is on, deepest first, following the saved-sp
 * links (segment headers, big stacks' busy words). Segments go back to the pool in the order the
 * skipped __morestack returns would have given them, so the list ends as if they had run; a big
 * stack is marked free. Each give is masked: it must not interleave with a task switch
 * (__morestack's gives are restartable regions instead). The walk stops at the first stack, and
 * after as many steps as there are stacks (a corrupted chain cannot hang it).
 */
void mcusplit_release_segments(uintptr_t from_sp, uintptr_t to_sp)
{
    uintptr_t target = stack_of(to_sp);
    uint32_t steps = (uint32_t)(((uintptr_t)__mcusplit_pool_end - (uintptr_t)__mcusplit_pool_start) / SEG)
                     + (uint32_t)(__mcusplit_big_stacks_table_end - __mcusplit_big_stacks_table_start);
    uintptr_t sp = from_sp;
    for (uint32_t n = 0; n < steps && stack_of(sp) != target; n++) {
        const struct mcusplit_big_stack *big = mcusplit_big_stack_of(sp);
        if (big) {
            sp = *big->busy;
            *big->busy = 0;             /* one store: free for the next call */
            continue;
        }
        if (!in_pool(sp))
            break;
        struct mcusplit_segment_header *h = header_of(sp & ~(SEG - 1));
        sp = h->link;                   /* read before the give reuses the word */
        uint32_t primask;
        __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
        h->link = (uintptr_t)__mcusplit_free;
        __mcusplit_free = h;
        __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    }
}

/* Latest snapshot, at a fixed symbol for debug probes (refreshed by every mcusplit_stats_read). */
struct mcusplit_stats mcusplit_stats_snapshot;

void mcusplit_stats_read(struct mcusplit_stats *out)
{
    uint32_t count = (uint32_t)(((uintptr_t)__mcusplit_pool_end - (uintptr_t)__mcusplit_pool_start) / SEG);
    uint32_t free_count = 0;
    /* Bounded walk: a corrupted list cannot hang the report. */
    for (struct mcusplit_segment_header *h = __mcusplit_free; h && free_count <= count;
         h = (struct mcusplit_segment_header *)h->link)
        free_count++;
    uint32_t hwm = 0, splits = 0;
#if defined(MCUSPLIT_GUARD_MPU)
    /* The MPU guard covers the bottom of the stack this runs on: read the canaries with the MPU
     * off and interrupts masked, then put both back. */
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    uint32_t mpu_ctrl = *(volatile uint32_t *)0xE000ED94u;
    *(volatile uint32_t *)0xE000ED94u = 0;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    uint32_t overflows = *(volatile uint32_t *)__mcusplit_stack_base != MCUSPLIT_CANARY;
    for (uint32_t i = 0; i < count; i++) {
        uintptr_t base = (uintptr_t)__mcusplit_pool_start + i * SEG;
        if (header_of(base)->site)
            hwm++;
        if (*(volatile uint32_t *)base != MCUSPLIT_CANARY)
            overflows++;
    }
#if defined(MCUSPLIT_GUARD_MPU)
    *(volatile uint32_t *)0xE000ED94u = mpu_ctrl;
    __asm__ volatile("dsb\n\tisb\n\tmsr primask, %0" ::"r"(primask) : "memory");
#endif
    for (uint32_t b = 0; b < MCUSPLIT_SITE_BUCKETS; b++)
        splits += __mcusplit_site_splits[b];
    out->version = MCUSPLIT_REPORT_VERSION;
    out->seg_size = (uint32_t)SEG;
    out->seg_count = count;
    out->in_use = free_count <= count ? count - free_count : count;
    out->hwm = hwm;
    out->splits = splits;
    out->overflows = overflows;
    if (out != &mcusplit_stats_snapshot)
        mcusplit_stats_snapshot = *out;
}

static void put_field(const char *name, uint32_t value)
{
    mcusplit_puts(name);
    mcusplit_put_u32(value);
}

/* The call site behind a counter: the latest one a segment header recorded in that bucket. */
static uintptr_t site_of_bucket(uint32_t bucket)
{
    uint32_t count = (uint32_t)(((uintptr_t)__mcusplit_pool_end - (uintptr_t)__mcusplit_pool_start) / SEG);
    for (uint32_t i = 0; i < count; i++) {
        uintptr_t site = header_of((uintptr_t)__mcusplit_pool_start + i * SEG)->site;
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

/* The scheduler's, when the firmware uses tasks (weak: undefined, and so NULL, without it). */
extern void mcusplit_tasks_report(void) __attribute__((weak));
extern int mcusplit_sched_wait_for_segment(uintptr_t function, uintptr_t call_site) __attribute__((weak));

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
    if (mcusplit_tasks_report)
        mcusplit_tasks_report();
    if (mcusplit_proof.pool != 0xFFFFFFFFu) {
        put_field("@mcusplit v1 proof pool=", mcusplit_proof.pool);
        put_field(" tasks=", mcusplit_proof.tasks);
        put_field(" task_bytes=", mcusplit_proof.tasks * (uint32_t)SEG);
        put_field(" contiguous_bytes=", mcusplit_proof.contiguous);
        mcusplit_puts("\n");
    }
}

__attribute__((weak)) void mcusplit_pool_exhausted(uintptr_t function, uintptr_t call_site)
{
    /* A task waits until a segment is given back (the scheduler says whether this is a task). */
    if (mcusplit_sched_wait_for_segment && mcusplit_sched_wait_for_segment(function & ~1u, call_site & ~1u))
        return;
    mcusplit_puts("@mcusplit v1 pool-exhausted fn=");
    mcusplit_put_hex((uint32_t)function & ~1u);
    mcusplit_puts(" site=");
    mcusplit_put_hex((uint32_t)call_site & ~1u);
    put_field(" segments=", (uint32_t)(((uintptr_t)__mcusplit_pool_end - (uintptr_t)__mcusplit_pool_start) / SEG));
    mcusplit_puts("\n");
    mcusplit_exit(MCUSPLIT_EXIT_POOL_EXHAUSTED);
}

/* The scheduler's, when the firmware uses tasks (weak: NULL without it). */
extern int mcusplit_task_id(void) __attribute__((weak));
extern void mcusplit_task_yield(void) __attribute__((weak));

uintptr_t mcusplit_bl_target(uintptr_t call)
{
    const volatile uint16_t *hw = (const volatile uint16_t *)(call & ~(uintptr_t)1);
    uint32_t s = (hw[0] >> 10) & 1u, j1 = (hw[1] >> 13) & 1u, j2 = (hw[1] >> 11) & 1u;
    uint32_t i1 = !(j1 ^ s), i2 = !(j2 ^ s);
    uint32_t offset = (s << 24) | (i1 << 23) | (i2 << 22) | ((hw[0] & 0x3FFu) << 12) | ((hw[1] & 0x7FFu) << 1);
    if (s)
        offset |= 0xFE000000u;                      /* sign-extend the 25-bit offset */
    return (call & ~(uintptr_t)1) + 4u + offset;
}

__attribute__((weak)) void mcusplit_big_stack_busy(uintptr_t call, uintptr_t stack, uint32_t bytes)
{
    uintptr_t sp;
    uint32_t ipsr;
    __asm__ volatile("mov %0, sp\n\tmrs %1, ipsr" : "=r"(sp), "=r"(ipsr));
    /* A task waits its turn, unless the stack is its own already (a call through the function
     * itself, which would wait for ever). */
    int own = sp - stack < bytes;
    if (!own && ipsr == 0 && mcusplit_task_id && mcusplit_task_yield && mcusplit_task_id() >= 0) {
        mcusplit_task_yield();
        return;
    }
    mcusplit_puts("@mcusplit v1 big-stack-busy fn=");
    mcusplit_put_hex((uint32_t)mcusplit_bl_target(call) & ~1u);
    mcusplit_puts("\n");
    mcusplit_exit(MCUSPLIT_EXIT_BIG_STACK_BUSY);
}
