/*
 * transform_layout.c - transform_layout: an input array is packed, once
 * per call, into a blocked layout (B[K][N] -> B'[N/16][K][16], say) so
 * that the hot loop reads it contiguously; every read goes to the copy.
 * The packing is a block of its own (at the top of the kernel) that the
 * schedule can parallelise and vectorise like any other.
 */
#include "schedule/prim/prim.h"

#include <stdio.h>
#include <string.h>

enum { MAX_DIMS = 8 };

typedef struct layout {
    ms_func *f;
    ms_buffer *x, *packed;
    int nold, nnew;
    int64_t factor[MAX_DIMS];
    int perm[2 * MAX_DIMS]; /* new dim i = split dim perm[i] */
    bool written;
    const char *packed_name;
    bool packed_twice;
} layout;

/* Split-dimension subscripts of old subscripts, then permuted. */
static ms_expr **new_subscripts(layout *L, ms_expr *const *idx)
{
    ms_func *f = L->f;
    ms_expr *split[2 * MAX_DIMS];
    int k = 0;
    for (int d = 0; d < L->nold; d++) {
        if (L->factor[d] == 1) {
            split[k++] = idx[d];
            continue;
        }
        ms_expr *fac = ms_int(f, L->factor[d]);
        split[k++] = ms_binary(f, MS_BIN_DIV, idx[d], fac);
        split[k++] = ms_binary(f, MS_BIN_MOD, idx[d], fac);
    }
    ms_expr **out = ms_arena_alloc(f->arena, sizeof(ms_expr *) * (size_t)L->nnew);
    for (int i = 0; i < L->nnew; i++)
        out[i] = split[L->perm[i]];
    return out;
}

static ms_expr *reroute(void *ctx, ms_expr *load)
{
    layout *L = ctx;
    if (load->load.buf != L->x)
        return load;
    return ms_load(L->f, L->packed, L->nnew, new_subscripts(L, load->load.idx));
}

static void on_access(void *ctx, const ms_access_site *a)
{
    layout *L = ctx;
    L->written = L->written || (a->buf == L->x && a->write);
}

/* The size parameter an extent is made of, if any. */
static const ms_var *size_var(const ms_expr *e)
{
    if (e->kind == MS_EXPR_VAR)
        return e->var;
    if (e->kind != MS_EXPR_BINARY)
        return NULL;
    const ms_var *a = size_var(e->bin.a);
    return a ? a : size_var(e->bin.b);
}

static void on_alloc(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops)
{
    layout *L = ctx;
    (void)depth;
    (void)loops;
    L->packed_twice = L->packed_twice || !strcmp(b->name, L->packed_name);
}

ms_status ms_sched_transform_layout(ms_sched *s, const char *name, int nf, const int64_t *factors,
                                    int np, const int64_t *perm, int *out)
{
    ms_func *f = s->f;
    ms_buffer *x = NULL;
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i].buf && !strcmp(f->params[i].buf->name, name))
            x = f->params[i].buf;
    if (!x)
        return prim_fail(s, MS_ERR_INPUT, "transform_layout: no array parameter '%s'", name);
    if (x->ndim < 1 || x->ndim > MAX_DIMS || nf != x->ndim)
        return prim_fail(s, MS_ERR_INPUT, "transform_layout: '%s' has %d dimensions, %d factors",
                         name, x->ndim, nf);
    layout L = {.f = f, .x = x, .nold = nf};
    int nnew = 0;
    for (int d = 0; d < nf; d++) {
        if (factors[d] < 1 || factors[d] > 4096)
            return prim_fail(s, MS_ERR_INPUT, "transform_layout: factor %lld",
                             (long long)factors[d]);
        if (!x->shape[d])
            return prim_fail(s, MS_ERR_ILLEGAL, "transform_layout: dimension %d of '%s' is unknown",
                             d, name);
        L.factor[d] = factors[d];
        nnew += factors[d] == 1 ? 1 : 2;
    }
    bool seen[2 * MAX_DIMS] = {0};
    if (np != nnew)
        return prim_fail(s, MS_ERR_INPUT, "transform_layout: want a permutation of %d dimensions",
                         nnew);
    for (int i = 0; i < np; i++) {
        if (perm[i] < 0 || perm[i] >= nnew || seen[perm[i]])
            return prim_fail(s, MS_ERR_INPUT, "transform_layout: not a permutation");
        seen[perm[i]] = true;
        L.perm[i] = (int)perm[i];
    }
    L.nnew = nnew;
    static const ms_walk_fns fns = {on_access, NULL, NULL};
    ms_walk(f->body, &fns, &L);
    if (L.written)
        return prim_fail(s, MS_ERR_ILLEGAL, "transform_layout: the kernel writes '%s'", name);
    char pname[96];
    snprintf(pname, sizeof pname, "%s_packed", name);
    L.packed_name = pname;
    static const ms_walk_fns allocs = {NULL, on_alloc, NULL};
    ms_walk(f->body, &allocs, &L);
    if (L.packed_twice)
        return prim_fail(s, MS_ERR_ILLEGAL, "transform_layout: '%s' is packed already", name);
    /* the packed array: the split extents (outer ones rounded up), permuted */
    ms_expr *ext[2 * MAX_DIMS];
    int k = 0;
    for (int d = 0; d < nf; d++) {
        if (factors[d] == 1) {
            ext[k++] = x->shape[d];
            continue;
        }
        ms_expr *up =
            ms_simplify(f, ms_binary(f, MS_BIN_ADD, x->shape[d], ms_int(f, factors[d] - 1)));
        ext[k++] = ms_simplify(f, ms_binary(f, MS_BIN_DIV, up, ms_int(f, factors[d])));
        ext[k++] = ms_int(f, factors[d]);
    }
    L.packed = ms_buffer_new(f, pname, x->elem_ctype, x->dtype, nnew, MS_SCOPE_PACKED);
    L.packed->is_restrict = true;
    for (int i = 0; i < nnew; i++)
        L.packed->shape[i] = ext[L.perm[i]];
    ms_stmt_map_loads(f, f->body, reroute, &L);
    /* the packing nest, in the packed order, so that it writes contiguously */
    ms_stmt *loops[2 * MAX_DIMS];
    ms_iter_var iters[2 * MAX_DIMS];
    ms_expr *split_iv[2 * MAX_DIMS];
    for (int i = 0; i < nnew; i++) {
        char base[96], vn[112];
        snprintf(base, sizeof base, "%s_p%d", name, i);
        ms_unique_name(f, base, vn, sizeof vn);
        /* counters of the extent's own type: size_t sizes give size_t counters */
        const ms_var *sz = size_var(L.packed->shape[i]);
        const char *ct = sz ? sz->ctype : "int";
        ms_dtype dt = sz ? sz->dtype : MS_DT_I32;
        ms_var *lv = ms_var_new(f, vn, ct, dt, MS_VAR_LOOP);
        ms_var *iv = ms_var_new(f, vn, ct, dt, MS_VAR_BLOCK);
        loops[i] = ms_for(f, lv, ms_int(f, 0), L.packed->shape[i], NULL);
        iters[i] = (ms_iter_var){iv, MS_ITER_SPATIAL, ms_var_ref(f, lv), true};
        split_iv[L.perm[i]] = ms_var_ref(f, iv);
    }
    ms_expr *old_idx[MAX_DIMS], *pred = NULL;
    k = 0;
    for (int d = 0; d < nf; d++) {
        if (factors[d] == 1) {
            old_idx[d] = split_iv[k++];
            continue;
        }
        old_idx[d] =
            ms_binary(f, MS_BIN_ADD, ms_binary(f, MS_BIN_MUL, split_iv[k], ms_int(f, factors[d])),
                      split_iv[k + 1]);
        k += 2;
        /* the last block may pass the end: only what exists is copied */
        ms_expr *in_range = ms_binary(f, MS_BIN_LT, old_idx[d], x->shape[d]);
        pred = pred ? ms_binary(f, MS_BIN_LAND, pred, in_range) : in_range;
    }
    ms_expr *new_idx[2 * MAX_DIMS];
    for (int i = 0; i < nnew; i++)
        new_idx[i] = ms_var_ref(f, iters[i].var);
    ms_stmt *st = ms_store(f, L.packed, nnew, new_idx, ms_load(f, x, nf, old_idx));
    ms_stmt *b = ms_block(f, pname, nnew, iters, st);
    if (pred) {
        /* the predicate is in loop variables */
        ms_var *ivs[2 * MAX_DIMS];
        ms_expr *lvs[2 * MAX_DIMS];
        for (int i = 0; i < nnew; i++) {
            ivs[i] = iters[i].var;
            lvs[i] = iters[i].binding;
        }
        b->block.predicate = ms_expr_subst(f, pred, nnew, ivs, lvs);
    }
    ms_stmt *top = b;
    for (int i = nnew - 1; i >= 0; i--) {
        loops[i]->loop.body = top;
        top = loops[i];
    }
    ms_stmt *items[3] = {ms_alloc(f, L.packed), top, f->body};
    f->body = ms_seq(f, 3, items);
    *out = ms_sched_new_rv(s, MS_RV_BLOCK, b, 0);
    return MS_OK;
}
