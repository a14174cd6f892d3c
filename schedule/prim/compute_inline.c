/*
 * compute_inline.c - compute_inline: a block that computes a local
 * intermediate (t[v] = e) disappears, and every read of t[x] becomes e with
 * v replaced by x. Legal when the block is the intermediate's only writer,
 * writes it at its own iteration variables, unconditionally, and e reads
 * only data the kernel never writes (so it does not matter when e is
 * evaluated).
 */
#include "schedule/prim/prim.h"

#include <stdlib.h>
#include <string.h>

typedef struct inline_check {
    const ms_buffer *buf;
    const ms_stmt *producer;
    int writers;
    MS_VEC(const ms_buffer *) written;
} inline_check;

static void on_access(void *ctx, const ms_access_site *a)
{
    inline_check *c = ctx;
    if (!a->write)
        return;
    if (a->buf == c->buf && a->block != c->producer)
        c->writers++;
    MS_VEC_PUSH(c->written, a->buf);
}

static bool reads_written(const ms_expr *e, const inline_check *c)
{
    for (int i = 0; i < c->written.len; i++)
        if (ms_expr_reads_buffer(e, c->written.data[i]))
            return true;
    return false;
}

typedef struct replacer {
    ms_func *f;
    const ms_stmt *producer;
    const ms_stmt *store;  /* the producer's store, in its iteration variables */
    const ms_stmt *reader; /* the block being rewritten */
} replacer;

/* The producer's iteration variables in terms of a reader block's: the
 * indexed ones become the subscripts of the read, the others the reader's
 * variable bound to the same loop expression. False if one has none. */
static bool map_vars(const replacer *r, const ms_stmt *reader, ms_expr *const *idx, ms_var **vars,
                     ms_expr **with, int *n)
{
    const ms_stmt *P = r->producer;
    *n = 0;
    for (int i = 0; i < P->block.niter; i++) {
        ms_var *v = P->block.iters[i].var;
        ms_expr *to = NULL;
        for (int d = 0; d < r->store->store.nidx && !to; d++)
            if (r->store->store.idx[d]->var == v)
                to = idx[d];
        for (int k = 0; !to && reader && k < reader->block.niter; k++)
            if (ms_expr_equal(reader->block.iters[k].binding, P->block.iters[i].binding))
                to = ms_var_ref(r->f, reader->block.iters[k].var);
        if (!to && ms_expr_uses_var(r->store->store.value, v))
            return false;
        if (to) {
            vars[*n] = v;
            with[(*n)++] = to;
        }
    }
    return true;
}

typedef struct map_check {
    replacer *r;
    bool ok;
} map_check;

static void check_read(void *ctx, const ms_access_site *a)
{
    map_check *m = ctx;
    if (a->write || a->buf != m->r->store->store.buf || a->block == m->r->producer)
        return;
    ms_var *vars[64];
    ms_expr *with[64];
    int n;
    /* reads outside any block (bounds, conditions) are not rewritten: refuse them */
    m->ok = m->ok && a->block && a->block->block.niter <= 32 && m->r->producer->block.niter <= 32 &&
            map_vars(m->r, a->block, *a->idx, vars, with, &n);
}

/* t[x] -> e[v := x] (x already rewritten) */
static ms_expr *inline_load(void *ctx, ms_expr *load)
{
    replacer *r = ctx;
    if (load->load.buf != r->store->store.buf)
        return load;
    ms_var *vars[64];
    ms_expr *with[64];
    int n;
    bool ok = map_vars(r, r->reader, load->load.idx, vars, with, &n);
    MS_ASSERT(ok); /* checked before anything changed */
    return ms_expr_subst(r->f, prim_stored_value(r->f, r->store), n, vars, with);
}

static ms_expr *replace(replacer *r, ms_expr *e)
{
    return ms_expr_map_loads(r->f, e, inline_load, r);
}

static void rewrite_operand(void *ctx, ms_expr **slot)
{
    *slot = replace(ctx, *slot);
}

/* Pre-order: a block's statements read through it (r->reader). */
static bool rewrite(void *ctx, ms_stmt *s)
{
    replacer *r = ctx;
    ms_stmt_operands(s, rewrite_operand, r);
    if (s->kind == MS_STMT_BLOCK)
        r->reader = s;
    return true;
}

ms_status ms_sched_compute_inline(ms_sched *s, int block)
{
    ms_stmt *P = prim_get(s, block, MS_RV_BLOCK);
    if (!P)
        return prim_fail(s, MS_ERR_INPUT, "compute_inline: not a block");
    const ms_stmt *st = P->block.body;
    ms_buffer *t = st->store.buf;
    if (t->scope != MS_SCOPE_LOCAL || t->ndim == 0)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "compute_inline: '%s' is not a local array (its values must be kept)",
                         t->name);
    if (P->block.init)
        return prim_fail(s, MS_ERR_ILLEGAL, "compute_inline: block '%s' is a reduction",
                         P->block.name);
    if (P->block.predicate)
        return prim_fail(s, MS_ERR_ILLEGAL, "compute_inline: block '%s' is conditional",
                         P->block.name);
    /* written at distinct iteration variables, which are all the value depends on */
    for (int d = 0; d < st->store.nidx; d++) {
        const ms_expr *x = st->store.idx[d];
        bool iter = false;
        for (int i = 0; i < P->block.niter && x->kind == MS_EXPR_VAR; i++)
            iter = iter || P->block.iters[i].var == x->var;
        for (int e = 0; e < d && iter; e++)
            iter = !ms_expr_equal(x, st->store.idx[e]);
        if (!iter)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "compute_inline: '%s' is not written at the block's own variables",
                             t->name);
    }
    inline_check c = {t, P, 0, {0}};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(s->f->body, &fns, &c);
    bool ok = c.writers == 0 && !reads_written(st->store.value, &c);
    free(c.written.data);
    if (!ok)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "compute_inline: '%s' has other writers, or its value reads data the "
                         "kernel writes",
                         t->name);
    replacer r = {s->f, P, st, NULL};
    map_check m = {&r, true};
    static const ms_walk_fns read_fns = {check_read, NULL, NULL};
    ms_walk(s->f->body, &read_fns, &m);
    if (!m.ok)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "compute_inline: a reader of '%s' does not share the loops its value "
                         "depends on",
                         t->name);
    bool removed = prim_remove(s, P);
    MS_ASSERT(removed);
    ms_stmt_visit(s->f->body, rewrite, &r);
    /* nothing reads t any more: its declaration goes too */
    for (ms_stmt **decl; (decl = prim_find_alloc(s, t));)
        *decl = ms_seq(s->f, 0, NULL);
    prim_consume(s, P);
    return MS_OK;
}
