/*
 * visit.c - one walk over a statement tree that reports every array access
 * (with the loops around it, the enclosing block and store, and the node's
 * own subscript fields for in-place rewriting; a call's regions as boxes),
 * every allocation and every loop. Analyses and IR passes are callbacks on
 * it.
 */
#include "ir/ir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct walker {
    const ms_walk_fns *fns;
    void *ctx;
    MS_VEC(ms_stmt *) stack;
    const ms_stmt *block, *store;
} walker;

static void report(walker *w, ms_buffer *b, int *nidx, ms_expr ***idx, ms_expr *const *extent,
                   bool write)
{
    if (!w->fns->access)
        return;
    ms_access_site s = {b,        nidx,     idx,          extent,       write,
                        w->store, w->block, w->stack.len, w->stack.data};
    w->fns->access(w->ctx, &s);
}

static void walk_expr(walker *w, ms_expr *e)
{
    ms_expr **x;
    for (int i = 0; (x = ms_expr_operand(e, i)); i++)
        walk_expr(w, *x);
    if (e->kind == MS_EXPR_LOAD)
        report(w, e->load.buf, &e->load.nidx, &e->load.idx, NULL, false);
}

static void walk_operand(void *ctx, ms_expr **slot)
{
    walk_expr(ctx, *slot);
}

static void walk_stmt(walker *w, ms_stmt *s)
{
    /* the statement's own expressions first: a loop's bounds lie outside
     * it, a store's subscripts and value come before the write */
    const ms_stmt *outer_block = w->block;
    if (s->kind == MS_STMT_BLOCK)
        w->block = NULL; /* the bindings are in the loop variables */
    if (s->kind == MS_STMT_STORE)
        w->store = s;
    ms_stmt_operands(s, walk_operand, w);
    switch (s->kind) {
    case MS_STMT_FOR:
        if (w->fns->loop)
            w->fns->loop(w->ctx, s, w->stack.len);
        MS_VEC_PUSH(w->stack, s);
        break;
    case MS_STMT_BLOCK:
        w->block = s;
        break;
    case MS_STMT_STORE:
        report(w, s->store.buf, &s->store.nidx, &s->store.idx, NULL, true);
        w->store = NULL;
        break;
    case MS_STMT_ALLOC:
        if (w->fns->alloc)
            w->fns->alloc(w->ctx, s->alloc.buf, w->stack.len, w->stack.data);
        break;
    case MS_STMT_CALL:
        for (int i = 0; i < s->call.nregions; i++) {
            ms_region *r = &s->call.regions[i];
            if (r->read)
                report(w, r->buf, &r->ndim, &r->min, r->extent, false);
            if (r->write)
                report(w, r->buf, &r->ndim, &r->min, r->extent, true);
        }
        break;
    default:
        break;
    }
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child(s, i)); i++)
        walk_stmt(w, *child);
    if (s->kind == MS_STMT_FOR)
        w->stack.len--;
    w->block = outer_block;
}

void ms_walk(ms_stmt *body, const ms_walk_fns *fns, void *ctx)
{
    walker w = {.fns = fns, .ctx = ctx};
    walk_stmt(&w, body);
    free(w.stack.data);
}

ms_expr *ms_site_realize(ms_func *f, const ms_access_site *s, ms_expr *e)
{
    if (!s->block)
        return e;
    int n = s->block->block.niter;
    ms_var **vars = ms_xmalloc(sizeof(ms_var *) * (size_t)(n ? n : 1));
    ms_expr **with = ms_xmalloc(sizeof(ms_expr *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        vars[i] = s->block->block.iters[i].var;
        with[i] = s->block->block.iters[i].binding;
    }
    ms_expr *r = ms_expr_subst(f, e, n, vars, with);
    free(vars);
    free(with);
    return r;
}

bool ms_stmt_visit(ms_stmt *s, bool (*fn)(void *ctx, ms_stmt *s), void *ctx)
{
    if (!fn(ctx, s))
        return false;
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child(s, i)); i++)
        if (!ms_stmt_visit(*child, fn, ctx))
            return false;
    return true;
}

typedef struct name_probe {
    const char *name;
    bool taken;
} name_probe;

static bool probe_name(void *ctx, ms_stmt *s)
{
    name_probe *p = ctx;
    if (s->kind == MS_STMT_FOR)
        p->taken = p->taken || !strcmp(s->loop.var->name, p->name);
    if (s->kind == MS_STMT_ALLOC)
        p->taken = p->taken || !strcmp(s->alloc.buf->name, p->name);
    return !p->taken;
}

void ms_unique_name(ms_func *f, const char *base, char *out, size_t size)
{
    for (int k = 0;; k++) {
        if (k)
            snprintf(out, size, "%s_%d", base, k);
        else
            snprintf(out, size, "%s", base);
        name_probe p = {out, false};
        for (int i = 0; i < f->nparams && !p.taken; i++)
            p.taken =
                !strcmp(f->params[i].var ? f->params[i].var->name : f->params[i].buf->name, out);
        if (!p.taken)
            ms_stmt_visit(f->body, probe_name, &p);
        if (!p.taken)
            return;
    }
}

bool ms_loop_is_simd(const ms_stmt *loop)
{
    return loop->loop.kind == MS_LOOP_VECTORIZED || loop->loop.parallel_simd;
}

bool ms_loop_holds_only(const ms_stmt *loop, const ms_stmt *block)
{
    const ms_stmt *b = loop->loop.body;
    for (;;) {
        while (b->kind == MS_STMT_SEQ && b->seq.n == 1)
            b = b->seq.items[0];
        if (b->kind != MS_STMT_FOR)
            return b == block;
        b = b->loop.body;
    }
}

typedef struct order_probe {
    const ms_stmt *a, *b;
    int a_at, b_at, at;
} order_probe;

static bool find_order(void *ctx, ms_stmt *s)
{
    order_probe *o = ctx;
    if (s == o->a)
        o->a_at = o->at;
    if (s == o->b)
        o->b_at = o->at;
    o->at++;
    return o->a_at < 0 || o->b_at < 0;
}

bool ms_stmt_precedes(ms_stmt *root, const ms_stmt *a, const ms_stmt *b)
{
    order_probe o = {a, b, -1, -1, 0};
    ms_stmt_visit(root, find_order, &o);
    return o.a_at >= 0 && o.b_at > o.a_at;
}
