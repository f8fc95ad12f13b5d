/*
 * Linked-list kernel: a list of LIST_NODES statically allocated nodes is
 * linked in a scrambled order, searched, reversed, merge-sorted by a derived
 * key and merge-sorted back by index. Comparisons go through a function
 * pointer (one indirect call per merge step), as in CoreMark's list code.
 */
#include <stddef.h>

#include "work.h"

#define LIST_NODES 40
#define LINK_STRIDE 17           /* coprime with LIST_NODES: the link order is a permutation */

struct node {
    struct node *next;
    int16_t key;
    uint16_t idx;
};

typedef int (*node_cmp)(const struct node *a, const struct node *b);

static struct node nodes[LIST_NODES];

/* Keys to look for: some present, some not (a miss walks the whole list). */
static const int16_t find_keys[] = {113, -1, 600, 77, 301, 9999, 2, 455};

/* A fixed, scrambled key for node i (duplicates are possible, on purpose). */
static HELPER int16_t key_for(uint32_t i)
{
    uint32_t x = (i + 1u) * 2654435761u;
    x ^= x >> 13;
    return (int16_t)((x & 0x3ffu) - 0x100);
}

static HELPER struct node *list_build(void)
{
    struct node *head = NULL;
    uint32_t slot = 0;
    for (uint32_t i = 0; i < LIST_NODES; i++) {
        struct node *n = &nodes[slot];
        n->idx = (uint16_t)slot;
        n->key = key_for(slot);
        n->next = head;
        head = n;
        slot += LINK_STRIDE;
        if (slot >= LIST_NODES)
            slot -= LIST_NODES;
    }
    return head;
}

/* Inlined (a plain compare, as in CoreMark's find): the walk itself is the work. */
static inline int node_has_key(const struct node *n, int16_t key)
{
    return n->key == key;
}

/* Index of the first node with `key`, or 0xffff. */
static HELPER uint16_t list_find(const struct node *n, int16_t key)
{
    for (; n; n = n->next)
        if (node_has_key(n, key))
            return n->idx;
    return 0xffffu;
}

static HELPER struct node *list_reverse(struct node *n)
{
    struct node *done = NULL;
    while (n) {
        struct node *next = n->next;
        n->next = done;
        done = n;
        n = next;
    }
    return done;
}

/* A derived sort key: a small computation so the comparison is not trivial. */
static HELPER int32_t mixed_value(const struct node *n)
{
    int32_t k = n->key;
    return ((k * 7) ^ (k >> 3)) + (int32_t)(n->idx & 3u);
}

static HELPER int cmp_mixed(const struct node *a, const struct node *b)
{
    int32_t va = mixed_value(a), vb = mixed_value(b);
    return (va > vb) - (va < vb);
}

static HELPER int cmp_idx(const struct node *a, const struct node *b)
{
    return (int)a->idx - (int)b->idx;
}

/*
 * Bottom-up merge sort of the singly linked list, the way CoreMark's list benchmark sorts:
 * runs of 1, 2, 4, ... nodes merged pass after pass, without recursion. Stable: on equal keys
 * the node from the earlier run goes first, so the result equals any other stable sort's.
 */
static HELPER struct node *list_sort(struct node *list, node_cmp cmp)
{
    for (uint32_t width = 1;; width *= 2) {
        struct node *p = list, *tail = NULL;
        uint32_t merges = 0;
        list = NULL;
        while (p) {
            merges++;
            struct node *q = p;
            uint32_t psize = 0;
            for (uint32_t i = 0; i < width && q; i++) {
                psize++;
                q = q->next;
            }
            uint32_t qsize = width;
            while (psize > 0 || (qsize > 0 && q)) {
                struct node *e;
                if (psize == 0) {
                    e = q;
                    q = q->next;
                    qsize--;
                } else if (qsize == 0 || !q || cmp(p, q) <= 0) {
                    e = p;
                    p = p->next;
                    psize--;
                } else {
                    e = q;
                    q = q->next;
                    qsize--;
                }
                if (tail)
                    tail->next = e;
                else
                    list = e;
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1)
            return list;
    }
}

/* Self-check: every neighbour pair in order; returns the number of nodes. */
static HELPER uint32_t list_check(const struct node *n, node_cmp cmp, uint32_t *errors)
{
    uint32_t count = 0;
    for (; n; n = n->next) {
        count++;
        if (n->next && cmp(n, n->next) > 0)
            ++*errors;
    }
    return count;
}

static HELPER uint16_t list_crc(const struct node *n, uint16_t crc)
{
    for (; n; n = n->next)
        crc = crc_u16((uint16_t)n->key, crc_u16(n->idx, crc));
    return crc;
}

uint16_t list_kernel(uint16_t crc, uint32_t *errors)
{
    struct node *list = list_build();

    for (uint32_t i = 0; i < sizeof find_keys / sizeof find_keys[0]; i++)
        crc = crc_u16(list_find(list, find_keys[i]), crc);

    list = list_reverse(list);
    crc = crc_u16(list->idx, crc);

    list = list_sort(list, cmp_mixed);
    if (list_check(list, cmp_mixed, errors) != LIST_NODES)
        ++*errors;
    crc = list_crc(list, crc);

    /* Back in index order: the indices must be exactly 0, 1, ..., LIST_NODES - 1. */
    list = list_sort(list, cmp_idx);
    uint32_t expect = 0;
    for (const struct node *n = list; n; n = n->next, expect++)
        if (n->idx != expect)
            ++*errors;
    if (expect != LIST_NODES)
        ++*errors;
    return crc_u16(list_find(list, find_keys[0]), crc);
}
