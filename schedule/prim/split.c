/*
 * split.c - split: one loop becomes n nested loops whose combined index
 * walks the same range. Loops change, blocks do not: the old counter is
 * replaced by min + ((v0 * f1 + v1) * f2 + v2)... in the bindings and in
 * inner bounds. When the factors need not cover the extent exactly (a
 * symbolic extent, or a product that does not divide it) a guard skips the
 * iterations past the end, so the result is right for every size.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>

typedef struct guard_ctx {
    ms_func *f;
    ms_expr *cond;
} guard_ctx;

static bool add_guard(void *ctx, ms_stmt *s)
{
    guard_ctx *g = ctx;
    if (s->kind == MS_STMT_BLOCK)
        s->block.predicate = s->block.predicate
                                 ? ms_binary(g->f, MS_BIN_LAND, s->block.predicate, g->cond)
                                 : g->cond;
    return true;
}

ms_status ms_sched_split(ms_sched *s, int loop, int n, const int64_t *factors, int *out)
{
    ms_func *f = s->f;
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!L)
        return prim_fail(s, MS_ERR_INPUT, "split: not a loop");
    if (n < 2 || n > 8)
        return prim_fail(s, MS_ERR_INPUT, "split: %d factors (want 2 to 8)", n);
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < n; i++) {
        if (factors[i] == -1 && infer < 0)
            infer = i;
        else if (factors[i] < 1)
            return prim_fail(s, MS_ERR_INPUT, "split: factor %d is %lld", i, (long long)factors[i]);
        else
            known *= factors[i];
    }
    ms_poly ext_poly;
    int64_t ext = -1;
    bool triangular = false; /* the extent follows an enclosing counter */
    if (ms_poly_from_expr(L->loop.extent, &ext_poly)) {
        if (!ms_poly_is_const(&ext_poly, &ext))
            ext = -1;
        for (int t = 0; t < ext_poly.n; t++)
            for (int k = 0; k < ext_poly.terms[t].nvars; k++)
                triangular = triangular || ext_poly.terms[t].vars[k]->kind == MS_VAR_LOOP;
        ms_poly_free(&ext_poly);
    } else { /* not a polynomial (a fused extent's N > 0 ? N : 0): look for counters */
        ms_stmt *around[64];
        int na = prim_enclosing_loops(s, L, around, 64);
        for (int i = 0; i < na; i++)
            triangular = triangular || ms_expr_uses_var(L->loop.extent, around[i]->loop.var);
    }
    /* an inner factor that follows a counter ties the reduction's variable
     * to that counter (j = j_0 * ((i + 2) / 2) + j_1): a reduction's init
     * could then not be split off it */
    if (ext < 0 && triangular && infer > 0 && ms_first_init_block(L->loop.body))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "split: an inner factor cannot follow a triangular extent");
    /* symbolic extent: the outermost factor always follows the size */
    if (ext < 0 && infer < 0) {
        infer = 0;
        known /= factors[0];
    }
    ms_expr *exts[8];
    for (int i = 0; i < n; i++)
        exts[i] = ms_int(f, factors[i]);
    bool guard;
    if (infer >= 0) {
        if (ext >= 0) {
            exts[infer] = ms_int(f, (ext + known - 1) / known);
            guard = ext % known != 0;
        } else {
            /* ceil(extent / known) */
            ms_expr *num =
                ms_simplify(f, ms_binary(f, MS_BIN_ADD, L->loop.extent, ms_int(f, known - 1)));
            exts[infer] =
                known == 1 ? L->loop.extent : ms_binary(f, MS_BIN_DIV, num, ms_int(f, known));
            guard = known != 1;
        }
    } else {
        if (known < ext)
            return prim_fail(s, MS_ERR_ILLEGAL, "split: factors cover %lld of %lld iterations",
                             (long long)known, (long long)ext);
        guard = known != ext;
    }
    ms_var *v = L->loop.var;
    ms_stmt *loops[8];
    ms_expr *combined = NULL;
    for (int i = 0; i < n; i++) {
        char base[96], name[112];
        snprintf(base, sizeof base, "%s_%d", v->name, i);
        ms_unique_name(f, base, name, sizeof name);
        ms_var *nv = ms_var_new(f, name, v->ctype, v->dtype, MS_VAR_LOOP);
        loops[i] = ms_for(f, nv, ms_int(f, 0), exts[i], NULL);
        loops[i]->loc = L->loc;
        ms_expr *ref = ms_var_ref(f, nv);
        combined = combined
                       ? ms_binary(f, MS_BIN_ADD, ms_binary(f, MS_BIN_MUL, combined, exts[i]), ref)
                       : ref;
    }
    combined = ms_simplify(f, combined);
    ms_expr *value = ms_simplify(f, ms_binary(f, MS_BIN_ADD, L->loop.min, combined));
    ms_stmt *body = L->loop.body;
    ms_stmt_subst_inplace(f, body, 1, &v, &value);
    if (guard) {
        /* the remainder check goes on the blocks, so the loops stay perfectly nested */
        guard_ctx g = {f, ms_binary(f, MS_BIN_LT, combined, L->loop.extent)};
        ms_stmt_visit(body, add_guard, &g);
    }
    for (int i = 0; i < n; i++)
        loops[i]->loop.body = i + 1 < n ? loops[i + 1] : body;
    ms_stmt **slot = prim_slot(s, L);
    MS_ASSERT(slot);
    *slot = loops[0];
    prim_consume(s, L);
    for (int i = 0; i < n; i++)
        out[i] = ms_sched_new_rv(s, MS_RV_LOOP, loops[i], 0);
    return MS_OK;
}
