/*
 * recursion: recursion-heavy work, a call every few instructions, so the
 * cost of a split-stack prologue (paid on every call) is as visible as it
 * gets. Per iteration, on the same inputs every time:
 *
 *   - fib(FIB_N) by naive double recursion;
 *   - a balanced binary search tree of TREE_NODES nodes built recursively in
 *     a static node array, then walked recursively three times (in-order
 *     check and hash, height, sum of depths);
 *   - Ackermann(2, n) for n = 0 .. ACK_MAX_N.
 *
 * Every result is checked against a closed form or a non-recursive
 * computation, and every iteration must produce the same hash.
 *
 * The deepest chain (about 20 small frames) stays well inside one segment,
 * so a split-stack build normally makes no splits here: the comparison with
 * the plain build is the prologues' cost alone.
 *
 * Output: "recursion: result=<hash> ok=<0|1>", identical with and without
 * split stacks; exit status 0 only when ok=1.
 */
#include <stddef.h>
#include <stdint.h>

#include "mcusplit.h"

#ifndef ITERATIONS
#define ITERATIONS 10
#endif

/* Read at run time (volatile): code must not depend on the value, or the difference between two
   builds with different ITERATIONS would include code-generation noise, not only iterations. */
static const volatile uint32_t iterations_setting = ITERATIONS;

#define FIB_N 16
#define TREE_DEPTH 7
#define TREE_NODES ((1u << TREE_DEPTH) - 1u)     /* a perfect tree: 127 nodes */
#define ACK_MAX_N 8

/* A recursive function must stay a real call (no inlining into its caller). */
#define RECURSIVE __attribute__((noinline))

static uint32_t errors;

/* ---- Fibonacci ---------------------------------------------------------- */

static RECURSIVE uint32_t fib(uint32_t n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint32_t fib_loop(uint32_t n)
{
    uint32_t a = 0, b = 1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t next = a + b;
        a = b;
        b = next;
    }
    return a;
}

/* ---- binary tree in a static array -------------------------------------- */

struct tree {
    struct tree *left, *right;
    uint32_t key;
};

static struct tree tree_nodes[TREE_NODES];
static uint32_t tree_used;

/* Key of the i-th smallest node: strictly increasing, unevenly spaced. */
static uint32_t key_at(uint32_t i)
{
    return i * 3u + (i >> 2);
}

/* Balanced tree over the keys of ranks lo .. hi - 1. */
static RECURSIVE struct tree *tree_build(uint32_t lo, uint32_t hi)
{
    if (lo >= hi)
        return NULL;
    uint32_t mid = lo + (hi - lo) / 2u;
    struct tree *t = &tree_nodes[tree_used++];
    t->key = key_at(mid);
    t->left = tree_build(lo, mid);
    t->right = tree_build(mid + 1, hi);
    return t;
}

/* In-order walk: checks the keys come out as key_at(0), key_at(1), ...; returns a hash. */
static RECURSIVE uint32_t tree_walk(const struct tree *t, uint32_t *rank, uint32_t hash)
{
    if (!t)
        return hash;
    hash = tree_walk(t->left, rank, hash);
    if (t->key != key_at(*rank))
        errors++;
    ++*rank;
    hash = (hash ^ t->key) * 16777619u;          /* FNV-1a step */
    return tree_walk(t->right, rank, hash);
}

static RECURSIVE uint32_t tree_height(const struct tree *t)
{
    if (!t)
        return 0;
    uint32_t l = tree_height(t->left), r = tree_height(t->right);
    return 1u + (l > r ? l : r);
}

static RECURSIVE uint32_t tree_depth_sum(const struct tree *t, uint32_t depth)
{
    if (!t)
        return 0;
    return depth + tree_depth_sum(t->left, depth + 1) + tree_depth_sum(t->right, depth + 1);
}

/* ---- Ackermann ---------------------------------------------------------- */

static uint32_t ack_depth, ack_max_depth;

/* The depth bookkeeping after the calls also keeps the compiler from turning
   the tail call into a loop: every level is a real frame. */
static RECURSIVE uint32_t ack(uint32_t m, uint32_t n)
{
    if (++ack_depth > ack_max_depth)
        ack_max_depth = ack_depth;
    uint32_t r;
    if (m == 0)
        r = n + 1;
    else if (n == 0)
        r = ack(m - 1, 1);
    else
        r = ack(m - 1, ack(m, n - 1));
    ack_depth--;
    return r;
}

/* ---- one iteration ------------------------------------------------------ */

static RECURSIVE uint32_t iteration(void)
{
    uint32_t hash = 2166136261u;

    uint32_t f = fib(FIB_N);
    if (f != fib_loop(FIB_N))
        errors++;
    hash = (hash ^ f) * 16777619u;

    tree_used = 0;
    struct tree *root = tree_build(0, TREE_NODES);
    uint32_t rank = 0;
    hash = tree_walk(root, &rank, hash);
    if (rank != TREE_NODES || tree_used != TREE_NODES)
        errors++;
    uint32_t height = tree_height(root);
    if (height != TREE_DEPTH)
        errors++;
    /* A perfect tree of depth D has 2^d nodes at depth d (root: 0): sum d * 2^d = (D - 2) * 2^D + 2. */
    uint32_t depth_sum = tree_depth_sum(root, 0);
    if (depth_sum != (TREE_DEPTH - 2u) * (1u << TREE_DEPTH) + 2u)
        errors++;
    hash = (hash ^ height) * 16777619u;
    hash = (hash ^ depth_sum) * 16777619u;

    for (uint32_t n = 0; n <= ACK_MAX_N; n++) {
        ack_max_depth = 0;
        uint32_t a = ack(2, n);
        if (a != 2u * n + 3u || ack_depth != 0)          /* A(2, n) = 2n + 3 */
            errors++;
        hash = (hash ^ a) * 16777619u;
        hash = (hash ^ ack_max_depth) * 16777619u;
    }
    return hash;
}

int main(void)
{
    const uint32_t iterations = iterations_setting;
    uint32_t first = iteration();
    for (uint32_t i = 1; i < iterations; i++)
        if (iteration() != first)
            errors++;
    int ok = errors == 0;
    mcusplit_printf("recursion: result=%08x ok=%d\n", (unsigned)first, ok);
    if (errors)
        mcusplit_printf("# recursion: %u check failures\n", (unsigned)errors);
    return ok ? 0 : 1;
}
