/*
 * merge_accumulator.c - merge_accumulator: a scalar accumulator copied
 * into an output element (`acc = 0; for k: acc += a * b; C[i][j] = acc;`)
 * becomes one reduction block that accumulates in the element itself
 * (init C[i][j] = 0, update C[i][j] += a * b), the form the tiling rule
 * and cache_write work on; a register tile brings the accumulator back,
 * for a whole tile at once. The block given is the copy.
 *
 * Legal when the copy is `y[idx] = acc` with the same element type, each
 * loop around it indexes y once by itself (every iteration its own
 * element), acc is written only by one initialising block and one updating
 * block, read only by the update and the copy, the three are consecutive
 * in one sequence with the update alone at the bottom of its nest, and y is
 * touched by no other block. The order of the updates of each element is
 * the original's, so every bit is kept.
 *
 * A copy that finishes the value on its way out (`y[idx] = acc > 0 ? acc :
 * 0`, `y[idx] = acc * scale[j]`) stays as an epilogue that finishes the
 * element in place (`y[idx] = y[idx] > 0 ? y[idx] : 0`), provided it
 * reads y nowhere else and the loops around hold nothing more: it moves
 * to a nest of its own after the reduction's, which then tiles as a plain
 * one does (the epilogue stays a pass over y: reverse_compute_at moves
 * only readers of local arrays).
 */
#include "schedule/prim/prim.h"

#include <string.h>

typedef struct acc_use {
    const ms_buffer *acc, *y;
    const ms_stmt *copy;
    const ms_stmt *writers[2], *readers[2];
    int nwriters, nreaders, y_elsewhere;
} acc_use;

static void on_access(void *ctx, const ms_access_site *a)
{
    acc_use *u = ctx;
    if (a->buf == u->acc && a->write) {
        if (u->nwriters < 2)
            u->writers[u->nwriters] = a->block;
        u->nwriters++;
    } else if (a->buf == u->acc && a->block != u->copy) {
        /* the update reads it (before it writes: loads come first); anyone else counts */
        bool known = false;
        for (int i = 0; i < u->nreaders && i < 2; i++)
            known = known || u->readers[i] == a->block;
        if (!known && u->nreaders < 2)
            u->readers[u->nreaders] = a->block;
        u->nreaders += !known;
    }
    if (a->buf == u->y && a->block != u->copy)
        u->y_elsewhere++;
}

typedef struct to_output {
    const ms_buffer *acc;
    ms_expr *elem; /* y[idx] in the update's variables */
} to_output;

static ms_expr *acc_to_output(void *ctx, ms_expr *load)
{
    to_output *t = ctx;
    return load->load.buf == t->acc ? t->elem : load;
}

/* Finds the first 0-d local buffer an expression loads (ctx: where to
 * put it). */
static bool finds_local_scalar(const void *ctx, const ms_expr *e)
{
    const ms_buffer **found = *(const ms_buffer **const *)ctx;
    if (e->kind != MS_EXPR_LOAD || e->load.buf->scope != MS_SCOPE_LOCAL || e->load.buf->ndim != 0)
        return false;
    *found = e->load.buf;
    return true;
}

/* The scalar accumulator the copy's value reads, the first met; NULL
 * when it reads none. */
static const ms_buffer *copied_scalar(const ms_expr *v)
{
    const ms_buffer *found = NULL, **slot = &found;
    ms_expr_any(v, finds_local_scalar, &slot);
    return found;
}

/* Puts block C in a copy of the nest around[0..n) (fresh loop variables)
 * placed just after that nest. */
static void finish_after(ms_sched *s, ms_stmt *const *around, int n, ms_stmt *C)
{
    ms_func *f = s->f;
    ms_var *from[16];
    ms_expr *to[16];
    ms_stmt *loops[16];
    for (int l = 0; l < n; l++) {
        const ms_var *v = around[l]->loop.var;
        char name[128];
        ms_unique_name(f, v->name, name, sizeof name);
        ms_var *nv = ms_var_new(f, name, v->ctype, v->dtype, MS_VAR_LOOP);
        /* an extent may use the loops outside (a triangle) */
        loops[l] = ms_for(f, nv, ms_expr_subst(f, around[l]->loop.min, l, from, to),
                          ms_expr_subst(f, around[l]->loop.extent, l, from, to), NULL);
        from[l] = around[l]->loop.var;
        to[l] = ms_var_ref(f, nv);
    }
    for (int i = 0; i < C->block.niter; i++)
        C->block.iters[i].binding = ms_expr_subst(f, C->block.iters[i].binding, n, from, to);
    ms_stmt *top = C;
    for (int l = n - 1; l >= 0; l--) {
        loops[l]->loop.body = top;
        top = loops[l];
    }
    ms_stmt **slot = prim_slot(s, around[0]);
    ms_stmt *both[2] = {around[0], top};
    *slot = ms_seq(f, 2, both);
}

/* The update's iteration variable bound to loop as itself, or -1. */
static int iter_on_loop(const ms_stmt *b, const ms_stmt *loop)
{
    for (int i = 0; i < b->block.niter; i++) {
        const ms_expr *x = b->block.iters[i].binding;
        if (x->kind == MS_EXPR_VAR && x->var == loop->loop.var)
            return i;
    }
    return -1;
}

ms_status ms_sched_merge_accumulator(ms_sched *s, int block)
{
    ms_func *f = s->f;
    ms_stmt *C = prim_get(s, block, MS_RV_BLOCK);
    if (!C)
        return prim_fail(s, MS_ERR_INPUT, "merge_accumulator: not a block");
    const ms_stmt *cst = C->block.body;
    const ms_expr *v = cst->kind == MS_STMT_STORE ? cst->store.value : NULL;
    const ms_buffer *acc = v ? copied_scalar(v) : NULL;
    /* anything but the accumulator itself finishes the value: it stays, as
     * an epilogue in place */
    bool epilogue = acc && !(v->kind == MS_EXPR_LOAD && v->load.buf == acc);
    if (C->block.predicate || C->block.init || !acc || acc->dtype != cst->store.buf->dtype ||
        cst->store.buf->ndim == 0 || strcmp(acc->elem_ctype, cst->store.buf->elem_ctype))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "merge_accumulator: '%s' does not copy a scalar accumulator into an "
                         "array element of its type",
                         C->block.name);
    if (epilogue && ms_expr_reads_buffer(v, cst->store.buf))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "merge_accumulator: '%s' reads the array it finishes the accumulator "
                         "into",
                         C->block.name);
    acc_use u = {.acc = acc, .y = cst->store.buf, .copy = C};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(f->body, &fns, &u);
    prim_parent q = prim_parent_seq(s, C);
    ms_stmt *I = q.seq && q.at >= 2 ? q.seq->seq.items[q.at - 2] : NULL;
    /* `float acc = 0;` lowers to its declaration and the set, together */
    ms_stmt *decl_set = NULL;
    if (I && I->kind == MS_STMT_SEQ && I->seq.n == 2 && I->seq.items[0]->kind == MS_STMT_ALLOC &&
        I->seq.items[0]->alloc.buf == u.acc) {
        decl_set = I;
        I = I->seq.items[1];
    }
    ms_stmt *X = q.seq && q.at >= 2 ? q.seq->seq.items[q.at - 1] : NULL;
    ms_stmt *U = u.nwriters == 2 ? (ms_stmt *)u.writers[1] : NULL;
    bool ok = u.nwriters == 2 && u.writers[0] == I && U && u.nreaders == 1 && u.readers[0] == U &&
              u.y_elsewhere == 0 && I->kind == MS_STMT_BLOCK && !I->block.init &&
              !I->block.predicate && X->kind == MS_STMT_FOR && ms_loop_holds_only(X, U) &&
              !U->block.init && !U->block.predicate && U->block.body->kind == MS_STMT_STORE &&
              !ms_expr_reads_buffer(I->block.body->store.value, u.acc);
    if (!ok)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "merge_accumulator: '%s' is not set, accumulated in one nest and copied "
                         "out, in that order, by blocks of its own",
                         u.acc->name);
    /* each loop around the copy indexes y once, as itself */
    ms_stmt *around[64];
    int n = prim_enclosing_loops(s, C, around, 64);
    ms_var *cfrom[16], *ifrom[16];
    ms_expr *cto[16], *ito[16];
    int uiter[16];
    if (n > 16 || n != cst->store.nidx)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "merge_accumulator: the loops around '%s' and the element it writes "
                         "differ",
                         C->block.name);
    for (int l = 0; l < n; l++) {
        int ci = iter_on_loop(C, around[l]), ii = iter_on_loop(I, around[l]),
            ui = iter_on_loop(U, around[l]), uses = 0;
        for (int d = 0; d < n && ci >= 0; d++)
            uses += prim_iter_index(C, cst->store.idx[d]) == ci;
        if (ci < 0 || ui < 0 || uses != 1)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "merge_accumulator: loop '%s' does not index the element '%s' writes "
                             "once, as itself",
                             around[l]->loop.var->name, C->block.name);
        uiter[l] = ui;
        cfrom[l] = C->block.iters[ci].var;
        cto[l] = ms_var_ref(f, U->block.iters[ui].var);
        ifrom[l] = ii >= 0 ? I->block.iters[ii].var : NULL;
        ito[l] = cto[l];
    }
    /* an epilogue leaves for a nest of its own, after the reduction's (each
     * element is touched by its own iterations only, so the order holds):
     * the loops around it must hold nothing else */
    if (epilogue) {
        bool perfect = n >= 1 && q.seq == around[n - 1]->loop.body;
        for (int l = 0; l + 1 < n && perfect; l++)
            perfect = prim_only_child_loop(around[l]) == around[l + 1];
        for (int i = 0; i < q.seq->seq.n && perfect; i++) {
            const ms_stmt *it = q.seq->seq.items[i];
            perfect = it == I || it == X || it == C || it == decl_set ||
                      (it->kind == MS_STMT_ALLOC && it->alloc.buf == u.acc);
        }
        if (!perfect)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "merge_accumulator: the loops around '%s' hold more than its "
                             "accumulation",
                             C->block.name);
    }
    /* the initial value may use only the loops around it */
    int ni = 0;
    for (int l = 0; l < n; l++)
        if (ifrom[l]) {
            ifrom[ni] = ifrom[l];
            ito[ni++] = ito[l];
        }
    ms_expr *init_value = ms_expr_subst(f, prim_stored_value(f, I->block.body), ni, ifrom, ito);
    for (int i = 0; i < I->block.niter; i++)
        if (ms_expr_uses_var(init_value, I->block.iters[i].var))
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "merge_accumulator: the initial value of '%s' depends on more than "
                             "the element",
                             u.acc->name);
    /* all checked: the update accumulates in y[idx], initialised once */
    ms_expr *idx[16];
    for (int d = 0; d < n; d++)
        idx[d] = ms_expr_subst(f, cst->store.idx[d], n, cfrom, cto);
    to_output t = {u.acc, ms_load(f, (ms_buffer *)u.y, n, idx)};
    ms_stmt *ust = U->block.body;
    U->block.body = ms_store(f, (ms_buffer *)u.y, n, idx,
                             ms_expr_map_loads(f, prim_stored_value(f, ust), acc_to_output, &t));
    U->block.init = ms_store(f, (ms_buffer *)u.y, n, idx, init_value);
    for (int l = 0; l < n; l++)
        U->block.iters[uiter[l]].kind = MS_ITER_SPATIAL;
    if (epilogue) {
        /* the copy finishes y[idx] where the accumulator was */
        to_output e = {u.acc, ms_load(f, (ms_buffer *)u.y, n, cst->store.idx)};
        C->block.body = ms_store(f, (ms_buffer *)u.y, n, cst->store.idx,
                                 ms_expr_map_loads(f, (ms_expr *)v, acc_to_output, &e));
    } else {
        U->block.name = C->block.name;
    }
    /* the sequence keeps the nest alone; the declaration, set and copy go */
    ms_stmt **items = q.seq->seq.items;
    int m = 0;
    for (int i = 0; i < q.seq->seq.n; i++) {
        ms_stmt *it = items[i];
        bool gone = it == I || it == C || it == decl_set ||
                    (it->kind == MS_STMT_ALLOC && it->alloc.buf == u.acc);
        if (!gone)
            items[m++] = it;
    }
    q.seq->seq.n = m;
    for (ms_stmt **decl; (decl = prim_find_alloc(s, u.acc));)
        *decl = ms_seq(f, 0, NULL);
    if (epilogue)
        finish_after(s, around, n, C);
    else
        prim_consume(s, C);
    prim_consume(s, I);
    return MS_OK;
}
