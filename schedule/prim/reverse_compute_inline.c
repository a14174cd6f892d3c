/*
 * reverse_compute_inline.c - reverse_compute_inline: a block that only
 * post-processes a local intermediate (y[i][j] = max(t[i][j], 0), say)
 * disappears into the block producing it, which then writes y directly:
 * the epilogue runs while the value is still in a register.
 *
 * Legal when the intermediate is written only by its producer, at the
 * producer's own variables, and read only by this block, once per element,
 * over the same box of iterations; the block's output is touched by no one
 * else, and its other inputs are never written by the kernel.
 */
#include "schedule/prim/prim.h"

#include <stdlib.h>
#include <string.h>

typedef struct usage {
    const ms_buffer *t, *y;
    const ms_stmt *consumer;
    const ms_stmt *producer; /* the one writer of t */
    int t_writers, t_readers_elsewhere, y_elsewhere;
    MS_VEC(const ms_buffer *) written;
} usage;

static void on_access(void *ctx, const ms_access_site *a)
{
    usage *u = ctx;
    if (a->write)
        MS_VEC_PUSH(u->written, a->buf);
    if (a->buf == u->t && a->write) {
        u->t_writers++;
        u->producer = a->block;
    }
    if (a->buf == u->t && !a->write && a->block != u->consumer)
        u->t_readers_elsewhere++;
    if (a->buf == u->y && a->block != u->consumer)
        u->y_elsewhere++;
}

typedef struct inliner {
    const ms_buffer *t;
    ms_expr *value; /* the producer's value, in its variables */
} inliner;

static ms_expr *inline_load(void *ctx, ms_expr *load)
{
    inliner *in = ctx;
    return load->load.buf == in->t ? in->value : load;
}

ms_status ms_sched_reverse_compute_inline(ms_sched *s, int block)
{
    ms_func *f = s->f;
    ms_stmt *C = prim_get(s, block, MS_RV_BLOCK);
    if (!C)
        return prim_fail(s, MS_ERR_INPUT, "reverse_compute_inline: not a block");
    if (C->block.predicate || C->block.init)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reverse_compute_inline: block '%s' is conditional or a reduction",
                         C->block.name);
    const ms_stmt *cst = C->block.body;
    const ms_buffer *lt;
    const ms_expr *lload;
    if (!prim_single_local_read(f, C, &lt, &lload))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reverse_compute_inline: '%s' does not read one local array at one "
                         "element",
                         C->block.name);
    const ms_buffer *t = lt, *y = cst->store.buf;
    if (y->scope == MS_SCOPE_LOCAL && y->ndim == 0)
        return prim_fail(s, MS_ERR_ILLEGAL, "reverse_compute_inline: '%s' writes a scalar",
                         C->block.name);
    usage u = {.t = t, .y = y, .consumer = C};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(f->body, &fns, &u);
    ms_stmt *P = (ms_stmt *)u.producer;
    bool ok = u.t_writers == 1 && P && P != C && !P->block.init && u.t_readers_elsewhere == 0 &&
              u.y_elsewhere == 0 && P->block.niter <= 16 && C->block.niter <= 16;
    /* the block's other inputs must not change between the two places */
    for (int i = 0; ok && i < u.written.len; i++)
        ok = u.written.data[i] == t || u.written.data[i] == y ||
             !ms_expr_reads_buffer(cst->store.value, u.written.data[i]);
    free(u.written.data);
    if (!ok)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "reverse_compute_inline: '%s' has other users, its producer is not one "
                         "plain block, or it reads data the kernel writes",
                         t->name);
    /* t[w] = e over a box; the block reads t[v] over the same box, writes y[v] */
    const ms_stmt *pst = P->block.body;
    ms_var *from[16];
    ms_expr *to[16];
    int nmap = 0, kind_of[16];
    bool p_matched[16] = {0};
    for (int d = 0; d < t->ndim; d++) {
        int pi = prim_iter_index(P, pst->store.idx[d]), ci = prim_iter_index(C, lload->load.idx[d]);
        bool same = pi >= 0 && ci >= 0;
        for (int e = 0; same && e < d; e++)
            same = !ms_expr_equal(lload->load.idx[e], lload->load.idx[d]) &&
                   !ms_expr_equal(pst->store.idx[e], pst->store.idx[d]);
        ms_stmt *pl = same ? prim_bound_loop(s, P, pi) : NULL,
                *cl = same ? prim_bound_loop(s, C, ci) : NULL;
        same = pl && cl && ms_expr_equal(pl->loop.min, cl->loop.min) &&
               ms_expr_equal(pl->loop.extent, cl->loop.extent);
        if (!same)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_inline: '%s' and its producer do not cover the "
                             "same elements of '%s'",
                             C->block.name, t->name);
        from[nmap] = C->block.iters[ci].var;
        to[nmap++] = ms_var_ref(f, P->block.iters[pi].var);
        p_matched[pi] = true;
        kind_of[pi] = (int)C->block.iters[ci].kind;
    }
    /* the other variables: the same enclosing loops (a row both share) */
    for (int k = 0; k < C->block.niter; k++) {
        bool mapped = false;
        for (int m = 0; m < nmap; m++)
            mapped = mapped || from[m] == C->block.iters[k].var;
        for (int i = 0; !mapped && i < P->block.niter; i++)
            if (!p_matched[i] &&
                ms_expr_equal(P->block.iters[i].binding, C->block.iters[k].binding)) {
                from[nmap] = C->block.iters[k].var;
                to[nmap++] = ms_var_ref(f, P->block.iters[i].var);
                p_matched[i] = mapped = true;
                kind_of[i] = (int)C->block.iters[k].kind;
            }
        if (!mapped)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_inline: '%s' iterates where its producer does not",
                             C->block.name);
    }
    for (int i = 0; i < P->block.niter; i++)
        if (!p_matched[i])
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_inline: the producer of '%s' writes it repeatedly",
                             t->name);
    /* each iteration writes its own element of y */
    for (int d = 0; d < cst->store.nidx; d++)
        for (int e = 0; e < d; e++)
            if (ms_expr_equal(cst->store.idx[d], cst->store.idx[e]))
                return prim_fail(s, MS_ERR_ILLEGAL,
                                 "reverse_compute_inline: '%s' writes one element twice",
                                 C->block.name);
    for (int k = 0; k < C->block.niter; k++) {
        bool indexed = false;
        for (int d = 0; d < cst->store.nidx; d++)
            indexed = indexed || prim_iter_index(C, cst->store.idx[d]) == k;
        if (!indexed)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "reverse_compute_inline: '%s' writes one element twice",
                             C->block.name);
    }
    /* all checked: the producer writes y */
    inliner in = {t, prim_stored_value(f, pst)};
    ms_expr *value = ms_expr_map_loads(f, cst->store.value, inline_load, &in);
    ms_stmt *st = ms_stmt_subst(f, (ms_stmt *)cst, nmap, from, to);
    st->store.value = ms_expr_subst(f, value, nmap, from, to);
    P->block.body = st;
    /* the producer's variables now index y as the block's did */
    for (int i = 0; i < P->block.niter; i++)
        P->block.iters[i].kind = (ms_iter_kind)kind_of[i];
    bool removed = prim_remove(s, C);
    MS_ASSERT(removed);
    for (ms_stmt **decl; (decl = prim_find_alloc(s, t));)
        *decl = ms_seq(f, 0, NULL);
    prim_consume(s, C);
    return MS_OK;
}
