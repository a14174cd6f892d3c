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

ms_stmt *ms_call_stmt(ms_func *f, const char *name, int nregions, const ms_region *regions,
                      int nargs, ms_expr *const *args)
{
    ms_stmt given = {.kind = MS_STMT_CALL};
    given.call.nregions = nregions;
    given.call.regions = (ms_region *)regions;
    given.call.nargs = nargs;
    given.call.args = (ms_expr **)args;
    /* the copy owns every array: the regions, their bounds, the arguments */
    ms_stmt *s = ms_stmt_copy_node(f->arena, &given);
    s->call.name = ms_arena_strdup(f->arena, name);
    return s;
}

/* ---- substitution ---- */

typedef struct subst {
    int n;
    ms_var *const *vars;
    ms_expr *const *with;
} subst;

/* e with each operand replaced by map(operand): e itself when none
 * changes, else a copy made at the first change. */
static ms_expr *with_operands(ms_func *f, ms_expr *e, ms_expr *(*map)(ms_func *, ms_expr *, void *),
                              void *ctx)
{
    ms_expr *r = e;
    ms_expr **slot;
    for (int i = 0; (slot = ms_expr_operand(r, i)); i++) {
        ms_expr *x = map(f, *slot, ctx);
        if (x == *slot)
            continue;
        if (r == e)
            r = ms_expr_copy_node(f->arena, e);
        *ms_expr_operand(r, i) = x;
    }
    return r;
}

static ms_expr *subst_expr(ms_func *f, ms_expr *e, void *ctx)
{
    const subst *m = ctx;
    if (e->kind == MS_EXPR_VAR) {
        for (int i = 0; i < m->n; i++)
            if (m->vars[i] == e->var)
                return m->with[i];
        return e;
    }
    return with_operands(f, e, subst_expr, ctx);
}

ms_expr *ms_expr_subst(ms_func *f, ms_expr *e, int n, ms_var *const *vars, ms_expr *const *with)
{
    subst m = {n, vars, with};
    return subst_expr(f, e, &m);
}

typedef struct subster {
    ms_func *f;
    const subst *m;
    bool copy; /* new statements (ms_stmt_subst) or the same ones changed */
} subster;

static void subst_operand(void *ctx, ms_expr **slot)
{
    subster *w = ctx;
    *slot = subst_expr(w->f, *slot, (void *)w->m);
}

static ms_stmt *subst_stmt(subster *w, ms_stmt *s)
{
    ms_stmt *r = w->copy ? ms_stmt_copy_node(w->f->arena, s) : s;
    ms_stmt_operands(r, subst_operand, w);
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child(r, i)); i++)
        *child = subst_stmt(w, *child);
    return r;
}

ms_stmt *ms_stmt_subst(ms_func *f, ms_stmt *s, int n, ms_var *const *vars, ms_expr *const *with)
{
    subst m = {n, vars, with};
    return subst_stmt(&(subster){f, &m, true}, s);
}

void ms_stmt_subst_inplace(ms_func *f, ms_stmt *s, int n, ms_var *const *vars, ms_expr *const *with)
{
    subst m = {n, vars, with};
    subst_stmt(&(subster){f, &m, false}, s);
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
    ms_expr **x;
    for (int i = 0; (x = ms_expr_operand((ms_expr *)e, i)); i++)
        if (ms_expr_any(*x, pred, ctx))
            return true;
    return false;
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

typedef struct var_probe {
    const ms_var *v;
    bool used;
} var_probe;

static void probe_operand(void *ctx, ms_expr **slot)
{
    var_probe *p = ctx;
    p->used = p->used || ms_expr_uses_var(*slot, p->v);
}

bool ms_stmt_uses_var(const ms_stmt *s, const ms_var *v)
{
    var_probe p = {v, false};
    ms_stmt_operands((ms_stmt *)s, probe_operand, &p);
    ms_stmt **child;
    for (int i = 0; !p.used && (child = ms_stmt_child((ms_stmt *)s, i)); i++)
        p.used = ms_stmt_uses_var(*child, v);
    return p.used;
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

typedef struct expr_mapper {
    ms_func *f;
    ms_expr_fn fn;
    void *ctx;
} expr_mapper;

static ms_expr *map_expr(ms_func *f, ms_expr *e, void *ctx)
{
    const expr_mapper *m = ctx;
    return m->fn(m->ctx, with_operands(f, e, map_expr, ctx));
}

ms_expr *ms_expr_map(ms_func *f, ms_expr *e, ms_expr_fn fn, void *ctx)
{
    expr_mapper m = {f, fn, ctx};
    return map_expr(f, e, &m);
}

static void map_operand(void *ctx, ms_expr **slot)
{
    expr_mapper *m = ctx;
    *slot = map_expr(m->f, *slot, m);
}

static bool map_stmt_exprs(void *ctx, ms_stmt *s)
{
    ms_stmt_operands(s, map_operand, ctx);
    return true;
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

ms_expr *ms_store_update_operand(const ms_stmt *store, ms_binop op)
{
    const ms_expr *v = store->store.value;
    if (v->kind != MS_EXPR_BINARY || v->bin.op != op)
        return NULL;
    return ms_load_is_store_target(v->bin.a, store)   ? v->bin.b
           : ms_load_is_store_target(v->bin.b, store) ? v->bin.a
                                                      : NULL;
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
