/*
 * default_schedule.c - the schedule mscc applies without search: parallel
 * outermost, SIMD innermost, as far as the dependence analysis allows.
 */
#include "schedule/schedule.h"

#include <stdlib.h>

typedef struct ctx {
    ms_func *f;
    ms_loop_info *infos;
    int n;
} ctx;

enum {
    /* fewer parallel iterations than this at the tuning sizes: collapse more loops */
    MIN_PARALLEL_ITERS = 64,
    /* fewer SIMD iterations than this: not worth a vector loop */
    MIN_SIMD_ITERS = 8,
    /* less work than this (innermost iterations at the tuning sizes): not
     * worth waking a thread team */
    MIN_PARALLEL_WORK = 1 << 15,
};

/* Trip count at the tuning sizes; -1 when unknown. */
static int64_t tuning_extent(ctx *c, const ms_stmt *loop)
{
    int64_t v;
    return ms_expr_eval_hints(c->f, loop->loop.extent, &v) ? v : -1;
}

/* The loop that is a loop's whole body, if any. */
static ms_stmt *only_child_loop(ms_stmt *loop)
{
    ms_stmt *b = loop->loop.body;
    while (b->kind == MS_STMT_SEQ && b->seq.n == 1)
        b = b->seq.items[0];
    return b->kind == MS_STMT_FOR ? b : NULL;
}

static ms_loop_info *info_of(ctx *c, const ms_stmt *loop)
{
    for (int i = 0; i < c->n; i++)
        if (c->infos[i].loop == loop)
            return &c->infos[i];
    ms_unreachable();
}

/* Iterations of the deepest statements under s at the tuning sizes,
 * saturating. A trip count that depends on outer counters (triangular
 * nests) is bounded over the enclosing loops; unknown ones count as large. */
static int64_t work(ctx *c, const ms_stmt *s, ms_stmt **outer, int nouter)
{
    const int64_t big = (int64_t)1 << 40;
    switch (s->kind) {
    case MS_STMT_SEQ: {
        int64_t w = 1;
        for (int i = 0; i < s->seq.n; i++) {
            int64_t x = work(c, s->seq.items[i], outer, nouter);
            w = w + x > big ? big : w + x;
        }
        return w;
    }
    case MS_STMT_FOR: {
        int64_t e = tuning_extent(c, s);
        ms_poly lo, hi;
        if (e < 0 && ms_expr_range(c->f, s->loop.extent, nouter, outer, &lo, &hi)) {
            ms_expr *bound = ms_poly_to_expr(c->f, &hi);
            if (!ms_expr_eval_hints(c->f, bound, &e))
                e = -1;
            ms_poly_free(&lo);
            ms_poly_free(&hi);
        }
        if (e < 0 || e > big)
            return big;
        int64_t inner = 1;
        if (nouter < 32) {
            outer[nouter] = (ms_stmt *)s;
            inner = work(c, s->loop.body, outer, nouter + 1);
        }
        return e > 0 && inner > big / e ? big : e * inner;
    }
    case MS_STMT_IF:
        return work(c, s->if_.then_s, outer, nouter) +
               (s->if_.else_s ? work(c, s->if_.else_s, outer, nouter) : 0);
    case MS_STMT_BLOCK:
        return 1;
    default: {
        /* a statement (1), or the sum of those inside it */
        ms_stmt **child;
        int64_t w = 0;
        for (int i = 0; (child = ms_stmt_child((ms_stmt *)s, i)); i++) {
            int64_t x = work(c, *child, outer, nouter);
            w = w + x > big ? big : w + x;
        }
        return w ? w : 1;
    }
    }
}

/* Too few iterations to share among threads: fuse perfectly nested
 * independent loops into the parallel one (OpenMP collapse). */
static void collapse(ctx *c, ms_stmt *loop)
{
    ms_stmt *chain[8] = {loop};
    int n = 1;
    int64_t iters = tuning_extent(c, loop);
    while (n < 8 && iters >= 0 && iters < MIN_PARALLEL_ITERS) {
        ms_stmt *child = only_child_loop(chain[n - 1]);
        if (!child || !info_of(c, child)->independent)
            break;
        bool rectangular = true;
        for (int k = 0; k < n; k++)
            rectangular = rectangular && !ms_expr_uses_var(child->loop.min, chain[k]->loop.var) &&
                          !ms_expr_uses_var(child->loop.extent, chain[k]->loop.var);
        int64_t e = tuning_extent(c, child);
        if (!rectangular)
            break;
        chain[n++] = child;
        /* a size hint can be near INT64_MAX: saturate, the test is only < MIN */
        if (e < 0)
            iters = -1;
        else if (__builtin_mul_overflow(iters, e, &iters))
            iters = INT64_MAX;
    }
    if (n < 2)
        return;
    loop->loop.collapse = n;
    for (int k = 1; k < n; k++) {
        chain[k]->loop.kind = MS_LOOP_PARALLEL;
        chain[k]->loop.collapsed = true;
    }
}

/* inside: under a parallel loop or a loop that must stay serial. A thread
 * team per iteration of a serial loop costs more than it brings, so only
 * loops outside any other loop start one. */
static void mark_parallel(ctx *c, ms_stmt *s, bool inside)
{
    if (s->kind == MS_STMT_FOR) {
        ms_stmt *outer[32];
        if (!inside && info_of(c, s)->independent && work(c, s, outer, 0) >= MIN_PARALLEL_WORK) {
            s->loop.kind = MS_LOOP_PARALLEL;
            collapse(c, s);
        }
        inside = true;
    }
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child(s, i)); i++)
        mark_parallel(c, *child, inside);
}

/* Post-order: a loop becomes SIMD when no loop inside it did. */
static bool mark_simd(ctx *c, ms_stmt *s)
{
    if (s->kind != MS_STMT_FOR) {
        bool placed = false;
        ms_stmt **child;
        for (int i = 0; (child = ms_stmt_child(s, i)); i++)
            placed |= mark_simd(c, *child);
        return placed;
    }
    if (mark_simd(c, s->loop.body))
        return true;
    ms_loop_info *in = info_of(c, s);
    int64_t trips = tuning_extent(c, s);
    bool simd = in->independent || (in->reducible && in->nred > 0 && !in->has_inner_loop);
    /* loops fused into a parallel collapse cannot carry their own pragma */
    if (!simd || s->loop.collapsed || (trips >= 0 && trips < MIN_SIMD_ITERS))
        return false;
    if (s->loop.kind == MS_LOOP_PARALLEL && s->loop.collapse > 1)
        return false;
    if (s->loop.kind == MS_LOOP_PARALLEL) {
        /* "parallel for simd" over a nest makes compilers gather; keep it for flat loops */
        s->loop.parallel_simd = !in->has_inner_loop;
        return s->loop.parallel_simd;
    }
    s->loop.kind = MS_LOOP_VECTORIZED;
    s->loop.nred = in->nred;
    for (int i = 0; i < in->nred; i++)
        s->loop.red[i] = in->red[i];
    return true;
}

typedef struct team_work {
    ctx *c;
    int64_t parallel;
} team_work;

/* Work under the loops that start a thread team. */
static bool add_parallel_work(void *data, ms_stmt *s)
{
    team_work *tw = data;
    if (s->kind != MS_STMT_FOR || s->loop.kind != MS_LOOP_PARALLEL || s->loop.collapsed)
        return true;
    ms_stmt *outer[32];
    tw->parallel += work(tw->c, s, outer, 0);
    return true;
}

static bool unmark_parallel(void *data, ms_stmt *s)
{
    (void)data;
    if (s->kind == MS_STMT_FOR && s->loop.kind == MS_LOOP_PARALLEL) {
        s->loop.kind = MS_LOOP_SERIAL;
        s->loop.collapse = 0;
        s->loop.collapsed = false;
    }
    return true;
}

void ms_sched_default(ms_func *f)
{
    ctx c = {.f = f};
    c.n = ms_analyze_loops(f, &c.infos);
    mark_parallel(&c, f->body, false);
    /* after a parallel loop, OpenMP's idle threads spin for a while (the
     * default wait policy): where serial loops do most of the work, they
     * run slower beside them than the parallel loops gain (measured: a
     * recursive filter, 2.5x slower) */
    team_work tw = {&c, 0};
    ms_stmt *outer[32];
    ms_stmt_visit(f->body, add_parallel_work, &tw);
    if (tw.parallel > 0 && work(&c, f->body, outer, 0) - tw.parallel > tw.parallel)
        ms_stmt_visit(f->body, unmark_parallel, NULL);
    mark_simd(&c, f->body);
    free(c.infos);
}

/* ---- the default schedule as a trace ---- */

typedef struct decision {
    ms_stmt *loop;
    ms_loop_kind kind;
    int collapse;
    bool parallel_simd;
} decision;

typedef MS_VEC(decision) decisions;

/* Takes the decisions ms_sched_default marked, and clears the marks. */
static bool take_decision(void *data, ms_stmt *s)
{
    decisions *out = data;
    if (s->kind != MS_STMT_FOR)
        return true;
    if (s->loop.kind != MS_LOOP_SERIAL && !s->loop.collapsed) {
        decision d = {s, s->loop.kind, s->loop.collapse, s->loop.parallel_simd};
        MS_VEC_PUSH(*out, d);
    }
    s->loop.kind = MS_LOOP_SERIAL;
    s->loop.collapse = 0;
    s->loop.collapsed = s->loop.parallel_simd = false;
    s->loop.nred = 0;
    return true;
}

static bool find_first_block(void *data, ms_stmt *s)
{
    if (s->kind != MS_STMT_BLOCK)
        return true;
    *(const ms_stmt **)data = s;
    return false;
}

/* The trace variables of the loops around loop (found through a block
 * under it) and the position of loop among them; -1 if there is none. */
static int loops_through_block(ms_tracer *tr, ms_stmt *loop, int *loops, int *n)
{
    const ms_stmt *b = NULL;
    ms_stmt_visit(loop->loop.body, find_first_block, &b);
    *n = 0;
    if (!b)
        return -1;
    int brv = ms_t_get_block(tr, b->block.name);
    *n = brv < 0 ? 0 : ms_t_get_loops(tr, brv, loops);
    for (int i = 0; i < *n; i++)
        if (tr->s->rvs.data[tr->map.data[loops[i]]].stmt == loop)
            return i;
    return -1;
}

ms_tracer *ms_sched_default_trace(const ms_func *f)
{
    ms_tracer *tr = ms_tracer_new(f, /*seed=*/0);
    ms_sched_default(tr->s->f);
    decisions ds = {0};
    ms_stmt_visit(tr->s->f->body, take_decision, &ds);
    /* parallel first: fusing changes the loops that SIMD decisions look up */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < ds.len && tr->status == MS_OK; i++) {
            decision *d = &ds.data[i];
            if ((d->kind == MS_LOOP_PARALLEL) != (pass == 0))
                continue;
            int loops[MS_INST_MAX_OUT], n;
            int at = loops_through_block(tr, d->loop, loops, &n);
            if (at < 0)
                continue;
            int target = loops[at];
            if (d->kind == MS_LOOP_PARALLEL && d->collapse > 1 && at + d->collapse <= n)
                target = ms_t_fuse(tr, d->collapse, &loops[at]);
            if (d->kind == MS_LOOP_PARALLEL)
                ms_t_parallel(tr, target);
            if (d->kind == MS_LOOP_VECTORIZED || d->parallel_simd)
                ms_t_vectorize(tr, target);
        }
    free(ds.data);
    return tr;
}
