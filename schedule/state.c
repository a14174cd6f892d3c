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
    ms_stmt *s = *at;
    if (s == target)
        return at;
    ms_stmt **r = NULL;
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n && !r; i++)
            r = slot_in(&s->seq.items[i], target);
        return r;
    case MS_STMT_FOR:
        return slot_in(&s->loop.body, target);
    case MS_STMT_IF:
        r = slot_in(&s->if_.then_s, target);
        return r || !s->if_.else_s ? r : slot_in(&s->if_.else_s, target);
    case MS_STMT_BLOCK:
        return slot_in(&s->block.body, target);
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return NULL;
    }
    ms_unreachable();
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
static bool path_to(const ms_stmt *s, const ms_stmt *target, bool ifs, ms_stmt **out, int cap,
                    int *n)
{
    if (s == target)
        return true;
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            if (path_to(s->seq.items[i], target, ifs, out, cap, n))
                return true;
        return false;
    case MS_STMT_FOR: {
        int at = *n;
        if (at < cap)
            out[at] = (ms_stmt *)s;
        (*n)++;
        if (path_to(s->loop.body, target, ifs, out, cap, n))
            return true;
        *n = at;
        return false;
    }
    case MS_STMT_IF: {
        int at = *n;
        if (ifs && at < cap)
            out[at] = (ms_stmt *)s;
        *n += ifs;
        if (path_to(s->if_.then_s, target, ifs, out, cap, n) ||
            (s->if_.else_s && path_to(s->if_.else_s, target, ifs, out, cap, n)))
            return true;
        *n = at;
        return false;
    }
    case MS_STMT_BLOCK:
        return path_to(s->block.body, target, ifs, out, cap, n);
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return false;
    }
    ms_unreachable();
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
    bool found = false;
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n && !found; i++)
            found = remove_in(&s->seq.items[i], target, f);
        return found;
    case MS_STMT_FOR:
        found = remove_in(&s->loop.body, target, f);
        if (found && is_empty(s->loop.body))
            *at = s->loop.body; /* an empty loop goes too */
        return found;
    case MS_STMT_IF:
        return remove_in(&s->if_.then_s, target, f) ||
               (s->if_.else_s && remove_in(&s->if_.else_s, target, f));
    case MS_STMT_BLOCK:
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return false;
    }
    ms_unreachable();
}

static ms_stmt **find_alloc_in(ms_stmt **at, const ms_buffer *b)
{
    ms_stmt *s = *at;
    ms_stmt **r = NULL;
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n && !r; i++)
            r = find_alloc_in(&s->seq.items[i], b);
        return r;
    case MS_STMT_FOR:
        return find_alloc_in(&s->loop.body, b);
    case MS_STMT_IF:
        r = find_alloc_in(&s->if_.then_s, b);
        return r || !s->if_.else_s ? r : find_alloc_in(&s->if_.else_s, b);
    case MS_STMT_ALLOC:
        return s->alloc.buf == b ? at : NULL;
    case MS_STMT_BLOCK:
    case MS_STMT_STORE:
        return NULL;
    }
    ms_unreachable();
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
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            n = loops_under(s->seq.items[i], out, n, cap);
        return n;
    case MS_STMT_FOR:
        if (n < cap)
            out[n++] = s;
        return loops_under(s->loop.body, out, n, cap);
    case MS_STMT_IF:
        n = loops_under(s->if_.then_s, out, n, cap);
        return s->if_.else_s ? loops_under(s->if_.else_s, out, n, cap) : n;
    case MS_STMT_BLOCK:
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return n;
    }
    ms_unreachable();
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
