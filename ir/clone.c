/*
 * clone.c - deep copy of a function into a new arena, with every variable
 * and buffer remapped: a schedule state works on its own copy, and a
 * candidate is dropped with its arena.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

typedef struct cloner {
    ms_func *to;
    ms_var **vars;    /* by old id */
    ms_buffer **bufs; /* by old id */
    int n;
} cloner;

static ms_var *var(cloner *c, const ms_var *v)
{
    MS_ASSERT(v->id < c->n);
    if (!c->vars[v->id]) {
        ms_var *nv = ms_arena_alloc(c->to->arena, sizeof *nv);
        *nv = *v;
        nv->name = ms_arena_strdup(c->to->arena, v->name);
        nv->ctype = ms_arena_strdup(c->to->arena, v->ctype);
        c->vars[v->id] = nv;
    }
    return c->vars[v->id];
}

static ms_expr *expr(cloner *c, const ms_expr *e);

static ms_buffer *buf(cloner *c, const ms_buffer *b)
{
    MS_ASSERT(b->id < c->n);
    if (!c->bufs[b->id]) {
        ms_buffer *nb = ms_arena_alloc(c->to->arena, sizeof *nb);
        *nb = *b;
        c->bufs[b->id] = nb; /* before the shape: it may not refer back, but be safe */
        nb->name = ms_arena_strdup(c->to->arena, b->name);
        nb->elem_ctype = ms_arena_strdup(c->to->arena, b->elem_ctype);
        nb->shape =
            ms_arena_alloc(c->to->arena, sizeof(ms_expr *) * (size_t)(b->ndim ? b->ndim : 1));
        for (int d = 0; d < b->ndim; d++)
            nb->shape[d] = b->shape[d] ? expr(c, b->shape[d]) : NULL;
    }
    return c->bufs[b->id];
}

static ms_expr **exprs(cloner *c, int n, ms_expr *const *es)
{
    ms_expr **r = ms_arena_alloc(c->to->arena, sizeof(ms_expr *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        r[i] = expr(c, es[i]);
    return r;
}

static ms_expr *expr(cloner *c, const ms_expr *e)
{
    ms_expr *r = ms_arena_alloc(c->to->arena, sizeof *r);
    *r = *e;
    switch (e->kind) {
    case MS_EXPR_INT:
        return r;
    case MS_EXPR_FLOAT:
        r->f.text = ms_arena_strdup(c->to->arena, e->f.text);
        return r;
    case MS_EXPR_VAR:
        r->var = var(c, e->var);
        return r;
    case MS_EXPR_BINARY:
        r->bin.a = expr(c, e->bin.a);
        r->bin.b = expr(c, e->bin.b);
        return r;
    case MS_EXPR_UNARY:
        r->un.a = expr(c, e->un.a);
        return r;
    case MS_EXPR_SELECT:
        r->sel.cond = expr(c, e->sel.cond);
        r->sel.a = expr(c, e->sel.a);
        r->sel.b = expr(c, e->sel.b);
        return r;
    case MS_EXPR_CAST:
        r->cast.ctype = ms_arena_strdup(c->to->arena, e->cast.ctype);
        r->cast.a = expr(c, e->cast.a);
        return r;
    case MS_EXPR_CALL:
        r->call.name = ms_arena_strdup(c->to->arena, e->call.name);
        r->call.args = exprs(c, e->call.nargs, e->call.args);
        return r;
    case MS_EXPR_LOAD:
        r->load.buf = buf(c, e->load.buf);
        r->load.idx = exprs(c, e->load.nidx, e->load.idx);
        return r;
    }
    ms_unreachable();
}

static ms_stmt *stmt(cloner *c, const ms_stmt *s)
{
    ms_stmt *r = ms_arena_alloc(c->to->arena, sizeof *r);
    *r = *s;
    switch (s->kind) {
    case MS_STMT_SEQ:
        r->seq.items =
            ms_arena_alloc(c->to->arena, sizeof(ms_stmt *) * (size_t)(s->seq.n ? s->seq.n : 1));
        for (int i = 0; i < s->seq.n; i++)
            r->seq.items[i] = stmt(c, s->seq.items[i]);
        return r;
    case MS_STMT_FOR:
        r->loop.var = var(c, s->loop.var);
        r->loop.min = expr(c, s->loop.min);
        r->loop.extent = expr(c, s->loop.extent);
        for (int i = 0; i < s->loop.nred; i++)
            r->loop.red[i].buf = buf(c, s->loop.red[i].buf);
        for (int i = 0; i < s->loop.nannot; i++)
            r->loop.annot[i].key = ms_arena_strdup(c->to->arena, s->loop.annot[i].key);
        r->loop.body = stmt(c, s->loop.body);
        return r;
    case MS_STMT_IF:
        r->if_.cond = expr(c, s->if_.cond);
        r->if_.then_s = stmt(c, s->if_.then_s);
        r->if_.else_s = s->if_.else_s ? stmt(c, s->if_.else_s) : NULL;
        return r;
    case MS_STMT_BLOCK:
        r->block.name = ms_arena_strdup(c->to->arena, s->block.name);
        r->block.iters = ms_arena_alloc(
            c->to->arena, sizeof(ms_iter_var) * (size_t)(s->block.niter ? s->block.niter : 1));
        for (int i = 0; i < s->block.niter; i++) {
            r->block.iters[i] = s->block.iters[i];
            r->block.iters[i].var = var(c, s->block.iters[i].var);
            r->block.iters[i].binding = expr(c, s->block.iters[i].binding);
        }
        r->block.predicate = s->block.predicate ? expr(c, s->block.predicate) : NULL;
        r->block.body = stmt(c, s->block.body);
        r->block.init = s->block.init ? stmt(c, s->block.init) : NULL;
        return r;
    case MS_STMT_STORE:
        r->store.buf = buf(c, s->store.buf);
        r->store.idx = exprs(c, s->store.nidx, s->store.idx);
        r->store.value = expr(c, s->store.value);
        return r;
    case MS_STMT_ALLOC:
        r->alloc.buf = buf(c, s->alloc.buf);
        return r;
    }
    ms_unreachable();
}

ms_func *ms_func_clone(const ms_func *f)
{
    ms_func *to = ms_func_new(f->name);
    cloner c = {to, ms_xcalloc((size_t)f->next_id + 1, sizeof(ms_var *)),
                ms_xcalloc((size_t)f->next_id + 1, sizeof(ms_buffer *)), f->next_id + 1};
    to->loc = f->loc;
    to->noalias = f->noalias;
    to->fp_strict = f->fp_strict;
    to->original_elsewhere = f->original_elsewhere;
    to->next_id = f->next_id;
    to->nparams = f->nparams;
    to->params =
        ms_arena_alloc(to->arena, sizeof(ms_param) * (size_t)(f->nparams ? f->nparams : 1));
    for (int i = 0; i < f->nparams; i++) {
        to->params[i].var = f->params[i].var ? var(&c, f->params[i].var) : NULL;
        to->params[i].buf = f->params[i].buf ? buf(&c, f->params[i].buf) : NULL;
    }
    to->body = stmt(&c, f->body);
    to->nhints = f->nhints;
    to->hints =
        ms_arena_alloc(to->arena, sizeof(ms_size_hint) * (size_t)(f->nhints ? f->nhints : 1));
    for (int i = 0; i < f->nhints; i++)
        to->hints[i] = (ms_size_hint){ms_arena_strdup(to->arena, f->hints[i].name),
                                      f->hints[i].value, f->hints[i].max};
    free(c.vars);
    free(c.bufs);
    return to;
}
