/*
 * fuse.c - fuse: perfectly nested loops with rectangular bounds become one
 * loop over the product of their extents; each old counter is recovered by
 * division and remainder.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct mix_check {
    ms_stmt *const *loops;
    int n;
    bool mixed;
} mix_check;

static bool binds_kind(const ms_stmt *b, ms_iter_kind kind, const mix_check *m)
{
    for (int i = 0; i < b->block.niter; i++)
        for (int l = 0; l < m->n; l++)
            if (b->block.iters[i].kind == kind &&
                ms_expr_uses_var(b->block.iters[i].binding, m->loops[l]->loop.var))
                return true;
    return false;
}

/* A reduction with an init runs it at the reduction's first step: a loop
 * that fed both kinds of variables would have no such step. */
static bool check_mix(void *ctx, ms_stmt *s)
{
    mix_check *m = ctx;
    if (s->kind == MS_STMT_BLOCK && s->block.init && binds_kind(s, MS_ITER_SPATIAL, m) &&
        binds_kind(s, MS_ITER_REDUCE, m))
        m->mixed = true;
    return !m->mixed;
}

/* Is loop one of the loops being fused? */
static bool one_of(const ms_stmt *loop, void *ctx)
{
    const mix_check *m = ctx;
    for (int i = 0; i < m->n; i++)
        if (m->loops[i] == loop)
            return true;
    return false;
}

ms_status ms_sched_fuse(ms_sched *s, int n, const int *loops, int *out)
{
    ms_func *f = s->f;
    if (n < 2 || n > 8)
        return prim_fail(s, MS_ERR_INPUT, "fuse: %d loops (want 2 to 8)", n);
    ms_stmt *L[8];
    for (int i = 0; i < n; i++) {
        if (!(L[i] = prim_get(s, loops[i], MS_RV_LOOP)))
            return prim_fail(s, MS_ERR_INPUT, "fuse: operand %d is not a loop", i);
        if (i > 0 && prim_only_child_loop(L[i - 1]) != L[i])
            return prim_fail(s, MS_ERR_ILLEGAL, "fuse: '%s' is not the only statement of '%s'",
                             L[i]->loop.var->name, L[i - 1]->loop.var->name);
        for (int k = 0; k < i; k++)
            if (ms_expr_uses_var(L[i]->loop.min, L[k]->loop.var) ||
                ms_expr_uses_var(L[i]->loop.extent, L[k]->loop.var))
                return prim_fail(s, MS_ERR_ILLEGAL, "fuse: the bounds of '%s' depend on '%s'",
                                 L[i]->loop.var->name, L[k]->loop.var->name);
        if (L[i]->loop.kind != MS_LOOP_SERIAL)
            return prim_fail(s, MS_ERR_ILLEGAL, "fuse: '%s' is no longer a serial loop",
                             L[i]->loop.var->name);
    }
    mix_check mix = {L, n, false};
    ms_stmt_visit(L[n - 1]->loop.body, check_mix, &mix);
    if (mix.mixed)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "fuse: the loops feed both spatial and reduction variables of a block "
                         "with an init");
    /* distinct tuples of independent loops touch distinct data: so does the fused loop,
     * though its div/mod subscripts are beyond the analysis */
    ms_loop_info *infos;
    int ninfo = ms_analyze_loops_where(f, one_of, &mix, &infos);
    bool independent = true;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < ninfo; k++)
            if (infos[k].loop == L[i])
                independent = independent && (infos[k].independent || L[i]->loop.fused_independent);
    free(infos);
    ms_expr *total = L[0]->loop.extent;
    char base[160] = "", name[176];
    for (int i = 1; i < n; i++) {
        /* an inner loop that may be empty counts max(extent, 0): else two
         * empty loops make a positive product; a factor rather than a
         * guard around the product, which GCC's unroll pragma refuses */
        ms_expr *e = L[i]->loop.extent;
        int64_t v;
        if (!ms_expr_const_int(e, &v) || v <= 0) {
            e = ms_select(f, ms_binary(f, MS_BIN_GT, e, ms_int(f, 0)), e, ms_int(f, 0));
            e->dtype = L[i]->loop.extent->dtype;
        }
        total = ms_simplify(f, ms_binary(f, MS_BIN_MUL, total, e));
    }
    for (int i = 0; i < n; i++)
        snprintf(base + strlen(base), sizeof base - strlen(base), "%s%s", i ? "_" : "",
                 L[i]->loop.var->name);
    snprintf(base + strlen(base), sizeof base - strlen(base), "_fused");
    ms_unique_name(f, base, name, sizeof name);
    /* the widest counter type: the product of a size_t extent is a size_t */
    const ms_var *widest = L[n - 1]->loop.var;
    for (int i = 0; i < n; i++)
        if (ms_dtype_bytes(L[i]->loop.var->dtype) > ms_dtype_bytes(widest->dtype))
            widest = L[i]->loop.var;
    ms_var *fv = ms_var_new(f, name, widest->ctype, widest->dtype, MS_VAR_LOOP);
    ms_var *olds[8];
    ms_expr *news[8];
    /* v_i = min_i + (fused / (ext_{i+1} * ... * ext_{n-1})) % ext_i */
    for (int i = 0; i < n; i++) {
        ms_expr *inner = NULL;
        for (int k = i + 1; k < n; k++)
            inner = inner ? ms_simplify(f, ms_binary(f, MS_BIN_MUL, inner, L[k]->loop.extent))
                          : L[k]->loop.extent;
        ms_expr *e = ms_var_ref(f, fv);
        if (inner)
            e = ms_binary(f, MS_BIN_DIV, e, inner);
        if (i > 0)
            e = ms_binary(f, MS_BIN_MOD, e, L[i]->loop.extent);
        olds[i] = L[i]->loop.var;
        news[i] = ms_simplify(f, ms_binary(f, MS_BIN_ADD, L[i]->loop.min, e));
    }
    ms_stmt *body = L[n - 1]->loop.body;
    ms_stmt_subst_inplace(f, body, n, olds, news);
    ms_stmt *fused = ms_for(f, fv, ms_int(f, 0), total, body);
    fused->loc = L[0]->loc;
    fused->loop.fused_independent = independent;
    ms_stmt **slot = prim_slot(s, L[0]);
    MS_ASSERT(slot);
    *slot = fused;
    for (int i = 0; i < n; i++)
        prim_consume(s, L[i]);
    *out = ms_sched_new_rv(s, MS_RV_LOOP, fused, 0);
    return MS_OK;
}
