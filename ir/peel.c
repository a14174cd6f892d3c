/*
 * peel.c - full tiles without per-element checks. A split of a loop whose
 * extent E is not a multiple of its factor F leaves an outer loop over
 * ceil(E/F) tiles and a guard "v * F + r < E" on every element. Here the
 * outer loop becomes two: the full tiles [0, E/F), where the guard is true
 * and is dropped, and the last, partial tile, which keeps it.
 */
#include "ir/ir.h"

#include <stdlib.h>

typedef struct tile {
    ms_var *v;      /* the outer loop's counter */
    int64_t factor; /* F */
    ms_poly extent; /* E */
} tile;

/* extent == (E + F - 1) / F, as split writes it */
static bool tile_of(const ms_stmt *loop, tile *t)
{
    const ms_expr *x = loop->loop.extent;
    if (x->kind != MS_EXPR_BINARY || x->bin.op != MS_BIN_DIV || x->bin.b->kind != MS_EXPR_INT ||
        x->bin.b->i.value < 2)
        return false;
    ms_poly p;
    if (!ms_poly_from_expr(x->bin.a, &p))
        return false;
    int64_t f = x->bin.b->i.value;
    ms_term c = {-(f - 1), 0, {0}};
    ms_poly adj = {.n = 1, .terms = &c};
    ms_poly_add(&p, &adj, 1);
    *t = (tile){loop->loop.var, f, p};
    return true;
}

typedef struct peeler {
    ms_func *f;
    MS_VEC(ms_stmt *) loops; /* loops between the tile loop and here */
} peeler;

/* cond is "v * F + r < E" with 0 <= r < F over the loops below the tile. */
static bool is_tile_guard(peeler *p, const tile *t, const ms_expr *cond)
{
    if (cond->kind != MS_EXPR_BINARY || cond->bin.op != MS_BIN_LT)
        return false;
    ms_poly e, x, c, r;
    if (!ms_poly_from_expr(cond->bin.b, &e))
        return false;
    bool same = ms_poly_equal(&e, &t->extent);
    ms_poly_free(&e);
    if (!same || !ms_poly_from_expr(cond->bin.a, &x))
        return false;
    /* x = F * v + r */
    bool ok = false;
    ms_poly vp = {0};
    ms_term vt = {t->factor, 1, {t->v}};
    ms_poly one = {.n = 1, .terms = &vt};
    ms_poly_add(&vp, &one, 1);
    c = (ms_poly){0};
    ms_poly_add(&c, &x, 1);
    ms_poly_add(&c, &vp, -1);
    r = c;
    bool uses_v = false;
    for (int i = 0; i < r.n; i++)
        for (int k = 0; k < r.terms[i].nvars; k++)
            uses_v = uses_v || r.terms[i].vars[k] == t->v;
    if (!uses_v) {
        ms_poly lo, hi;
        ms_expr *re = ms_poly_to_expr(p->f, &r);
        if (ms_expr_range(p->f, re, p->loops.len, p->loops.data, &lo, &hi)) {
            int64_t l, h;
            ok = ms_poly_is_const(&lo, &l) && ms_poly_is_const(&hi, &h) && l >= 0 && h < t->factor;
            ms_poly_free(&lo);
            ms_poly_free(&hi);
        }
    }
    ms_poly_free(&x);
    ms_poly_free(&vp);
    ms_poly_free(&r);
    return ok;
}

/* A predicate without the conjuncts that are guards of tile t; NULL: none left. */
static ms_expr *drop_guards(peeler *p, const tile *t, ms_expr *c)
{
    if (c->kind == MS_EXPR_BINARY && c->bin.op == MS_BIN_LAND) {
        ms_expr *a = drop_guards(p, t, c->bin.a), *b = drop_guards(p, t, c->bin.b);
        if (a == c->bin.a && b == c->bin.b)
            return c;
        return !a ? b : !b ? a : ms_binary(p->f, MS_BIN_LAND, a, b);
    }
    return is_tile_guard(p, t, c) ? NULL : c;
}

/* A copy of s without the guards of tile t (or all of s when t is NULL). */
static ms_stmt *copy_without(peeler *p, const tile *t, const ms_stmt *s)
{
    ms_func *f = p->f;
    ms_stmt *r;
    switch (s->kind) {
    case MS_STMT_SEQ: {
        ms_stmt **items = ms_xmalloc(sizeof(ms_stmt *) * (size_t)(s->seq.n ? s->seq.n : 1));
        for (int i = 0; i < s->seq.n; i++)
            items[i] = copy_without(p, t, s->seq.items[i]);
        r = ms_seq(f, s->seq.n, items);
        free(items);
        return r;
    }
    case MS_STMT_FOR:
        r = ms_for(f, s->loop.var, s->loop.min, s->loop.extent, NULL);
        *r = *s;
        MS_VEC_PUSH(p->loops, r);
        r->loop.body = copy_without(p, t, s->loop.body);
        p->loops.len--;
        return r;
    case MS_STMT_IF:
        if (t && !s->if_.else_s && is_tile_guard(p, t, s->if_.cond))
            return copy_without(p, t, s->if_.then_s);
        r = ms_if(f, s->if_.cond, copy_without(p, t, s->if_.then_s),
                  s->if_.else_s ? copy_without(p, t, s->if_.else_s) : NULL);
        r->loc = s->loc;
        return r;
    case MS_STMT_BLOCK:
        if (t && s->block.predicate) {
            ms_expr *pred = drop_guards(p, t, s->block.predicate);
            if (pred != s->block.predicate) {
                r = ms_arena_alloc(f->arena, sizeof *r);
                *r = *s;
                r->block.predicate = pred;
                return r;
            }
        }
        return (ms_stmt *)s; /* unchanged blocks are shared */
    default:                 /* statements without guards inside are shared */
        return (ms_stmt *)s;
    }
}

static ms_stmt *peel(peeler *p, ms_stmt *s)
{
    ms_func *f = p->f;
    if (s->kind != MS_STMT_FOR) {
        ms_stmt **child;
        for (int i = 0; (child = ms_stmt_child(s, i)); i++)
            *child = peel(p, *child);
        return s;
    }
    tile t;
    int outer = p->loops.len;
    if (!tile_of(s, &t)) {
        MS_VEC_PUSH(p->loops, s);
        s->loop.body = peel(p, s->loop.body);
        p->loops.len--;
        return s;
    }
    /* full tiles: [0, E / F) without the guards */
    ms_expr *e = ms_poly_to_expr(f, &t.extent);
    ms_expr *full_n = ms_binary(f, MS_BIN_DIV, e, ms_int(f, t.factor));
    p->loops.len = 0; /* guard ranges are over the loops below the tile loop */
    ms_stmt *full_body = copy_without(p, &t, s->loop.body);
    ms_stmt *full = ms_for(f, s->loop.var, s->loop.min, full_n, NULL);
    *full = *s;
    full->loop.extent = full_n;
    p->loops.len = outer;
    MS_VEC_PUSH(p->loops, full);
    full->loop.body = peel(p, full_body);
    p->loops.len = outer;
    /* the partial tile: at most one iteration, keeps its guards */
    ms_stmt *rest = s;
    rest->loop.min = ms_simplify(f, ms_binary(f, MS_BIN_ADD, s->loop.min, full_n));
    rest->loop.extent = ms_binary(f, MS_BIN_SUB, s->loop.extent, full_n);
    if (rest->loop.kind == MS_LOOP_PARALLEL && !rest->loop.parallel_simd)
        rest->loop.kind = MS_LOOP_SERIAL; /* one iteration: no thread team */
    MS_VEC_PUSH(p->loops, rest);
    rest->loop.body = peel(p, copy_without(p, NULL, s->loop.body));
    p->loops.len = outer;
    ms_poly_free(&t.extent);
    ms_stmt *both[2] = {full, rest};
    return ms_seq(f, 2, both);
}

ms_func *ms_func_peel_tiles(const ms_func *f)
{
    ms_func *c = ms_func_clone(f);
    peeler p = {c, {0}};
    c->body = peel(&p, c->body);
    free(p.loops.data);
    return c;
}
