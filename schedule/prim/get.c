/*
 * get.c - the lookup primitives: get_block, get_loops, get_child_blocks.
 * They change nothing; they hand out random variables.
 */
#include "schedule/prim/prim.h"

#include <string.h>

typedef struct block_query {
    const char *name; /* NULL: every block */
    ms_stmt **out;
    int cap, n;
} block_query;

static bool match_block(void *ctx, ms_stmt *s)
{
    block_query *q = ctx;
    if (s->kind != MS_STMT_BLOCK || (q->name && strcmp(s->block.name, q->name)))
        return true;
    if (q->n < q->cap)
        q->out[q->n] = s;
    q->n++;
    return q->name == NULL; /* a name is unique: stop at it */
}

ms_status ms_sched_get_block(ms_sched *s, const char *name, int *out)
{
    ms_stmt *b = NULL;
    block_query q = {name, &b, 1, 0};
    ms_stmt_visit(s->f->body, match_block, &q);
    if (!b)
        return prim_fail(s, MS_ERR_INPUT, "no block named '%s'", name);
    *out = ms_sched_new_rv(s, MS_RV_BLOCK, b, 0);
    return MS_OK;
}

ms_status ms_sched_get_loops(ms_sched *s, int block, int *out, int *n)
{
    ms_stmt *b = prim_get(s, block, MS_RV_BLOCK);
    if (!b)
        return prim_fail(s, MS_ERR_INPUT, "get_loops: not a block");
    ms_stmt *loops[64];
    int k = prim_enclosing_loops(s, b, loops, 64);
    if (k > *n)
        return prim_fail(s, MS_ERR_INPUT, "get_loops: %d loops, room for %d", k, *n);
    for (int i = 0; i < k; i++)
        out[i] = ms_sched_new_rv(s, MS_RV_LOOP, loops[i], 0);
    *n = k;
    return MS_OK;
}

ms_status ms_sched_get_child_blocks(ms_sched *s, int loop, int *out, int *n)
{
    ms_stmt *l = prim_get(s, loop, MS_RV_LOOP);
    if (!l)
        return prim_fail(s, MS_ERR_INPUT, "get_child_blocks: not a loop");
    ms_stmt *blocks[256];
    block_query q = {NULL, blocks, 256, 0};
    ms_stmt_visit(l->loop.body, match_block, &q);
    int k = q.n;
    if (k > *n || k > 256)
        return prim_fail(s, MS_ERR_INPUT, "get_child_blocks: %d blocks, room for %d", k, *n);
    for (int i = 0; i < k; i++)
        out[i] = ms_sched_new_rv(s, MS_RV_BLOCK, blocks[i], 0);
    *n = k;
    return MS_OK;
}
