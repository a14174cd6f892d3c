/*
 * node.c - constructing IR nodes, substitution and cloning. Every node is
 * allocated in its function's arena.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int bytes;
    bool is_float, is_signed;
} dtypes[] = {
#define X(n, c, b, f, s) {c, b, f, s},
#include "ir/dtype.def"
#undef X
};

const char *ms_dtype_cname(ms_dtype t)
{
    return dtypes[t].name;
}
int ms_dtype_bytes(ms_dtype t)
{
    return dtypes[t].bytes;
}
bool ms_dtype_is_float(ms_dtype t)
{
    return dtypes[t].is_float;
}
bool ms_dtype_is_signed(ms_dtype t)
{
    return dtypes[t].is_signed;
}

static const struct {
    const char *spelling;
    int prec;
} binops[] = {
#define X(n, s, p) {s, p},
#include "ir/binop.def"
#undef X
};

const char *ms_binop_spelling(ms_binop op)
{
    return binops[op].spelling;
}
int ms_binop_precedence(ms_binop op)
{
    return binops[op].prec;
}

ms_func *ms_func_new(const char *name)
{
    ms_arena *a = ms_arena_new();
    ms_func *f = ms_arena_alloc(a, sizeof *f);
    f->arena = a;
    f->name = ms_arena_strdup(a, name);
    return f;
}

void ms_func_free(ms_func *f)
{
    if (f)
        ms_arena_free(f->arena);
}

static void *alloc(ms_func *f, size_t n)
{
    return ms_arena_alloc(f->arena, n);
}

ms_var *ms_var_new(ms_func *f, const char *name, const char *ctype, ms_dtype t, ms_var_kind k)
{
    ms_var *v = alloc(f, sizeof *v);
    v->name = ms_arena_strdup(f->arena, name);
    v->ctype = ms_arena_strdup(f->arena, ctype);
    v->dtype = t;
    v->kind = k;
    v->id = f->next_id++;
    return v;
}

ms_buffer *ms_buffer_new(ms_func *f, const char *name, const char *elem_ctype, ms_dtype t, int ndim,
                         ms_scope scope)
{
    ms_buffer *b = alloc(f, sizeof *b);
    b->name = ms_arena_strdup(f->arena, name);
    b->elem_ctype = ms_arena_strdup(f->arena, elem_ctype);
    b->dtype = t;
    b->ndim = ndim;
    b->shape = alloc(f, sizeof(ms_expr *) * (size_t)(ndim ? ndim : 1));
    b->scope = scope;
    b->id = f->next_id++;
    return b;
}

static ms_expr *expr_new(ms_func *f, ms_expr_kind k, ms_dtype t)
{
    ms_expr *e = alloc(f, sizeof *e);
    e->kind = k;
    e->dtype = t;
    return e;
}

ms_expr *ms_int(ms_func *f, int64_t v)
{
    ms_expr *e = expr_new(f, MS_EXPR_INT, MS_DT_I64);
    e->i.value = v;
    return e;
}

ms_expr *ms_float(ms_func *f, double v, ms_dtype t, const char *text)
{
    ms_expr *e = expr_new(f, MS_EXPR_FLOAT, t);
    e->f.value = v;
    e->f.text = ms_arena_strdup(f->arena, text);
    return e;
}

ms_expr *ms_var_ref(ms_func *f, ms_var *v)
{
    ms_expr *e = expr_new(f, MS_EXPR_VAR, v->dtype);
    e->var = v;
    return e;
}

/* The usual arithmetic conversions, enough for analysis purposes. */
static ms_dtype promote(ms_dtype a, ms_dtype b)
{
    if (a == MS_DT_F64 || b == MS_DT_F64)
        return MS_DT_F64;
    if (a == MS_DT_F32 || b == MS_DT_F32)
        return MS_DT_F32;
    if (ms_dtype_bytes(a) >= 8 || ms_dtype_bytes(b) >= 8)
        return (a == MS_DT_U64 || b == MS_DT_U64) ? MS_DT_U64 : MS_DT_I64;
    return (a == MS_DT_U32 || b == MS_DT_U32) ? MS_DT_U32 : MS_DT_I32;
}

ms_expr *ms_binary(ms_func *f, ms_binop op, ms_expr *a, ms_expr *b)
{
    bool cmp = op >= MS_BIN_LT && op <= MS_BIN_NE;
    bool logic = op == MS_BIN_LAND || op == MS_BIN_LOR;
    ms_expr *e =
        expr_new(f, MS_EXPR_BINARY, (cmp || logic) ? MS_DT_I32 : promote(a->dtype, b->dtype));
    e->bin.op = op;
    e->bin.a = a;
    e->bin.b = b;
    return e;
}

ms_expr *ms_unary(ms_func *f, ms_unop op, ms_expr *a)
{
    ms_expr *e = expr_new(f, MS_EXPR_UNARY, op == MS_UN_NOT ? MS_DT_I32 : a->dtype);
    e->un.op = op;
    e->un.a = a;
    return e;
}

ms_expr *ms_select(ms_func *f, ms_expr *c, ms_expr *a, ms_expr *b)
{
    ms_expr *e = expr_new(f, MS_EXPR_SELECT, promote(a->dtype, b->dtype));
    e->sel.cond = c;
    e->sel.a = a;
    e->sel.b = b;
    return e;
}

ms_expr *ms_cast(ms_func *f, const char *ctype, ms_dtype t, ms_expr *a)
{
    ms_expr *e = expr_new(f, MS_EXPR_CAST, t);
    e->cast.ctype = ms_arena_strdup(f->arena, ctype);
    e->cast.a = a;
    return e;
}

ms_expr *ms_call(ms_func *f, const char *name, ms_dtype t, int nargs, ms_expr **args)
{
    ms_expr *e = expr_new(f, MS_EXPR_CALL, t);
    e->call.name = ms_arena_strdup(f->arena, name);
    e->call.nargs = nargs;
    e->call.args = alloc(f, sizeof(ms_expr *) * (size_t)(nargs ? nargs : 1));
    if (nargs)
        memcpy(e->call.args, args, sizeof(ms_expr *) * (size_t)nargs);
    return e;
}

ms_expr *ms_load(ms_func *f, ms_buffer *b, int nidx, ms_expr **idx)
{
    ms_expr *e = expr_new(f, MS_EXPR_LOAD, b->dtype);
    e->load.buf = b;
    e->load.nidx = nidx;
    e->load.idx = alloc(f, sizeof(ms_expr *) * (size_t)(nidx ? nidx : 1));
    if (nidx)
        memcpy(e->load.idx, idx, sizeof(ms_expr *) * (size_t)nidx);
    return e;
}

static ms_stmt *stmt_new(ms_func *f, ms_stmt_kind k)
{
    ms_stmt *s = alloc(f, sizeof *s);
    s->kind = k;
    return s;
}

ms_stmt *ms_seq(ms_func *f, int n, ms_stmt **items)
{
    ms_stmt *s = stmt_new(f, MS_STMT_SEQ);
    s->seq.n = n;
    s->seq.items = alloc(f, sizeof(ms_stmt *) * (size_t)(n ? n : 1));
    if (n)
        memcpy(s->seq.items, items, sizeof(ms_stmt *) * (size_t)n);
    return s;
}

ms_stmt *ms_for(ms_func *f, ms_var *v, ms_expr *min, ms_expr *extent, ms_stmt *body)
{
    ms_stmt *s = stmt_new(f, MS_STMT_FOR);
    s->loop.var = v;
    s->loop.min = min;
    s->loop.extent = extent;
    s->loop.body = body;
    return s;
}

ms_stmt *ms_if(ms_func *f, ms_expr *c, ms_stmt *then_s, ms_stmt *else_s)
{
    ms_stmt *s = stmt_new(f, MS_STMT_IF);
    s->if_.cond = c;
    s->if_.then_s = then_s;
    s->if_.else_s = else_s;
    return s;
}

ms_stmt *ms_store(ms_func *f, ms_buffer *b, int nidx, ms_expr **idx, ms_expr *value)
{
    ms_stmt *s = stmt_new(f, MS_STMT_STORE);
    s->store.buf = b;
    s->store.nidx = nidx;
    s->store.idx = alloc(f, sizeof(ms_expr *) * (size_t)(nidx ? nidx : 1));
    if (nidx)
        memcpy(s->store.idx, idx, sizeof(ms_expr *) * (size_t)nidx);
    s->store.value = value;
    return s;
}

ms_stmt *ms_alloc(ms_func *f, ms_buffer *b)
{
    ms_stmt *s = stmt_new(f, MS_STMT_ALLOC);
    s->alloc.buf = b;
    return s;
}

ms_stmt *ms_block(ms_func *f, const char *name, int niter, ms_iter_var *iters, ms_stmt *body)
{
    ms_stmt *s = stmt_new(f, MS_STMT_BLOCK);
    s->block.name = ms_arena_strdup(f->arena, name);
    s->block.niter = niter;
    s->block.iters = alloc(f, sizeof(ms_iter_var) * (size_t)(niter ? niter : 1));
    if (niter)
        memcpy(s->block.iters, iters, sizeof(ms_iter_var) * (size_t)niter);
    s->block.body = body;
    return s;
}

/* ---- substitution ---- */

typedef struct subst {
    int n;
    ms_var *const *vars;
    ms_expr *const *with;
} subst;

static ms_expr *subst_expr(ms_func *f, ms_expr *e, const subst *m)
{
    switch (e->kind) {
    case MS_EXPR_INT:
    case MS_EXPR_FLOAT:
        return e;
    case MS_EXPR_VAR:
        for (int i = 0; i < m->n; i++)
            if (m->vars[i] == e->var)
                return m->with[i];
        return e;
    case MS_EXPR_BINARY: {
        ms_expr *a = subst_expr(f, e->bin.a, m), *b = subst_expr(f, e->bin.b, m);
        if (a == e->bin.a && b == e->bin.b)
            return e;
        ms_expr *r = ms_binary(f, e->bin.op, a, b);
        r->dtype = e->dtype;
        return r;
    }
    case MS_EXPR_UNARY: {
        ms_expr *a = subst_expr(f, e->un.a, m);
        return a == e->un.a ? e : ms_unary(f, e->un.op, a);
    }
    case MS_EXPR_SELECT: {
        ms_expr *c = subst_expr(f, e->sel.cond, m), *a = subst_expr(f, e->sel.a, m),
                *b = subst_expr(f, e->sel.b, m);
        if (c == e->sel.cond && a == e->sel.a && b == e->sel.b)
            return e;
        ms_expr *r = ms_select(f, c, a, b);
        r->dtype = e->dtype;
        return r;
    }
    case MS_EXPR_CAST: {
        ms_expr *a = subst_expr(f, e->cast.a, m);
        return a == e->cast.a ? e : ms_cast(f, e->cast.ctype, e->dtype, a);
    }
    case MS_EXPR_CALL: {
        ms_expr *args[8];
        bool same = true;
        MS_ASSERT(e->call.nargs <= 8);
        for (int i = 0; i < e->call.nargs; i++) {
            args[i] = subst_expr(f, e->call.args[i], m);
            same = same && args[i] == e->call.args[i];
        }
        return same ? e : ms_call(f, e->call.name, e->dtype, e->call.nargs, args);
    }
    case MS_EXPR_LOAD: {
        ms_expr *idx[16];
        bool same = true;
        MS_ASSERT(e->load.nidx <= 16);
        for (int i = 0; i < e->load.nidx; i++) {
            idx[i] = subst_expr(f, e->load.idx[i], m);
            same = same && idx[i] == e->load.idx[i];
        }
        return same ? e : ms_load(f, e->load.buf, e->load.nidx, idx);
    }
    }
    ms_unreachable();
}

ms_expr *ms_expr_subst(ms_func *f, ms_expr *e, int n, ms_var *const *vars, ms_expr *const *with)
{
    subst m = {n, vars, with};
    return subst_expr(f, e, &m);
}

static ms_stmt *subst_stmt(ms_func *f, ms_stmt *s, const subst *m)
{
    ms_stmt *r = stmt_new(f, s->kind);
    *r = *s;
    switch (s->kind) {
    case MS_STMT_SEQ:
        r->seq.items = alloc(f, sizeof(ms_stmt *) * (size_t)(s->seq.n ? s->seq.n : 1));
        for (int i = 0; i < s->seq.n; i++)
            r->seq.items[i] = subst_stmt(f, s->seq.items[i], m);
        return r;
    case MS_STMT_FOR:
        r->loop.min = subst_expr(f, s->loop.min, m);
        r->loop.extent = subst_expr(f, s->loop.extent, m);
        r->loop.body = subst_stmt(f, s->loop.body, m);
        return r;
    case MS_STMT_IF:
        r->if_.cond = subst_expr(f, s->if_.cond, m);
        r->if_.then_s = subst_stmt(f, s->if_.then_s, m);
        r->if_.else_s = s->if_.else_s ? subst_stmt(f, s->if_.else_s, m) : NULL;
        return r;
    case MS_STMT_BLOCK:
        r->block.iters =
            alloc(f, sizeof(ms_iter_var) * (size_t)(s->block.niter ? s->block.niter : 1));
        for (int i = 0; i < s->block.niter; i++) {
            r->block.iters[i] = s->block.iters[i];
            r->block.iters[i].binding = subst_expr(f, s->block.iters[i].binding, m);
        }
        if (s->block.predicate)
            r->block.predicate = subst_expr(f, s->block.predicate, m);
        r->block.body = subst_stmt(f, s->block.body, m);
        if (s->block.init)
            r->block.init = subst_stmt(f, s->block.init, m);
        return r;
    case MS_STMT_STORE:
        r->store.idx = alloc(f, sizeof(ms_expr *) * (size_t)(s->store.nidx ? s->store.nidx : 1));
        for (int i = 0; i < s->store.nidx; i++)
            r->store.idx[i] = subst_expr(f, s->store.idx[i], m);
        r->store.value = subst_expr(f, s->store.value, m);
        return r;
    case MS_STMT_ALLOC:
        return r;
    }
    ms_unreachable();
}

ms_stmt *ms_stmt_subst(ms_func *f, ms_stmt *s, int n, ms_var *const *vars, ms_expr *const *with)
{
    subst m = {n, vars, with};
    return subst_stmt(f, s, &m);
}

static void subst_inplace(ms_func *f, ms_stmt *s, const subst *m)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            subst_inplace(f, s->seq.items[i], m);
        return;
    case MS_STMT_FOR:
        s->loop.min = subst_expr(f, s->loop.min, m);
        s->loop.extent = subst_expr(f, s->loop.extent, m);
        subst_inplace(f, s->loop.body, m);
        return;
    case MS_STMT_IF:
        s->if_.cond = subst_expr(f, s->if_.cond, m);
        subst_inplace(f, s->if_.then_s, m);
        if (s->if_.else_s)
            subst_inplace(f, s->if_.else_s, m);
        return;
    case MS_STMT_BLOCK:
        for (int i = 0; i < s->block.niter; i++)
            s->block.iters[i].binding = subst_expr(f, s->block.iters[i].binding, m);
        if (s->block.predicate)
            s->block.predicate = subst_expr(f, s->block.predicate, m);
        subst_inplace(f, s->block.body, m);
        if (s->block.init)
            subst_inplace(f, s->block.init, m);
        return;
    case MS_STMT_STORE:
        for (int i = 0; i < s->store.nidx; i++)
            s->store.idx[i] = subst_expr(f, s->store.idx[i], m);
        s->store.value = subst_expr(f, s->store.value, m);
        return;
    case MS_STMT_ALLOC:
        return;
    }
    ms_unreachable();
}

void ms_stmt_subst_inplace(ms_func *f, ms_stmt *s, int n, ms_var *const *vars, ms_expr *const *with)
{
    subst m = {n, vars, with};
    subst_inplace(f, s, &m);
}

ms_stmt *ms_block_realize(ms_func *f, const ms_stmt *block)
{
    return ms_block_realize_stmt(f, block, block->block.body);
}

ms_stmt *ms_block_realize_stmt(ms_func *f, const ms_stmt *block, ms_stmt *st)
{
    MS_ASSERT(block->kind == MS_STMT_BLOCK);
    int n = block->block.niter;
    ms_var **vars = ms_xmalloc(sizeof(ms_var *) * (size_t)(n ? n : 1));
    ms_expr **with = ms_xmalloc(sizeof(ms_expr *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        vars[i] = block->block.iters[i].var;
        with[i] = block->block.iters[i].binding;
    }
    ms_stmt *r = ms_stmt_subst(f, st, n, vars, with);
    free(vars);
    free(with);
    return r;
}

/* ---- uses ---- */

bool ms_expr_any(const ms_expr *e, bool (*pred)(const void *ctx, const ms_expr *e), const void *ctx)
{
    if (pred(ctx, e))
        return true;
    switch (e->kind) {
    case MS_EXPR_INT:
    case MS_EXPR_FLOAT:
    case MS_EXPR_VAR:
        return false;
    case MS_EXPR_BINARY:
        return ms_expr_any(e->bin.a, pred, ctx) || ms_expr_any(e->bin.b, pred, ctx);
    case MS_EXPR_UNARY:
        return ms_expr_any(e->un.a, pred, ctx);
    case MS_EXPR_SELECT:
        return ms_expr_any(e->sel.cond, pred, ctx) || ms_expr_any(e->sel.a, pred, ctx) ||
               ms_expr_any(e->sel.b, pred, ctx);
    case MS_EXPR_CAST:
        return ms_expr_any(e->cast.a, pred, ctx);
    case MS_EXPR_CALL:
        for (int i = 0; i < e->call.nargs; i++)
            if (ms_expr_any(e->call.args[i], pred, ctx))
                return true;
        return false;
    case MS_EXPR_LOAD:
        for (int i = 0; i < e->load.nidx; i++)
            if (ms_expr_any(e->load.idx[i], pred, ctx))
                return true;
        return false;
    }
    ms_unreachable();
}

static bool is_branch(const void *ctx, const ms_expr *e)
{
    (void)ctx;
    return e->kind == MS_EXPR_SELECT ||
           (e->kind == MS_EXPR_BINARY && (e->bin.op == MS_BIN_LAND || e->bin.op == MS_BIN_LOR));
}

bool ms_expr_branches(const ms_expr *e)
{
    return ms_expr_any(e, is_branch, NULL);
}

static bool is_var(const void *ctx, const ms_expr *e)
{
    return e->kind == MS_EXPR_VAR && e->var == ctx;
}

bool ms_expr_uses_var(const ms_expr *e, const ms_var *v)
{
    return ms_expr_any(e, is_var, v);
}

bool ms_stmt_uses_var(const ms_stmt *s, const ms_var *v)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            if (ms_stmt_uses_var(s->seq.items[i], v))
                return true;
        return false;
    case MS_STMT_FOR:
        return ms_expr_uses_var(s->loop.min, v) || ms_expr_uses_var(s->loop.extent, v) ||
               ms_stmt_uses_var(s->loop.body, v);
    case MS_STMT_IF:
        return ms_expr_uses_var(s->if_.cond, v) || ms_stmt_uses_var(s->if_.then_s, v) ||
               (s->if_.else_s && ms_stmt_uses_var(s->if_.else_s, v));
    case MS_STMT_BLOCK:
        for (int i = 0; i < s->block.niter; i++)
            if (ms_expr_uses_var(s->block.iters[i].binding, v))
                return true;
        if (s->block.predicate && ms_expr_uses_var(s->block.predicate, v))
            return true;
        if (s->block.init && ms_stmt_uses_var(s->block.init, v))
            return true;
        return ms_stmt_uses_var(s->block.body, v);
    case MS_STMT_STORE:
        for (int i = 0; i < s->store.nidx; i++)
            if (ms_expr_uses_var(s->store.idx[i], v))
                return true;
        return ms_expr_uses_var(s->store.value, v);
    case MS_STMT_ALLOC:
        return false;
    }
    ms_unreachable();
}

static bool is_load_of(const void *ctx, const ms_expr *e)
{
    return e->kind == MS_EXPR_LOAD && e->load.buf == ctx;
}

bool ms_expr_reads_buffer(const ms_expr *e, const ms_buffer *b)
{
    return ms_expr_any(e, is_load_of, b);
}

/* ---- rewriting expressions ---- */

ms_expr *ms_expr_map(ms_func *f, ms_expr *e, ms_expr_fn fn, void *ctx)
{
    switch (e->kind) {
    case MS_EXPR_INT:
    case MS_EXPR_FLOAT:
    case MS_EXPR_VAR:
        return fn(ctx, e);
    case MS_EXPR_BINARY: {
        ms_expr *a = ms_expr_map(f, e->bin.a, fn, ctx);
        ms_expr *b = ms_expr_map(f, e->bin.b, fn, ctx);
        bool changed = a != e->bin.a || b != e->bin.b;
        ms_expr *r = changed ? ms_binary(f, e->bin.op, a, b) : e;
        r->dtype = e->dtype;
        return fn(ctx, r);
    }
    case MS_EXPR_UNARY: {
        ms_expr *a = ms_expr_map(f, e->un.a, fn, ctx);
        return fn(ctx, a != e->un.a ? ms_unary(f, e->un.op, a) : e);
    }
    case MS_EXPR_SELECT: {
        ms_expr *c = ms_expr_map(f, e->sel.cond, fn, ctx);
        ms_expr *a = ms_expr_map(f, e->sel.a, fn, ctx);
        ms_expr *b = ms_expr_map(f, e->sel.b, fn, ctx);
        bool changed = c != e->sel.cond || a != e->sel.a || b != e->sel.b;
        ms_expr *r = changed ? ms_select(f, c, a, b) : e;
        r->dtype = e->dtype;
        return fn(ctx, r);
    }
    case MS_EXPR_CAST: {
        ms_expr *a = ms_expr_map(f, e->cast.a, fn, ctx);
        return fn(ctx, a != e->cast.a ? ms_cast(f, e->cast.ctype, e->dtype, a) : e);
    }
    case MS_EXPR_CALL: {
        bool changed = false;
        ms_expr **args = alloc(f, sizeof(ms_expr *) * (size_t)(e->call.nargs ? e->call.nargs : 1));
        for (int i = 0; i < e->call.nargs; i++) {
            args[i] = ms_expr_map(f, e->call.args[i], fn, ctx);
            changed = changed || args[i] != e->call.args[i];
        }
        ms_expr *r = changed ? ms_call(f, e->call.name, e->dtype, e->call.nargs, args) : e;
        return fn(ctx, r);
    }
    case MS_EXPR_LOAD: {
        bool changed = false;
        ms_expr **idx = alloc(f, sizeof(ms_expr *) * (size_t)(e->load.nidx ? e->load.nidx : 1));
        for (int i = 0; i < e->load.nidx; i++) {
            idx[i] = ms_expr_map(f, e->load.idx[i], fn, ctx);
            changed = changed || idx[i] != e->load.idx[i];
        }
        ms_expr *r = changed ? ms_load(f, e->load.buf, e->load.nidx, idx) : e;
        return fn(ctx, r);
    }
    }
    ms_unreachable();
}

typedef struct expr_mapper {
    ms_func *f;
    ms_expr_fn fn;
    void *ctx;
} expr_mapper;

static bool map_stmt_exprs(void *ctx, ms_stmt *s)
{
    expr_mapper *m = ctx;
    switch (s->kind) {
    case MS_STMT_FOR:
        s->loop.min = ms_expr_map(m->f, s->loop.min, m->fn, m->ctx);
        s->loop.extent = ms_expr_map(m->f, s->loop.extent, m->fn, m->ctx);
        return true;
    case MS_STMT_IF:
        s->if_.cond = ms_expr_map(m->f, s->if_.cond, m->fn, m->ctx);
        return true;
    case MS_STMT_BLOCK:
        if (s->block.predicate)
            s->block.predicate = ms_expr_map(m->f, s->block.predicate, m->fn, m->ctx);
        return true;
    case MS_STMT_STORE:
        for (int i = 0; i < s->store.nidx; i++)
            s->store.idx[i] = ms_expr_map(m->f, s->store.idx[i], m->fn, m->ctx);
        s->store.value = ms_expr_map(m->f, s->store.value, m->fn, m->ctx);
        return true;
    case MS_STMT_SEQ:
    case MS_STMT_ALLOC:
        return true;
    }
    ms_unreachable();
}

void ms_stmt_map_exprs(ms_func *f, ms_stmt *s, ms_expr_fn fn, void *ctx)
{
    expr_mapper m = {f, fn, ctx};
    ms_stmt_visit(s, map_stmt_exprs, &m);
}

typedef struct only_loads {
    ms_load_fn fn;
    void *ctx;
} only_loads;

static ms_expr *if_load(void *ctx, ms_expr *e)
{
    const only_loads *o = ctx;
    return e->kind == MS_EXPR_LOAD ? o->fn(o->ctx, e) : e;
}

ms_expr *ms_expr_map_loads(ms_func *f, ms_expr *e, ms_load_fn fn, void *ctx)
{
    only_loads o = {fn, ctx};
    return ms_expr_map(f, e, if_load, &o);
}

void ms_stmt_map_loads(ms_func *f, ms_stmt *s, ms_load_fn fn, void *ctx)
{
    only_loads o = {fn, ctx};
    ms_stmt_map_exprs(f, s, if_load, &o);
}

bool ms_load_is_store_target(const ms_expr *load, const ms_stmt *store)
{
    if (load->kind != MS_EXPR_LOAD || load->load.buf != store->store.buf ||
        load->load.nidx != store->store.nidx)
        return false;
    for (int i = 0; i < store->store.nidx; i++)
        if (!ms_expr_equal(load->load.idx[i], store->store.idx[i]))
            return false;
    return true;
}
