/*
 * Reset and fault handling. Compiled without split stacks: everything here
 * runs before the pool exists or on whatever stack faulted, and is small.
 * The vector table itself is generated per board (irq_count) by the build.
 */
#include <stdint.h>

#include "mcusplit.h"
#include "mcusplit_internal.h"

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern const uint32_t __isr_vector[];
extern int main(void);

#define SCB_VTOR   (*(volatile uint32_t *)0xE000ED08u)
#define SCB_CPACR  (*(volatile uint32_t *)0xE000ED88u)
#define SCB_ICSR   (*(volatile uint32_t *)0xE000ED04u)
#define SCB_CFSR   (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR   (*(volatile uint32_t *)0xE000ED2Cu)

#define MPU_CTRL   (*(volatile uint32_t *)0xE000ED94u)
#define MPU_RNR    (*(volatile uint32_t *)0xE000ED98u)
#define MPU_RBAR   (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR   (*(volatile uint32_t *)0xE000EDA0u)
#define SCB_SHCSR  (*(volatile uint32_t *)0xE000ED24u)
#define MPU_GUARD_REGION 7u

extern char __mcusplit_stack_base[];

/* The hardware guard of the first stack; __morestack and the scheduler move it with sp. */
static void guard_init(void)
{
#if defined(MCUSPLIT_GUARD_SPLIM)
    __asm__ volatile("msr msplim, %0" ::"r"(__mcusplit_stack_base));
#elif defined(MCUSPLIT_GUARD_MPU)
    /* Region 7 (the highest priority): 32 bytes, no access, never executed. The default memory
     * map stays in force for everything else (PRIVDEFENA). RNR stays 7: __morestack writes RBAR
     * without VALID, which addresses the region RNR selects. */
    MPU_RNR = MPU_GUARD_REGION;
    MPU_RBAR = (uint32_t)__mcusplit_stack_base;
    MPU_RASR = (1u << 28) | (0u << 24) | (4u << 1) | 1u;   /* XN, AP = no access, 2^(4+1) bytes, on */
    MPU_CTRL = (1u << 2) | 1u;                              /* PRIVDEFENA | ENABLE */
    SCB_SHCSR |= 1u << 16;                                  /* MemManage faults report as such */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}

void Reset_Handler(void)
{
#if !defined(__ARM_ARCH_6M__)
    SCB_VTOR = (uint32_t)__isr_vector;      /* an505 boots with VTOR at its Secure alias */
#endif
    /* volatile: keep these loops from becoming memcpy/memset calls before .data exists */
    volatile uint32_t *src = __data_load;
    for (volatile uint32_t *dst = __data_start; dst < __data_end;) *dst++ = *src++;
    for (volatile uint32_t *dst = __bss_start; dst < __bss_end;) *dst++ = 0;
#if defined(__ARM_FP)
    SCB_CPACR |= 0xFu << 20;                /* CP10/CP11 full access: hard-float code can run */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    mcusplit_pool_init();
    guard_init();
    mcusplit_board_init();
    mcusplit_console_init();
    mcusplit_exit(main());
}

/* Where fault reports run: the stack that faulted may be the one that overflowed. Its own section,
 * which the linker script places at a segment boundary: a check that runs here (an interrupt
 * handler, before the fault entry masks interrupts) reads the room that is really below it. */
__attribute__((section(".mcusplit_fault_stack"))) uint64_t mcusplit_fault_stack[64];
uint32_t mcusplit_guard_at_fault;
#define MPU_RBAR_SAVED mcusplit_guard_at_fault

/* Called with the exception frame the fault pushed; never returns. */
void mcusplit_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    /* A fault while reporting one (the first may have left memory in any state: an overrun's
     * exception frame lands below the stack it overran): one line and stop, no report. */
    static volatile int reporting;
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    if (reporting) {
        mcusplit_puts("\n@mcusplit v1 fault-in-report pc=");
        mcusplit_put_hex(frame[6]);
        mcusplit_puts("\n");
        mcusplit_exit_quietly(reporting);
    }
#if !defined(__ARM_ARCH_6M__)
    uint32_t cfsr = SCB_CFSR;
    SCB_CFSR = cfsr;                                /* write-one-to-clear: a later fault reads its own */
#endif
    reporting = MCUSPLIT_EXIT_FAULT;
    mcusplit_puts("@mcusplit v1 fault exc=");
    mcusplit_put_u32(ipsr & 0x1FFu);
    mcusplit_puts(" pc=");
    mcusplit_put_hex(frame[6]);
    mcusplit_puts(" lr=");
    mcusplit_put_hex(frame[5]);
    mcusplit_puts(" sp=");
    mcusplit_put_hex((uint32_t)frame);
    mcusplit_puts(" exc_return=");
    mcusplit_put_hex(exc_return);
#if !defined(__ARM_ARCH_6M__)
    mcusplit_puts(" cfsr=");
    mcusplit_put_hex(cfsr);
    mcusplit_puts(" hfsr=");
    mcusplit_put_hex(SCB_HFSR);
#endif
    mcusplit_puts("\n");
#if defined(MCUSPLIT_GUARD_SPLIM)
    if (cfsr & (1u << 20)) {                        /* UFSR.STKOF: a stack ran into its limit */
        reporting = MCUSPLIT_EXIT_STACK_OVERFLOW;
        mcusplit_puts("@mcusplit v1 stack-overflow guard=stack-limit pc=");
        mcusplit_put_hex(frame[6]);
        mcusplit_puts("\n");
        mcusplit_exit(MCUSPLIT_EXIT_STACK_OVERFLOW);
    }
#elif defined(MCUSPLIT_GUARD_MPU)
    /* MMFSR: MSTKERR (an exception frame hit the guard) or DACCVIOL at a valid MMFAR inside it. */
    uint32_t mmfsr = cfsr & 0xFFu;
    uint32_t mmfar = *(volatile uint32_t *)0xE000ED34u;
    uint32_t guard = MPU_RBAR_SAVED & ~31u;
    if ((mmfsr & 0x10u) || ((mmfsr & 0x82u) == 0x82u && mmfar - guard < 32u)) {
        reporting = MCUSPLIT_EXIT_STACK_OVERFLOW;
        mcusplit_puts("@mcusplit v1 stack-overflow guard=mpu pc=");
        mcusplit_put_hex(frame[6]);
        mcusplit_puts(" addr=");
        mcusplit_put_hex(mmfar);
        mcusplit_puts("\n");
        mcusplit_exit(MCUSPLIT_EXIT_STACK_OVERFLOW);
    }
#endif
    mcusplit_exit(MCUSPLIT_EXIT_FAULT);
}

/* Every fault and every unhandled interrupt lands here: report which, where, and stop. */
__attribute__((naked)) void mcusplit_fault_entry(void)
{
    __asm__ volatile(
        "cpsid i\n\t"                          /* nothing preempts the report (the analysis still counts
                                                  * an interrupt before this instruction) */
        "movs r0, #4\n\t"
        "mov r1, lr\n\t"
        "tst r0, r1\n\t"
        "beq 1f\n\t"
        "mrs r0, psp\n\t"
        "b 2f\n"
        "1:\n\t"
        "mrs r0, msp\n"
        "2:\n\t"
#if defined(MCUSPLIT_GUARD_SPLIM)
        "movs r2, #0\n\t"
        "msr msplim, r2\n\t"                  /* the report runs on its own stack, unguarded */
        "msr psplim, r2\n\t"
#elif defined(MCUSPLIT_GUARD_MPU)
        "ldr r2, =0xE000ED9C\n\t"
        "ldr r3, [r2]\n\t"
        "ldr r2, =mcusplit_guard_at_fault\n\t"
        "str r3, [r2]\n\t"                     /* where the guard was, for the report */
        "ldr r2, =0xE000ED94\n\t"
        "movs r3, #0\n\t"
        "str r3, [r2]\n\t"                     /* MPU off: the report may read any stack */
        "dsb\n\t"
        "isb\n\t"
#endif
        "ldr r2, =mcusplit_fault_stack + 512\n\t"
        "mov sp, r2\n\t"
        "ldr r2, =mcusplit_fault_report\n\t"
        "bx r2\n\t"
        ".ltorg\n");
}
