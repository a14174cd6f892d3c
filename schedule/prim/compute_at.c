/*
 * compute_at.c - compute_at: a block producing a local intermediate moves inside a loop of
 * its readers and computes, in each iteration, just the box of elements
 * the readers take there (recomputing where boxes overlap, as a stencil's
 * halo). The producer writes the intermediate at its own variables over a
 * box of loops, reads nothing the kernel writes, and all readers are
 * inside the loop, after it.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <stdlib.h>

enum { MAX_DIMS = 8, MAX_READS = 32 };

typedef struct users {
    const ms_buffer *t;
    const ms_stmt *producer;
    const ms_stmt *loop;
    int writers, reads_outside, order; /* order: producer write seen before any read */
    bool read_before_write;
    ms_expr *reads[MAX_READS]; /* in loop variables */
    int nreads;
    bool too_many;
    MS_VEC(const ms_buffer *) written;
    ms_func *f;
} users;

static void on_access(void *ctx, const ms_access_site *a)
{
    users *u = ctx;
    if (a->write)
        MS_VEC_PUSH(u->written, a->buf);
    if (a->buf != u->t)
        return;
    if (a->write) {
        u->writers += a->block != u->producer;
        return;
    }
    if (a->block == u->producer)
        return;
    bool inside = false;
    for (int i = 0; i < a->depth; i++)
        inside = inside || a->loops[i] == u->loop;
    if (!inside) {
        u->reads_outside++;
        return;
    }
    if (u->nreads == MAX_READS) {
        u->too_many = true;
        return;
    }
    /* the read in loop variables, as a load expression */
    ms_expr **idx = ms_arena_alloc(u->f->arena, sizeof(ms_expr *) * (size_t)*a->nidx);
    for (int d = 0; d < *a->nidx; d++)
        idx[d] = ms_site_realize(u->f, a, (*a->idx)[d]);
    u->reads[u->nreads] = ms_load(u->f, a->buf, *a->nidx, idx);
    /* the loops of this reader, remembered through its block */
    u->nreads++;
}

ms_status ms_sched_compute_at(ms_sched *s, int block, int loop)
{
    ms_func *f = s->f;
    ms_stmt *P = prim_get(s, block, MS_RV_BLOCK);
    if (P && loop >= 0 && loop < s->rvs.len && s->rvs.data[loop].kind == MS_RV_LOOP &&
        !s->rvs.data[loop].stmt && s->rvs.data[loop].value == MS_ROOT_LOCATION)
        return MS_OK; /* sample_compute_location chose to leave it */
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!P || !L)
        return prim_fail(s, MS_ERR_INPUT, "compute_at: want a block and a loop");
    const ms_stmt *pst = P->block.body;
    ms_buffer *t = pst->store.buf;
    int ndim = t->ndim;
    if (t->scope != MS_SCOPE_LOCAL || ndim == 0 || ndim > MAX_DIMS || P->block.init ||
        P->block.niter > 16)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "compute_at: '%s' does not produce a local array element by element",
                         P->block.name);
    /* t[w] = e(w): each variable a plain loop of P's own nest */
    ms_stmt *ppath[64];
    int pn = prim_enclosing_loops(s, P, ppath, 64);
    ms_stmt *ploop[MAX_DIMS];
    for (int d = 0; d < ndim; d++) {
        const ms_expr *w = pst->store.idx[d];
        int k = -1;
        for (int i = 0; w->kind == MS_EXPR_VAR && i < P->block.niter; i++)
            if (P->block.iters[i].var == w->var)
                k = i;
        ploop[d] = NULL;
        for (int i = 0; k >= 0 && i < pn; i++)
            if (P->block.iters[k].binding->kind == MS_EXPR_VAR &&
                P->block.iters[k].binding->var == ppath[i]->loop.var)
                ploop[d] = ppath[i];
        for (int e = 0; e < d && ploop[d]; e++)
            if (ploop[e] == ploop[d])
                ploop[d] = NULL;
        if (!ploop[d])
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "compute_at: '%s' is not written at its own loop counters", t->name);
    }
    for (int i = 0; i < pn; i++)
        if (ppath[i] == L)
            return prim_fail(s, MS_ERR_ILLEGAL, "compute_at: the loop holds '%s' already",
                             P->block.name);
    /* the producer first, then the loop */

    users u = {.t = t, .producer = P, .loop = L, .f = f};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(f->body, &fns, &u);
    bool ok = ms_stmt_precedes(f->body, P, L) && u.writers == 0 && u.reads_outside == 0 &&
              !u.too_many && u.nreads > 0;
    for (int i = 0; ok && i < u.written.len; i++)
        ok = !ms_expr_reads_buffer(pst->store.value, u.written.data[i]) &&
             (!P->block.predicate || !ms_expr_reads_buffer(P->block.predicate, u.written.data[i]));
    free(u.written.data);
    if (!ok)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "compute_at: '%s' has other writers, readers outside the loop or before "
                         "it, or reads data the kernel writes",
                         t->name);
    /* P's other variables: loops around both (a row both share) */
    ms_stmt *lpath[64];
    int ln = prim_enclosing_loops(s, L, lpath, 64);
    /* iterations of L may compute the same elements (a halo): not at once */
    for (int i = 0; i <= ln; i++) {
        const ms_stmt *A = i < ln ? lpath[i] : L;
        bool shares_t = !prim_allocates((ms_stmt *)A, t);
        if (shares_t && (A->loop.kind == MS_LOOP_PARALLEL || A->loop.kind == MS_LOOP_VECTORIZED))
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "compute_at: '%s' runs in parallel or SIMD iterations that share '%s'",
                             A->loop.var->name, t->name);
    }
    for (int i = 0; i < P->block.niter; i++) {
        bool indexed = false;
        for (int d = 0; d < ndim; d++)
            indexed = indexed || (pst->store.idx[d]->kind == MS_EXPR_VAR &&
                                  pst->store.idx[d]->var == P->block.iters[i].var);
        if (indexed)
            continue;
        for (int k = 0; k < pn; k++) {
            bool shared = false;
            for (int j = 0; j < ln; j++)
                shared = shared || lpath[j] == ppath[k];
            if (!shared && ms_expr_uses_var(P->block.iters[i].binding, ppath[k]->loop.var))
                return prim_fail(s, MS_ERR_ILLEGAL,
                                 "compute_at: '%s' repeats over a loop the readers do not share",
                                 P->block.name);
        }
    }
    /* the box the readers need in one iteration of L */
    ms_poly lo[MAX_DIMS], hi[MAX_DIMS], lo2[MAX_DIMS], hi2[MAX_DIMS];
    bool have = false;
    for (int r = 0; r < u.nreads && ok; r++) {
        ms_stmt *rpath[65];
        int rn = 0;
        const ms_expr *rd = u.reads[r];
        /* every loop variable in the read is bounded by a loop inside L or above it */
        ms_stmt *inner[64];
        int ni = 0;
        ms_stmt *all[64];
        int na = prim_all_loops_under(L, all, 64);
        for (int i = 0; i < na; i++)
            for (int d = 0; d < ndim; d++)
                if (ms_expr_uses_var(rd->load.idx[d], all[i]->loop.var)) {
                    bool dup = false;
                    for (int k = 0; k < ni; k++)
                        dup = dup || inner[k] == all[i];
                    if (!dup && ni < 64)
                        inner[ni++] = all[i];
                }
        /* range over L's inner loops only, outermost first */
        rpath[rn++] = L;
        for (int i = 0; i < ni; i++)
            rpath[rn++] = inner[i];
        ok = prim_access_box(f, rpath, rn, 0, ndim, rd->load.idx, have ? lo2 : lo, have ? hi2 : hi);
        if (ok && have) {
            ok = prim_box_union(ndim, lo, hi, lo2, hi2);
            prim_box_free(ndim, lo2, hi2);
        }
        have = have || ok;
    }
    if (!ok) {
        if (have)
            prim_box_free(ndim, lo, hi);
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "compute_at: the reads of '%s' in one iteration are not one box", t->name);
    }
    /* every check before the first new variable: a refusal leaves no trace */
    /* every check before the first new variable: a refusal leaves no trace */
    const char *refusal = NULL;
    for (int i = 0; i < pn && !refusal; i++) {
        bool mine = false;
        for (int d = 0; d < ndim; d++)
            mine = mine || ppath[i] == ploop[d];
        if (mine && !ms_loop_holds_only(ppath[i], P))
            refusal = "compute_at: the loops of '%s' hold more";
    }
    /* the block's statement may name only loops that stay around it */
    for (int d = 0; d < ndim && !refusal; d++)
        if (ms_stmt_uses_var(P->block.body, ploop[d]->loop.var))
            refusal = "compute_at: '%s' names its own loops directly";
    if (refusal) {
        prim_box_free(ndim, lo, hi);
        return prim_fail(s, MS_ERR_ILLEGAL, refusal, P->block.name);
    }
    /* the loops of the box: their extents may depend on the loops outside */
    ms_stmt *loops[MAX_DIMS];
    ms_var *pv[MAX_DIMS];
    ms_expr *at[MAX_DIMS], *pred = P->block.predicate;
    for (int d = 0; d < ndim; d++) {
        ms_poly ext = {0};
        ms_term one = {1, 0, {0}};
        ms_poly p1 = {.n = 1, .terms = &one};
        ms_poly_add(&ext, &hi[d], 1);
        ms_poly_add(&ext, &lo[d], -1);
        ms_poly_add(&ext, &p1, 1);
        char base[96], vn[112];
        snprintf(base, sizeof base, "%s_%d", t->name, d);
        ms_unique_name(f, base, vn, sizeof vn);
        ms_var *lv =
            ms_var_new(f, vn, ploop[d]->loop.var->ctype, ploop[d]->loop.var->dtype, MS_VAR_LOOP);
        loops[d] = ms_for(f, lv, ms_int(f, 0), ms_poly_to_expr(f, &ext), NULL);
        ms_poly_free(&ext);
        at[d] =
            ms_simplify(f, ms_binary(f, MS_BIN_ADD, ms_poly_to_expr(f, &lo[d]), ms_var_ref(f, lv)));
        pv[d] = ploop[d]->loop.var;
        /* only the elements the producer itself computed */
        ms_expr *end =
            ms_simplify(f, ms_binary(f, MS_BIN_ADD, ploop[d]->loop.min, ploop[d]->loop.extent));
        ms_expr *in = ms_binary(f, MS_BIN_LAND, ms_binary(f, MS_BIN_GE, at[d], ploop[d]->loop.min),
                                ms_binary(f, MS_BIN_LT, at[d], end));
        pred = pred ? ms_binary(f, MS_BIN_LAND, pred, in) : in;
    }
    prim_box_free(ndim, lo, hi);
    /* all checked: move */
    bool removed = prim_remove(s, P);
    MS_ASSERT(removed);
    for (int i = 0; i < P->block.niter; i++)
        P->block.iters[i].binding = ms_expr_subst(f, P->block.iters[i].binding, ndim, pv, at);
    P->block.predicate = ms_expr_subst(f, pred, ndim, pv, at);
    ms_stmt *top = P;
    for (int d = ndim - 1; d >= 0; d--) {
        loops[d]->loop.body = top;
        top = loops[d];
    }
    ms_stmt *items[2] = {top, L->loop.body};
    L->loop.body = ms_seq(f, 2, items);
    return MS_OK;
}
