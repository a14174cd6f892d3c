/*
 * analysis.c - symbolic bounds of integer expressions over loop nests, the
 * loop dependence analysis behind the default schedule (which loops may run
 * in parallel or as SIMD, which carry only scalar reductions), and the
 * extent of the data a kernel touches in each buffer.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

/* ---- signs and bounds ---- */

/* +1: known >= 0, -1: known <= 0, 0: unknown. Size parameters are taken to
 * be non-negative (they count elements). */
static int poly_sign(const ms_poly *p)
{
    bool nonneg = true, nonpos = true;
    for (int i = 0; i < p->n; i++) {
        const ms_term *t = &p->terms[i];
        for (int k = 0; k < t->nvars; k++)
            if (t->vars[k]->kind != MS_VAR_PARAM)
                return 0; /* counters and opaque symbols may be negative */
        nonneg = nonneg && t->coef > 0;
        nonpos = nonpos && t->coef < 0;
    }
    return nonneg ? 1 : nonpos ? -1 : 0;
}

/* Splits p = c * v + rest, with neither c nor rest using v. */
static bool split_on(const ms_poly *p, const ms_var *v, ms_poly *c, ms_poly *rest)
{
    *c = (ms_poly){0};
    *rest = (ms_poly){0};
    for (int i = 0; i < p->n; i++) {
        ms_term t = p->terms[i];
        int uses = 0, at = -1;
        for (int k = 0; k < t.nvars; k++)
            if (t.vars[k] == v) {
                uses++;
                at = k;
            }
        if (uses > 1) {
            ms_poly_free(c);
            ms_poly_free(rest);
            return false;
        }
        ms_poly one = {.n = 1, .terms = &t};
        if (uses == 0) {
            ms_poly_add(rest, &one, 1);
        } else {
            memmove(&t.vars[at], &t.vars[at + 1], sizeof(ms_var *) * (size_t)(t.nvars - at - 1));
            t.nvars--;
            ms_poly_add(c, &one, 1);
        }
    }
    return true;
}

/* Replaces v in p by the polynomial q (p affine in v). */
static bool replace_var(const ms_poly *p, const ms_var *v, const ms_poly *q, ms_poly *out)
{
    ms_poly c, rest, cq;
    if (!split_on(p, v, &c, &rest))
        return false;
    bool ok = ms_poly_mul(&c, q, &cq);
    if (ok) {
        ms_poly_add(&rest, &cq, 1);
        ms_poly_free(&cq);
    }
    ms_poly_free(&c);
    *out = rest;
    if (!ok)
        ms_poly_free(out);
    return ok;
}

/* The same when v's coefficient has terms of both signs over size
 * parameters ((1 - N) * v, from (N - 1 - i) * N + i): each term takes the
 * end of v that bounds it, as interval arithmetic does (parameters are not
 * negative, as poly_sign assumes). */
static bool eliminate_by_terms(ms_poly *p, const ms_var *v, const ms_poly *vlo, const ms_poly *vhi,
                               bool want_hi)
{
    ms_poly up = {0}, down = {0}, rest = {0}; /* v's terms that grow with v, that shrink */
    bool ok = true;
    for (int i = 0; i < p->n && ok; i++) {
        ms_term t = p->terms[i];
        bool uses = false;
        for (int k = 0; k < t.nvars; k++) {
            uses = uses || t.vars[k] == v;
            ok = ok && (t.vars[k] == v || t.vars[k]->kind == MS_VAR_PARAM);
        }
        ms_poly one = {.n = 1, .terms = &t};
        ms_poly_add(!uses ? &rest : t.coef > 0 ? &up : &down, &one, 1);
    }
    ms_poly ru = {0}, rd = {0};
    ok = ok && replace_var(&up, v, want_hi ? vhi : vlo, &ru);
    ok = ok && replace_var(&down, v, want_hi ? vlo : vhi, &rd);
    if (ok) {
        ms_poly_add(&rest, &ru, 1);
        ms_poly_add(&rest, &rd, 1);
        ms_poly_free(p);
        *p = rest;
    } else {
        ms_poly_free(&rest);
    }
    ms_poly_free(&ru);
    ms_poly_free(&rd);
    ms_poly_free(&up);
    ms_poly_free(&down);
    return ok;
}

/* One bound of p (upper if want_hi) after eliminating v in [lo, hi]. */
static bool eliminate(ms_poly *p, const ms_var *v, const ms_poly *vlo, const ms_poly *vhi,
                      bool want_hi, bool loose)
{
    ms_poly c, rest;
    if (!split_on(p, v, &c, &rest))
        return false;
    int sign = c.n == 0 ? 1 : poly_sign(&c);
    ms_poly_free(&c);
    ms_poly_free(&rest);
    if (sign == 0)
        return loose && eliminate_by_terms(p, v, vlo, vhi, want_hi);
    const ms_poly *pick = (sign > 0) == want_hi ? vhi : vlo;
    ms_poly r;
    if (!replace_var(p, v, pick, &r))
        return false;
    ms_poly_free(p);
    *p = r;
    return true;
}

static bool bound_of(const ms_expr *e, bool want_hi, ms_poly *out);

/* Of two bounds, the looser one when they differ by a constant. Takes both. */
static bool looser(ms_poly a, ms_poly b, bool want_hi, ms_poly *out)
{
    int64_t gap;
    if (ms_poly_const_gap(&a, &b, &gap)) {
        bool a_wins = want_hi ? gap >= 0 : gap <= 0;
        *out = a_wins ? a : b;
        ms_poly_free(a_wins ? &b : &a);
        return true;
    }
    ms_poly_free(&a);
    ms_poly_free(&b);
    return false;
}

/* Terms of e's polynomial that use a loop or block variable (many when e
 * is not a polynomial). */
static int counter_terms(const ms_expr *e)
{
    ms_poly p;
    if (!ms_poly_from_expr(e, &p))
        return 1 << 20;
    int n = 0;
    for (int i = 0; i < p.n; i++) {
        bool counter = false;
        for (int k = 0; k < p.terms[i].nvars; k++)
            counter = counter || p.terms[i].vars[k]->kind != MS_VAR_PARAM;
        n += counter;
    }
    ms_poly_free(&p);
    return n;
}

/* A bound of c ? a : b. Written as min(a, b) (a < b ? a : b), it is at most
 * either branch; as max, at least either; otherwise, or the other way, the
 * looser of the branches' bounds. */
static bool select_bound(const ms_expr *e, bool want_hi, ms_poly *out)
{
    const ms_expr *c = e->sel.cond, *a = e->sel.a, *b = e->sel.b;
    int shape = 0; /* -1: min(a, b), +1: max(a, b) */
    if (c->kind == MS_EXPR_BINARY && c->bin.op >= MS_BIN_LT && c->bin.op <= MS_BIN_GE) {
        bool less = c->bin.op == MS_BIN_LT || c->bin.op == MS_BIN_LE;
        if (ms_expr_equal(c->bin.a, a) && ms_expr_equal(c->bin.b, b))
            shape = less ? -1 : 1;
        else if (ms_expr_equal(c->bin.a, b) && ms_expr_equal(c->bin.b, a))
            shape = less ? 1 : -1;
    }
    if ((shape < 0 && want_hi) || (shape > 0 && !want_hi)) {
        /* either branch bounds it: the one with fewer counters is usually tighter */
        if (counter_terms(b) < counter_terms(a)) {
            const ms_expr *t = a;
            a = b;
            b = t;
        }
        return bound_of(a, want_hi, out) || bound_of(b, want_hi, out);
    }
    ms_poly pa, pb;
    if (!bound_of(a, want_hi, &pa))
        return false;
    if (!bound_of(b, want_hi, &pb)) {
        ms_poly_free(&pa);
        return false;
    }
    return looser(pa, pb, want_hi, out);
}

/* A polynomial bound of integer expression e (upper if want_hi), seeing
 * through the min and max that loop bounds write with ?:. */
static bool bound_of(const ms_expr *e, bool want_hi, ms_poly *out)
{
    if (ms_poly_from_expr(e, out))
        return true;
    *out = (ms_poly){0};
    if (ms_dtype_is_float(e->dtype))
        return false;
    if (e->kind == MS_EXPR_SELECT)
        return select_bound(e, want_hi, out);
    if (e->kind == MS_EXPR_CAST)
        return bound_of(e->cast.a, want_hi, out);
    if (e->kind != MS_EXPR_BINARY)
        return false;
    const ms_expr *x = e->bin.a, *y = e->bin.b;
    ms_poly px, py;
    if (e->bin.op == MS_BIN_ADD || e->bin.op == MS_BIN_SUB) {
        bool sub = e->bin.op == MS_BIN_SUB;
        if (!bound_of(x, want_hi, &px))
            return false;
        if (!bound_of(y, sub ? !want_hi : want_hi, &py)) {
            ms_poly_free(&px);
            return false;
        }
        ms_poly_add(&px, &py, sub ? -1 : 1);
        ms_poly_free(&py);
        *out = px;
        return true;
    }
    if (e->bin.op == MS_BIN_MUL) {
        const ms_expr *k = x->kind == MS_EXPR_INT ? x : y->kind == MS_EXPR_INT ? y : NULL;
        const ms_expr *v = k == x ? y : x;
        if (!k || !bound_of(v, k->i.value >= 0 ? want_hi : !want_hi, &px))
            return false;
        ms_term t = {k->i.value, 0, {0}};
        ms_poly kp = {.n = 1, .terms = &t};
        bool ok = ms_poly_mul(&px, &kp, out);
        ms_poly_free(&px);
        return ok;
    }
    return false;
}

/* An upper bound of a loop's last value, min + extent - 1. An extent the
 * frontend wrote as HI - min (+ c) gives HI + c - 1 directly: bounding min
 * and the extent apart would lose min where it is a max() (j from
 * max(i - B, 0) to i). */
static bool loop_top(const ms_stmt *L, bool loose, ms_poly *top)
{
    const ms_expr *x = L->loop.extent;
    int64_t c = 0;
    if (x->kind == MS_EXPR_BINARY && x->bin.op == MS_BIN_ADD && x->bin.b->kind == MS_EXPR_INT) {
        c = x->bin.b->i.value;
        x = x->bin.a;
    }
    ms_term t = {c - 1, 0, {0}};
    ms_poly shift = {.n = c - 1 != 0, .terms = &t};
    if (x->kind == MS_EXPR_BINARY && x->bin.op == MS_BIN_SUB &&
        ms_expr_equal(x->bin.b, L->loop.min) && bound_of(x->bin.a, true, top)) {
        ms_poly_add(top, &shift, 1);
        return true;
    }
    ms_poly m, e;
    if (!bound_of(L->loop.min, true, &m))
        return false;
    /* a strided loop's count a / d + c (d > 0, c <= 0): when the loop runs
     * at all, a / d >= 1, so a >= d > 0 and a / d <= a */
    if (loose && c <= 0 && x->kind == MS_EXPR_BINARY && x->bin.op == MS_BIN_DIV &&
        x->bin.b->kind == MS_EXPR_INT && x->bin.b->i.value > 0) {
        if (!bound_of(x->bin.a, true, &e)) {
            ms_poly_free(&m);
            return false;
        }
        ms_poly_add(&m, &e, 1);
        ms_poly_free(&e);
        ms_poly_add(&m, &shift, 1);
        *top = m;
        return true;
    }
    if (!bound_of(L->loop.extent, true, &e)) {
        ms_poly_free(&m);
        return false;
    }
    ms_poly_add(&m, &e, 1);
    ms_poly_free(&e);
    t.coef = -1;
    shift.n = 1;
    ms_poly_add(&m, &shift, 1);
    *top = m;
    return true;
}

/* ms_expr_range, or with loose a bound that may be wider still (where
 * the exact one cannot be had), for what only needs room */
static bool range_of(const ms_expr *e, int nloops, ms_stmt *const *loops, bool loose, ms_poly *lo,
                     ms_poly *hi)
{
    ms_poly p;
    *lo = *hi = (ms_poly){0};
    if (!ms_poly_from_expr(e, &p))
        return false;
    *lo = p;
    *hi = (ms_poly){0};
    ms_poly_add(hi, &p, 1);
    for (int i = nloops - 1; i >= 0; i--) {
        const ms_stmt *L = loops[i];
        /* loops the bound does not mention need no analysable extent */
        bool used = false;
        for (int t = 0; t < lo->n && !used; t++)
            for (int k = 0; k < lo->terms[t].nvars; k++)
                used = used || lo->terms[t].vars[k] == L->loop.var;
        for (int t = 0; t < hi->n && !used; t++)
            for (int k = 0; k < hi->terms[t].nvars; k++)
                used = used || hi->terms[t].vars[k] == L->loop.var;
        if (!used)
            continue;
        /* v in [min, min + extent - 1]; a min() or max() in them is bounded */
        ms_poly vlo, vhi;
        if (!bound_of(L->loop.min, false, &vlo))
            goto fail;
        if (!loop_top(L, loose, &vhi)) {
            ms_poly_free(&vlo);
            goto fail;
        }
        bool ok = eliminate(lo, L->loop.var, &vlo, &vhi, false, loose) &&
                  eliminate(hi, L->loop.var, &vlo, &vhi, true, loose);
        ms_poly_free(&vlo);
        ms_poly_free(&vhi);
        if (!ok)
            goto fail;
    }
    return true;
fail:
    ms_poly_free(lo);
    ms_poly_free(hi);
    return false;
}

bool ms_expr_range(ms_func *f, const ms_expr *e, int nloops, ms_stmt *const *loops, ms_poly *lo,
                   ms_poly *hi)
{
    (void)f;
    return range_of(e, nloops, loops, false, lo, hi);
}

/* ---- constant ranges: interval arithmetic through / and % ---- */

typedef struct interval {
    int64_t lo, hi;
} interval;

static bool const_range(const ms_expr *e, int nloops, ms_stmt *const *loops, interval *out);

/* The range of a loop's counter, from the ranges of its min and extent. */
static bool counter_range(int i, ms_stmt *const *loops, interval *out)
{
    interval m, x;
    if (!const_range(loops[i]->loop.min, i, loops, &m) ||
        !const_range(loops[i]->loop.extent, i, loops, &x) || x.hi < 1)
        return false;
    out->lo = m.lo;
    return !__builtin_add_overflow(m.hi, x.hi - 1, &out->hi);
}

static bool const_range(const ms_expr *e, int nloops, ms_stmt *const *loops, interval *out)
{
    if (ms_dtype_is_float(e->dtype))
        return false;
    switch (e->kind) {
    case MS_EXPR_INT:
        *out = (interval){e->i.value, e->i.value};
        return true;
    case MS_EXPR_VAR:
        for (int i = nloops - 1; i >= 0; i--)
            if (loops[i]->loop.var == e->var)
                return counter_range(i, loops, out);
        return false;
    case MS_EXPR_SELECT: {
        interval a, b;
        if (!const_range(e->sel.a, nloops, loops, &a) || !const_range(e->sel.b, nloops, loops, &b))
            return false;
        *out = (interval){a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi};
        return true;
    }
    case MS_EXPR_BINARY:
        break;
    case MS_EXPR_FLOAT:
    case MS_EXPR_UNARY:
    case MS_EXPR_CAST:
    case MS_EXPR_CALL:
    case MS_EXPR_LOAD:
        return false;
    }
    interval a, b;
    if (!const_range(e->bin.a, nloops, loops, &a) || !const_range(e->bin.b, nloops, loops, &b))
        return false;
    switch (e->bin.op) {
    case MS_BIN_ADD:
        return !__builtin_add_overflow(a.lo, b.lo, &out->lo) &&
               !__builtin_add_overflow(a.hi, b.hi, &out->hi);
    case MS_BIN_SUB:
        return !__builtin_sub_overflow(a.lo, b.hi, &out->lo) &&
               !__builtin_sub_overflow(a.hi, b.lo, &out->hi);
    case MS_BIN_MUL: {
        int64_t p[4];
        if (__builtin_mul_overflow(a.lo, b.lo, &p[0]) ||
            __builtin_mul_overflow(a.lo, b.hi, &p[1]) ||
            __builtin_mul_overflow(a.hi, b.lo, &p[2]) || __builtin_mul_overflow(a.hi, b.hi, &p[3]))
            return false;
        *out = (interval){p[0], p[0]};
        for (int k = 1; k < 4; k++) {
            out->lo = p[k] < out->lo ? p[k] : out->lo;
            out->hi = p[k] > out->hi ? p[k] : out->hi;
        }
        return true;
    }
    case MS_BIN_DIV: /* C's truncation is monotonic for a positive divisor */
        if (b.lo != b.hi || b.lo <= 0)
            return false;
        *out = (interval){a.lo / b.lo, a.hi / b.lo};
        return true;
    case MS_BIN_MOD: {
        if (b.lo != b.hi || b.lo <= 0)
            return false;
        int64_t c = b.lo;
        if (a.lo >= 0 && a.hi - a.lo < c && a.lo % c <= a.hi % c)
            *out = (interval){a.lo % c, a.hi % c};
        else /* the sign of the dividend */
            *out = (interval){a.lo >= 0 ? 0 : -(c - 1), a.hi <= 0 ? 0 : c - 1};
        return true;
    }
    case MS_BIN_SHL:
    case MS_BIN_SHR:
    case MS_BIN_LT:
    case MS_BIN_LE:
    case MS_BIN_GT:
    case MS_BIN_GE:
    case MS_BIN_EQ:
    case MS_BIN_NE:
    case MS_BIN_BITAND:
    case MS_BIN_BITXOR:
    case MS_BIN_BITOR:
    case MS_BIN_LAND:
    case MS_BIN_LOR:
        return false;
    }
    ms_unreachable();
}

bool ms_expr_const_range(const ms_expr *e, int nloops, ms_stmt *const *loops, int64_t *lo,
                         int64_t *hi)
{
    interval r;
    if (!const_range(e, nloops, loops, &r))
        return false;
    *lo = r.lo;
    *hi = r.hi;
    return true;
}

/* ---- access collection ---- */

typedef struct access {
    ms_buffer *buf;
    int nidx;
    ms_expr **idx; /* in loop variables (block bindings substituted) */
    bool write;
    /* a call's region: idx is its last element, and the dependence test
     * takes it to touch anything */
    bool box;
    const ms_stmt *store; /* the store for writes and for reads inside a store */
    int depth;            /* number of enclosing loops */
    ms_stmt **loops;      /* enclosing loops, outermost first (malloc'd) */
} access;

typedef struct alloc_site {
    ms_buffer *buf;
    int depth;
    ms_stmt **loops;
} alloc_site;

typedef struct collector {
    ms_func *f;
    ms_func *scratch; /* opaque symbols of the dependence test */
    MS_VEC(access) acc;
    MS_VEC(alloc_site) allocs;
    MS_VEC(ms_stmt *) all_loops;
    MS_VEC(int) loop_depth;
} collector;

static ms_stmt **loops_copy(int depth, ms_stmt *const *loops)
{
    ms_stmt **l = ms_xmalloc(sizeof(ms_stmt *) * (size_t)(depth ? depth : 1));
    if (depth)
        memcpy(l, loops, sizeof(ms_stmt *) * (size_t)depth);
    return l;
}

static void on_access(void *ctx, const ms_access_site *s)
{
    collector *c = ctx;
    int n = *s->nidx;
    ms_expr **idx = ms_arena_alloc(c->f->arena, sizeof(ms_expr *) * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++) {
        idx[i] = ms_site_realize(c->f, s, (*s->idx)[i]);
        if (s->extent)
            idx[i] = ms_binary(c->f, MS_BIN_SUB, ms_binary(c->f, MS_BIN_ADD, idx[i], s->extent[i]),
                               ms_int(c->f, 1));
    }
    access a = {s->buf,
                n,
                idx,
                s->write,
                s->extent != NULL,
                s->store,
                s->depth,
                loops_copy(s->depth, s->loops)};
    MS_VEC_PUSH(c->acc, a);
}

static void on_alloc(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops)
{
    collector *c = ctx;
    alloc_site a = {b, depth, loops_copy(depth, loops)};
    MS_VEC_PUSH(c->allocs, a);
}

static void on_loop(void *ctx, ms_stmt *loop, int depth)
{
    collector *c = ctx;
    MS_VEC_PUSH(c->all_loops, loop);
    MS_VEC_PUSH(c->loop_depth, depth);
}

static const ms_walk_fns collect_fns = {on_access, on_alloc, on_loop};

static void collect(collector *c, ms_stmt *body)
{
    ms_walk(body, &collect_fns, c);
}

static void collector_free(collector *c)
{
    for (int i = 0; i < c->acc.len; i++)
        free(c->acc.data[i].loops);
    for (int i = 0; i < c->allocs.len; i++)
        free(c->allocs.data[i].loops);
    free(c->acc.data);
    free(c->allocs.data);
    free(c->all_loops.data);
    free(c->loop_depth.data);
}

static bool inside(const access *a, int depth, const ms_stmt *L)
{
    return a->depth > depth && a->loops[depth] == L;
}

static bool private_to(const collector *c, const ms_buffer *b, int depth, const ms_stmt *L)
{
    for (int i = 0; i < c->allocs.len; i++) {
        const alloc_site *s = &c->allocs.data[i];
        if (s->buf == b)
            return s->depth > depth && s->loops[depth] == L;
    }
    return false;
}

/* ---- dependence test ---- */

/* Splits an index polynomial of an access inside loop L (stack position
 * depth) into c * v + outer + inner, where inner uses the loops inside L. */
typedef struct index_parts {
    ms_poly c, outer, inner;
} index_parts;

static void parts_free(index_parts *p)
{
    ms_poly_free(&p->c);
    ms_poly_free(&p->outer);
    ms_poly_free(&p->inner);
}

static bool uses_inner(const ms_term *t, const access *a, int depth)
{
    for (int k = 0; k < t->nvars; k++)
        for (int l = depth + 1; l < a->depth; l++)
            if (t->vars[k] == a->loops[l]->loop.var)
                return true;
    return false;
}

/* Subexpressions beyond polynomials (the div and mod of fused or split
 * counters) that do not change inside loop L stand for opaque symbols,
 * equal ones for the same symbol: to L they are constants. */
typedef struct opaque {
    ms_func *scratch; /* owns the symbols */
    MS_VEC(ms_expr *) exprs;
    MS_VEC(ms_var *) syms;
} opaque;

static bool varies_in(const ms_expr *e, const access *a, int depth)
{
    for (int l = depth; l < a->depth; l++)
        if (ms_expr_uses_var(e, a->loops[l]->loop.var))
            return true;
    return false;
}

static ms_expr *abstract(opaque *o, ms_expr *e, const access *a, int depth)
{
    ms_poly p;
    if (ms_poly_from_expr(e, &p)) {
        ms_poly_free(&p);
        return e;
    }
    if (e->kind == MS_EXPR_BINARY &&
        (e->bin.op == MS_BIN_ADD || e->bin.op == MS_BIN_SUB || e->bin.op == MS_BIN_MUL)) {
        ms_expr *x = abstract(o, e->bin.a, a, depth), *y = abstract(o, e->bin.b, a, depth);
        if (!x || !y)
            return NULL;
        ms_expr *r = ms_binary(o->scratch, e->bin.op, x, y);
        r->dtype = e->dtype;
        return r;
    }
    if (varies_in(e, a, depth) || ms_dtype_is_float(e->dtype))
        return NULL;
    for (int i = 0; i < o->exprs.len; i++)
        if (ms_expr_equal(o->exprs.data[i], e))
            return ms_var_ref(o->scratch, o->syms.data[i]);
    ms_var *v = ms_var_new(o->scratch, "$opaque", "long", MS_DT_I64, MS_VAR_OPAQUE);
    MS_VEC_PUSH(o->exprs, e);
    MS_VEC_PUSH(o->syms, v);
    return ms_var_ref(o->scratch, v);
}

static bool index_split(opaque *o, ms_expr *e, const access *a, int depth, index_parts *out)
{
    ms_poly p, rest;
    *out = (index_parts){0};
    e = abstract(o, e, a, depth);
    if (!e || !ms_poly_from_expr(e, &p))
        return false;
    bool ok = split_on(&p, a->loops[depth]->loop.var, &out->c, &rest);
    ms_poly_free(&p);
    if (!ok)
        return false;
    for (int i = 0; i < rest.n; i++) {
        ms_poly one = {.n = 1, .terms = &rest.terms[i]};
        ms_poly_add(uses_inner(&rest.terms[i], a, depth) ? &out->inner : &out->outer, &one, 1);
    }
    ms_poly_free(&rest);
    for (int i = 0; i < out->c.n; i++)
        if (uses_inner(&out->c.terms[i], a, depth)) {
            parts_free(out);
            return false;
        }
    return true;
}

/* 0 <= inner <= c - 1 over the loops inside L. */
static bool inner_fits(collector *col, const index_parts *p, const access *a, int depth)
{
    if (p->inner.n == 0)
        return true;
    ms_expr *e = ms_poly_to_expr(col->f, &p->inner);
    ms_poly lo, hi;
    if (!ms_expr_range(col->f, e, a->depth - depth - 1, a->loops + depth + 1, &lo, &hi))
        return false;
    ms_poly gap = {0};
    ms_poly_add(&gap, &p->c, 1);
    ms_poly_add(&gap, &hi, -1);
    ms_term m1 = {-1, 0, {0}};
    ms_poly minus1 = {.n = 1, .terms = &m1};
    ms_poly_add(&gap, &minus1, 1);
    bool ok = (lo.n == 0 || poly_sign(&lo) > 0) && (gap.n == 0 || poly_sign(&gap) > 0);
    ms_poly_free(&lo);
    ms_poly_free(&hi);
    ms_poly_free(&gap);
    return ok;
}

/* -idx: the same elements meet, and a loop that walks an array downwards
 * (x[n - 1 - t], a normalised downward loop) walks this one upwards. */
static void negate_parts(index_parts *p)
{
    ms_poly *polys[3] = {&p->c, &p->outer, &p->inner};
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < polys[k]->n; i++)
            polys[k]->terms[i].coef = -polys[k]->terms[i].coef;
}

/* Different iterations of L make w and a touch different elements. */
static bool separated(collector *col, const access *w, const access *a, int depth)
{
    opaque o = {col->scratch, {0}, {0}};
    bool found = false;
    for (int d = 0; d < w->nidx && d < a->nidx && !found; d++) {
        index_parts pw, pa;
        if (!index_split(&o, w->idx[d], w, depth, &pw))
            continue;
        if (!index_split(&o, a->idx[d], a, depth, &pa)) {
            parts_free(&pw);
            continue;
        }
        if (pw.c.n > 0 && poly_sign(&pw.c) < 0) {
            negate_parts(&pw);
            negate_parts(&pa);
        }
        bool ok = pw.c.n > 0 && poly_sign(&pw.c) > 0 && ms_poly_equal(&pw.c, &pa.c) &&
                  ms_poly_equal(&pw.outer, &pa.outer) && inner_fits(col, &pw, w, depth) &&
                  inner_fits(col, &pa, a, depth);
        parts_free(&pw);
        parts_free(&pa);
        found = ok;
    }
    free(o.exprs.data);
    free(o.syms.data);
    return found;
}

/* The value of a scalar reduction store X = X op e; op or -1. */
static int reduction_op(const ms_stmt *st, const ms_buffer *x, const ms_expr **operand)
{
    const ms_expr *v = st->store.value;
    const ms_expr *a = NULL, *b = NULL;
    int op = -1;
    if (v->kind == MS_EXPR_BINARY && (v->bin.op == MS_BIN_ADD || v->bin.op == MS_BIN_MUL)) {
        a = v->bin.a;
        b = v->bin.b;
        op = v->bin.op == MS_BIN_ADD ? MS_RED_ADD : MS_RED_MUL;
    } else if (v->kind == MS_EXPR_CALL && v->call.nargs == 2 && ms_dtype_is_float(v->dtype)) {
        const char *n = ms_vmath_libm_name(v->call.name);
        if (!strcmp(n, "fmaxf") || !strcmp(n, "fmax"))
            op = MS_RED_MAX;
        else if (!strcmp(n, "fminf") || !strcmp(n, "fmin"))
            op = MS_RED_MIN;
        a = v->call.args[0];
        b = v->call.args[1];
    }
    if (op < 0)
        return -1;
    if (b->kind == MS_EXPR_LOAD && b->load.buf == x) {
        const ms_expr *t = a;
        a = b;
        b = t;
    }
    if (a->kind != MS_EXPR_LOAD || a->load.buf != x)
        return -1;
    *operand = b;
    return op;
}

/* Scalar x inside L is only updated as x = x op e, once: a reduction. */
static bool scalar_reduction(collector *c, const ms_buffer *x, int depth, const ms_stmt *L,
                             ms_reduction *red)
{
    const ms_stmt *the_store = NULL;
    int nread = 0;
    for (int i = 0; i < c->acc.len; i++) {
        const access *a = &c->acc.data[i];
        if (a->buf != x || !inside(a, depth, L))
            continue;
        if (a->write) {
            if (the_store)
                return false;
            the_store = a->store;
        } else {
            nread++;
        }
    }
    const ms_expr *operand;
    if (!the_store || nread != 1)
        return false;
    if (c->f->fp_strict && ms_dtype_is_float(x->dtype))
        return false; /* a vector or parallel reduction reassociates */
    int op = reduction_op(the_store, x, &operand);
    if (op < 0 || ms_expr_reads_buffer(operand, x))
        return false;
    /* the single read must be the one inside the update itself */
    for (int i = 0; i < c->acc.len; i++) {
        const access *a = &c->acc.data[i];
        if (a->buf == x && !a->write && inside(a, depth, L) && a->store != the_store)
            return false;
    }
    red->op = (ms_reduce_op)op;
    red->buf = (ms_buffer *)x;
    return true;
}

static void analyze_loop(collector *c, ms_stmt *L, int depth, ms_loop_info *info)
{
    info->loop = L;
    info->depth = depth;
    info->independent = true;
    info->reducible = true;
    for (int i = 0; i < c->all_loops.len; i++)
        if (c->all_loops.data[i] != L && c->loop_depth.data[i] > depth &&
            ms_stmt_uses_var(L->loop.body, c->all_loops.data[i]->loop.var))
            info->has_inner_loop = true;
    for (int i = 0; i < c->acc.len && info->reducible; i++) {
        const access *w = &c->acc.data[i];
        if (!w->write || !inside(w, depth, L) || private_to(c, w->buf, depth, L))
            continue;
        if (w->box) {
            info->independent = info->reducible = false;
            break;
        }
        if (w->buf->ndim == 0) {
            bool seen = false;
            for (int r = 0; r < info->nred; r++)
                seen = seen || info->red[r].buf == w->buf;
            ms_reduction red;
            if (seen)
                continue;
            info->independent = false;
            if (info->nred < 4 && scalar_reduction(c, w->buf, depth, L, &red))
                info->red[info->nred++] = red;
            else
                info->reducible = false;
            continue;
        }
        for (int j = 0; j < c->acc.len; j++) {
            const access *a = &c->acc.data[j];
            if (a->buf != w->buf || !inside(a, depth, L))
                continue;
            if (a->box || !separated(c, w, a, depth)) {
                info->independent = info->reducible = false;
                break;
            }
        }
    }
    if (!info->reducible)
        info->nred = 0;
}

int ms_analyze_loops_where(ms_func *f, bool (*want)(const ms_stmt *loop, void *ctx), void *ctx,
                           ms_loop_info **out)
{
    collector c = {.f = f, .scratch = ms_func_new("analysis")};
    c.scratch->next_id = f->next_id + 1; /* symbols order after every real variable */
    collect(&c, f->body);
    int n = 0;
    ms_loop_info *infos =
        ms_xcalloc((size_t)(c.all_loops.len ? c.all_loops.len : 1), sizeof(ms_loop_info));
    /* each loop's answer stands alone: the others are skipped, not guessed */
    for (int i = 0; i < c.all_loops.len; i++)
        if (!want || want(c.all_loops.data[i], ctx))
            analyze_loop(&c, c.all_loops.data[i], c.loop_depth.data[i], &infos[n++]);
    collector_free(&c);
    ms_func_free(c.scratch);
    *out = infos;
    return n;
}

int ms_analyze_loops(ms_func *f, ms_loop_info **out)
{
    return ms_analyze_loops_where(f, NULL, NULL, out);
}

/* ---- extents ---- */

ms_expr *ms_linear_index(ms_func *f, const ms_buffer *b, int n, ms_expr *const *idx)
{
    ms_expr *e = n ? idx[0] : ms_int(f, 0);
    for (int d = 1; d < n; d++) {
        if (!b->shape[d])
            return NULL;
        e = ms_binary(f, MS_BIN_ADD, ms_binary(f, MS_BIN_MUL, e, b->shape[d]), idx[d]);
    }
    return e;
}

/* Keeps the candidate upper ends that no other one bounds by a constant:
 * of n and n + 3, only n + 3 stays. Takes p. */
typedef MS_VEC(ms_poly) poly_list;

static void keep_largest(poly_list *ends, ms_poly p)
{
    for (int i = 0; i < ends->len; i++) {
        int64_t gap;
        if (!ms_poly_const_gap(&p, &ends->data[i], &gap))
            continue;
        if (gap > 0) {
            ms_poly_free(&ends->data[i]);
            ends->data[i] = p;
        } else {
            ms_poly_free(&p);
        }
        return;
    }
    MS_VEC_PUSH(*ends, p);
}

static ms_expr *extent_of(ms_func *f, const ms_buffer *b, bool loose)
{
    if (b->ndim == 0)
        return ms_int(f, 1);
    collector c = {.f = f};
    collect(&c, f->body);
    poly_list ends = {0};
    bool bounded = true;
    for (int i = 0; i < c.acc.len && bounded; i++) {
        const access *a = &c.acc.data[i];
        if (a->buf != b)
            continue;
        ms_expr *lin = ms_linear_index(f, b, a->nidx, a->idx);
        ms_poly lo, hi;
        if (!lin || !range_of(lin, a->depth, a->loops, loose, &lo, &hi)) {
            bounded = false;
            break;
        }
        ms_term one = {1, 0, {0}};
        ms_poly p1 = {.n = 1, .terms = &one};
        ms_poly_add(&hi, &p1, 1);
        ms_poly_free(&lo);
        keep_largest(&ends, hi);
    }
    /* the largest end, as a > b ? a : b in a balanced tree: a chain
     * ((a > b ? a : b) > c ? ...) prints each operand twice a level, 2^n
     * in all (rk4020007: a 14 MB harness line); a tree, n^2 at most */
    MS_VEC(ms_expr *) level = {0};
    for (int i = 0; i < ends.len; i++) {
        if (bounded)
            MS_VEC_PUSH(level, ms_poly_to_expr(f, &ends.data[i]));
        ms_poly_free(&ends.data[i]);
    }
    free(ends.data);
    while (level.len > 1) {
        int n = 0;
        for (int i = 0; i < level.len; i += 2) {
            ms_expr *x = level.data[i], *y = i + 1 < level.len ? level.data[i + 1] : NULL;
            level.data[n++] = y ? ms_select(f, ms_binary(f, MS_BIN_GT, x, y), x, y) : x;
        }
        level.len = n;
    }
    ms_expr *result = level.len ? level.data[0] : NULL;
    free(level.data);
    collector_free(&c);
    return bounded ? result : NULL;
}

ms_expr *ms_buffer_extent(ms_func *f, const ms_buffer *b)
{
    return extent_of(f, b, false);
}

ms_expr *ms_buffer_room(ms_func *f, const ms_buffer *b)
{
    return extent_of(f, b, true);
}

ms_size_hint *ms_func_hint(const ms_func *f, const char *name)
{
    for (int h = 0; h < f->nhints; h++)
        if (!strcmp(f->hints[h].name, name))
            return &f->hints[h];
    return NULL;
}

/* Integer expressions beyond polynomials (tile counts (M + 63) / 64,
 * remainders, min/max selects), as C evaluates them. */
static bool eval_int(const ms_func *f, const ms_expr *e, int64_t *out)
{
    int64_t a, b, c;
    switch (e->kind) {
    case MS_EXPR_INT:
        *out = e->i.value;
        return true;
    case MS_EXPR_VAR: {
        const ms_size_hint *h = ms_func_hint(f, e->var->name);
        if (e->var->kind != MS_VAR_PARAM || !h)
            return false;
        *out = h->value;
        return true;
    }
    case MS_EXPR_CAST:
        return !ms_dtype_is_float(e->dtype) && eval_int(f, e->cast.a, out);
    case MS_EXPR_UNARY:
        if (!eval_int(f, e->un.a, &a))
            return false;
        *out = e->un.op == MS_UN_NEG      ? -a
               : e->un.op == MS_UN_NOT    ? !a
               : e->un.op == MS_UN_BITNOT ? ~a
                                          : a;
        return true;
    case MS_EXPR_SELECT:
        if (!eval_int(f, e->sel.cond, &c))
            return false;
        return eval_int(f, c ? e->sel.a : e->sel.b, out);
    case MS_EXPR_BINARY:
        if (!eval_int(f, e->bin.a, &a) || !eval_int(f, e->bin.b, &b))
            return false;
        switch (e->bin.op) {
        case MS_BIN_ADD:
            *out = a + b;
            return true;
        case MS_BIN_SUB:
            *out = a - b;
            return true;
        case MS_BIN_MUL:
            *out = a * b;
            return true;
        case MS_BIN_DIV:
            if (b == 0)
                return false;
            *out = a / b;
            return true;
        case MS_BIN_MOD:
            if (b == 0)
                return false;
            *out = a % b;
            return true;
        case MS_BIN_LT:
            *out = a < b;
            return true;
        case MS_BIN_LE:
            *out = a <= b;
            return true;
        case MS_BIN_GT:
            *out = a > b;
            return true;
        case MS_BIN_GE:
            *out = a >= b;
            return true;
        case MS_BIN_EQ:
            *out = a == b;
            return true;
        case MS_BIN_NE:
            *out = a != b;
            return true;
        case MS_BIN_LAND:
            *out = a && b;
            return true;
        case MS_BIN_LOR:
            *out = a || b;
            return true;
        case MS_BIN_SHL:
        case MS_BIN_SHR:
        case MS_BIN_BITAND:
        case MS_BIN_BITXOR:
        case MS_BIN_BITOR:
            return false;
        }
        return false;
    case MS_EXPR_FLOAT:
    case MS_EXPR_CALL:
    case MS_EXPR_LOAD:
        return false;
    }
    ms_unreachable();
}

bool ms_expr_eval_hints(const ms_func *f, const ms_expr *e, int64_t *out)
{
    ms_poly p;
    if (!ms_poly_from_expr(e, &p))
        return eval_int(f, e, out);
    int64_t sum = 0;
    bool ok = true;
    for (int i = 0; i < p.n && ok; i++) {
        int64_t term = p.terms[i].coef;
        for (int k = 0; k < p.terms[i].nvars && ok; k++) {
            const ms_var *v = p.terms[i].vars[k];
            const ms_size_hint *h = ms_func_hint(f, v->name);
            ok = v->kind == MS_VAR_PARAM && h;
            if (ok)
                term *= h->value;
        }
        sum += term;
    }
    ms_poly_free(&p);
    if (ok)
        *out = sum;
    return ok;
}

/* ---- arithmetic counts ---- */

/* Arithmetic operations in e (+ - * / and math calls count one each). */
static int64_t ops_in(const ms_expr *e)
{
    switch (e->kind) {
    case MS_EXPR_BINARY: {
        bool arith = e->bin.op == MS_BIN_ADD || e->bin.op == MS_BIN_SUB ||
                     e->bin.op == MS_BIN_MUL || e->bin.op == MS_BIN_DIV;
        return arith + ops_in(e->bin.a) + ops_in(e->bin.b);
    }
    case MS_EXPR_UNARY:
        return ops_in(e->un.a);
    case MS_EXPR_SELECT:
        return 1 + ops_in(e->sel.a) + ops_in(e->sel.b);
    case MS_EXPR_CAST:
        return ops_in(e->cast.a);
    case MS_EXPR_CALL: {
        int64_t n = 1;
        for (int i = 0; i < e->call.nargs; i++)
            n += ops_in(e->call.args[i]);
        return n;
    }
    case MS_EXPR_INT:
    case MS_EXPR_FLOAT:
    case MS_EXPR_VAR:
    case MS_EXPR_LOAD: /* subscripts are addressing, not arithmetic */
        return 0;
    }
    ms_unreachable();
}

typedef struct op_count {
    const ms_func *f;
    double total;
    bool known;
} op_count;

static void count_store(void *ctx, const ms_access_site *a)
{
    op_count *c = ctx;
    if (!a->write || !a->store)
        return;
    double n = (double)ops_in(a->store->store.value);
    for (int i = 0; i < a->depth && n > 0; i++) {
        int64_t e;
        if (!ms_expr_eval_hints(c->f, a->loops[i]->loop.extent, &e))
            c->known = false;
        n *= e > 0 ? (double)e : 0;
    }
    c->total += n;
}

double ms_func_ops(const ms_func *f)
{
    op_count c = {f, 0, true};
    static const ms_walk_fns fns = {count_store, NULL, NULL};
    ms_walk(f->body, &fns, &c);
    return c.known ? c.total : -1;
}
