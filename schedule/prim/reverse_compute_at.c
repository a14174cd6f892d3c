/*
 * reverse_compute_at.c - reverse_compute_at: a block consuming a local intermediate moves inside
 * a loop of the intermediate's producer, and in each iteration consumes
 * exactly the box the producer has just written (an epilogue run per tile
 * while the tile is in cache). The producer writes the box at unit stride,
 * one inner loop per dimension, so the boxes of different iterations do
 * not overlap; the consumer reads the intermediate at its own variables,
 * writes an output no one else touches, and reads nothing the kernel
 * writes apart from the intermediate.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <stdlib.h>

enum { MAX_DIMS = 8 };

typedef struct users {
    const ms_buffer *t, *y;
    const ms_stmt *consumer;
    const ms_stmt *producer;
    int t_writers, y_elsewhere;
    MS_VEC(const ms_buffer *) written;
} users;

static void on_access(void *ctx, const ms_access_site *a)
{
    users *u = ctx;
    if (a->write)
        MS_VEC_PUSH(u->written, a->buf);
    if (a->buf == u->t && a->write) {
        u->t_writers++;
        u->producer = a->block;
    }
    if (a->buf == u->y && a->block != u->consumer)
        u->y_elsewhere++;
}

ms_status ms_sched_reverse_compute_at(ms_sched *s, int block, int loop)
{
    ms_func *f = s->f;
    ms_stmt *C = prim_get(s, block, MS_RV_BLOCK);
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!C || !L)
        return prim_fail(s, MS_ERR_INPUT, "reverse_compute_at: want a block and a loop");
    const ms_buffer *t;
    const ms_expr *tload;
    if (C->block.init || !prim_single_local_read(f, C, &t, &tload) || t->ndim > MAX_DIMS)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reverse_compute_at: '%s' does not read one local array at one element",
                         C->block.name);
    const ms_stmt *cst = C->block.body;
    users u = {.t = t, .y = cst->store.buf, .consumer = C};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(f->body, &fns, &u);
    ms_stmt *P = (ms_stmt *)u.producer;
    bool ok = u.t_writers == 1 && P && P != C && u.y_elsewhere == 0 &&
              !(cst->store.buf->scope == MS_SCOPE_LOCAL && cst->store.buf->ndim == 0);
    for (int i = 0; ok && i < u.written.len; i++)
        ok = u.written.data[i] == t || u.written.data[i] == cst->store.buf ||
             !ms_expr_reads_buffer(cst->store.value, u.written.data[i]);
    free(u.written.data);
    if (!ok)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reverse_compute_at: '%s' has other writers, its output other users, or "
                         "it reads data the kernel writes",
                         t->name);
    /* the producer is inside L, the consumer after it, outside */
    ms_stmt *ppath[64], *cpath[64];
    int pn = prim_enclosing_loops(s, P, ppath, 64), cn = prim_enclosing_loops(s, C, cpath, 64);
    int at = 0;
    while (at < pn && ppath[at] != L)
        at++;

    bool c_inside = false;
    for (int i = 0; i < cn; i++)
        c_inside = c_inside || cpath[i] == L;
    if (at == pn || c_inside || !ms_stmt_precedes(f->body, L, C))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reverse_compute_at: the loop must hold the producer and come before "
                         "'%s'",
                         C->block.name);
    /* what the producer writes in one iteration: base + v, v a loop inside L */
    ms_stmt *preal = ms_block_realize(f, P);
    ms_expr *box_at[MAX_DIMS];
    ms_stmt *box_loop[MAX_DIMS];
    for (int d = 0; d < t->ndim; d++) {
        ok =
            prim_unit_stride_split(f, ppath, pn, at, preal->store.idx[d], &box_at[d], &box_loop[d]);
        for (int e = 0; e < d && ok && box_loop[d]; e++)
            ok = box_loop[e] != box_loop[d];
        /* the box's extent is fixed for the iteration: no inner counters in it
         * (no inner loop at all: one element along this dimension) */
        for (int l = at + 1; ok && box_loop[d] && l < pn; l++)
            ok = !ms_expr_uses_var(box_loop[d]->loop.min, ppath[l]->loop.var) &&
                 !ms_expr_uses_var(box_loop[d]->loop.extent, ppath[l]->loop.var);
        if (!ok)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_at: '%s' is not written as a box inside the loop",
                             t->name);
    }
    /* each element written once: every variable of the producer indexes t
     * or is a loop around both (the boxes of two iterations are apart) */
    for (int i = 0; i < P->block.niter; i++) {
        bool indexed = false;
        for (int d = 0; d < t->ndim; d++)
            indexed = indexed || prim_iter_index(P, P->block.body->store.idx[d]) == i;
        const ms_expr *bnd = P->block.iters[i].binding;
        bool outer = false;
        for (int l = 0; l < at && bnd->kind == MS_EXPR_VAR; l++)
            for (int c = 0; c < cn; c++)
                outer = outer || (ppath[l] == cpath[c] && ppath[l]->loop.var == bnd->var);
        if (!indexed && !outer)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_at: '%s' writes some elements of '%s' repeatedly",
                             P->block.name, t->name);
    }
    /* the consumer: t[c] at its own variables, each a loop of its own nest */
    ms_var *from[MAX_DIMS];
    ms_expr *to[MAX_DIMS], *pred = C->block.predicate;
    ms_stmt *loops[MAX_DIMS];
    ms_var *cv[MAX_DIMS];
    bool mine[64] = {0};
    for (int d = 0; d < t->ndim; d++) {
        int ci = prim_iter_index(C, tload->load.idx[d]);
        ms_stmt *cl = ci >= 0 ? prim_bound_loop(s, C, ci) : NULL;
        for (int e = 0; cl && e < d; e++)
            if (cv[e] == cl->loop.var)
                cl = NULL;
        if (!cl)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_at: '%s' does not read '%s' at its own loop counters",
                             C->block.name, t->name);
        for (int i = 0; i < cn; i++)
            mine[i] = mine[i] || cpath[i] == cl;
        cv[d] = cl->loop.var;
        char base[96], vn[112];
        snprintf(base, sizeof base, "%s_%d", cl->loop.var->name, d);
        ms_unique_name(f, base, vn, sizeof vn);
        ms_var *nv = ms_var_new(f, vn, cl->loop.var->ctype, cl->loop.var->dtype, MS_VAR_LOOP);
        loops[d] = box_loop[d] ? ms_for(f, nv, ms_int(f, 0), box_loop[d]->loop.extent, NULL) : NULL;
        from[d] = cl->loop.var;
        to[d] = box_loop[d] ? ms_simplify(f, ms_binary(f, MS_BIN_ADD,
                                                       ms_binary(f, MS_BIN_ADD, box_at[d],
                                                                 box_loop[d]->loop.min),
                                                       ms_var_ref(f, nv)))
                            : box_at[d];
        /* only what the consumer computed itself */
        ms_expr *end = ms_simplify(f, ms_binary(f, MS_BIN_ADD, cl->loop.min, cl->loop.extent));
        ms_expr *in = ms_binary(f, MS_BIN_LAND, ms_binary(f, MS_BIN_GE, to[d], cl->loop.min),
                                ms_binary(f, MS_BIN_LT, to[d], end));
        pred = pred ? ms_binary(f, MS_BIN_LAND, pred, in) : in;
    }
    /* its other loops must be around L as well; its own hold only it */
    ms_stmt *lpath[64];
    int ln = prim_enclosing_loops(s, L, lpath, 64);
    for (int i = 0; i < cn; i++) {
        bool shared = false;
        for (int j = 0; j < ln; j++)
            shared = shared || lpath[j] == cpath[i];
        if (mine[i] ? !ms_loop_holds_only(cpath[i], C) : !shared)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_at: the loops of '%s' do other work or are not "
                             "around the loop",
                             C->block.name);
    }
    for (int d = 0; d < t->ndim; d++)
        for (int i = 0; i < C->block.niter; i++)
            if (ms_expr_uses_var(C->block.iters[i].binding, cv[d]) &&
                C->block.iters[i].binding->kind != MS_EXPR_VAR)
                return prim_fail(s, MS_ERR_ILLEGAL,
                                 "reverse_compute_at: '%s' uses its loops in other ways",
                                 C->block.name);
    /* the block's statement may name only loops that stay around it */
    for (int d = 0; d < t->ndim; d++)
        if (ms_stmt_uses_var(C->block.body, cv[d]))
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_at: '%s' names its own loops directly",
                             C->block.name);
    /* all checked: move */
    bool removed = prim_remove(s, C);
    MS_ASSERT(removed);
    for (int i = 0; i < C->block.niter; i++)
        C->block.iters[i].binding = ms_expr_subst(f, C->block.iters[i].binding, t->ndim, from, to);
    C->block.predicate = ms_expr_subst(f, pred, t->ndim, from, to);
    ms_stmt *top = C;
    for (int d = t->ndim - 1; d >= 0; d--)
        if (loops[d]) {
            loops[d]->loop.body = top;
            top = loops[d];
        }
    ms_stmt *items[2] = {L->loop.body, top};
    L->loop.body = ms_seq(f, 2, items);
    return MS_OK;
}
