/*
 * flatten.c - the last step before printing: each block's statement is
 * said in loop variables (its bindings put in place), and quotients and
 * remainders by constants that the loop ranges decide are simplified away:
 * B_packed[(32 * j_0 + j_1) / 32][k][(32 * j_0 + j_1) % 32] reads
 * B_packed[j_0][k][j_1], which compilers vectorise. And a remainder guard
 * leaves the hot loop: "k_0 * 256 + k_1 < K" becomes k_1's bound, and a
 * guard on outer counters only wraps the loops below them. Last, a tile
 * that holds nothing is skipped whole: what every store below a loop needs,
 * taken at the first value of the inner counters, guards the loop's body,
 * so that the general path of a tiled nest (sizes that are not the tuning
 * sizes) does not walk through the empty tiles' reduction loops.
 */
#include "ir/ir.h"

#include <stdlib.h>

/* A subexpression the polynomial form cannot see into (fused / 16), named
 * by a symbol so that the terms around it still cancel. */
typedef struct atom {
    ms_expr *e;
    ms_var *sym;
    bool nonneg;
} atom;

/* A guard tighten() made into a loop's bound. */
typedef struct bound_guard {
    const ms_stmt *loop;
    ms_expr *c;
} bound_guard;

typedef struct flattener {
    ms_func *f;
    MS_VEC(ms_stmt *) loops;
    MS_VEC(atom) atoms;
    MS_VEC(ms_expr *) nonneg; /* the current block's variables known >= 0, realized */
    MS_VEC(bound_guard) bounds;
} flattener;

static bool known_nonneg(flattener *fl, const ms_poly *p)
{
    for (int i = 0; i < fl->nonneg.len; i++) {
        ms_poly q;
        if (!ms_poly_from_expr(fl->nonneg.data[i], &q))
            continue;
        bool same = ms_poly_equal(p, &q);
        ms_poly_free(&q);
        if (same)
            return true;
    }
    return false;
}

static const atom *atom_of(const flattener *fl, const ms_var *v)
{
    for (int i = 0; i < fl->atoms.len; i++)
        if (fl->atoms.data[i].sym == v)
            return &fl->atoms.data[i];
    return NULL;
}

static const ms_stmt *loop_of(const flattener *fl, const ms_var *v)
{
    for (int i = 0; i < fl->loops.len; i++)
        if (fl->loops.data[i]->loop.var == v)
            return fl->loops.data[i];
    return NULL;
}

/* Every term a non-negative multiple of loop counters that start at >= 0. */
static bool nonnegative(const flattener *fl, const ms_poly *p)
{
    for (int t = 0; t < p->n; t++) {
        if (p->terms[t].coef < 0)
            return false;
        for (int k = 0; k < p->terms[t].nvars; k++) {
            const atom *a = atom_of(fl, p->terms[t].vars[k]);
            if (a) {
                if (!a->nonneg)
                    return false;
                continue;
            }
            const ms_stmt *L = loop_of(fl, p->terms[t].vars[k]);
            ms_poly m;
            int64_t lo;
            if (!L || !ms_poly_from_expr(L->loop.min, &m))
                return false;
            bool ok = ms_poly_is_const(&m, &lo) && lo >= 0;
            ms_poly_free(&m);
            if (!ok)
                return false;
        }
    }
    return true;
}

/* a / c or a % c, with a = c * q + r, q >= 0 and 0 <= r < c: q or r. */
static ms_expr *divmod(flattener *fl, ms_binop op, ms_expr *a, int64_t c)
{
    ms_poly p;
    if (!ms_poly_from_expr(a, &p))
        return NULL;
    ms_poly q = {0}, r = {0};
    for (int t = 0; t < p.n; t++) {
        ms_term term = p.terms[t];
        ms_poly one = {.n = 1, .terms = &term};
        if (term.coef % c == 0) {
            term.coef /= c;
            ms_poly_add(&q, &one, 1);
        } else {
            ms_poly_add(&r, &one, 1);
        }
    }
    /* a >= 0: a block variable whose domain starts at 0, or q >= 0 (with r) */
    bool a_nonneg = known_nonneg(fl, &p);
    ms_poly_free(&p);
    ms_expr *result = NULL, *rexpr = ms_poly_to_expr(fl->f, &r);
    ms_poly lo, hi;
    int64_t l, h;
    if ((a_nonneg || nonnegative(fl, &q)) &&
        ms_expr_range(fl->f, rexpr, fl->loops.len, fl->loops.data, &lo, &hi)) {
        if (ms_poly_is_const(&lo, &l) && ms_poly_is_const(&hi, &h) && l >= 0 && h < c)
            result = op == MS_BIN_DIV ? ms_poly_to_expr(fl->f, &q) : rexpr;
        ms_poly_free(&lo);
        ms_poly_free(&hi);
    }
    ms_poly_free(&q);
    ms_poly_free(&r);
    return result;
}

static ms_expr *simplify(flattener *fl, ms_expr *e);

/* e with its non-polynomial parts replaced by symbols (the same part, the
 * same symbol). */
static ms_expr *atomize(flattener *fl, ms_expr *e)
{
    ms_func *f = fl->f;
    ms_poly p;
    if (ms_dtype_is_float(e->dtype))
        return e;
    if (ms_poly_from_expr(e, &p)) {
        ms_poly_free(&p);
        return e;
    }
    if (e->kind == MS_EXPR_BINARY &&
        (e->bin.op == MS_BIN_ADD || e->bin.op == MS_BIN_SUB || e->bin.op == MS_BIN_MUL))
        return ms_binary(f, e->bin.op, atomize(fl, e->bin.a), atomize(fl, e->bin.b));
    ms_expr *s = simplify(fl, e);
    if (ms_poly_from_expr(s, &p)) {
        ms_poly_free(&p);
        return s;
    }
    for (int i = 0; i < fl->atoms.len; i++)
        if (ms_expr_equal(fl->atoms.data[i].e, s))
            return ms_var_ref(f, fl->atoms.data[i].sym);
    /* x / c (c > 0) and x % y, whatever y, keep the sign of x */
    bool nonneg = false;
    if (s->kind == MS_EXPR_BINARY &&
        ((s->bin.op == MS_BIN_DIV && s->bin.b->kind == MS_EXPR_INT && s->bin.b->i.value > 0) ||
         s->bin.op == MS_BIN_MOD) &&
        ms_poly_from_expr(atomize(fl, s->bin.a), &p)) {
        nonneg = nonnegative(fl, &p);
        ms_poly_free(&p);
    }
    atom a = {s, ms_var_new(f, "atom", "int", s->dtype, MS_VAR_OPAQUE), nonneg};
    MS_VEC_PUSH(fl->atoms, a);
    return ms_var_ref(f, a.sym);
}

/* The atoms' symbols replaced by what they stand for. */
static ms_expr *unatomize(flattener *fl, ms_expr *e)
{
    int n = fl->atoms.len;
    if (!n)
        return e;
    ms_var **syms = ms_xmalloc(sizeof(ms_var *) * (size_t)n);
    ms_expr **with = ms_xmalloc(sizeof(ms_expr *) * (size_t)n);
    for (int i = 0; i < n; i++) {
        syms[i] = fl->atoms.data[i].sym;
        with[i] = fl->atoms.data[i].e;
    }
    ms_expr *r = ms_expr_subst(fl->f, e, n, syms, with);
    free(syms);
    free(with);
    return r;
}

/* An integer subscript, simplified through its atoms. */
static ms_expr *simplify_index(flattener *fl, ms_expr *e)
{
    return unatomize(fl, ms_simplify(fl->f, atomize(fl, simplify(fl, e))));
}

static ms_expr *simplify(flattener *fl, ms_expr *e)
{
    ms_func *f = fl->f;
    switch (e->kind) {
    case MS_EXPR_INT:
    case MS_EXPR_FLOAT:
    case MS_EXPR_VAR:
        return e;
    case MS_EXPR_BINARY: {
        ms_expr *a = simplify(fl, e->bin.a), *b = simplify(fl, e->bin.b);
        if (!ms_dtype_is_float(a->dtype) && !ms_dtype_is_float(b->dtype)) {
            a = ms_simplify(f, a); /* x / (2 * 4 * 4) divides by 32 */
            b = ms_simplify(f, b);
        }
        if ((e->bin.op == MS_BIN_DIV || e->bin.op == MS_BIN_MOD) && b->kind == MS_EXPR_INT &&
            b->i.value > 0 && !ms_dtype_is_float(e->dtype)) {
            ms_expr *r = divmod(fl, e->bin.op, ms_simplify(f, atomize(fl, a)), b->i.value);
            if (r)
                return unatomize(fl, r);
        }
        if (a == e->bin.a && b == e->bin.b)
            return e;
        ms_expr *r = ms_binary(f, e->bin.op, a, b);
        /* i > i % 6 once i % 6 is i: the comparison decided, not printed
         * for gcc to call tautological (random kernel rk4000146) */
        bool compare = e->bin.op >= MS_BIN_LT && e->bin.op <= MS_BIN_NE;
        return compare && !ms_dtype_is_float(a->dtype) && !ms_dtype_is_float(b->dtype)
                   ? ms_simplify(f, r)
                   : r;
    }
    case MS_EXPR_UNARY:
        return ms_unary(f, e->un.op, simplify(fl, e->un.a));
    case MS_EXPR_SELECT: {
        ms_expr *c = simplify(fl, e->sel.cond), *a = simplify(fl, e->sel.a),
                *b = simplify(fl, e->sel.b);
        if (c->kind == MS_EXPR_INT)
            return c->i.value ? a : b;
        return ms_expr_equal(a, b) ? a : ms_select(f, c, a, b);
    }
    case MS_EXPR_CAST:
        return ms_cast(f, e->cast.ctype, e->dtype, simplify(fl, e->cast.a));
    case MS_EXPR_CALL: {
        ms_expr **args = ms_arena_alloc(f->arena, sizeof(ms_expr *) * (size_t)e->call.nargs);
        for (int i = 0; i < e->call.nargs; i++)
            args[i] = simplify(fl, e->call.args[i]);
        return ms_call(f, e->call.name, e->dtype, e->call.nargs, args);
    }
    case MS_EXPR_LOAD: {
        ms_expr **idx = ms_arena_alloc(f->arena, sizeof(ms_expr *) * (size_t)e->load.nidx);
        for (int i = 0; i < e->load.nidx; i++)
            idx[i] = simplify_index(fl, e->load.idx[i]);
        return ms_load(f, e->load.buf, e->load.nidx, idx);
    }
    }
    ms_unreachable();
}

/* A comparison of integers with both sides simplified through their
 * atoms: constants folded, quotients the loop ranges decide gone. */
static ms_expr *simplify_cond(flattener *fl, ms_expr *c)
{
    if (c->kind != MS_EXPR_BINARY || c->bin.op < MS_BIN_LT || c->bin.op > MS_BIN_NE ||
        ms_dtype_is_float(c->bin.a->dtype) || ms_dtype_is_float(c->bin.b->dtype))
        return c;
    ms_expr *r =
        ms_binary(fl->f, c->bin.op, simplify_index(fl, c->bin.a), simplify_index(fl, c->bin.b));
    r->dtype = c->dtype;
    return r;
}

/* p as rest + scale * v (rest's terms added to *rest): false unless every
 * term with v is a positive multiple of v alone. */
static bool linear_in(const ms_poly *p, const ms_var *v, ms_poly *rest, int64_t *scale)
{
    bool ok = true;
    *scale = 0;
    for (int t = 0; t < p->n; t++) {
        bool has_v = false;
        for (int k = 0; k < p->terms[t].nvars; k++)
            has_v = has_v || p->terms[t].vars[k] == v;
        if (has_v) {
            ok = ok && p->terms[t].nvars == 1 && p->terms[t].coef > 0;
            *scale += p->terms[t].coef;
        } else {
            ms_poly one = {.n = 1, .terms = &p->terms[t]};
            ms_poly_add(rest, &one, 1);
        }
    }
    return ok;
}

/* "rest + v < rhs" with v the counter of L, all signed: L's extent becomes
 * min(extent, rhs - rest - min). */
static bool tighten(flattener *fl, ms_stmt *L, const ms_expr *c)
{
    ms_func *f = fl->f;
    ms_var *v = L->loop.var;
    /* GCC drops "#pragma GCC unroll" on a loop whose condition branches */
    if (L->loop.kind == MS_LOOP_UNROLLED)
        return false;
    if (c->kind != MS_EXPR_BINARY || c->bin.op != MS_BIN_LT || !ms_dtype_is_signed(v->dtype) ||
        !ms_dtype_is_signed(c->bin.a->dtype) || !ms_dtype_is_signed(c->bin.b->dtype) ||
        ms_expr_uses_var(c->bin.b, v))
        return false;
    /* through its atoms: the counters of fused loops (f / 16 % 2 * 256 + j) */
    ms_poly p;
    if (!ms_poly_from_expr(ms_simplify(f, atomize(fl, simplify(fl, c->bin.a))), &p))
        return false;
    ms_poly rest = {0};
    int64_t scale;
    bool ok = linear_in(&p, v, &rest, &scale) && scale == 1;
    ms_poly_free(&p);
    if (!ok) {
        ms_poly_free(&rest);
        return false;
    }
    ms_expr *room = unatomize(
        fl, ms_simplify(f, ms_binary(f, MS_BIN_SUB,
                                     ms_binary(f, MS_BIN_SUB, atomize(fl, simplify(fl, c->bin.b)),
                                               ms_poly_to_expr(f, &rest)),
                                     L->loop.min)));
    ms_poly_free(&rest);
    if (ms_expr_uses_var(room, v)) /* v hid in an atom: (v + x) / 4 */
        return false;
    ms_expr *old = L->loop.extent;
    L->loop.extent = ms_select(f, ms_binary(f, MS_BIN_LT, old, room), old, room);
    L->loop.extent->dtype = old->dtype;
    bound_guard g = {L, (ms_expr *)c};
    MS_VEC_PUSH(fl->bounds, g);
    return true;
}

/* Moves the conjuncts of a block's predicate out of the hot loop: each to
 * the bound of the innermost loop it uses, or around the loops below it;
 * returns what stays on the block (NULL: nothing). */
static ms_expr *hoist(flattener *fl, ms_stmt *block, ms_expr *c)
{
    if (c->kind == MS_EXPR_BINARY && c->bin.op == MS_BIN_LAND) {
        ms_expr *a = hoist(fl, block, c->bin.a), *b = hoist(fl, block, c->bin.b);
        if (!a || !b)
            return !a ? b : a;
        /* simplified apart, the conjuncts may now overlap: "i < 0 && i
         * == 0" at the tuning sizes (rk4078698), which clang's -Wall
         * refuses; decided, true needs nothing */
        ms_expr *both = ms_binary(fl->f, MS_BIN_LAND, a, b);
        ms_expr *d = ms_simplify(fl->f, both);
        return d->kind != MS_EXPR_INT ? both : d->i.value ? NULL : d;
    }
    c = simplify_cond(fl, c);
    int m = -1;
    for (int i = 0; i < fl->loops.len; i++)
        if (ms_expr_uses_var(c, fl->loops.data[i]->loop.var))
            m = i;
    if (m < 0 || !ms_loop_holds_only(fl->loops.data[m], block))
        return c;
    ms_stmt *L = fl->loops.data[m];
    /* OpenMP's collapse wants a perfect, rectangular nest: leave it be */
    if (L->loop.collapse > 1 || L->loop.collapsed)
        return c;
    if (tighten(fl, L, c))
        return NULL;
    if (m == fl->loops.len - 1 || fl->loops.data[m + 1]->loop.collapsed)
        return c;
    L->loop.body = ms_if(fl->f, c, L->loop.body, NULL);
    return NULL;
}

static void flatten(flattener *fl, ms_stmt *s)
{
    switch (s->kind) {
    case MS_STMT_FOR:
        MS_VEC_PUSH(fl->loops, s);
        flatten(fl, s->loop.body);
        fl->loops.len--;
        return;
    case MS_STMT_BLOCK: {
        MS_ASSERT(!s->block.init); /* decomposed before */
        fl->nonneg.len = 0;
        for (int i = 0; i < s->block.niter; i++)
            if (s->block.iters[i].nonneg)
                MS_VEC_PUSH(fl->nonneg, ms_simplify(fl->f, s->block.iters[i].binding));
        ms_stmt *st = ms_block_realize(fl->f, s);
        for (int i = 0; i < st->store.nidx; i++)
            st->store.idx[i] = simplify_index(fl, st->store.idx[i]);
        st->store.value = simplify(fl, st->store.value);
        s->block.body = st;
        s->block.niter = 0;
        if (s->block.predicate)
            s->block.predicate = hoist(fl, s, s->block.predicate);
        return;
    }
    default: {
        ms_stmt **child;
        for (int i = 0; (child = ms_stmt_child(s, i)); i++)
            flatten(fl, *child);
        return;
    }
    }
}

/* ---- empty tiles ---- */

typedef MS_VEC(ms_expr *) conds;

static bool has_cond(const conds *cs, const ms_expr *c)
{
    for (int i = 0; i < cs->len; i++)
        if (ms_expr_equal(cs->data[i], c))
            return true;
    return false;
}

static void add_conj(conds *cs, ms_expr *c)
{
    if (c->kind == MS_EXPR_BINARY && c->bin.op == MS_BIN_LAND) {
        add_conj(cs, c->bin.a);
        add_conj(cs, c->bin.b);
    } else if (!has_cond(cs, c)) {
        MS_VEC_PUSH(*cs, c);
    }
}

/* c at the first value of L's counter, which c needs if it holds for any
 * value: "p < E" with p non-decreasing in the counter (every term that
 * has it a positive multiple of it alone) and E free of it; c itself if
 * it does not use the counter; NULL when neither, or when it holds
 * there whatever the other counters. */
static ms_expr *at_first(flattener *fl, const ms_stmt *L, ms_expr *c)
{
    ms_func *f = fl->f;
    ms_var *v = L->loop.var;
    if (!ms_expr_uses_var(c, v))
        return c;
    if (c->kind != MS_EXPR_BINARY || (c->bin.op != MS_BIN_LT && c->bin.op != MS_BIN_LE) ||
        !ms_dtype_is_signed(c->bin.a->dtype) || !ms_dtype_is_signed(c->bin.b->dtype) ||
        ms_expr_uses_var(c->bin.b, v))
        return NULL;
    ms_poly p, lo;
    if (!ms_poly_from_expr(atomize(fl, simplify(fl, c->bin.a)), &p))
        return NULL;
    if (!ms_poly_from_expr(L->loop.min, &lo)) {
        ms_poly_free(&p);
        return NULL;
    }
    ms_poly rest = {0};
    int64_t scale;
    bool ok = linear_in(&p, v, &rest, &scale);
    ms_poly_add(&rest, &lo, scale);
    ms_expr *a = ok ? unatomize(fl, ms_simplify(f, ms_poly_to_expr(f, &rest))) : NULL;
    ms_poly_free(&p);
    ms_poly_free(&lo);
    ms_poly_free(&rest);
    if (!a || ms_expr_uses_var(a, v)) /* v hid in an atom: (v + x) / 4 */
        return NULL;
    ms_expr *r = ms_binary(f, c->bin.op, a, c->bin.b);
    r->dtype = c->dtype;
    /* decided at the first value: "l <= k" over l from k is "k <= k",
     * which clang's -Wall calls a self-comparison (rk4075119); true needs
     * nothing */
    ms_expr *d = ms_simplify(f, r);
    if (d->kind == MS_EXPR_INT)
        return d->i.value ? NULL : d;
    return r;
}

static bool not_a_loop(void *ctx, ms_stmt *s)
{
    (void)ctx;
    return s->kind != MS_STMT_FOR;
}

/* Wraps L's body in the guards of what below needs that L's counter
 * decides, where a loop below would be skipped (and OpenMP and the
 * compilers' unrolling and SIMD allow an if there). */
static void guard_body(flattener *fl, ms_stmt *L, const conds *below)
{
    if (L->loop.kind == MS_LOOP_VECTORIZED || L->loop.kind == MS_LOOP_UNROLLED ||
        L->loop.parallel_simd || L->loop.collapse > 1 || L->loop.collapsed ||
        ms_stmt_visit(L->loop.body, not_a_loop, NULL))
        return;
    conds there = {0};
    if (L->loop.body->kind == MS_STMT_IF && !L->loop.body->if_.else_s)
        add_conj(&there, L->loop.body->if_.cond);
    ms_expr *g = NULL;
    for (int i = 0; i < below->len; i++) {
        ms_expr *c = below->data[i];
        if (!ms_expr_uses_var(c, L->loop.var) || has_cond(&there, c))
            continue;
        g = g ? ms_binary(fl->f, MS_BIN_LAND, g, c) : c;
    }
    free(there.data);
    if (g)
        L->loop.body = ms_if(fl->f, g, L->loop.body, NULL);
}

/* What must hold for any store in s to run, in the counters of the loops
 * around s (*any: s stores nothing, of which anything may be said); on
 * the way, each loop's body is guarded by what its counter decides. */
static void needs(flattener *fl, ms_stmt *s, conds *out, bool *any)
{
    out->len = 0;
    *any = false;
    switch (s->kind) {
    default: /* a statement that writes, needing nothing */
        return;
    case MS_STMT_ALLOC:
        *any = true;
        return;
    case MS_STMT_BLOCK:
        needs(fl, s->block.body, out, any);
        if (s->block.predicate && !*any)
            add_conj(out, s->block.predicate);
        return;
    case MS_STMT_IF: {
        needs(fl, s->if_.then_s, out, any);
        if (!*any)
            add_conj(out, s->if_.cond);
        if (!s->if_.else_s)
            return;
        conds e = {0};
        bool eany;
        needs(fl, s->if_.else_s, &e, &eany);
        if (*any) {
            free(out->data);
            *out = e; /* the then branch stores nothing */
            *any = eany;
            return;
        }
        if (!eany) { /* what both need */
            int k = 0;
            for (int i = 0; i < out->len; i++)
                if (has_cond(&e, out->data[i]))
                    out->data[k++] = out->data[i];
            out->len = k;
        }
        free(e.data);
        return;
    }
    case MS_STMT_SEQ: {
        *any = true;
        conds c = {0};
        for (int i = 0; i < s->seq.n; i++) {
            bool cany;
            needs(fl, s->seq.items[i], &c, &cany);
            if (cany)
                continue;
            int k = 0;
            for (int j = 0; j < out->len; j++)
                if (*any || has_cond(&c, out->data[j]))
                    out->data[k++] = out->data[j];
            out->len = k;
            if (*any)
                for (int j = 0; j < c.len; j++)
                    MS_VEC_PUSH(*out, c.data[j]);
            *any = false;
        }
        free(c.data);
        return;
    }
    case MS_STMT_FOR: {
        conds below = {0};
        bool bany;
        needs(fl, s->loop.body, &below, &bany);
        if (bany) {
            *any = true;
            free(below.data);
            return;
        }
        guard_body(fl, s, &below);
        for (int i = 0; i < fl->bounds.len; i++)
            if (fl->bounds.data[i].loop == s)
                add_conj(&below, fl->bounds.data[i].c);
        for (int i = 0; i < below.len; i++) {
            ms_expr *c = at_first(fl, s, below.data[i]);
            if (c && !has_cond(out, c))
                MS_VEC_PUSH(*out, c);
        }
        free(below.data);
        return;
    }
    }
}

ms_expr *ms_simplify_index_in(ms_func *f, ms_expr *e, int nloops, ms_stmt *const *loops)
{
    flattener fl = {f, {0}, {0}, {0}, {0}};
    for (int i = 0; i < nloops; i++)
        MS_VEC_PUSH(fl.loops, loops[i]);
    ms_expr *r = simplify_index(&fl, e);
    free(fl.loops.data);
    free(fl.atoms.data);
    return r;
}

void ms_func_flatten_blocks(ms_func *f)
{
    flattener fl = {f, {0}, {0}, {0}, {0}};
    /* a private copy: blocks may be shared between peeled copies of a nest */
    f->body = ms_stmt_subst(f, f->body, 0, NULL, NULL);
    flatten(&fl, f->body);
    conds top = {0};
    bool any;
    needs(&fl, f->body, &top, &any);
    free(top.data);
    free(fl.loops.data);
    free(fl.atoms.data);
    free(fl.nonneg.data);
    free(fl.bounds.data);
}
