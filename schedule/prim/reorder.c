/*
 * reorder.c - reorder: loops of one perfect nest change places. The loops named must
 * lie on one chain where each loop is the only statement of the one above;
 * the loops between them that are not named keep their positions. Bounds
 * may only use counters of loops that stay above them.
 */
#include "schedule/prim/prim.h"

#include <stdlib.h>

/* Order does not matter to a nest whose every written buffer is written by
 * one block, at indices that are its iteration variables, and read only by
 * that block at the same indices (an update x = x op e): each element is
 * computed on its own, reductions only change their association. */
typedef struct reorder_check {
    MS_VEC(ms_access_site) sites;
    MS_VEC(ms_expr **) idx; /* the subscripts, copied: sites point into a walk */
    bool ok;
} reorder_check;

static void on_access(void *ctx, const ms_access_site *a)
{
    reorder_check *rc = ctx;
    ms_access_site copy = *a;
    copy.loops = NULL;
    MS_VEC_PUSH(rc->sites, copy);
    MS_VEC_PUSH(rc->idx, *a->idx);
}

static bool is_iter_var(const ms_stmt *block, const ms_expr *e)
{
    if (!block || e->kind != MS_EXPR_VAR)
        return false;
    for (int i = 0; i < block->block.niter; i++)
        if (block->block.iters[i].var == e->var)
            return true;
    return false;
}

static bool order_free(ms_stmt *body, const char **why)
{
    reorder_check rc = {.ok = true};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(body, &fns, &rc);
    for (int i = 0; i < rc.sites.len && rc.ok; i++) {
        const ms_access_site *w = &rc.sites.data[i];
        if (!w->write)
            continue;
        for (int d = 0; d < *w->nidx && rc.ok; d++) {
            bool dup = false;
            for (int e = 0; e < d; e++)
                dup = dup || ms_expr_equal(rc.idx.data[i][d], rc.idx.data[i][e]);
            if (!is_iter_var(w->block, rc.idx.data[i][d]) || dup) {
                *why = "a block writes at indices that are not its iteration variables";
                rc.ok = false;
            }
        }
        for (int j = 0; j < rc.sites.len && rc.ok; j++) {
            const ms_access_site *a = &rc.sites.data[j];
            if (j == i || a->buf != w->buf)
                continue;
            /* the block's own update, or its init */
            bool same = a->block == w->block && *a->nidx == *w->nidx;
            for (int d = 0; same && d < *w->nidx; d++)
                same = ms_expr_equal(rc.idx.data[i][d], rc.idx.data[j][d]);
            if (!same) {
                *why = "an element written in the nest is read or written elsewhere in it";
                rc.ok = false;
            }
        }
    }
    free(rc.sites.data);
    free(rc.idx.data);
    return rc.ok;
}

/* --fp-model=strict: the loops that run a float reduction keep their
 * order, so that each element sums its terms in the original order. */
typedef struct strict_check {
    ms_stmt *const *from, *const *to;
    int len;
    const char *clash; /* a loop that would cross another of the same reduction */
} strict_check;

/* Does an iteration variable of this kind depend on the loop? */
static bool binds_over(const ms_stmt *block, ms_iter_kind kind, const ms_stmt *loop)
{
    for (int i = 0; i < block->block.niter; i++)
        if (block->block.iters[i].kind == kind &&
            ms_expr_uses_var(block->block.iters[i].binding, loop->loop.var))
            return true;
    return false;
}

static int position(ms_stmt *const *list, int len, const ms_stmt *loop)
{
    for (int i = 0; i < len; i++)
        if (list[i] == loop)
            return i;
    return -1;
}

static bool check_reduction_order(void *ctx, ms_stmt *st)
{
    strict_check *sc = ctx;
    if (st->kind != MS_STMT_BLOCK || !ms_dtype_is_float(st->block.body->store.buf->dtype))
        return true;
    for (int a = 0; a < sc->len; a++) {
        const ms_stmt *la = sc->from[a];
        if (!binds_over(st, MS_ITER_REDUCE, la))
            continue;
        /* an element chosen by a reduction loop too (a band, a skewed nest):
         * any move may change the order in which it receives its terms */
        if (binds_over(st, MS_ITER_SPATIAL, la)) {
            sc->clash = la->loop.var->name;
            return false;
        }
        for (int b = a + 1; b < sc->len; b++)
            if (binds_over(st, MS_ITER_REDUCE, sc->from[b]) &&
                position(sc->to, sc->len, la) > position(sc->to, sc->len, sc->from[b])) {
                sc->clash = la->loop.var->name;
                return false;
            }
    }
    return true;
}

ms_status ms_sched_reorder(ms_sched *s, int n, const int *loops)
{
    if (n < 1 || n > MS_INST_MAX_IN)
        return prim_fail(s, MS_ERR_INPUT, "reorder: %d loops (at most %d)", n, MS_INST_MAX_IN);
    ms_stmt *want[MS_INST_MAX_IN];
    for (int i = 0; i < n; i++) {
        if (!(want[i] = prim_get(s, loops[i], MS_RV_LOOP)))
            return prim_fail(s, MS_ERR_INPUT, "reorder: operand %d is not a loop", i);
        for (int k = 0; k < i; k++)
            if (want[k] == want[i])
                return prim_fail(s, MS_ERR_INPUT, "reorder: loop '%s' given twice",
                                 want[i]->loop.var->name);
    }
    /* the chain from the outermost named loop down to the last named one */
    ms_stmt *top = NULL;
    int top_depth = 1 << 30;
    for (int i = 0; i < n; i++) {
        ms_stmt *around[64];
        int d = prim_enclosing_loops(s, want[i], around, 64);
        if (d < top_depth) {
            top_depth = d;
            top = want[i];
        }
    }
    ms_stmt *chain[64];
    int len = 0, found = 0;
    for (ms_stmt *l = top; l && len < 64; l = prim_only_child_loop(l)) {
        chain[len++] = l;
        for (int i = 0; i < n; i++)
            found += want[i] == l;
        if (found == n)
            break;
    }
    if (found != n)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reorder: the loops are not nested one directly inside the other");
    /* new order: named positions take the named loops, in the order given */
    ms_stmt *order[64];
    int next = 0;
    for (int c = 0; c < len; c++) {
        bool named = false;
        for (int i = 0; i < n; i++)
            named = named || want[i] == chain[c];
        order[c] = named ? want[next++] : chain[c];
    }
    for (int c = 0; c < len; c++)
        for (int k = c + 1; k < len; k++)
            if (ms_expr_uses_var(order[c]->loop.min, order[k]->loop.var) ||
                ms_expr_uses_var(order[c]->loop.extent, order[k]->loop.var))
                return prim_fail(s, MS_ERR_ILLEGAL, "reorder: the bounds of '%s' depend on '%s'",
                                 order[c]->loop.var->name, order[k]->loop.var->name);
    /* OpenMP: no parallel region inside a simd loop */
    for (int c = 0; c < len; c++)
        for (int k = c + 1; k < len; k++)
            if (ms_loop_is_simd(order[c]) && order[k]->loop.kind == MS_LOOP_PARALLEL)
                return prim_fail(s, MS_ERR_ILLEGAL,
                                 "reorder: parallel loop '%s' would be inside SIMD loop '%s'",
                                 order[k]->loop.var->name, order[c]->loop.var->name);
    ms_stmt *innermost_body = chain[len - 1]->loop.body;
    const char *why = NULL;
    bool moved = false;
    for (int c = 0; c < len; c++)
        moved = moved || order[c] != chain[c];
    if (moved && !order_free(innermost_body, &why))
        return prim_fail(s, MS_ERR_ILLEGAL, "reorder: %s", why);
    strict_check sc = {chain, order, len, NULL};
    if (moved && s->f->fp_strict && !ms_stmt_visit(innermost_body, check_reduction_order, &sc))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reorder: under --fp-model=strict, the terms reduction loop '%s' adds "
                         "must keep their order",
                         sc.clash);
    ms_stmt **slot = prim_slot(s, top);
    MS_ASSERT(slot);
    for (int c = 0; c < len; c++)
        order[c]->loop.body = c + 1 < len ? order[c + 1] : innermost_body;
    *slot = order[0];
    return MS_OK;
}
