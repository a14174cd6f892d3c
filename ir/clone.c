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

static ms_stmt *stmt(cloner *c, const ms_stmt *s);

static void *copy_array(void *ctx, void *a, size_t bytes)
{
    cloner *c = ctx;
    void *r = ms_arena_alloc(c->to->arena, bytes ? bytes : 1);
    if (bytes)
        memcpy(r, a, bytes);
    return r;
}
static void clone_expr(void *ctx, ms_expr **slot)
{
    *slot = expr(ctx, *slot);
}
static void clone_stmt(void *ctx, ms_stmt **slot)
{
    *slot = stmt(ctx, *slot);
}
static void clone_var(void *ctx, ms_var **slot)
{
    *slot = var(ctx, *slot);
}
static void clone_buf(void *ctx, ms_buffer **slot)
{
    *slot = buf(ctx, *slot);
}
static void clone_str(void *ctx, const char **slot)
{
    cloner *c = ctx;
    *slot = ms_arena_strdup(c->to->arena, *slot);
}

/* Every field of a node copied into the new arena, remapped. */
static const ms_field_fns clone_fns = {clone_expr, clone_stmt, clone_var, clone_buf,
                                       clone_str,  NULL,       copy_array};

static ms_expr *expr(cloner *c, const ms_expr *e)
{
    ms_expr *r = ms_arena_alloc(c->to->arena, sizeof *r);
    *r = *e;
    ms_expr_fields(r, &clone_fns, c);
    return r;
}

static ms_stmt *stmt(cloner *c, const ms_stmt *s)
{
    ms_stmt *r = ms_arena_alloc(c->to->arena, sizeof *r);
    *r = *s;
    ms_stmt_fields(r, &clone_fns, c);
    return r;
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
    to->no_heap = f->no_heap;
    to->max_stack = f->max_stack;
    to->max_code_size = f->max_code_size;
    to->workspace = f->workspace;
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
