/*
 * cache_read.c - cache_read: what a block reads of an array in one iteration of a loop
 * around it is copied, at the start of that iteration, into a small local
 * array of constant size, and the block reads the copy (a tile of A kept
 * in L1, a stencil's window). The array must not be written inside the
 * loop; the copy stays inside the array's bounds.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DIMS = 8, MAX_LOADS = 32, MAX_CACHE_ELEMS = 1 << 16 };

typedef struct loads {
    const ms_buffer *x;
    ms_expr *found[MAX_LOADS];
    int n;
    bool too_many;
} loads;

static ms_expr *collect(void *ctx, ms_expr *load)
{
    loads *l = ctx;
    if (load->load.buf == l->x) {
        if (l->n < MAX_LOADS)
            l->found[l->n++] = load;
        else
            l->too_many = true;
    }
    return load;
}

typedef struct written_in {
    const ms_buffer *x;
    bool written;
} written_in;

static void on_access(void *ctx, const ms_access_site *a)
{
    written_in *w = ctx;
    w->written = w->written || (a->buf == w->x && a->write);
}

typedef struct redirect {
    ms_func *f;
    const ms_buffer *x;
    ms_buffer *cache;
    ms_expr *const *lo;
} redirect;

static ms_expr *redirect_load(void *ctx, ms_expr *load)
{
    redirect *r = ctx;
    if (load->load.buf != r->x)
        return load;
    ms_expr **idx = ms_arena_alloc(r->f->arena, sizeof(ms_expr *) * (size_t)load->load.nidx);
    for (int d = 0; d < load->load.nidx; d++)
        idx[d] = ms_binary(r->f, MS_BIN_SUB, load->load.idx[d], r->lo[d]);
    return ms_load(r->f, r->cache, load->load.nidx, idx);
}

ms_status ms_sched_cache_read(ms_sched *s, int block, int loop, const char *buf, int *out)
{
    ms_func *f = s->f;
    ms_stmt *C = prim_get(s, block, MS_RV_BLOCK);
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!C || !L)
        return prim_fail(s, MS_ERR_INPUT, "cache_read: want a block and a loop");
    ms_buffer *x = NULL;
    loads found = {0};
    ms_stmt *real = ms_block_realize(f, C);
    for (int i = 0; i < f->nparams && !x; i++)
        if (f->params[i].buf && !strcmp(f->params[i].buf->name, buf))
            x = f->params[i].buf;
    if (!x)
        return prim_fail(s, MS_ERR_INPUT, "cache_read: no array parameter '%s'", buf);
    found.x = x;
    for (int d = 0; d < real->store.nidx; d++)
        ms_expr_map_loads(f, real->store.idx[d], collect, &found);
    ms_expr_map_loads(f, real->store.value, collect, &found);
    int ndim = x->ndim;
    if (!found.n || found.too_many || ndim < 1 || ndim > MAX_DIMS)
        return prim_fail(s, MS_ERR_ILLEGAL, "cache_read: block '%s' does not read '%s'",
                         C->block.name, buf);
    if (C->block.init && ms_expr_reads_buffer(C->block.init->store.value, x))
        return prim_fail(s, MS_ERR_UNSUPPORTED, "cache_read: the init of '%s' reads '%s'",
                         C->block.name, buf);
    ms_stmt *path[64];
    int n = prim_enclosing_loops(s, C, path, 64), at = 0;
    while (at < n && path[at] != L)
        at++;
    if (at == n)
        return prim_fail(s, MS_ERR_ILLEGAL, "cache_read: the loop does not enclose the block");
    written_in w = {x, false};
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(L, &fns, &w);
    if (w.written)
        return prim_fail(s, MS_ERR_ILLEGAL, "cache_read: '%s' is written inside the loop", buf);
    /* the box read in one iteration, over all the block's reads of x */
    ms_poly lo[MAX_DIMS], hi[MAX_DIMS], lo2[MAX_DIMS], hi2[MAX_DIMS];
    if (!prim_access_box(f, path, n, at, ndim, found.found[0]->load.idx, lo, hi))
        return prim_fail(s, MS_ERR_ILLEGAL, "cache_read: the reads of '%s' are not affine", buf);
    bool ok = true;
    for (int i = 1; i < found.n && ok; i++) {
        ok = prim_access_box(f, path, n, at, ndim, found.found[i]->load.idx, lo2, hi2);
        if (ok) {
            ok = prim_box_union(ndim, lo, hi, lo2, hi2);
            prim_box_free(ndim, lo2, hi2);
        }
    }
    int64_t ext[MAX_DIMS], elems = 1;
    for (int d = 0; d < ndim && ok; d++) {
        ok = prim_box_extent(&lo[d], &hi[d], &ext[d]);
        elems *= ok ? ext[d] : 1;
    }
    ms_expr *lo_e[MAX_DIMS], *bound[MAX_DIMS];
    for (int d = 0; d < ndim && ok; d++) {
        lo_e[d] = ms_poly_to_expr(f, &lo[d]);
        bound[d] = x->shape[d] ? x->shape[d] : ndim == 1 ? ms_buffer_extent(f, x) : NULL;
        ok = bound[d] != NULL;
    }
    prim_box_free(ndim, lo, hi);
    if (!ok || elems > MAX_CACHE_ELEMS)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "cache_read: what '%s' reads of '%s' per iteration is not a box of "
                         "constant size inside known bounds",
                         C->block.name, buf);
    /* the copy: x_local[c] = x[lo + c], for the elements that exist */
    char base_name[128], name[140];
    snprintf(base_name, sizeof base_name, "%s_local", buf);
    ms_unique_name(s->f, base_name, name, sizeof name);
    ms_buffer *cache = ms_buffer_new(f, name, x->elem_ctype, x->dtype, ndim, MS_SCOPE_LOCAL);
    cache->is_cache = true;
    ms_stmt *loops[MAX_DIMS];
    ms_iter_var iters[MAX_DIMS];
    ms_expr *ci[MAX_DIMS], *xi[MAX_DIMS], *pred = NULL;
    for (int d = 0; d < ndim; d++) {
        cache->shape[d] = ms_int(f, ext[d]);
        char base[160], vn[176];
        snprintf(base, sizeof base, "%s_c%d", name, d);
        ms_unique_name(f, base, vn, sizeof vn);
        ms_var *lv = ms_var_new(f, vn, "int", MS_DT_I32, MS_VAR_LOOP);
        ms_var *iv = ms_var_new(f, vn, "int", MS_DT_I32, MS_VAR_BLOCK);
        loops[d] = ms_for(f, lv, ms_int(f, 0), ms_int(f, ext[d]), NULL);
        iters[d] = (ms_iter_var){iv, MS_ITER_SPATIAL, ms_var_ref(f, lv), true};
        ci[d] = ms_var_ref(f, iv);
        /* the block reads through its own variable; its predicate is in loop variables */
        xi[d] = ms_simplify(f, ms_binary(f, MS_BIN_ADD, lo_e[d], ci[d]));
        ms_expr *where = ms_simplify(f, ms_binary(f, MS_BIN_ADD, lo_e[d], ms_var_ref(f, lv)));
        /* unsigned: below 0 wraps past the bound, and ">= 0" would only draw a warning */
        ms_expr *in = ms_binary(f, MS_BIN_LT, where, bound[d]);
        if (ms_dtype_is_signed(where->dtype))
            in = ms_binary(f, MS_BIN_LAND, ms_binary(f, MS_BIN_GE, where, ms_int(f, 0)), in);
        pred = pred ? ms_binary(f, MS_BIN_LAND, pred, in) : in;
    }
    ms_stmt *copy =
        ms_block(f, name, ndim, iters, ms_store(f, cache, ndim, ci, ms_load(f, x, ndim, xi)));
    copy->block.predicate = pred;
    ms_stmt *top = copy;
    for (int d = ndim - 1; d >= 0; d--) {
        loops[d]->loop.body = top;
        top = loops[d];
    }
    redirect r = {f, x, cache, lo_e};
    C->block.body->store.value =
        ms_expr_map_loads(f, C->block.body->store.value, redirect_load, &r);
    for (int d = 0; d < C->block.body->store.nidx; d++)
        C->block.body->store.idx[d] =
            ms_expr_map_loads(f, C->block.body->store.idx[d], redirect_load, &r);
    ms_stmt *items[3] = {ms_alloc(f, cache), top, L->loop.body};
    L->loop.body = ms_seq(f, 3, items);
    *out = ms_sched_new_rv(s, MS_RV_BLOCK, copy, 0);
    return MS_OK;
}
