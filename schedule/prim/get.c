/*
 * get.c - the lookup primitives: get_block, get_loops, get_child_blocks.
 * They change nothing; they hand out random variables.
 */
#include "schedule/prim/prim.h"

#include <string.h>

static ms_stmt *find_block(ms_stmt *s, const char *name)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++) {
            ms_stmt *r = find_block(s->seq.items[i], name);
            if (r)
                return r;
        }
        return NULL;
    case MS_STMT_FOR:
        return find_block(s->loop.body, name);
    case MS_STMT_IF: {
        ms_stmt *r = find_block(s->if_.then_s, name);
        return r || !s->if_.else_s ? r : find_block(s->if_.else_s, name);
    }
    case MS_STMT_BLOCK:
        return strcmp(s->block.name, name) ? NULL : s;
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return NULL;
    }
    ms_unreachable();
}

ms_status ms_sched_get_block(ms_sched *s, const char *name, int *out)
{
    ms_stmt *b = find_block(s->f->body, name);
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

static void blocks_under(ms_stmt *s, ms_stmt **out, int cap, int *n)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            blocks_under(s->seq.items[i], out, cap, n);
        return;
    case MS_STMT_FOR:
        blocks_under(s->loop.body, out, cap, n);
        return;
    case MS_STMT_IF:
        blocks_under(s->if_.then_s, out, cap, n);
        if (s->if_.else_s)
            blocks_under(s->if_.else_s, out, cap, n);
        return;
    case MS_STMT_BLOCK:
        if (*n < cap)
            out[*n] = s;
        (*n)++;
        return;
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return;
    }
    ms_unreachable();
}

ms_status ms_sched_get_child_blocks(ms_sched *s, int loop, int *out, int *n)
{
    ms_stmt *l = prim_get(s, loop, MS_RV_LOOP);
    if (!l)
        return prim_fail(s, MS_ERR_INPUT, "get_child_blocks: not a loop");
    ms_stmt *blocks[256];
    int k = 0;
    blocks_under(l->loop.body, blocks, 256, &k);
    if (k > *n || k > 256)
        return prim_fail(s, MS_ERR_INPUT, "get_child_blocks: %d blocks, room for %d", k, *n);
    for (int i = 0; i < k; i++)
        out[i] = ms_sched_new_rv(s, MS_RV_BLOCK, blocks[i], 0);
    *n = k;
    return MS_OK;
}
