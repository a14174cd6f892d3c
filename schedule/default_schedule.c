/*
 * default_schedule.c - the schedule mscc applies without search: parallel
 * outermost, SIMD innermost, as far as the dependence analysis allows.
 */
#include "schedule/schedule.h"

#include <stdlib.h>

typedef struct ctx {
    ms_loop_info *infos;
    int n;
} ctx;

static ms_loop_info *info_of(ctx *c, const ms_stmt *loop)
{
    for (int i = 0; i < c->n; i++)
        if (c->infos[i].loop == loop)
            return &c->infos[i];
    ms_unreachable();
}

static void mark_parallel(ctx *c, ms_stmt *s, bool inside)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            mark_parallel(c, s->seq.items[i], inside);
        return;
    case MS_STMT_FOR:
        if (!inside && info_of(c, s)->independent) {
            s->loop.kind = MS_LOOP_PARALLEL;
            inside = true;
        }
        mark_parallel(c, s->loop.body, inside);
        return;
    case MS_STMT_IF:
        mark_parallel(c, s->if_.then_s, inside);
        if (s->if_.else_s)
            mark_parallel(c, s->if_.else_s, inside);
        return;
    case MS_STMT_BLOCK:
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return;
    }
    ms_unreachable();
}

/* Post-order: a loop becomes SIMD when no loop inside it did. */
static bool mark_simd(ctx *c, ms_stmt *s)
{
    switch (s->kind) {
    case MS_STMT_SEQ: {
        bool placed = false;
        for (int i = 0; i < s->seq.n; i++)
            placed |= mark_simd(c, s->seq.items[i]);
        return placed;
    }
    case MS_STMT_FOR: {
        if (mark_simd(c, s->loop.body))
            return true;
        ms_loop_info *in = info_of(c, s);
        bool simd = in->independent || (in->reducible && in->nred > 0 && !in->has_inner_loop);
        if (!simd)
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
    case MS_STMT_IF: {
        bool placed = mark_simd(c, s->if_.then_s);
        if (s->if_.else_s)
            placed |= mark_simd(c, s->if_.else_s);
        return placed;
    }
    case MS_STMT_BLOCK:
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return false;
    }
    ms_unreachable();
}

void ms_sched_default(ms_func *f)
{
    ctx c;
    c.n = ms_analyze_loops(f, &c.infos);
    mark_parallel(&c, f->body, false);
    mark_simd(&c, f->body);
    free(c.infos);
}
