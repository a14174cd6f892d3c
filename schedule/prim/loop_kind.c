/*
 * loop_kind.c - parallel, vectorize, unroll and annotate: they change how a
 * loop runs, never what it computes. parallel and vectorize ask the
 * dependence analysis; vectorize also accepts scalar reductions, which it
 * records for the emitter's reduction clause.
 */
#include "schedule/prim/prim.h"

#include <stdlib.h>
#include <string.h>

static const ms_loop_info *info_for(ms_loop_info *infos, int n, const ms_stmt *loop)
{
    for (int i = 0; i < n; i++)
        if (infos[i].loop == loop)
            return &infos[i];
    return NULL;
}

static bool is_loop(const ms_stmt *loop, void *ctx)
{
    return loop == ctx;
}

static bool is_parallel(const ms_stmt *l)
{
    return l->loop.kind == MS_LOOP_PARALLEL;
}

static bool no_parallel_loop(void *ctx, ms_stmt *s)
{
    (void)ctx;
    return s->kind != MS_STMT_FOR || !is_parallel(s);
}

/* Is there a parallel loop in s? (OpenMP allows none inside a simd loop.) */
static bool has_parallel(ms_stmt *s)
{
    return !ms_stmt_visit(s, no_parallel_loop, NULL);
}

ms_status ms_sched_parallel(ms_sched *s, int loop)
{
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!L)
        return prim_fail(s, MS_ERR_INPUT, "parallel: not a loop");
    ms_stmt *around[64];
    int d = prim_enclosing_loops(s, L, around, 64);
    for (int i = 0; i < d; i++) {
        if (is_parallel(around[i]))
            return prim_fail(s, MS_ERR_ILLEGAL, "parallel: '%s' is inside parallel loop '%s'",
                             L->loop.var->name, around[i]->loop.var->name);
        if (ms_loop_is_simd(around[i]))
            return prim_fail(s, MS_ERR_ILLEGAL, "parallel: '%s' is inside SIMD loop '%s'",
                             L->loop.var->name, around[i]->loop.var->name);
    }
    if (has_parallel(L->loop.body))
        return prim_fail(s, MS_ERR_ILLEGAL, "parallel: '%s' contains a parallel loop",
                         L->loop.var->name);
    ms_loop_info *infos;
    int n = ms_analyze_loops_where(s->f, is_loop, L, &infos);
    const ms_loop_info *in = info_for(infos, n, L);
    bool ok = (in && in->independent) || L->loop.fused_independent;
    free(infos);
    if (!ok)
        return prim_fail(s, MS_ERR_ILLEGAL, "parallel: iterations of '%s' may depend on each other",
                         L->loop.var->name);
    L->loop.kind = MS_LOOP_PARALLEL;
    return MS_OK;
}

ms_status ms_sched_vectorize(ms_sched *s, int loop)
{
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!L)
        return prim_fail(s, MS_ERR_INPUT, "vectorize: not a loop");
    if (has_parallel(L->loop.body))
        return prim_fail(s, MS_ERR_ILLEGAL, "vectorize: '%s' contains a parallel loop",
                         L->loop.var->name);
    ms_loop_info *infos;
    int n = ms_analyze_loops_where(s->f, is_loop, L, &infos);
    const ms_loop_info *in = info_for(infos, n, L);
    ms_status st = MS_OK;
    bool independent = (in && in->independent) || L->loop.fused_independent;
    if (!independent && !(in && in->reducible && in->nred > 0)) {
        st = prim_fail(s, MS_ERR_ILLEGAL, "vectorize: iterations of '%s' may depend on each other",
                       L->loop.var->name);
    } else if (L->loop.kind == MS_LOOP_PARALLEL) {
        if (!independent)
            st = prim_fail(s, MS_ERR_UNSUPPORTED, "vectorize: a parallel reduction loop");
        else
            L->loop.parallel_simd = true;
    } else {
        L->loop.kind = MS_LOOP_VECTORIZED;
        L->loop.nred = independent ? 0 : in->nred;
        if (!independent)
            memcpy(L->loop.red, in->red, sizeof in->red);
    }
    free(infos);
    return st;
}

ms_status ms_sched_unroll(ms_sched *s, int loop)
{
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!L)
        return prim_fail(s, MS_ERR_INPUT, "unroll: not a loop");
    if (L->loop.kind != MS_LOOP_SERIAL)
        return prim_fail(s, MS_ERR_ILLEGAL, "unroll: '%s' is already %s", L->loop.var->name,
                         L->loop.kind == MS_LOOP_PARALLEL ? "parallel" : "vectorized or unrolled");
    L->loop.kind = MS_LOOP_UNROLLED;
    return MS_OK;
}

ms_status ms_sched_annotate(ms_sched *s, int loop, const char *key, int64_t value)
{
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!L)
        return prim_fail(s, MS_ERR_INPUT, "annotate: not a loop");
    for (int i = 0; i < L->loop.nannot; i++)
        if (!strcmp(L->loop.annot[i].key, key)) {
            L->loop.annot[i].value = value;
            return MS_OK;
        }
    if (L->loop.nannot == 4)
        return prim_fail(s, MS_ERR_UNSUPPORTED, "annotate: at most 4 annotations on a loop");
    L->loop.annot[L->loop.nannot++] = (ms_annot){ms_arena_strdup(s->f->arena, key), value};
    return MS_OK;
}
