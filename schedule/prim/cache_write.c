/*
 * cache_write.c - cache_write: a block computes its output in a small local
 * array that lives in one iteration of a loop around it (a register tile
 * of C in gemm), copied out to the real array at the end of the iteration.
 *
 * In loop L's body the block writes X[base + v] where base depends only on
 * loops at or above L and v on the loops inside it, one loop per
 * dimension with unit stride and a constant extent: the cache is that box.
 * The block is the only one touching X inside L. A reduction with an init
 * that does not read X fills the whole box itself; otherwise the box is
 * first copied in.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DIMS = 8, MAX_CACHE_ELEMS = 1 << 16, MAX_REGISTER_ELEMS = 512 };

typedef struct others {
    const ms_stmt *block;
    const ms_stmt *store;
    ms_buffer *x;
    bool clash;
} others;

static void on_access(void *ctx, const ms_access_site *a)
{
    others *o = ctx;
    if (a->buf != o->x)
        return;
    if (a->block != o->block) {
        o->clash = true;
        return;
    }
    /* the block's own element only: its update, or its init */
    bool same = *a->nidx == o->store->store.nidx;
    for (int d = 0; same && d < *a->nidx; d++)
        same = ms_expr_equal((*a->idx)[d], o->store->store.idx[d]);
    o->clash = o->clash || !same;
}

typedef struct retarget {
    ms_func *f;
    ms_buffer *x, *cache;
    int ndim;
    ms_expr **offset; /* subtracted from each subscript */
} retarget;

static ms_expr **retarget_idx(retarget *r, int n, ms_expr **idx)
{
    if (r->cache->ndim == 0)
        return NULL;
    ms_expr **out = ms_arena_alloc(r->f->arena, sizeof(ms_expr *) * (size_t)n);
    for (int d = 0; d < n; d++)
        out[d] = ms_binary(r->f, MS_BIN_SUB, idx[d], r->offset[d]);
    return out;
}

static ms_expr *retarget_load(void *ctx, ms_expr *load)
{
    retarget *r = ctx;
    if (load->load.buf != r->x)
        return load;
    return ms_load(r->f, r->cache, r->cache->ndim,
                   retarget_idx(r, load->load.nidx, load->load.idx));
}

static ms_stmt *retarget_store(retarget *r, const ms_stmt *st)
{
    MS_ASSERT(st->kind == MS_STMT_STORE && st->store.buf == r->x);
    return ms_store(r->f, r->cache, r->cache->ndim, retarget_idx(r, st->store.nidx, st->store.idx),
                    ms_expr_map_loads(r->f, st->store.value, retarget_load, r));
}

/* A nest over the box copying X[at + c] <-> cache[c] (out: to X). */
static ms_stmt *copy_nest(ms_func *f, const char *name, ms_buffer *x, ms_buffer *cache, int ndim,
                          ms_expr *const *at, const int64_t *size, ms_stmt *const *dim_loop,
                          const int64_t *dim_min, ms_expr *pred, bool out)
{
    ms_stmt *loops[MAX_DIMS];
    ms_iter_var iters[MAX_DIMS];
    ms_expr *xi[MAX_DIMS], *ci[MAX_DIMS], *pred_with[MAX_DIMS];
    ms_var *pred_vars[MAX_DIMS];
    int nloops = 0, niter = 0;
    for (int d = 0; d < ndim; d++) {
        if (!dim_loop[d]) {
            ci[d] = ms_int(f, 0);
            xi[d] = at[d];
            continue;
        }
        char base[96], vn[112];
        snprintf(base, sizeof base, "%s_c%d", x->name, d);
        ms_unique_name(f, base, vn, sizeof vn);
        ms_var *lv = ms_var_new(f, vn, "int", MS_DT_I32, MS_VAR_LOOP);
        ms_var *iv = ms_var_new(f, vn, "int", MS_DT_I32, MS_VAR_BLOCK);
        loops[nloops++] = ms_for(f, lv, ms_int(f, 0), ms_int(f, size[d]), NULL);
        iters[niter++] = (ms_iter_var){iv, MS_ITER_SPATIAL, ms_var_ref(f, lv), true};
        ci[d] = ms_var_ref(f, iv);
        xi[d] = ms_binary(f, MS_BIN_ADD, at[d], ci[d]);
        pred_vars[nloops - 1] = dim_loop[d]->loop.var;
        pred_with[nloops - 1] =
            ms_simplify(f, ms_binary(f, MS_BIN_ADD, ms_var_ref(f, lv), ms_int(f, dim_min[d])));
    }
    int cdim = cache->ndim;
    ms_stmt *st = out ? ms_store(f, x, ndim, xi, ms_load(f, cache, cdim, cdim ? ci : NULL))
                      : ms_store(f, cache, cdim, cdim ? ci : NULL, ms_load(f, x, ndim, xi));
    ms_stmt *b = ms_block(f, name, niter, iters, st);
    if (pred)
        b->block.predicate = ms_expr_subst(f, pred, nloops, pred_vars, pred_with);
    ms_stmt *top = b;
    for (int l = nloops - 1; l >= 0; l--) {
        loops[l]->loop.body = top;
        top = loops[l];
    }
    return top;
}

static bool finds(void *ctx, ms_stmt *s)
{
    const ms_stmt **target = ctx;
    if (s == *target)
        *target = NULL;
    return *target != NULL;
}

/* The tests of the ifs between L and B, as one condition on the box (their
 * conjuncts that use no dropped loop), or NULL; *any when there is an if
 * at all (B may then leave elements of the box as they were). False when B
 * sits in an else branch. */
static bool if_guard(ms_sched *s, const ms_stmt *L, const ms_stmt *B, int ndropped,
                     ms_var *const *dropped, ms_expr **guard, bool *any)
{
    ms_stmt *path[128];
    int n = prim_enclosing_path(s, B, path, 128);
    bool inside = false;
    *guard = NULL;
    *any = false;
    for (int i = 0; i < n; i++) {
        if (inside && path[i]->kind == MS_STMT_IF) {
            const ms_stmt *target = B;
            ms_stmt_visit(path[i]->if_.then_s, finds, &target);
            if (target) /* not found in the then branch */
                return false;
            *any = true;
            ms_expr *c = ms_conjuncts_without(s->f, path[i]->if_.cond, ndropped, dropped);
            if (c)
                *guard = *guard ? ms_binary(s->f, MS_BIN_LAND, *guard, c) : c;
        }
        inside = inside || path[i] == L;
    }
    return true;
}

ms_status ms_sched_cache_write(ms_sched *s, int block, int loop, const char *scope, int *out)
{
    ms_func *f = s->f;
    ms_stmt *B = prim_get(s, block, MS_RV_BLOCK);
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!B || !L)
        return prim_fail(s, MS_ERR_INPUT, "cache_write: want a block and a loop");
    bool reg = !strcmp(scope, "register");
    if (!reg && strcmp(scope, "local"))
        return prim_fail(s, MS_ERR_INPUT, "cache_write: scope '%s' (want local or register)",
                         scope);
    ms_buffer *x = B->block.body->store.buf;
    int ndim = x->ndim;
    if (ndim == 0 || ndim > MAX_DIMS)
        return prim_fail(s, MS_ERR_ILLEGAL, "cache_write: '%s' is not an array", x->name);
    ms_stmt *path[64];
    int n = prim_enclosing_loops(s, B, path, 64), at = 0;
    while (at < n && path[at] != L)
        at++;
    if (at == n)
        return prim_fail(s, MS_ERR_ILLEGAL, "cache_write: the loop does not enclose the block");
    /* the loops inside L, and what the block's reduction needs of them */
    for (int l = 0; l <= at; l++)
        for (int i = 0; i < B->block.niter && B->block.init; i++)
            if (B->block.iters[i].kind == MS_ITER_REDUCE &&
                ms_expr_uses_var(B->block.iters[i].binding, path[l]->loop.var))
                return prim_fail(s, MS_ERR_ILLEGAL,
                                 "cache_write: the reduction of '%s' runs outside the loop",
                                 B->block.name);
    /* the subscripts: base (outside L) + one inner loop per dimension */
    ms_stmt *realized = ms_block_realize(f, B);
    ms_expr *base[MAX_DIMS];
    ms_stmt *dim_loop[MAX_DIMS] = {0};
    int64_t size[MAX_DIMS], dim_min[MAX_DIMS], elems = 1;
    for (int d = 0; d < ndim; d++) {
        bool ok =
            prim_unit_stride_split(f, path, n, at, realized->store.idx[d], &base[d], &dim_loop[d]);
        for (int e = 0; e < d && ok && dim_loop[d]; e++)
            ok = dim_loop[e] != dim_loop[d];
        size[d] = 1;
        dim_min[d] = 0;
        if (ok && dim_loop[d]) {
            ms_poly mp, ep;
            bool cmin = ms_poly_from_expr(dim_loop[d]->loop.min, &mp),
                 cext = ms_poly_from_expr(dim_loop[d]->loop.extent, &ep);
            ok = cmin && cext && ms_poly_is_const(&mp, &dim_min[d]) &&
                 ms_poly_is_const(&ep, &size[d]) && size[d] > 0;
            if (cmin)
                ms_poly_free(&mp);
            if (cext)
                ms_poly_free(&ep);
        }
        if (!ok)
            return prim_fail(s, MS_ERR_ILLEGAL,
                             "cache_write: subscript %d of '%s' is not a constant box inside the "
                             "loop",
                             d, x->name);
        elems *= size[d];
    }
    if (elems > (reg ? MAX_REGISTER_ELEMS : MAX_CACHE_ELEMS))
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "cache_write: a tile of %lld elements is too big for %s", (long long)elems,
                         scope);
    /* every inner loop feeding a spatial variable is a dimension of the box */
    ms_var *dropped[64];
    int ndropped = 0;
    bool spatial_only = true;
    for (int l = at + 1; l < n; l++) {
        bool is_dim = false;
        for (int d = 0; d < ndim; d++)
            is_dim = is_dim || dim_loop[d] == path[l];
        if (is_dim)
            continue;
        for (int i = 0; i < B->block.niter; i++)
            if (ms_expr_uses_var(B->block.iters[i].binding, path[l]->loop.var)) {
                if (B->block.iters[i].kind == MS_ITER_SPATIAL)
                    return prim_fail(s, MS_ERR_ILLEGAL,
                                     "cache_write: loop '%s' repeats the block's writes",
                                     path[l]->loop.var->name);
                spatial_only = false;
            }
        dropped[ndropped++] = path[l]->loop.var;
    }
    /* ifs inside L: the copies take their tests, so that they touch only
     * elements the block may write, and the box is copied in first */
    ms_expr *guard;
    bool guarded;
    if (!if_guard(s, L, B, ndropped, dropped, &guard, &guarded))
        return prim_fail(s, MS_ERR_ILLEGAL, "cache_write: '%s' is in an else branch",
                         B->block.name);
    others o = {B, B->block.body, x, false};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(L->loop.body, &fns, &o);
    if (o.clash)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "cache_write: '%s' is accessed elsewhere inside the loop, or at other "
                         "elements",
                         x->name);
    /* all checks done: build */
    char base_name[128], name[140];
    snprintf(base_name, sizeof base_name, "%s_%s", x->name, reg ? "reg" : "local");
    ms_unique_name(s->f, base_name, name, sizeof name);
    /* a register tile of one element is a scalar: a loop reducing into it
     * can then run as SIMD (vectorize takes scalar reductions) */
    int cdim = reg && elems == 1 ? 0 : ndim;
    ms_buffer *cache = ms_buffer_new(f, name, x->elem_ctype, x->dtype, cdim, MS_SCOPE_LOCAL);
    cache->is_cache = true;
    for (int d = 0; d < cdim; d++)
        cache->shape[d] = ms_int(f, size[d]);
    ms_expr *offset_in_iters[MAX_DIMS], *at_x[MAX_DIMS];
    for (int d = 0; d < ndim; d++) {
        at_x[d] = ms_simplify(f, ms_binary(f, MS_BIN_ADD, base[d], ms_int(f, dim_min[d])));
        offset_in_iters[d] = at_x[d];
    }
    retarget r = {f, x, cache, ndim, offset_in_iters};
    ms_stmt *new_body = retarget_store(&r, B->block.body);
    ms_stmt *new_init = B->block.init ? retarget_store(&r, B->block.init) : NULL;
    ms_expr *pred =
        B->block.predicate ? ms_conjuncts_without(f, B->block.predicate, ndropped, dropped) : NULL;
    ms_expr *copy_pred = !guard ? pred : pred ? ms_binary(f, MS_BIN_LAND, pred, guard) : guard;
    /* copied in unless the block itself writes the whole box first: its
     * init, unless that reads the old value (D = D * beta, merged in) */
    bool writes_all = spatial_only && (!B->block.predicate || pred == B->block.predicate) &&
                      !guarded && !ms_expr_reads_buffer(B->block.body->store.value, x);
    bool init_reads = B->block.init && ms_expr_reads_buffer(B->block.init->store.value, x);
    bool fill = (!B->block.init && !writes_all) || init_reads;
    char nm[160];
    snprintf(nm, sizeof nm, "%s_out", name);
    ms_stmt *wb = copy_nest(f, nm, x, cache, ndim, at_x, size, dim_loop, dim_min, copy_pred, true);
    ms_stmt *items[4];
    int k = 0;
    items[k++] = ms_alloc(f, cache);
    if (fill) {
        snprintf(nm, sizeof nm, "%s_in", name);
        items[k++] =
            copy_nest(f, nm, x, cache, ndim, at_x, size, dim_loop, dim_min, copy_pred, false);
    }
    items[k++] = L->loop.body;
    items[k++] = wb;
    B->block.body = new_body;
    B->block.init = new_init;
    L->loop.body = ms_seq(f, k, items);
    const ms_stmt *wb_block = wb;
    while (wb_block->kind == MS_STMT_FOR)
        wb_block = wb_block->loop.body;
    *out = ms_sched_new_rv(s, MS_RV_BLOCK, (ms_stmt *)wb_block, 0);
    return MS_OK;
}
