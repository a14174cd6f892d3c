/*
 * tensorize.c - the tensorize primitive: a nest of three loops computing
 * an outer-product update C[i][j] += A[i][k] * B[k][j] over a tile of a
 * registered intrinsic's shape (i over MR, j over NR, k over any extent)
 * becomes one call of that intrinsic; loops of one iteration among them
 * (a convolution's other tiles) are constants. Which loop plays i, j and
 * k is read off the subscripts; the intrinsic's strides are the
 * coefficients of the counters in each array's row-major index, and C's
 * and B's columns must be adjacent. A tile the block's guard may cut (a split that does not
 * divide) calls the intrinsic only when the whole tile is inside, and
 * runs the loops as they were otherwise.
 */
#include "schedule/prim/prim.h"

#include <stdlib.h>

enum { I, J, K };

/* The block at the bottom of loop's perfect nest, or NULL. */
static ms_stmt *bottom_block(ms_stmt *loop)
{
    ms_stmt *b = loop->loop.body;
    while (b->kind == MS_STMT_SEQ && b->seq.n == 1)
        b = b->seq.items[0];
    return b->kind == MS_STMT_BLOCK ? b : NULL;
}

/* Row-major index of an access, as a polynomial. */
static bool linear_index(const ms_buffer *b, int n, ms_expr *const *idx, ms_func *f, ms_poly *out)
{
    ms_expr *e = ms_linear_index(f, b, n, idx);
    return e && ms_poly_from_expr(e, out);
}

/* The coefficient of v in p, when v appears in p linearly and the
 * coefficient holds parameters only; NULL otherwise. */
static ms_expr *coefficient(ms_func *f, const ms_poly *p, const ms_var *v)
{
    ms_poly c = {.n = 0, .terms = NULL};
    bool ok = true;
    for (int t = 0; t < p->n && ok; t++) {
        const ms_term *term = &p->terms[t];
        int uses = 0;
        ms_term rest = {term->coef, 0, {0}};
        for (int k = 0; k < term->nvars; k++) {
            if (term->vars[k] == v)
                uses++;
            else
                rest.vars[rest.nvars++] = term->vars[k];
        }
        if (uses > 1)
            ok = false;
        if (uses != 1)
            continue;
        for (int k = 0; k < rest.nvars; k++)
            ok = ok && rest.vars[k]->kind == MS_VAR_PARAM;
        ms_poly one = {.n = 1, .terms = &rest};
        ms_poly_add(&c, &one, 1);
    }
    ms_expr *e = ok ? ms_poly_to_expr(f, &c) : NULL;
    ms_poly_free(&c);
    return e;
}

static bool coef_is(ms_expr *e, int64_t want)
{
    int64_t c;
    return e && ms_expr_const_int(e, &c) && c == want;
}

/* The box an access covers over the tile: from the subscripts at the
 * counters' first values, as far as each coefficient (a non-negative
 * constant) carries it. */
static bool region_of(ms_func *f, ms_buffer *b, int n, ms_expr *const *idx, ms_stmt *const *loops,
                      const int64_t *extents, ms_expr *kc, bool read, bool write, ms_region *r)
{
    ms_var *vars[3];
    ms_expr *zeros[3];
    for (int l = 0; l < 3; l++) {
        vars[l] = loops[l]->loop.var;
        zeros[l] = ms_int(f, 0);
    }
    r->buf = b;
    r->ndim = n;
    r->read = read;
    r->write = write;
    r->min = ms_arena_alloc(f->arena, sizeof(ms_expr *) * (size_t)(n ? n : 1));
    r->extent = ms_arena_alloc(f->arena, sizeof(ms_expr *) * (size_t)(n ? n : 1));
    for (int d = 0; d < n; d++) {
        r->min[d] = ms_simplify(f, ms_expr_subst(f, idx[d], 3, vars, zeros));
        ms_poly p;
        if (!ms_poly_from_expr(idx[d], &p))
            return false;
        ms_expr *ext = ms_int(f, 1);
        for (int l = 0; l < 3; l++) {
            ms_expr *c = coefficient(f, &p, vars[l]);
            int64_t cv;
            if (!c || !ms_expr_const_int(c, &cv) || cv < 0) {
                ms_poly_free(&p);
                return false;
            }
            if (!cv)
                continue;
            ms_expr *span =
                l == K ? ms_binary(f, MS_BIN_SUB, kc, ms_int(f, 1)) : ms_int(f, extents[l] - 1);
            ext = ms_binary(f, MS_BIN_ADD, ext, ms_binary(f, MS_BIN_MUL, ms_int(f, cv), span));
        }
        ms_poly_free(&p);
        r->extent[d] = ms_simplify(f, ext);
    }
    return true;
}

/* A conjunct of the guard, true over the whole tile iff true at one
 * corner: "a < b" or "a <= b" with one side free of the counters and the
 * other non-decreasing in them. That corner's test, or NULL. */
static ms_expr *whole_tile_test(ms_func *f, ms_expr *c, ms_stmt *const *loops)
{
    if (c->kind == MS_EXPR_BINARY && c->bin.op == MS_BIN_LAND) {
        ms_expr *a = whole_tile_test(f, c->bin.a, loops);
        ms_expr *b = a ? whole_tile_test(f, c->bin.b, loops) : NULL;
        return b ? ms_binary(f, MS_BIN_LAND, a, b) : NULL;
    }
    ms_var *vars[3];
    ms_expr *first[3], *last[3];
    bool uses = false;
    for (int l = 0; l < 3; l++) {
        vars[l] = loops[l]->loop.var;
        first[l] = ms_int(f, 0);
        last[l] = ms_simplify(f, ms_binary(f, MS_BIN_SUB, loops[l]->loop.extent, ms_int(f, 1)));
        uses = uses || ms_expr_uses_var(c, vars[l]);
    }
    if (!uses)
        return c;
    if (c->kind != MS_EXPR_BINARY || (c->bin.op != MS_BIN_LT && c->bin.op != MS_BIN_LE))
        return NULL;
    bool in_a = false, in_b = false;
    for (int l = 0; l < 3; l++) {
        in_a = in_a || ms_expr_uses_var(c->bin.a, vars[l]);
        in_b = in_b || ms_expr_uses_var(c->bin.b, vars[l]);
    }
    if (in_a && in_b)
        return NULL;
    ms_poly p;
    if (!ms_poly_from_expr(in_a ? c->bin.a : c->bin.b, &p))
        return NULL;
    bool rising = true;
    for (int l = 0; l < 3 && rising; l++) {
        ms_expr *co = coefficient(f, &p, vars[l]);
        int64_t cv;
        rising = co && ms_expr_const_int(co, &cv) && cv >= 0;
    }
    ms_poly_free(&p);
    if (!rising)
        return NULL;
    /* the largest left side, or the smallest right side */
    return ms_expr_subst(f, c, 3, vars, in_a ? last : first);
}

/* Does store st read v, and write to an element that does not depend on
 * it (a reduction's counter)? */
static bool is_k(const ms_stmt *st, const ms_var *v)
{
    bool in_c = false;
    for (int d = 0; d < st->store.nidx; d++)
        in_c = in_c || ms_expr_uses_var(st->store.idx[d], v);
    return !in_c && ms_expr_uses_var(st->store.value, v);
}

typedef struct index_ctx {
    ms_func *f;
    int n;
    ms_stmt **loops;
} index_ctx;

static ms_expr *simplify_load(void *ctx, ms_expr *load)
{
    index_ctx *c = ctx;
    ms_expr **idx = ms_arena_alloc(c->f->arena, sizeof(ms_expr *) * (size_t)(load->load.nidx + 1));
    for (int d = 0; d < load->load.nidx; d++)
        idx[d] = ms_simplify_index_in(c->f, load->load.idx[d], c->n, c->loops);
    return ms_load(c->f, load->load.buf, load->load.nidx, idx);
}

ms_status ms_sched_tensorize(ms_sched *s, int loop, const char *name)
{
    ms_func *f = s->f;
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!L)
        return prim_fail(s, MS_ERR_INPUT, "tensorize: not a loop");
    const ms_intrin *in = ms_intrin_named(name);
    if (!in)
        return prim_fail(s, MS_ERR_INPUT, "tensorize: no intrinsic named '%s'", name);
    if (f->fp_strict)
        return prim_fail(s, MS_ERR_ILLEGAL,
                         "tensorize: %s fuses multiplies and adds (--fp-model=strict)", name);
    /* the perfect nest from L to its block: three loops, and any number of
     * one iteration (a convolution's other tiles of 1), constants there;
     * the reduction's own loop stays one of the three when its tile is 1 */
    ms_stmt *all[16], *B = NULL;
    int na = 0;
    for (ms_stmt *at = L; at && na < 16; at = prim_only_child_loop(at)) {
        all[na++] = at;
        if (!prim_only_child_loop(at))
            B = bottom_block(at);
    }
    ms_stmt *nest[3];
    ms_var *unit[16];
    ms_expr *unit_at[16];
    int nn = 0, nu = 0, nlong = 0;
    for (int i = 0; i < na; i++)
        nlong += !coef_is(all[i]->loop.extent, 1);
    ms_stmt *realized = B ? ms_block_realize(f, B) : NULL;
    for (int i = 0; i < na && B; i++) {
        bool one = coef_is(all[i]->loop.extent, 1);
        if (one && nlong == 2 && !B->block.init && is_k(realized, all[i]->loop.var))
            one = false, nlong++; /* k, its tile of 1 */
        if (!one && nn < 3)
            nest[nn++] = all[i];
        else if (one)
            unit[nu] = all[i]->loop.var, unit_at[nu++] = all[i]->loop.min;
        else
            nn = 4;
    }
    if (!B || nn != 3)
        return prim_fail(s, MS_ERR_UNSUPPORTED,
                         "tensorize: '%s' is not a nest of three loops around one block",
                         L->loop.var->name);
    if (B->block.init)
        return prim_fail(s, MS_ERR_UNSUPPORTED, "tensorize: block '%s' still has its init",
                         B->block.name);
    for (int l = 0; l < 3; l++)
        if (nest[l]->loop.kind == MS_LOOP_PARALLEL || !coef_is(nest[l]->loop.min, 0))
            return prim_fail(s, MS_ERR_UNSUPPORTED,
                             "tensorize: loop '%s' is parallel or does not start at 0",
                             nest[l]->loop.var->name);

    /* C = C + X * Y, all of the intrinsic's type; packed operands' quotients
     * and remainders by their tiles gone, as flatten takes them */
    ms_stmt *st = ms_stmt_subst(f, realized, nu, unit, unit_at);
    ms_stmt *around[64];
    int naround = prim_enclosing_loops(s, B, around, 64);
    ms_stmt_map_loads(f, st, simplify_load, &(index_ctx){f, naround, around});
    for (int d = 0; d < st->store.nidx; d++)
        st->store.idx[d] = ms_simplify_index_in(f, st->store.idx[d], naround, around);
    ms_expr *prod = ms_store_update_operand(st, MS_BIN_ADD);
    if (!prod || prod->kind != MS_EXPR_BINARY || prod->bin.op != MS_BIN_MUL ||
        prod->bin.a->kind != MS_EXPR_LOAD || prod->bin.b->kind != MS_EXPR_LOAD ||
        st->store.buf->dtype != in->dtype || prod->bin.a->dtype != in->dtype ||
        prod->bin.b->dtype != in->dtype)
        return prim_fail(s, MS_ERR_UNSUPPORTED, "tensorize: block '%s' is not C += A * B in %s",
                         B->block.name, ms_dtype_cname(in->dtype));
    ms_buffer *C = st->store.buf;
    const ms_expr *X = prod->bin.a, *Y = prod->bin.b;
    if (X->load.buf == C || Y->load.buf == C || (C->scope == MS_SCOPE_PARAM && !C->is_restrict))
        return prim_fail(s, MS_ERR_ILLEGAL, "tensorize: '%s' may overlap what it is made of",
                         C->name);

    /* who is i, j, k: C misses k, A misses j, B misses i; j runs along
     * C's and B's rows */
    ms_poly pc, px, py;
    bool indexed = linear_index(C, st->store.nidx, st->store.idx, f, &pc);
    indexed = linear_index(X->load.buf, X->load.nidx, X->load.idx, f, &px) && indexed;
    indexed = linear_index(Y->load.buf, Y->load.nidx, Y->load.idx, f, &py) && indexed;
    ms_stmt *k_loop = NULL, *x_side = NULL, *y_side = NULL;
    for (int l = 0; l < 3 && indexed; l++) {
        const ms_var *lv = nest[l]->loop.var;
        bool in_c = false, in_x = ms_expr_uses_var(X, lv), in_y = ms_expr_uses_var(Y, lv);
        for (int d = 0; d < st->store.nidx; d++)
            in_c = in_c || ms_expr_uses_var(st->store.idx[d], lv);
        ms_stmt **slot = !in_c && in_x && in_y   ? &k_loop
                         : in_c && in_x && !in_y ? &x_side
                         : in_c && in_y && !in_x ? &y_side
                                                 : NULL;
        for (int m = 0; m < 3; m++)
            if (m != l && ms_expr_uses_var(nest[m]->loop.extent, lv))
                slot = NULL; /* a triangular tile */
        if (!slot || *slot)
            break;
        *slot = nest[l];
    }
    const ms_expr *A = X, *Bo = Y;
    ms_poly *pa = &px, *pb = &py;
    ms_stmt *by_role[3] = {x_side, y_side, k_loop};
    if (k_loop && x_side && y_side && coef_is(coefficient(f, &pc, x_side->loop.var), 1)) {
        A = Y, Bo = X, pa = &py, pb = &px; /* C[i][j] += B[k][j] * A[i][k] */
        by_role[I] = y_side, by_role[J] = x_side;
    }
    ms_expr *c_i = NULL, *a_i = NULL, *a_k = NULL, *b_k = NULL;
    bool fits = false;
    if (k_loop && x_side && y_side) {
        c_i = coefficient(f, &pc, by_role[I]->loop.var);
        a_i = coefficient(f, pa, by_role[I]->loop.var);
        a_k = coefficient(f, pa, k_loop->loop.var);
        b_k = coefficient(f, pb, k_loop->loop.var);
        int64_t ci;
        /* rows of C at least a tile's width apart: no element twice */
        fits = c_i && a_i && a_k && b_k && ms_expr_const_int(c_i, &ci) && ci >= in->nr &&
               coef_is(coefficient(f, &pc, by_role[J]->loop.var), 1) &&
               coef_is(coefficient(f, pb, by_role[J]->loop.var), 1) &&
               coef_is(by_role[I]->loop.extent, in->mr) && coef_is(by_role[J]->loop.extent, in->nr);
    }
    ms_poly_free(&pc);
    ms_poly_free(&px);
    ms_poly_free(&py);
    if (!fits)
        return prim_fail(s, MS_ERR_UNSUPPORTED,
                         "tensorize: the nest of '%s' is not a %dx%d outer product with "
                         "adjacent columns",
                         L->loop.var->name, in->mr, in->nr);

    ms_expr *kc = k_loop->loop.extent;
    int64_t extents[3] = {in->mr, in->nr, 0};
    ms_region regions[3];
    if (!region_of(f, C, st->store.nidx, st->store.idx, by_role, extents, kc, true, true,
                   &regions[0]) ||
        !region_of(f, A->load.buf, A->load.nidx, A->load.idx, by_role, extents, kc, true, false,
                   &regions[1]) ||
        !region_of(f, Bo->load.buf, Bo->load.nidx, Bo->load.idx, by_role, extents, kc, true, false,
                   &regions[2]))
        return prim_fail(s, MS_ERR_UNSUPPORTED,
                         "tensorize: a subscript of block '%s' falls as a counter rises",
                         B->block.name);
    ms_expr *args[5] = {kc, c_i, a_i, a_k, b_k};
    ms_stmt *result = ms_call_stmt(f, in->name, 3, regions, 5, args);
    if (B->block.predicate) {
        ms_expr *pred = ms_expr_subst(f, B->block.predicate, nu, unit, unit_at);
        ms_expr *test = whole_tile_test(f, pred, nest);
        if (!test)
            return prim_fail(s, MS_ERR_UNSUPPORTED,
                             "tensorize: the guard of block '%s' is not decided by a corner",
                             B->block.name);
        /* the loops as they were run the tiles the guard cuts */
        result = ms_if(f, test, result, L);
    }
    *prim_slot(s, L) = result;
    for (ms_stmt *at = L; at; at = prim_only_child_loop(at))
        prim_consume(s, at);
    prim_consume(s, B);
    return MS_OK;
}
