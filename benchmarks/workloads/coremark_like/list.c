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

static HELPER struct node *merge(struct node *a, struct node *b, node_cmp cmp)
{
    struct node head;
    struct node *tail = &head;
    while (a && b) {
        if (cmp(a, b) <= 0) {        /* <=: stable, equal keys keep their order */
            tail->next = a;
            a = a->next;
        } else {
            tail->next = b;
            b = b->next;
        }
        tail = tail->next;
    }
    tail->next = a ? a : b;
    return head.next;
}

/* Top-down merge sort: split with slow/fast pointers, sort halves, merge.
   Recursion depth is log2(LIST_NODES), about 6. */
static HELPER struct node *list_sort(struct node *list, node_cmp cmp)
{
    if (!list || !list->next)
        return list;
    struct node *slow = list, *fast = list->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    struct node *second = slow->next;
    slow->next = NULL;
    return merge(list_sort(list, cmp), list_sort(second, cmp), cmp);
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
