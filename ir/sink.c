/*
 * sink.c - local arrays move into the loop that uses them. A local array
 * declared before a loop, used only inside it, and fully written at the
 * start of every iteration before any read, carries nothing from one
 * iteration to the next: declared inside the loop instead, it becomes
 * private to each iteration, and the loop may run in parallel. The meaning
 * is unchanged; only the declaration moves.
 */
#include "ir/ir.h"

#include <stdlib.h>

typedef struct use_query {
    const ms_buffer *buf;
    int reads, writes;
} use_query;

static void count_use(void *ctx, const ms_access_site *s)
{
    use_query *q = ctx;
    if (s->buf == q->buf) {
        if (s->write)
            q->writes++;
        else
            q->reads++;
    }
}

static use_query uses(ms_stmt *s, const ms_buffer *b)
{
    use_query q = {b, 0, 0};
    static const ms_walk_fns fns = {count_use, NULL, NULL};
    ms_walk(s, &fns, &q);
    return q;
}

/* s writes every element of b, unconditionally, and reads none: a perfect
 * nest whose store's subscripts are its counters over the whole shape. */
static bool covers(ms_func *f, ms_stmt *s, const ms_buffer *b)
{
    ms_stmt *chain[8];
    int n = 0;
    while (s->kind == MS_STMT_SEQ && s->seq.n == 1)
        s = s->seq.items[0];
    while (s->kind == MS_STMT_FOR && n < 8) {
        chain[n++] = s;
        s = s->loop.body;
        while (s->kind == MS_STMT_SEQ && s->seq.n == 1)
            s = s->seq.items[0];
    }
    if (s->kind != MS_STMT_BLOCK || n != b->ndim || s->block.predicate)
        return false;
    ms_stmt *st = ms_block_realize(f, s);
    if (st->store.buf != b || ms_expr_reads_buffer(st->store.value, b))
        return false;
    for (int d = 0; d < b->ndim; d++) {
        const ms_expr *ix = st->store.idx[d];
        bool hit = false;
        for (int k = 0; k < n && !hit; k++) {
            int64_t m, e, size;
            ms_poly pm, pe, ps;
            if (ix->kind != MS_EXPR_VAR || ix->var != chain[k]->loop.var || !b->shape[d])
                continue;
            bool ok = ms_poly_from_expr(chain[k]->loop.min, &pm);
            ok = ok && ms_poly_is_const(&pm, &m) && m == 0;
            if (ms_poly_from_expr(chain[k]->loop.extent, &pe)) {
                if (ms_poly_from_expr(b->shape[d], &ps)) {
                    ok = ok &&
                         (ms_poly_equal(&pe, &ps) ||
                          (ms_poly_is_const(&pe, &e) && ms_poly_is_const(&ps, &size) && e >= size));
                    ms_poly_free(&ps);
                } else {
                    ok = false;
                }
                ms_poly_free(&pe);
            } else {
                ok = false;
            }
            if (pm.terms)
                ms_poly_free(&pm);
            hit = ok;
        }
        if (!hit)
            return false;
    }
    return true;
}

/* The loop body's items, as an array view. */
static ms_stmt **items_of(ms_stmt *body, int *n)
{
    if (body->kind == MS_STMT_SEQ) {
        *n = body->seq.n;
        return body->seq.items;
    }
    *n = 1;
    return NULL;
}

static bool try_sink(ms_func *f, ms_stmt *seq, int at)
{
    ms_buffer *b = seq->seq.items[at]->alloc.buf;
    if (b->ndim == 0 || b->scope != MS_SCOPE_LOCAL)
        return false;
    int user = -1;
    for (int i = at + 1; i < seq->seq.n; i++) {
        use_query q = uses(seq->seq.items[i], b);
        if (q.reads + q.writes == 0)
            continue;
        if (user >= 0)
            return false; /* used by two statements */
        user = i;
    }
    if (user < 0 || seq->seq.items[user]->kind != MS_STMT_FOR)
        return false;
    ms_stmt *loop = seq->seq.items[user];
    int n;
    ms_stmt **items = items_of(loop->loop.body, &n);
    ms_stmt *first = NULL;
    for (int i = 0; i < n && !first; i++) {
        ms_stmt *it = items ? items[i] : loop->loop.body;
        use_query q = uses(it, b);
        if (q.reads + q.writes)
            first = it;
    }
    if (!first || !covers(f, first, b))
        return false;
    /* move the declaration to the top of the loop body */
    ms_stmt **moved = ms_xmalloc(sizeof(ms_stmt *) * (size_t)(n + 1));
    moved[0] = seq->seq.items[at];
    for (int i = 0; i < n; i++)
        moved[i + 1] = items ? items[i] : loop->loop.body;
    loop->loop.body = ms_seq(f, n + 1, moved);
    free(moved);
    for (int i = at; i + 1 < seq->seq.n; i++)
        seq->seq.items[i] = seq->seq.items[i + 1];
    seq->seq.n--;
    return true;
}

static bool sink_in(void *ctx, ms_stmt *s)
{
    ms_func *f = ctx;
    if (s->kind != MS_STMT_SEQ)
        return true;
    for (int i = 0; i < s->seq.n; i++)
        if (s->seq.items[i]->kind == MS_STMT_ALLOC && try_sink(f, s, i))
            i--; /* the next item moved into place i */
    return true;
}

void ms_sink_allocs(ms_func *f)
{
    /* pre-order: a declaration moved into a loop is met again there, and may sink further */
    ms_stmt_visit(f->body, sink_in, f);
}
