/*
 * postproc.c - the postprocessors that finish a sampled schedule: the
 * auto-unroll annotation becomes unrolled loops, and a loop marked
 * parallel or SIMD that later steps made dependent is refused (the
 * candidate is dropped, its reason counted); under reassoc, libm calls
 * in SIMD loops become mscc's vector math (ir/vmath.c); a schedule beyond
 * the kernel's memory budgets is refused. Deterministic, so
 * a trace replayed and postprocessed gives the same program every time.
 */
#include "schedule/prim/prim.h"
#include "schedule/rules/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NO_UNROLL = 1 << 30 };

/* Statements the body of s runs per execution, counting unrolled copies;
 * NO_UNROLL when a loop inside has no constant trip count. Marks the
 * serial loops whose whole unrolled body stays within max_step. */
static int64_t unroll_under(ms_stmt *s, int64_t max_step)
{
    switch (s->kind) {
    case MS_STMT_SEQ: {
        int64_t c = 0;
        for (int i = 0; i < s->seq.n; i++) {
            int64_t x = unroll_under(s->seq.items[i], max_step);
            c = c + x > NO_UNROLL ? NO_UNROLL : c + x;
        }
        return c;
    }
    case MS_STMT_FOR: {
        int64_t body = unroll_under(s->loop.body, max_step), e;
        ms_poly p;
        bool constant = false;
        if (ms_poly_from_expr(s->loop.extent, &p)) {
            constant = ms_poly_is_const(&p, &e);
            ms_poly_free(&p);
        }
        if (!constant || e < 1 || body >= NO_UNROLL || e * body > NO_UNROLL)
            return NO_UNROLL;
        if (s->loop.kind == MS_LOOP_SERIAL && e * body <= max_step && e > 1)
            s->loop.kind = MS_LOOP_UNROLLED;
        return e * body;
    }
    case MS_STMT_IF:
        return unroll_under(s->if_.then_s, max_step) +
               (s->if_.else_s ? unroll_under(s->if_.else_s, max_step) : 0);
    case MS_STMT_BLOCK:
        return 1;
    default: {
        /* a statement (1), or the sum of those inside it */
        ms_stmt **child;
        int64_t c = 0;
        for (int i = 0; (child = ms_stmt_child(s, i)); i++) {
            int64_t x = unroll_under(*child, max_step);
            c = c + x > NO_UNROLL ? NO_UNROLL : c + x;
        }
        return c ? c : 1;
    }
    }
}

static bool rewrite_unroll(void *ctx, ms_stmt *s)
{
    (void)ctx;
    if (s->kind != MS_STMT_FOR)
        return true;
    for (int i = 0; i < s->loop.nannot; i++)
        if (!strcmp(s->loop.annot[i].key, MS_ANNOT_UNROLL) && s->loop.annot[i].value > 0)
            unroll_under(s->loop.body, s->loop.annot[i].value);
    return true;
}

/* The loops whose kind promises free iterations: the ones to check. */
static bool parallel_or_simd(const ms_stmt *loop, void *ctx)
{
    (void)ctx;
    return loop->loop.kind == MS_LOOP_PARALLEL || loop->loop.kind == MS_LOOP_VECTORIZED;
}

static ms_expr *to_vmath(void *ctx, ms_expr *e)
{
    const ms_vmath *v;
    if (e->kind != MS_EXPR_CALL || !(v = ms_vmath_for_call(e->call.name, e->dtype, e->call.nargs)))
        return e;
    return ms_call(ctx, v->name, e->dtype, e->call.nargs, e->call.args);
}

/* A call per element keeps a SIMD loop scalar; mscc's versions vectorize.
 * Not under strict: they may differ from libm in the last place. */
static bool rewrite_vmath(void *ctx, ms_stmt *s)
{
    ms_func *f = ctx;
    if (s->kind == MS_STMT_FOR && ms_loop_is_simd(s))
        ms_stmt_map_exprs(f, s->loop.body, to_vmath, f);
    return true;
}

/* A board's budgets (--no-heap, --max-stack): a schedule beyond them is
 * refused like an illegal one, so that the search never measures it and
 * a trace or database record beyond them does not apply. A static
 * workspace is sized at the tuning sizes: a packed copy needs a size
 * there. The caller's workspace is no heap. */
static ms_status keep_budgets(ms_sched *s)
{
    if (!s->f->no_heap && !s->f->max_stack && s->f->workspace != MS_WS_STATIC)
        return MS_OK;
    ms_memory mem = ms_func_memory(s->f);
    if (s->f->no_heap && mem.heap && s->f->workspace == MS_WS_HEAP)
        return prim_fail(s, MS_ERR_ILLEGAL, "--no-heap: it copies '%s' to the heap",
                         mem.heap->name);
    if (s->f->workspace == MS_WS_STATIC && mem.heap && mem.packed < 0)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "--workspace=static: the packed copy '%s' has no size at the tuning "
                         "sizes",
                         mem.heap->name);
    int64_t stack = s->f->max_stack ? mem.stack : 0;
    if (stack < 0 || stack > s->f->max_stack)
        return stack < 0 ? prim_fail(s, MS_ERR_ILLEGAL,
                                     "--max-stack %lld: a local array has no size at the tuning "
                                     "sizes",
                                     (long long)s->f->max_stack)
                         : prim_fail(s, MS_ERR_ILLEGAL,
                                     "--max-stack %lld: its local arrays take %lld bytes",
                                     (long long)s->f->max_stack, (long long)stack);
    return MS_OK;
}

ms_status ms_postproc(ms_sched *s)
{
    ms_stmt_visit(s->f->body, rewrite_unroll, NULL);
    if (!s->f->fp_strict)
        ms_stmt_visit(s->f->body, rewrite_vmath, s->f);
    ms_loop_info *infos;
    int n = ms_analyze_loops_where(s->f, parallel_or_simd, NULL, &infos);
    ms_status st = MS_OK;
    for (int i = 0; i < n && st == MS_OK; i++) {
        const ms_stmt *L = infos[i].loop;
        const ms_loop_info *in = &infos[i];
        bool free_iters = in->independent || L->loop.fused_independent;
        if (L->loop.kind == MS_LOOP_PARALLEL && !L->loop.collapsed && !free_iters)
            st = prim_fail(s, MS_ERR_ILLEGAL, "parallel loop '%s' has become dependent",
                           L->loop.var->name);
        else if (L->loop.kind == MS_LOOP_VECTORIZED && !free_iters && !in->reducible)
            st = prim_fail(s, MS_ERR_ILLEGAL, "SIMD loop '%s' has become dependent",
                           L->loop.var->name);
    }
    free(infos);
    return st == MS_OK ? keep_budgets(s) : st;
}
