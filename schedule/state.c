/*
 * state.c - the schedule state (a clone of the function plus its random
 * variables) and the tree helpers the primitives share.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ms_sched *ms_sched_new(const ms_func *original)
{
    ms_sched *s = ms_xcalloc(1, sizeof *s);
    s->f = ms_func_clone(original);
    return s;
}

void ms_sched_free(ms_sched *s)
{
    if (!s)
        return;
    ms_func_free(s->f);
    free(s->rvs.data);
    free(s);
}

int ms_sched_new_rv(ms_sched *s, ms_rv_kind kind, ms_stmt *stmt, int64_t value)
{
    ms_rv rv = {kind, stmt, value};
    MS_VEC_PUSH(s->rvs, rv);
    return s->rvs.len - 1;
}

ms_status prim_fail(ms_sched *s, ms_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->why, sizeof s->why, fmt, ap);
    va_end(ap);
    return st;
}

ms_stmt *prim_get(ms_sched *s, int rv, ms_rv_kind kind)
{
    if (rv < 0 || rv >= s->rvs.len || s->rvs.data[rv].kind != kind || !s->rvs.data[rv].stmt)
        return NULL;
    return s->rvs.data[rv].stmt;
}

void prim_consume(ms_sched *s, const ms_stmt *stmt)
{
    for (int i = 0; i < s->rvs.len; i++)
        if (s->rvs.data[i].stmt == stmt)
            s->rvs.data[i].stmt = NULL;
}

static ms_stmt **slot_in(ms_stmt **at, const ms_stmt *target)
{
    if (*at == target)
        return at;
    ms_stmt **child, **r = NULL;
    for (int i = 0; !r && (child = ms_stmt_child(*at, i)); i++)
        r = slot_in(child, target);
    return r;
}

ms_stmt **prim_slot(ms_sched *s, const ms_stmt *target)
{
    return slot_in(&s->f->body, target);
}

typedef struct parent_query {
    const ms_stmt *child;
    prim_parent found;
} parent_query;

static bool find_parent(void *ctx, ms_stmt *s)
{
    parent_query *q = ctx;
    if (s->kind != MS_STMT_SEQ)
        return true;
    for (int i = 0; i < s->seq.n; i++)
        if (s->seq.items[i] == q->child) {
            q->found = (prim_parent){s, i};
            return false;
        }
    return true;
}

prim_parent prim_parent_seq(ms_sched *s, const ms_stmt *child)
{
    parent_query q = {child, {NULL, -1}};
    ms_stmt_visit(s->f->body, find_parent, &q);
    return q.found;
}

/* The loops (and the ifs, when ifs) on the way from s to target. */
static bool path_to(ms_stmt *s, const ms_stmt *target, bool ifs, ms_stmt **out, int cap, int *n)
{
    if (s == target)
        return true;
    int at = *n;
    if (s->kind == MS_STMT_FOR || (ifs && s->kind == MS_STMT_IF)) {
        if (at < cap)
            out[at] = s;
        (*n)++;
    }
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child(s, i)); i++)
        if (path_to(*child, target, ifs, out, cap, n))
            return true;
    *n = at;
    return false;
}

int prim_enclosing_loops(ms_sched *s, const ms_stmt *target, ms_stmt **out, int cap)
{
    int n = 0;
    if (!path_to(s->f->body, target, false, out, cap, &n))
        return 0;
    return n < cap ? n : cap;
}

int prim_enclosing_path(ms_sched *s, const ms_stmt *target, ms_stmt **out, int cap)
{
    int n = 0;
    if (!path_to(s->f->body, target, true, out, cap, &n))
        return 0;
    return n < cap ? n : cap;
}

ms_stmt *prim_only_child_loop(ms_stmt *loop)
{
    ms_stmt *b = loop->loop.body;
    while (b->kind == MS_STMT_SEQ && b->seq.n == 1)
        b = b->seq.items[0];
    return b->kind == MS_STMT_FOR ? b : NULL;
}

static bool is_empty(const ms_stmt *s)
{
    if (s->kind != MS_STMT_SEQ)
        return false;
    for (int i = 0; i < s->seq.n; i++)
        if (!is_empty(s->seq.items[i]))
            return false;
    return true;
}

/* Removes target (and loops left empty by it) from the tree under *at. */
static bool remove_in(ms_stmt **at, const ms_stmt *target, ms_func *f)
{
    ms_stmt *s = *at;
    if (s == target) {
        *at = ms_seq(f, 0, NULL);
        return true;
    }
    if (s->kind == MS_STMT_BLOCK)
        return false; /* a block holds only its statement and init */
    bool found = false;
    ms_stmt **child;
    for (int i = 0; !found && (child = ms_stmt_child(s, i)); i++)
        found = remove_in(child, target, f);
    if (found && s->kind == MS_STMT_FOR && is_empty(s->loop.body))
        *at = s->loop.body; /* an empty loop goes too */
    return found;
}

static ms_stmt **find_alloc_in(ms_stmt **at, const ms_buffer *b)
{
    if ((*at)->kind == MS_STMT_ALLOC)
        return (*at)->alloc.buf == b ? at : NULL;
    ms_stmt **child, **r = NULL;
    for (int i = 0; !r && (child = ms_stmt_child(*at, i)); i++)
        r = find_alloc_in(child, b);
    return r;
}

bool prim_remove(ms_sched *s, const ms_stmt *target)
{
    return remove_in(&s->f->body, target, s->f);
}

ms_stmt **prim_find_alloc(ms_sched *s, const ms_buffer *b)
{
    return find_alloc_in(&s->f->body, b);
}

static int loops_under(ms_stmt *s, ms_stmt **out, int n, int cap)
{
    if (s->kind == MS_STMT_FOR && n < cap)
        out[n++] = s;
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child(s, i)); i++)
        n = loops_under(*child, out, n, cap);
    return n;
}

int prim_all_loops_under(ms_stmt *loop, ms_stmt **out, int cap)
{
    return loops_under(loop->loop.body, out, 0, cap);
}

/* The local array the block reads, if it reads exactly one. */
typedef struct local_read {
    const ms_buffer *t;
    const ms_expr *load; /* its (one) subscript pattern */
    bool several;
} local_read;

static ms_expr *find_local(void *ctx, ms_expr *load)
{
    local_read *r = ctx;
    ms_buffer *b = load->load.buf;
    if (b->scope != MS_SCOPE_LOCAL || b->ndim == 0)
        return load;
    if (!r->t) {
        r->t = b;
        r->load = load;
    } else if (r->t != b || !ms_expr_equal(r->load, load)) {
        r->several = true;
    }
    return load;
}

ms_expr *prim_stored_value(ms_func *f, const ms_stmt *store)
{
    const ms_buffer *b = store->store.buf;
    ms_expr *v = store->store.value;
    return v->dtype == b->dtype ? v : ms_cast(f, b->elem_ctype, b->dtype, v);
}

int prim_iter_index(const ms_stmt *b, const ms_expr *e)
{
    for (int i = 0; e->kind == MS_EXPR_VAR && i < b->block.niter; i++)
        if (b->block.iters[i].var == e->var)
            return i;
    return -1;
}

/* The loop a plain binding names, among the loops around b. */
ms_stmt *prim_bound_loop(ms_sched *s, const ms_stmt *b, int iter)
{
    const ms_expr *x = b->block.iters[iter].binding;
    if (x->kind != MS_EXPR_VAR)
        return NULL;
    ms_stmt *around[64];
    int n = prim_enclosing_loops(s, b, around, 64);
    for (int i = 0; i < n; i++)
        if (around[i]->loop.var == x->var)
            return around[i];
    return NULL;
}

bool prim_single_local_read(ms_func *f, const ms_stmt *block, const ms_buffer **t,
                            const ms_expr **load)
{
    local_read lr = {0};
    ms_expr_map_loads(f, block->block.body->store.value, find_local, &lr);
    *t = lr.t;
    *load = lr.load;
    return lr.t && !lr.several;
}

bool prim_allocates(ms_stmt *loop, const ms_buffer *b)
{
    return find_alloc_in(&loop->loop.body, b) != NULL;
}
