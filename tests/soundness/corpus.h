/*
 * The soundness corpus's common part (tests/test_soundness.py): the same program builds for a
 * board through mcusplit and for the host with gcc (-DCORPUS_HOST), whose output is the oracle.
 * With -DCORPUS_IRQ the board's timer interrupts the program periodically and its handler runs
 * split-stack code (output unchanged: the handler only folds into a counter nobody prints).
 */
#ifndef CORPUS_H
#define CORPUS_H

#include <stdarg.h>
#include <stdint.h>

#define NOINLINE __attribute__((noinline))

#ifdef CORPUS_HOST
#include <stdio.h>
#define OUT(...) printf(__VA_ARGS__)
#define NO_SPLIT
static void corpus_irq_start(void) {}
static void corpus_irq_stop(void) {}
#else
#include "mcusplit.h"
#include "mcusplit_timer.h"
#define OUT(...) mcusplit_printf(__VA_ARGS__)
#define NO_SPLIT __attribute__((no_split_stack))

#ifdef CORPUS_IRQ
static volatile uint32_t corpus_irq_sum;
NOINLINE uint32_t corpus_irq_work(uint32_t x)
{
    volatile uint8_t pad[200];
    for (uint32_t i = 0; i < sizeof pad; i += 13)
        pad[i] = (uint8_t)(x + i);
    return pad[(x % 15u) * 13u] + x;
}

void Timer_IRQHandler(void)
{
    mcusplit_timer_ack();
    corpus_irq_sum += corpus_irq_work(corpus_irq_sum);
}

static void corpus_irq_start(void) { mcusplit_timer_start(mcusplit_timer_clock_hz() / 20000u + 2u, 0x40); }
static void corpus_irq_stop(void) { mcusplit_timer_stop(); }
#else
static void corpus_irq_start(void) {}
static void corpus_irq_stop(void) {}
#endif
#endif

/* A frame of `n` bytes that the compiler cannot shrink: every byte is written and one is read. */
#define FRAME(n, x)                                                                                \
    volatile uint8_t frame_[n];                                                                    \
    for (uint32_t i_ = 0; i_ < (n); i_ += 61u)                                                     \
        frame_[i_] = (uint8_t)((x) + i_);                                                          \
    uint32_t frame_value_ = frame_[((x) % ((n) / 61u + 1u)) * 61u % (n)]

#endif
