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
 *
 * The free list is the pool's: only this file and __morestack (morestack_v*.S,
 * the pool's other half, whose take and give are restartable regions) touch
 * __mcusplit_free. The scheduler uses mcusplit_pool_take/give. Printing the
 * statistics is report.c's; what to do when the pool is empty is policy.c's.
 * This file calls nothing outside itself.
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
/* The running task's high-water mark in segments: raised by __morestack's tasks variant
 * (MCUSPLIT_TASK_HWM), swapped with each task's own by the scheduler at every switch. Here, with
 * the other words __morestack writes, so that __morestack names nothing of the scheduler's. */
int32_t mcusplit_running_hwm;

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

uint32_t mcusplit_pool_segments(void)
{
    return (uint32_t)(((uintptr_t)__mcusplit_pool_end - (uintptr_t)__mcusplit_pool_start) / SEG);
}

int mcusplit_pool_empty(void)
{
    return __mcusplit_free == NULL;
}

struct mcusplit_segment_header *mcusplit_pool_take(void)
{
    struct mcusplit_segment_header *h = __mcusplit_free;
    if (h)
        __mcusplit_free = (struct mcusplit_segment_header *)h->link;
    return h;
}

void mcusplit_pool_give(struct mcusplit_segment_header *h)
{
    h->link = (uintptr_t)__mcusplit_free;
    __mcusplit_free = h;
}

uintptr_t mcusplit_pool_site(uint32_t i)
{
    return header_of((uintptr_t)__mcusplit_pool_start + i * SEG)->site;
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
    /* Bounded walk: a corrupted list cannot hang the report. Masked: a task switched out in the
     * middle could find, when it runs again, that another task took the segment it stands on,
     * whose link word is then a saved sp; following it reads a stack as headers (on the
     * STM32F405, from unmapped memory: a bus fault). An interrupt handler alone would leave the
     * list as it found it. */
    uint32_t walk_primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(walk_primask)::"memory");
    for (struct mcusplit_segment_header *h = __mcusplit_free; h && free_count <= count;
         h = (struct mcusplit_segment_header *)h->link)
        free_count++;
    __asm__ volatile("msr primask, %0" ::"r"(walk_primask) : "memory");
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

