/*
 * reduction.c - reduction blocks with an init part (TensorIR's reduction
 * block): merging the frontend's "C[i][j] = 0; for k: C[i][j] += ..." into
 * one block, so that the i-j-k nest is perfect and can be tiled, and
 * decomposing it again into an init nest and the update, which is how it
 * is emitted. Decomposition keeps the init even when the reduction is empty.
 */
#include "ir/ir.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- merging (frontend) ---- */

static bool is_reduce_loop_var(const ms_stmt *B, const ms_var *v)
{
    for (int i = 0; i < B->block.niter; i++)
        if (B->block.iters[i].kind == MS_ITER_REDUCE &&
            ms_expr_uses_var(B->block.iters[i].binding, v))
            return true;
    return false;
}

/* X[idx] read anywhere but at exactly idx? */
typedef struct element {
    const ms_buffer *x;
    int n;
    ms_expr *const *idx;
} element;

static bool is_other_element(const void *ctx, const ms_expr *e)
{
    const element *el = ctx;
    if (e->kind != MS_EXPR_LOAD || e->load.buf != el->x)
        return false;
    if (e->load.nidx != el->n)
        return true;
    for (int i = 0; i < el->n; i++)
        if (!ms_expr_equal(e->load.idx[i], el->idx[i]))
            return true;
    return false;
}

static bool reads_elsewhere(const ms_expr *e, const ms_buffer *x, int n, ms_expr *const *idx)
{
    element el = {x, n, idx};
    return ms_expr_any(e, is_other_element, &el);
}

/* The update block at the bottom of a perfect nest, or NULL. */
static ms_stmt *nest_block(ms_stmt *s, ms_stmt **loops, int *n)
{
    while (s->kind == MS_STMT_SEQ && s->seq.n == 1)
        s = s->seq.items[0];
    if (s->kind == MS_STMT_BLOCK)
        return s;
    if (s->kind != MS_STMT_FOR || *n >= 16)
        return NULL;
    loops[(*n)++] = s;
    return nest_block(s->loop.body, loops, n);
}

/* Block A (X[idx] = v) followed by a nest of reduce loops around block B
 * (X[idx] = f(X[idx], ...)): A becomes B's init. */
static bool try_merge(ms_func *f, ms_stmt *A, ms_stmt *nest)
{
    ms_stmt *loops[16];
    int nloops = 0;
    if (A->kind != MS_STMT_BLOCK || A->block.predicate || A->block.init)
        return false;
    ms_stmt *B = nest->kind == MS_STMT_FOR ? nest_block(nest, loops, &nloops) : NULL;
    if (!B || B->block.predicate || B->block.init)
        return false;
    ms_stmt *a = ms_block_realize(f, A), *b = ms_block_realize(f, B);
    ms_buffer *x = a->store.buf;
    if (b->store.buf != x || x->ndim == 0 || a->store.nidx != b->store.nidx)
        return false;
    for (int d = 0; d < a->store.nidx; d++)
        if (!ms_expr_equal(ms_simplify(f, a->store.idx[d]), ms_simplify(f, b->store.idx[d])))
            return false;
    if (ms_expr_reads_buffer(a->store.value, x) ||
        reads_elsewhere(b->store.value, x, b->store.nidx, b->store.idx))
        return false;
    /* the nest's loops feed the reduction only; the spatial variables are the
     * loops outside, each bound as itself, so A's store can be said in them */
    for (int l = 0; l < nloops; l++)
        if (!is_reduce_loop_var(B, loops[l]->loop.var))
            return false;
    ms_var *from[16];
    ms_expr *to[16];
    int n = 0;
    for (int i = 0; i < B->block.niter; i++) {
        const ms_iter_var *iv = &B->block.iters[i];
        bool in_nest = false;
        for (int l = 0; l < nloops; l++)
            in_nest = in_nest || ms_expr_uses_var(iv->binding, loops[l]->loop.var);
        if (iv->kind == MS_ITER_REDUCE) {
            if (!in_nest)
                return false;
            continue;
        }
        if (in_nest || iv->binding->kind != MS_EXPR_VAR || n >= 16)
            return false;
        from[n] = iv->binding->var;
        to[n++] = ms_var_ref(f, iv->var);
    }
    ms_stmt *init = ms_stmt_subst(f, a, n, from, to);
    /* every loop variable A used must now be one of B's spatial variables */
    for (int i = 0; i < n; i++)
        if (ms_stmt_uses_var(init, from[i]))
            return false;
    ms_stmt *probe = ms_block_realize_stmt(f, B, init);
    for (int d = 0; d < probe->store.nidx; d++)
        if (!ms_expr_equal(ms_simplify(f, probe->store.idx[d]), ms_simplify(f, a->store.idx[d])))
            return false;
    B->block.init = init;
    return true;
}

static bool merge_in(void *ctx, ms_stmt *s)
{
    ms_func *f = ctx;
    if (s->kind != MS_STMT_SEQ)
        return true;
    for (int i = 0; i + 1 < s->seq.n; i++)
        if (try_merge(f, s->seq.items[i], s->seq.items[i + 1])) {
            for (int k = i; k + 1 < s->seq.n; k++)
                s->seq.items[k] = s->seq.items[k + 1];
            s->seq.n--;
        }
    return true;
}

void ms_merge_reduction_inits(ms_func *f)
{
    ms_stmt_visit(f->body, merge_in, f);
}

/* ---- decomposition ---- */

typedef struct path {
    ms_stmt *loops[64]; /* outermost first */
    int n;
    ms_stmt **slots[64]; /* where each loop hangs */
    ms_stmt **block_slot;
    ms_stmt *seq[64]; /* the sequence holding each loop, or NULL */
    ms_stmt *block_seq;
} path;

static bool find_path(ms_stmt **at, ms_stmt *parent_seq, const ms_stmt *target, path *p)
{
    ms_stmt *s = *at;
    if (s == target) {
        p->block_slot = at;
        p->block_seq = parent_seq;
        return true;
    }
    if (s->kind == MS_STMT_FOR) {
        if (p->n >= 64)
            return false;
        p->loops[p->n] = s;
        p->slots[p->n] = at;
        p->seq[p->n] = parent_seq;
        p->n++;
        if (find_path(&s->loop.body, NULL, target, p))
            return true;
        p->n--;
        return false;
    }
    ms_stmt **child;
    for (int i = 0; (child = ms_stmt_child(s, i)); i++)
        if (find_path(child, s->kind == MS_STMT_SEQ ? s : NULL, target, p))
            return true;
    return false;
}

static bool binds(const ms_stmt *B, ms_iter_kind kind, const ms_var *v)
{
    for (int i = 0; i < B->block.niter; i++)
        if (B->block.iters[i].kind == kind && ms_expr_uses_var(B->block.iters[i].binding, v))
            return true;
    return false;
}

ms_expr *ms_conjuncts_without(ms_func *f, ms_expr *c, int n, ms_var *const *dropped)
{
    if (c->kind == MS_EXPR_BINARY && c->bin.op == MS_BIN_LAND) {
        ms_expr *a = ms_conjuncts_without(f, c->bin.a, n, dropped);
        ms_expr *b = ms_conjuncts_without(f, c->bin.b, n, dropped);
        return !a ? b : !b ? a : ms_binary(f, MS_BIN_LAND, a, b);
    }
    for (int i = 0; i < n; i++)
        if (ms_expr_uses_var(c, dropped[i]))
            return NULL;
    return c;
}

/* Inserts what before the statement in *slot (its sequence: seq, or none). */
static void insert_before(ms_func *f, ms_stmt **slot, ms_stmt *seq, ms_stmt *what)
{
    if (!seq) {
        ms_stmt *two[2] = {what, *slot};
        *slot = ms_seq(f, 2, two);
        return;
    }
    int at = (int)(slot - seq->seq.items);
    ms_stmt **items = ms_arena_alloc(f->arena, sizeof(ms_stmt *) * (size_t)(seq->seq.n + 1));
    for (int i = 0, k = 0; i < seq->seq.n; i++) {
        if (i == at)
            items[k++] = what;
        items[k++] = seq->seq.items[i];
    }
    seq->seq.items = items;
    seq->seq.n++;
}

typedef struct declared_inside {
    const ms_buffer *bufs[16]; /* the arrays the init touches */
    int n;
    const ms_buffer *found;
} declared_inside;

static void on_init_access(void *ctx, const ms_access_site *site)
{
    declared_inside *d = ctx;
    for (int i = 0; i < d->n; i++)
        if (d->bufs[i] == site->buf)
            return;
    if (d->n < 16)
        d->bufs[d->n++] = site->buf;
}

static void on_alloc(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops)
{
    declared_inside *d = ctx;
    (void)depth;
    (void)loops;
    for (int i = 0; i < d->n && !d->found; i++)
        if (b == d->bufs[i])
            d->found = b;
}

ms_stmt *ms_decompose_reduction(ms_func *f, ms_stmt *block, ms_stmt *loop, const char **why)
{
    if (block->kind != MS_STMT_BLOCK || !block->block.init) {
        *why = "the block has no init part";
        return NULL;
    }
    path p = {.n = 0};
    if (!find_path(&f->body, NULL, block, &p)) {
        *why = "the block is not in the function";
        return NULL;
    }
    int at = p.n; /* index of loop on the path; p.n: at the block itself */
    if (loop) {
        for (at = 0; at < p.n && p.loops[at] != loop; at++)
            ;
        if (at == p.n) {
            *why = "the loop does not enclose the block";
            return NULL;
        }
    }
    for (int l = 0; l < at; l++)
        if (binds(block, MS_ITER_REDUCE, p.loops[l]->loop.var)) {
            *why = "a loop above it runs the reduction";
            return NULL;
        }
    if (at < p.n) {
        /* the arrays the init writes (a cache, say) and reads (a scalar
         * of the loop's body: rk4075319's A[i] = s0 + ...) must be
         * declared where the init goes */
        declared_inside d = {.n = 0};
        static const ms_walk_fns reads = {on_init_access, NULL, NULL};
        ms_walk(block->block.init, &reads, &d);
        static const ms_walk_fns fns = {NULL, on_alloc, NULL};
        ms_walk(p.loops[at], &fns, &d);
        if (d.found) {
            *why = d.found == block->block.init->store.buf
                       ? "the array the init writes is declared inside the loop"
                       : "the init reads an array declared inside the loop";
            return NULL;
        }
    }
    ms_var *from[64], *dropped[64];
    ms_expr *to[64];
    int nmap = 0, ndropped = 0;
    ms_stmt *copies[64];
    int ncopies = 0;
    for (int l = at; l < p.n; l++) {
        ms_stmt *L = p.loops[l];
        bool sp = binds(block, MS_ITER_SPATIAL, L->loop.var);
        bool red = binds(block, MS_ITER_REDUCE, L->loop.var);
        if (sp && red) {
            *why = "a loop below it feeds both spatial and reduction variables";
            return NULL;
        }
        if (!sp) {
            dropped[ndropped++] = L->loop.var;
            continue;
        }
        for (int d = 0; d < ndropped; d++)
            if (ms_expr_uses_var(L->loop.min, dropped[d]) ||
                ms_expr_uses_var(L->loop.extent, dropped[d])) {
                *why = "the bounds of a spatial loop depend on a reduction loop";
                return NULL;
            }
        char base[96], name[112];
        snprintf(base, sizeof base, "%s_init", L->loop.var->name);
        ms_unique_name(f, base, name, sizeof name);
        ms_var *nv = ms_var_new(f, name, L->loop.var->ctype, L->loop.var->dtype, MS_VAR_LOOP);
        ms_stmt *c = ms_for(f, nv, ms_expr_subst(f, L->loop.min, nmap, from, to),
                            ms_expr_subst(f, L->loop.extent, nmap, from, to), NULL);
        c->loc = L->loc;
        /* SIMD and unrolling carry over; threads stay with the update's nest */
        if (L->loop.kind == MS_LOOP_VECTORIZED || L->loop.kind == MS_LOOP_UNROLLED)
            c->loop.kind = L->loop.kind;
        c->loop.nannot = L->loop.nannot;
        for (int i = 0; i < L->loop.nannot; i++)
            c->loop.annot[i] = L->loop.annot[i];
        copies[ncopies++] = c;
        from[nmap] = L->loop.var;
        to[nmap++] = ms_var_ref(f, nv);
    }
    /* the init block: the spatial variables, fresh, bound to the copies */
    ms_iter_var iters[64];
    ms_var *old_iv[64];
    ms_expr *new_iv[64];
    int niter = 0;
    for (int i = 0; i < block->block.niter && niter < 64; i++) {
        const ms_iter_var *iv = &block->block.iters[i];
        if (iv->kind != MS_ITER_SPATIAL)
            continue;
        ms_var *nv = ms_var_new(f, iv->var->name, iv->var->ctype, iv->var->dtype, MS_VAR_BLOCK);
        iters[niter] = (ms_iter_var){nv, MS_ITER_SPATIAL,
                                     ms_expr_subst(f, iv->binding, nmap, from, to), iv->nonneg};
        old_iv[niter] = iv->var;
        new_iv[niter++] = ms_var_ref(f, nv);
    }
    char name[128];
    snprintf(name, sizeof name, "%s_init", block->block.name);
    /* the init may name loops directly too (a cache's offsets) */
    ms_stmt *body = ms_stmt_subst(f, block->block.init, niter, old_iv, new_iv);
    ms_stmt *ib = ms_block(f, name, niter, iters, ms_stmt_subst(f, body, nmap, from, to));
    ib->loc = block->loc;
    if (block->block.predicate) {
        ms_expr *pred = ms_conjuncts_without(f, block->block.predicate, ndropped, dropped);
        ib->block.predicate = pred ? ms_expr_subst(f, pred, nmap, from, to) : NULL;
    }
    ms_stmt *top = ib;
    for (int c = ncopies - 1; c >= 0; c--) {
        copies[c]->loop.body = top;
        top = copies[c];
    }
    if (at < p.n)
        insert_before(f, p.slots[at], p.seq[at], top);
    else
        insert_before(f, p.block_slot, p.block_seq, top);
    block->block.init = NULL;
    return ib;
}

static bool find_init_block(void *ctx, ms_stmt *s)
{
    if (s->kind == MS_STMT_BLOCK && s->block.init) {
        *(ms_stmt **)ctx = s;
        return false;
    }
    return true;
}

ms_stmt *ms_first_init_block(ms_stmt *root)
{
    ms_stmt *b = NULL;
    ms_stmt_visit(root, find_init_block, &b);
    return b;
}

void ms_decompose_all_reductions(ms_func *f)
{
    for (;;) {
        ms_stmt *b = ms_first_init_block(f->body);
        if (!b)
            return;
        /* at the outermost loop that runs the reduction: the init runs once
         * per element, before it, even when the reduction is empty */
        path p = {.n = 0};
        bool found = find_path(&f->body, NULL, b, &p);
        MS_ASSERT(found);
        ms_stmt *at = NULL;
        for (int l = 0; l < p.n && !at; l++)
            if (binds(b, MS_ITER_REDUCE, p.loops[l]->loop.var))
                at = p.loops[l];
        const char *why = NULL;
        ms_stmt *ib = ms_decompose_reduction(f, b, at, &why);
        MS_ASSERT(ib); /* the primitives keep every init decomposable */
    }
}
