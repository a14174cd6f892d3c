/*
 * poly.c - integer expressions as sums of monomials with integer
 * coefficients: the canonical form behind the simplifier, affine checks,
 * subscript comparison and bounds.
 */
#include "ir/ir.h"

#include <stdlib.h>
#include <string.h>

/* Coefficient arithmetic wraps (defined behaviour) and marks the result. */
static int64_t coef_add(ms_poly *p, int64_t a, int64_t b)
{
    int64_t r;
    p->overflow |= __builtin_add_overflow(a, b, &r);
    return r;
}

static int64_t coef_mul(ms_poly *p, int64_t a, int64_t b)
{
    int64_t r;
    p->overflow |= __builtin_mul_overflow(a, b, &r);
    return r;
}

static int term_cmp(const ms_term *a, const ms_term *b)
{
    if (a->nvars != b->nvars)
        return a->nvars < b->nvars ? -1 : 1;
    for (int i = 0; i < a->nvars; i++)
        if (a->vars[i]->id != b->vars[i]->id)
            return a->vars[i]->id < b->vars[i]->id ? -1 : 1;
    return 0;
}

static int term_qcmp(const void *a, const void *b)
{
    return term_cmp(a, b);
}

void ms_poly_free(ms_poly *p)
{
    free(p->terms);
    p->terms = NULL;
    p->n = 0;
    p->overflow = false;
}

/* Sorts terms, merges equal monomials, drops zero coefficients. */
static void normalize(ms_poly *p)
{
    if (p->n > 1)
        qsort(p->terms, (size_t)p->n, sizeof(ms_term), term_qcmp);
    int w = 0;
    for (int r = 0; r < p->n; r++) {
        if (w > 0 && term_cmp(&p->terms[w - 1], &p->terms[r]) == 0)
            p->terms[w - 1].coef = coef_add(p, p->terms[w - 1].coef, p->terms[r].coef);
        else
            p->terms[w++] = p->terms[r];
        if (p->terms[w - 1].coef == 0)
            w--;
    }
    p->n = w;
}

static void push(ms_poly *p, const ms_term *t)
{
    p->terms = ms_xrealloc(p->terms, sizeof(ms_term) * (size_t)(p->n + 1));
    p->terms[p->n++] = *t;
}

void ms_poly_add(ms_poly *acc, const ms_poly *p, int64_t scale)
{
    acc->overflow |= p->overflow;
    for (int i = 0; i < p->n; i++) {
        ms_term t = p->terms[i];
        t.coef = coef_mul(acc, t.coef, scale);
        push(acc, &t);
    }
    normalize(acc);
}

bool ms_poly_mul(const ms_poly *a, const ms_poly *b, ms_poly *out)
{
    ms_poly r = {.overflow = a->overflow || b->overflow};
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++) {
            const ms_term *x = &a->terms[i], *y = &b->terms[j];
            if (x->nvars + y->nvars > MS_POLY_MAXVARS) {
                ms_poly_free(&r);
                return false;
            }
            ms_term t = {coef_mul(&r, x->coef, y->coef), 0, {0}};
            for (int k = 0; k < x->nvars; k++)
                t.vars[t.nvars++] = x->vars[k];
            for (int k = 0; k < y->nvars; k++) {
                /* insertion keeps the monomial's variables sorted by id */
                int pos = t.nvars++;
                while (pos > 0 && t.vars[pos - 1]->id > y->vars[k]->id) {
                    t.vars[pos] = t.vars[pos - 1];
                    pos--;
                }
                t.vars[pos] = y->vars[k];
            }
            push(&r, &t);
        }
    normalize(&r);
    *out = r;
    return true;
}

static bool from_expr(const ms_expr *e, ms_poly *out)
{
    *out = (ms_poly){0};
    switch (e->kind) {
    case MS_EXPR_INT: {
        ms_term t = {e->i.value, 0, {0}};
        if (t.coef)
            push(out, &t);
        return true;
    }
    case MS_EXPR_VAR: {
        if (ms_dtype_is_float(e->dtype))
            return false;
        ms_term t = {1, 1, {e->var}};
        push(out, &t);
        return true;
    }
    case MS_EXPR_UNARY:
        if (e->un.op != MS_UN_NEG && e->un.op != MS_UN_PLUS)
            return false;
        if (!from_expr(e->un.a, out))
            return false;
        if (e->un.op == MS_UN_NEG)
            for (int i = 0; i < out->n; i++)
                out->terms[i].coef = coef_mul(out, out->terms[i].coef, -1);
        return true;
    case MS_EXPR_CAST:
        if (ms_dtype_is_float(e->dtype))
            return false;
        return from_expr(e->cast.a, out);
    case MS_EXPR_BINARY: {
        ms_binop op = e->bin.op;
        if (op != MS_BIN_ADD && op != MS_BIN_SUB && op != MS_BIN_MUL)
            return false;
        if (ms_dtype_is_float(e->dtype))
            return false;
        ms_poly a, b;
        if (!from_expr(e->bin.a, &a))
            return false;
        if (!from_expr(e->bin.b, &b)) {
            ms_poly_free(&a);
            return false;
        }
        bool ok = true;
        if (op == MS_BIN_MUL) {
            ok = ms_poly_mul(&a, &b, out);
            ms_poly_free(&a);
        } else {
            ms_poly_add(&a, &b, op == MS_BIN_ADD ? 1 : -1);
            *out = a;
        }
        ms_poly_free(&b);
        return ok;
    }
    case MS_EXPR_FLOAT:
    case MS_EXPR_SELECT:
    case MS_EXPR_CALL:
    case MS_EXPR_LOAD:
        return false;
    }
    ms_unreachable();
}

bool ms_poly_from_expr(const ms_expr *e, ms_poly *out)
{
    if (!from_expr(e, out))
        return false;
    if (!out->overflow)
        return true;
    ms_poly_free(out); /* the user's constants, or products of them, exceed int64 */
    return false;
}

bool ms_poly_is_const(const ms_poly *p, int64_t *value)
{
    if (p->overflow)
        return false;
    if (p->n == 0) {
        *value = 0;
        return true;
    }
    if (p->n == 1 && p->terms[0].nvars == 0) {
        *value = p->terms[0].coef;
        return true;
    }
    return false;
}

bool ms_poly_equal(const ms_poly *a, const ms_poly *b)
{
    if (a->n != b->n || a->overflow || b->overflow)
        return false;
    for (int i = 0; i < a->n; i++)
        if (a->terms[i].coef != b->terms[i].coef || term_cmp(&a->terms[i], &b->terms[i]))
            return false;
    return true;
}

bool ms_poly_is_affine(const ms_poly *p)
{
    if (p->overflow)
        return false;
    for (int i = 0; i < p->n; i++) {
        int nloop = 0;
        for (int k = 0; k < p->terms[i].nvars; k++)
            nloop += p->terms[i].vars[k]->kind != MS_VAR_PARAM;
        if (nloop > 1)
            return false;
    }
    return true;
}

static ms_expr *monomial(ms_func *f, const ms_term *t, int64_t coef)
{
    ms_expr *e = NULL;
    /* loop variables first reads naturally: i * N rather than N * i */
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < t->nvars; k++) {
            bool param = t->vars[k]->kind == MS_VAR_PARAM;
            if (param != (pass == 1))
                continue;
            ms_expr *v = ms_var_ref(f, t->vars[k]);
            e = e ? ms_binary(f, MS_BIN_MUL, e, v) : v;
        }
    if (!e)
        return ms_int(f, coef);
    if (coef != 1)
        e = ms_binary(f, MS_BIN_MUL, e, ms_int(f, coef));
    return e;
}

/* Printing order: higher degree first, then larger coefficients, then
 * variables in order of creation: "i * N + j - 1", "i_0 * 16 + i_1". */
static int print_cmp(const void *x, const void *y)
{
    const ms_term *a = x, *b = y;
    if (a->nvars != b->nvars)
        return a->nvars > b->nvars ? -1 : 1;
    int64_t ca = a->coef < 0 ? -a->coef : a->coef, cb = b->coef < 0 ? -b->coef : b->coef;
    if (ca != cb)
        return ca > cb ? -1 : 1;
    return term_cmp(a, b);
}

ms_expr *ms_poly_to_expr(ms_func *f, const ms_poly *p)
{
    ms_expr *e = NULL;
    ms_term *order = ms_xmalloc(sizeof(ms_term) * (size_t)(p->n ? p->n : 1));
    if (p->n)
        memcpy(order, p->terms, sizeof(ms_term) * (size_t)p->n);
    if (p->n > 1)
        qsort(order, (size_t)p->n, sizeof(ms_term), print_cmp);
    /* "39 - i", not "i * -1 + 39": a positive term leads when there is one */
    for (int i = 1; i < p->n && order[0].coef < 0; i++)
        if (order[i].coef > 0) {
            ms_term lead = order[i];
            memmove(order + 1, order, sizeof(ms_term) * (size_t)i);
            order[0] = lead;
        }
    for (int i = 0; i < p->n; i++) {
        const ms_term *t = &order[i];
        if (!e) {
            e = monomial(f, t, t->coef);
        } else if (t->coef < 0) {
            e = ms_binary(f, MS_BIN_SUB, e, monomial(f, t, -t->coef));
        } else {
            e = ms_binary(f, MS_BIN_ADD, e, monomial(f, t, t->coef));
        }
    }
    free(order);
    return e ? e : ms_int(f, 0);
}

bool ms_poly_const_gap(const ms_poly *a, const ms_poly *b, int64_t *gap)
{
    ms_poly d = {0};
    ms_poly_add(&d, a, 1);
    ms_poly_add(&d, b, -1);
    bool known = ms_poly_is_const(&d, gap);
    ms_poly_free(&d);
    return known;
}

bool ms_expr_const_int(const ms_expr *e, int64_t *value)
{
    ms_poly p;
    if (!ms_poly_from_expr(e, &p))
        return false;
    bool known = ms_poly_is_const(&p, value);
    ms_poly_free(&p);
    return known;
}

static bool is_int(const ms_expr *e, int64_t v)
{
    return e->kind == MS_EXPR_INT && e->i.value == v;
}

/* a - b, when it is a constant (both integer polynomials). */
static bool poly_gap(const ms_expr *a, const ms_expr *b, int64_t *gap)
{
    ms_poly pa, pb;
    if (ms_dtype_is_float(a->dtype) || ms_dtype_is_float(b->dtype) || !ms_poly_from_expr(a, &pa))
        return false;
    if (!ms_poly_from_expr(b, &pb)) {
        ms_poly_free(&pa);
        return false;
    }
    bool known = ms_poly_const_gap(&pa, &pb, gap);
    ms_poly_free(&pa);
    ms_poly_free(&pb);
    return known;
}

/* The values of an integer t that "t OP c" admits: [lo, hi], or every
 * value but lo when but (!=). FAR stands for no bound. */
#define FAR (INT64_MAX / 4)
typedef struct int_set {
    int64_t lo, hi;
    bool but;
} int_set;

static int_set admits(ms_binop op, int64_t c)
{
    int_set s = {-FAR, FAR, false};
    if (op == MS_BIN_LT)
        s.hi = c - 1;
    else if (op == MS_BIN_LE)
        s.hi = c;
    else if (op == MS_BIN_GT)
        s.lo = c + 1;
    else if (op == MS_BIN_GE)
        s.lo = c;
    else
        s = (int_set){c, c, op == MS_BIN_NE};
    return s;
}

static bool meet_is_empty(int_set a, int_set b)
{
    if (a.but && b.but)
        return false;
    if (a.but || b.but) {
        int_set in = a.but ? b : a, out = a.but ? a : b;
        return in.lo == out.lo && in.hi == out.lo;
    }
    return (a.lo > b.lo ? a.lo : b.lo) > (a.hi < b.hi ? a.hi : b.hi);
}

static bool join_is_all(int_set a, int_set b)
{
    if (a.but && b.but)
        return a.lo != b.lo;
    if (a.but || b.but) {
        int_set in = a.but ? b : a, out = a.but ? a : b;
        return in.lo <= out.lo && out.lo <= in.hi;
    }
    int_set below = a.lo < b.lo ? a : b, above = a.lo < b.lo ? b : a;
    return below.lo == -FAR && above.hi == FAR && above.lo <= below.hi + 1;
}

static bool is_signed_compare(const ms_expr *e)
{
    return e->kind == MS_EXPR_BINARY && e->bin.op >= MS_BIN_LT && e->bin.op <= MS_BIN_NE &&
           ms_dtype_is_signed(e->bin.a->dtype) && ms_dtype_is_signed(e->bin.b->dtype);
}

static ms_binop flipped(ms_binop op)
{
    return op == MS_BIN_LT   ? MS_BIN_GT
           : op == MS_BIN_LE ? MS_BIN_GE
           : op == MS_BIN_GT ? MS_BIN_LT
           : op == MS_BIN_GE ? MS_BIN_LE
                             : op;
}

/* (x.a - x.b) + sign * (y.a - y.b), when it is a constant. */
static bool sides_gap(const ms_expr *x, const ms_expr *y, int sign, int64_t *gap)
{
    const ms_expr *sides[4] = {x->bin.a, x->bin.b, y->bin.a, y->bin.b};
    const int scale[4] = {1, -1, sign, -sign};
    ms_poly d = {0};
    bool ok = true;
    for (int i = 0; i < 4 && ok; i++) {
        ms_poly p;
        ok = ms_poly_from_expr(sides[i], &p);
        if (ok) {
            ms_poly_add(&d, &p, scale[i]);
            ms_poly_free(&p);
        }
    }
    ok = ok && ms_poly_is_const(&d, gap) && *gap > -FAR / 2 && *gap < FAR / 2;
    ms_poly_free(&d);
    return ok;
}

/* x and y compare one integer t = y.a - y.b with constants (x.a - x.b is
 * t or -t plus a constant): the sets of t that each admits. */
static bool compare_sets(const ms_expr *x, const ms_expr *y, int_set *sx, int_set *sy)
{
    if (!is_signed_compare(x) || !is_signed_compare(y))
        return false;
    int64_t gap;
    *sy = admits(y->bin.op, 0);
    if (sides_gap(x, y, -1, &gap)) { /* x: t + gap OP 0 */
        *sx = admits(x->bin.op, -gap);
        return true;
    }
    if (sides_gap(x, y, 1, &gap)) { /* x: gap - t OP 0, t OP' gap */
        *sx = admits(flipped(x->bin.op), gap);
        return true;
    }
    return false;
}

/* The operands of a chain of op, up to max of them. */
static int add_operands(const ms_expr **out, int n, int max, ms_binop op, const ms_expr *e)
{
    if (e->kind == MS_EXPR_BINARY && e->bin.op == op)
        return add_operands(out, add_operands(out, n, max, op, e->bin.a), max, op, e->bin.b);
    if (n < max)
        out[n++] = e;
    return n;
}

/* "k < 1 && k >= 2" is false, "k < 2 || k >= 1" true: two comparisons of
 * one integer with constants decide a chain of && or || (clang's -Wall
 * calls them overlapping comparisons; random kernel rk4030033). */
static bool chain_decided(ms_binop op, const ms_expr *a, const ms_expr *b)
{
    const ms_expr *ops[32];
    int n = add_operands(ops, add_operands(ops, 0, 32, op, a), 32, op, b);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            int_set si, sj;
            if (compare_sets(ops[i], ops[j], &si, &sj) &&
                (op == MS_BIN_LAND ? meet_is_empty(si, sj) : join_is_all(si, sj)))
                return true;
        }
    return false;
}

/* Beyond polynomials (div, mod from fuse and split): simplify the parts,
 * drop additions of 0 and multiplications and divisions by 1. */
static ms_expr *simplify_parts(ms_func *f, ms_expr *e)
{
    if (e->kind == MS_EXPR_SELECT && !ms_dtype_is_float(e->sel.cond->dtype)) {
        /* "24 > 0 ? 24 : 0" once sizes are known */
        ms_expr *c = ms_simplify(f, e->sel.cond);
        if (c->kind == MS_EXPR_INT)
            return ms_simplify(f, c->i.value ? e->sel.a : e->sel.b);
        return e;
    }
    if (e->kind != MS_EXPR_BINARY)
        return e;
    ms_expr *a = ms_simplify(f, e->bin.a), *b = ms_simplify(f, e->bin.b);
    ms_binop op = e->bin.op;
    int64_t gap;
    if (op >= MS_BIN_LT && op <= MS_BIN_NE && poly_gap(a, b, &gap)) {
        bool holds = op == MS_BIN_LT   ? gap < 0
                     : op == MS_BIN_LE ? gap <= 0
                     : op == MS_BIN_GT ? gap > 0
                     : op == MS_BIN_GE ? gap >= 0
                     : op == MS_BIN_EQ ? gap == 0
                                       : gap != 0;
        return ms_int(f, holds);
    }
    if ((op == MS_BIN_LAND || op == MS_BIN_LOR) && a->kind == MS_EXPR_INT) {
        /* "32 > 0 && 30 > 0" once sizes are known */
        bool decided = op == MS_BIN_LAND ? a->i.value == 0 : a->i.value != 0;
        if (decided)
            return ms_int(f, op == MS_BIN_LOR);
        if (b->kind == MS_EXPR_INT)
            return ms_int(f, b->i.value != 0);
        return b;
    }
    if ((op == MS_BIN_LAND || op == MS_BIN_LOR) && chain_decided(op, a, b))
        return ms_int(f, op == MS_BIN_LOR);
    if (op == MS_BIN_ADD && is_int(a, 0))
        return b;
    if ((op == MS_BIN_ADD || op == MS_BIN_SUB) && is_int(b, 0))
        return a;
    if (op == MS_BIN_MUL && is_int(a, 1))
        return b;
    if ((op == MS_BIN_MUL || op == MS_BIN_DIV) && is_int(b, 1))
        return a;
    /* constants fold with C's truncating division */
    if ((op == MS_BIN_DIV || op == MS_BIN_MOD) && a->kind == MS_EXPR_INT &&
        b->kind == MS_EXPR_INT && b->i.value != 0)
        return ms_int(f, op == MS_BIN_DIV ? a->i.value / b->i.value : a->i.value % b->i.value);
    if (a == e->bin.a && b == e->bin.b)
        return e;
    ms_expr *r = ms_binary(f, e->bin.op, a, b);
    r->dtype = e->dtype;
    return r;
}

ms_expr *ms_simplify(ms_func *f, ms_expr *e)
{
    ms_poly p;
    if (ms_dtype_is_float(e->dtype))
        return e;
    if (!ms_poly_from_expr(e, &p))
        return simplify_parts(f, e);
    ms_expr *r = ms_poly_to_expr(f, &p);
    ms_poly_free(&p);
    if (r->kind == MS_EXPR_BINARY) /* a new node: it keeps e's type, not 64-bit literals' */
        r->dtype = e->dtype;
    return r;
}
