/*
 * lower_loop.c - for loops as numerical C writes them, lowered to the IR's
 * upward unit-stride loops. A header may declare its counters (C99) or
 * assign counters declared earlier (C89), step them up or down by any
 * constant, carry several counters at once ("i = 0, j = n - 1; ...; i++,
 * j--"), or test and decrement ("i-- > 0"). Such a loop runs over a fresh
 * counter t in [0, trips), every original counter being start + step * t,
 * so the dependence analysis sees the normalised form; a plain
 * "for (v = LO; v < HI; v++)" keeps its counter and bounds. After its loop
 * a C89 counter holds the value the original leaves in it.
 */
#include "frontend/lower_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_COUNTERS = 4 };

/* The parts of "for (init; cond; inc) body"; a missing part is null. */
typedef struct for_parts {
    CXCursor init, cond, inc, body;
} for_parts;

/* One counter of a header. */
typedef struct counter {
    CXCursor decl;
    CXCursor start; /* its initial value; null: the value it has before the loop */
    bool declared;  /* declared by the header itself */
    int64_t step;   /* 0 until the increment (or "v--" in the condition) names it */
} counter;

typedef struct header {
    int n;
    counter ctr[MAX_COUNTERS];
    int tested;                   /* the counter the condition compares */
    enum CXBinaryOperatorKind op; /* as "counter OP bound" */
    CXCursor bound;
    bool postdec; /* "v-- > bound": the body sees the decremented value */
} header;

static unsigned offset_at(CXSourceLocation loc)
{
    unsigned off;
    clang_getExpansionLocation(loc, NULL, NULL, NULL, &off);
    return off;
}

/* Which child is which: the header's two ';' and its ')' are found among
 * the tokens, since libclang lists only the parts that are present. */
static bool split_for(lower_ctx *c, CXCursor cur, for_parts *p)
{
    CXToken *toks;
    unsigned n;
    clang_tokenize(c->tu, clang_getCursorExtent(cur), &toks, &n);
    unsigned semi[2] = {0, 0}, close = 0;
    int nsemi = 0, depth = 0;
    for (unsigned i = 0; i < n && !close; i++) {
        CXString s = clang_getTokenSpelling(c->tu, toks[i]);
        const char *t = clang_getCString(s);
        unsigned off = offset_at(clang_getTokenLocation(c->tu, toks[i]));
        if (!strcmp(t, "("))
            depth++;
        else if (!strcmp(t, ")") && --depth == 0)
            close = off;
        else if (!strcmp(t, ";") && depth == 1 && nsemi < 2)
            semi[nsemi++] = off;
        clang_disposeString(s);
    }
    clang_disposeTokens(c->tu, toks, n);
    *p = (for_parts){clang_getNullCursor(), clang_getNullCursor(), clang_getNullCursor(),
                     clang_getNullCursor()};
    if (nsemi != 2 || !close) {
        lower_fail(c, cur, "cannot read the parts of this for statement");
        return false;
    }
    CXCursor kids[4];
    int nk = lower_children(cur, kids, 4);
    for (int i = 0; i < nk && i < 4; i++) {
        unsigned off = offset_at(clang_getRangeStart(clang_getCursorExtent(kids[i])));
        CXCursor *slot = off < semi[0]   ? &p->init
                         : off < semi[1] ? &p->cond
                         : off < close   ? &p->inc
                                         : &p->body;
        *slot = kids[i];
    }
    if (clang_Cursor_isNull(p->body)) {
        lower_fail(c, cur, "for loop without a body");
        return false;
    }
    return true;
}

static int find_counter(const header *h, CXCursor decl)
{
    for (int i = 0; i < h->n; i++)
        if (clang_equalCursors(h->ctr[i].decl, decl))
            return i;
    return -1;
}

static int add_counter(lower_ctx *c, header *h, CXCursor at, CXCursor decl)
{
    int i = find_counter(h, decl);
    if (i >= 0)
        return i;
    if (h->n == MAX_COUNTERS) {
        lower_fail(c, at, "loop header with more than %d counters", MAX_COUNTERS);
        return -1;
    }
    ms_dtype dt;
    if (!lower_dtype(clang_getCursorType(decl), &dt) || ms_dtype_is_float(dt)) {
        lower_fail(c, at, "loop counter is not an integer");
        return -1;
    }
    h->ctr[h->n] = (counter){decl, clang_getNullCursor(), false, 0};
    return h->n++;
}

static bool is_binop(CXCursor e, enum CXBinaryOperatorKind op)
{
    return clang_getCursorKind(e) == CXCursor_BinaryOperator &&
           clang_getCursorBinaryOperatorKind(e) == op;
}

/* The variable e names (through casts and parentheses), or a null cursor. */
static CXCursor named_var(CXCursor e)
{
    e = lower_strip(e);
    if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
        return clang_getNullCursor();
    CXCursor d = clang_getCursorReferenced(e);
    return clang_getCursorKind(d) == CXCursor_VarDecl ? d : clang_getNullCursor();
}

static bool int_constant(CXCursor e, int64_t *v)
{
    CXEvalResult r = clang_Cursor_Evaluate(lower_strip(e));
    bool ok = r && clang_EvalResult_getKind(r) == CXEval_Int;
    if (ok)
        *v = clang_EvalResult_getAsLongLong(r);
    if (r)
        clang_EvalResult_dispose(r);
    return ok;
}

/* "int i = 0, j = n - 1" or "i = 0, j = n - 1". */
static bool parse_init(lower_ctx *c, header *h, CXCursor init)
{
    if (clang_Cursor_isNull(init))
        return true;
    if (clang_getCursorKind(init) == CXCursor_DeclStmt) {
        CXCursor decls[MAX_COUNTERS + 1];
        int nd = lower_children(init, decls, MAX_COUNTERS + 1);
        for (int i = 0; i < nd && i <= MAX_COUNTERS; i++) {
            CXCursor vk[2];
            int nv = lower_children(decls[i], vk, 2);
            int k = add_counter(c, h, decls[i], decls[i]);
            if (k < 0)
                return false;
            if (nv < 1 || !clang_isExpression(clang_getCursorKind(vk[nv - 1]))) {
                lower_fail(c, decls[i], "loop counter without an initial value");
                return false;
            }
            h->ctr[k].start = vk[nv - 1];
            h->ctr[k].declared = true;
        }
        return true;
    }
    CXCursor e = lower_strip(init), kids[2];
    if (is_binop(e, CXBinaryOperator_Comma) && lower_children(e, kids, 2) == 2)
        return parse_init(c, h, kids[0]) && parse_init(c, h, kids[1]);
    CXCursor v = clang_getNullCursor();
    if (is_binop(e, CXBinaryOperator_Assign) && lower_children(e, kids, 2) == 2)
        v = named_var(kids[0]);
    if (clang_Cursor_isNull(v)) {
        lower_fail(c, init, "loop initialisation is not 'v = LO' (or several, with commas)");
        return false;
    }
    int k = add_counter(c, h, e, v);
    if (k < 0)
        return false;
    if (!clang_Cursor_isNull(h->ctr[k].start)) {
        lower_fail(c, e, "loop counter initialised twice");
        return false;
    }
    h->ctr[k].start = kids[1];
    return true;
}

/* The counter an increment steps and by how much: v++, --v, v += 3,
 * v -= 1, v = v + 2, v = 1 + v, v = v - 1. */
static bool step_of(CXCursor e, CXCursor *var, int64_t *step)
{
    CXCursor kids[2];
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_UnaryOperator && lower_children(e, kids, 1) == 1) {
        enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(e);
        *var = named_var(kids[0]);
        *step = (u == CXUnaryOperator_PostInc || u == CXUnaryOperator_PreInc)   ? 1
                : (u == CXUnaryOperator_PostDec || u == CXUnaryOperator_PreDec) ? -1
                                                                                : 0;
        return *step != 0 && !clang_Cursor_isNull(*var);
    }
    if (lower_children(e, kids, 2) != 2)
        return false;
    enum CXBinaryOperatorKind op =
        k == CXCursor_CompoundAssignOperator || k == CXCursor_BinaryOperator
            ? clang_getCursorBinaryOperatorKind(e)
            : CXBinaryOperator_Invalid;
    *var = named_var(kids[0]);
    if (clang_Cursor_isNull(*var))
        return false;
    if (op == CXBinaryOperator_AddAssign || op == CXBinaryOperator_SubAssign) {
        if (!int_constant(kids[1], step))
            return false;
        *step = op == CXBinaryOperator_AddAssign ? *step : -*step;
        return *step != 0;
    }
    CXCursor rhs = lower_strip(kids[1]), t[2];
    if (op != CXBinaryOperator_Assign || lower_children(rhs, t, 2) != 2)
        return false;
    bool add = is_binop(rhs, CXBinaryOperator_Add), sub = is_binop(rhs, CXBinaryOperator_Sub);
    if ((add || sub) && lower_is_ref_to(t[0], *var) && int_constant(t[1], step)) {
        *step = add ? *step : -*step;
        return *step != 0;
    }
    return add && lower_is_ref_to(t[1], *var) && int_constant(t[0], step) && *step != 0;
}

static bool parse_inc(lower_ctx *c, header *h, CXCursor inc)
{
    if (clang_Cursor_isNull(inc))
        return true;
    CXCursor e = lower_strip(inc), kids[2];
    if (is_binop(e, CXBinaryOperator_Comma) && lower_children(e, kids, 2) == 2)
        return parse_inc(c, h, kids[0]) && parse_inc(c, h, kids[1]);
    CXCursor var;
    int64_t step;
    if (!step_of(e, &var, &step)) {
        lower_fail(c, inc, "loop step is not a constant increment or decrement of a counter");
        return false;
    }
    int k = add_counter(c, h, e, var);
    if (k < 0)
        return false;
    if (h->ctr[k].step) {
        lower_fail(c, e, "loop counter stepped twice in the header");
        return false;
    }
    h->ctr[k].step = step;
    return true;
}

/* "HI > v" is "v < HI": the operator seen from the other side. */
static enum CXBinaryOperatorKind mirrored(enum CXBinaryOperatorKind op)
{
    static const enum CXBinaryOperatorKind pairs[][2] = {
        {CXBinaryOperator_LT, CXBinaryOperator_GT},
        {CXBinaryOperator_LE, CXBinaryOperator_GE},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        for (int k = 0; k < 2; k++)
            if (pairs[i][k] == op)
                return pairs[i][1 - k];
    return op;
}

/* "v < HI", "HI > v", "v >= LO", "v != HI", or "v-- > LO". */
static bool parse_cond(lower_ctx *c, header *h, CXCursor cond, CXCursor loop)
{
    if (clang_Cursor_isNull(cond)) {
        lower_fail(c, loop, "for loop without a condition");
        return false;
    }
    CXCursor e = lower_strip(cond), kids[2];
    enum CXBinaryOperatorKind op = clang_getCursorKind(e) == CXCursor_BinaryOperator
                                       ? clang_getCursorBinaryOperatorKind(e)
                                       : CXBinaryOperator_Invalid;
    bool compares = op == CXBinaryOperator_LT || op == CXBinaryOperator_LE ||
                    op == CXBinaryOperator_GT || op == CXBinaryOperator_GE ||
                    op == CXBinaryOperator_NE;
    if (compares && lower_children(e, kids, 2) == 2) {
        for (int side = 0; side < 2; side++) {
            int k = find_counter(h, named_var(kids[side]));
            if (k >= 0) {
                h->tested = k;
                h->op = side ? mirrored(op) : op;
                h->bound = kids[1 - side];
                return true;
            }
        }
        CXCursor dec = lower_strip(kids[0]), v[1];
        if (clang_getCursorKind(dec) == CXCursor_UnaryOperator &&
            clang_getCursorUnaryOperatorKind(dec) == CXUnaryOperator_PostDec &&
            lower_children(dec, v, 1) == 1 && !clang_Cursor_isNull(named_var(v[0])) &&
            (op == CXBinaryOperator_GT || op == CXBinaryOperator_NE)) {
            int k = add_counter(c, h, dec, named_var(v[0]));
            if (k < 0)
                return false;
            if (h->ctr[k].step) {
                lower_fail(c, dec, "loop counter stepped twice in the header");
                return false;
            }
            h->ctr[k].step = -1;
            h->tested = k;
            h->op = CXBinaryOperator_GT;
            h->bound = kids[1];
            h->postdec = true;
            return true;
        }
    }
    lower_fail(c, cond,
               "loop condition is not a comparison of a counter with a bound ('v < HI', "
               "'v >= LO', 'v-- > 0')");
    return false;
}

typedef struct ref_query {
    const header *h;
    CXCursor found;
} ref_query;

static enum CXChildVisitResult find_counter_ref(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    ref_query *q = data;
    if (clang_getCursorKind(cur) == CXCursor_DeclRefExpr &&
        find_counter(q->h, clang_getCursorReferenced(cur)) >= 0) {
        q->found = cur;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Recurse;
}

/* The bound is evaluated at every test: it must not change in the loop. */
static bool bound_is_fixed(lower_ctx *c, const header *h)
{
    ref_query q = {h, clang_getNullCursor()};
    CXCursor b = lower_strip(h->bound);
    if (clang_getCursorKind(b) == CXCursor_DeclRefExpr)
        find_counter_ref(b, b, &q);
    else
        clang_visitChildren(b, find_counter_ref, &q);
    if (clang_Cursor_isNull(q.found))
        return true;
    CXString s = clang_getCursorSpelling(q.found);
    lower_fail(c, q.found, "loop bound names '%s', a counter stepped by the same loop",
               clang_getCString(s));
    clang_disposeString(s);
    return false;
}

/* A counter declared before the loop must be one of the kernel's counters
 * (assigned in loop headers only) and not the counter of a running loop. */
static bool check_outer_counter(lower_ctx *c, CXCursor at, const counter *k)
{
    sym *s = lower_lookup_decl(c, k->decl);
    CXString ns = clang_getCursorSpelling(k->decl);
    const char *name = clang_getCString(ns);
    bool ok = false;
    if (!s)
        lower_fail(c, at, "loop counter '%s' is not a local of the kernel", name);
    else if (s->counter_of_loop)
        lower_fail(c, at, "loop counter '%s' is reused by a loop inside its own loop", name);
    else if (s->kind != SYM_COUNTER)
        lower_fail(c, at,
                   "loop counter '%s' is also assigned outside loop headers, or is a parameter",
                   name);
    else if (clang_Cursor_isNull(k->start) && !s->let)
        lower_fail(c, at, "loop counter '%s' has no known value where the loop starts", name);
    else
        ok = true;
    clang_disposeString(ns);
    return ok;
}

/* Every coefficient of e's polynomial (constant included) satisfies the test. */
static bool poly_coefs(const ms_expr *e, int64_t divisor, bool nonneg)
{
    ms_poly p;
    if (!ms_poly_from_expr(e, &p))
        return false;
    bool ok = true;
    for (int i = 0; i < p.n; i++)
        ok = ok && p.terms[i].coef % divisor == 0 && (!nonneg || p.terms[i].coef >= 0);
    ms_poly_free(&p);
    return ok;
}

static bool bound_ok(const ms_expr *e)
{
    if (e->kind == MS_EXPR_SELECT)
        return bound_ok(e->sel.a) && bound_ok(e->sel.b);
    return !ms_dtype_is_float(e->dtype) && lower_is_affine(e);
}

/* An integer literal of the counter's type (ms_int's are 64-bit, and would
 * widen every expression they meet). */
static ms_expr *lit(ms_func *f, int64_t v, ms_dtype dt)
{
    ms_expr *e = ms_int(f, v);
    e->dtype = dt;
    return e;
}

static ms_expr *add(ms_func *f, ms_expr *a, ms_expr *b)
{
    return ms_binary(f, MS_BIN_ADD, a, b);
}

static ms_expr *sub(ms_func *f, ms_expr *a, ms_expr *b)
{
    return ms_binary(f, MS_BIN_SUB, a, b);
}

/* The number of iterations (possibly <= 0: none) of the tested counter. */
static ms_expr *trip_count(lower_ctx *c, const header *h, ms_expr *start, ms_expr *bound,
                           ms_dtype dt)
{
    ms_func *f = c->f;
    int64_t step = h->ctr[h->tested].step;
    enum CXBinaryOperatorKind op = h->op;
    bool up = step > 0;
    bool fits =
        up ? (op == CXBinaryOperator_LT || op == CXBinaryOperator_LE || op == CXBinaryOperator_NE)
           : (op == CXBinaryOperator_GT || op == CXBinaryOperator_GE || op == CXBinaryOperator_NE);
    if (!fits) {
        lower_fail(c, h->bound, "loop condition and step go in opposite directions");
        return NULL;
    }
    ms_expr *range = up ? sub(f, bound, start) : sub(f, start, bound);
    if (op == CXBinaryOperator_LE || op == CXBinaryOperator_GE)
        range = add(f, range, lit(f, 1, dt));
    range = ms_simplify(f, range);
    int64_t stride = up ? step : -step;
    if (op == CXBinaryOperator_NE && stride != 1 && !poly_coefs(range, stride, false)) {
        lower_fail(c, h->bound,
                   "loop 'v != HI' with a step of %lld that may not divide its range (use '<' or "
                   "'>')",
                   (long long)stride);
        return NULL;
    }
    if (!ms_dtype_is_signed(dt) && (!up || stride != 1) && !poly_coefs(range, 1, true)) {
        /* unsigned: the original ends at once where ours would wrap around */
        lower_fail(c, h->bound,
                   "unsigned counter stepping down or by more than 1 towards a bound that may "
                   "lie on the other side of its start");
        return NULL;
    }
    if (stride == 1)
        return range;
    ms_expr *r =
        ms_binary(f, MS_BIN_DIV, add(f, range, lit(f, stride - 1, dt)), lit(f, stride, dt));
    r->dtype = range->dtype;
    return ms_simplify(f, r);
}

/* A name for a new counter that the kernel's text does not use. Counters
 * made here never nest with their own kind (an inner loop cannot reuse
 * its outer loop's counter), so the text is all there is to avoid. */
static const char *fresh_name(lower_ctx *c, const char *base)
{
    char name[140];
    snprintf(name, sizeof name, "%s", base);
    for (int n = 1; lower_kernel_has_identifier(c, name); n++)
        snprintf(name, sizeof name, "%s_%d", base, n);
    return ms_arena_strdup(c->f->arena, name);
}

/* The value a counter keeps after its loop: start + step * max(trips, 0). */
static ms_expr *final_value(ms_func *f, ms_expr *start, int64_t step, ms_expr *trips)
{
    ms_expr *moved =
        ms_simplify(f, add(f, start, ms_binary(f, MS_BIN_MUL, lit(f, step, start->dtype), trips)));
    int64_t n;
    if (ms_expr_const_int(trips, &n))
        return n > 0 ? moved : start;
    ms_expr *runs = ms_binary(f, MS_BIN_GT, trips, lit(f, 0, trips->dtype));
    runs->dtype = MS_DT_BOOL;
    ms_expr *v = ms_select(f, runs, moved, start);
    v->dtype = start->dtype;
    return v;
}

static ms_expr *as_type(lower_ctx *c, CXCursor decl, ms_expr *e)
{
    ms_dtype dt;
    lower_dtype(clang_getCursorType(decl), &dt);
    if (e->dtype == dt)
        return e;
    if (e->kind == MS_EXPR_INT)
        return lit(c->f, e->i.value, dt);
    return ms_cast(c->f, lower_type_spelling(c->f, clang_getCursorType(decl)), dt, e);
}

ms_stmt *lower_for(lower_ctx *c, CXCursor cur)
{
    ms_func *f = c->f;
    for_parts p;
    header h = {.n = 0};
    if (!split_for(c, cur, &p) || !parse_init(c, &h, p.init) || !parse_inc(c, &h, p.inc) ||
        !parse_cond(c, &h, p.cond, cur) || !bound_is_fixed(c, &h))
        return NULL;
    for (int k = 0; k < h.n; k++) {
        CXCursor at = clang_Cursor_isNull(h.ctr[k].start) ? cur : h.ctr[k].start;
        if (!h.ctr[k].step) {
            CXString s = clang_getCursorSpelling(h.ctr[k].decl);
            lower_fail(c, at, "'%s' is set in the loop header but never stepped",
                       clang_getCString(s));
            clang_disposeString(s);
            return NULL;
        }
        if (!h.ctr[k].declared && !check_outer_counter(c, at, &h.ctr[k]))
            return NULL;
    }
    int scope = c->syms.len;
    /* starts in header order: "i = 0, j = i + 1" sees the new i */
    ms_expr *start[MAX_COUNTERS];
    for (int k = 0; k < h.n; k++) {
        counter *ct = &h.ctr[k];
        if (clang_Cursor_isNull(ct->start)) {
            start[k] = lower_lookup_decl(c, ct->decl)->let;
        } else if (!(start[k] = lower_expr(c, ct->start))) {
            return NULL;
        } else if (!bound_ok(start[k])) {
            lower_fail(c, ct->start, "loop bound is not affine");
            return NULL;
        }
        start[k] = as_type(c, ct->decl, ms_simplify(c->f, start[k]));
        MS_VEC_PUSH(c->syms, ((sym){ct->decl, SYM_COUNTER, NULL, NULL, start[k], false}));
    }
    ms_expr *bound = lower_expr(c, h.bound);
    if (!bound)
        return NULL;
    if (!bound_ok(bound)) {
        lower_fail(c, h.bound, "loop bound is not affine");
        return NULL;
    }
    bound = ms_simplify(f, bound);
    const counter *tested = &h.ctr[h.tested];
    ms_dtype dt;
    lower_dtype(clang_getCursorType(tested->decl), &dt);
    if (h.postdec) {
        /* "v-- > B": the body sees start - 1 down to B */
        start[h.tested] = ms_simplify(f, sub(f, start[h.tested], lit(f, 1, dt)));
        h.op = CXBinaryOperator_GE;
    }
    ms_expr *trips = trip_count(c, &h, start[h.tested], bound, dt);
    if (!trips)
        return NULL;
    char *tname = lower_type_spelling(f, clang_getCursorType(tested->decl));
    CXString ns = clang_getCursorSpelling(tested->decl);
    /* a tested counter stepping by +1 runs the loop as written, from its
     * start; anything else runs over a fresh counter from 0 */
    bool plain = tested->step == 1 && !h.postdec;
    const char *name = plain ? ms_arena_strdup(f->arena, clang_getCString(ns)) : NULL;
    if (!plain) {
        char base[128];
        snprintf(base, sizeof base, "%s_t", clang_getCString(ns));
        name = fresh_name(c, base);
    }
    clang_disposeString(ns);
    ms_var *t = ms_var_new(f, name, tname, dt, MS_VAR_LOOP);
    ms_expr *first = plain ? start[h.tested] : lit(f, 0, dt);
    ms_stmt *loop = ms_for(f, t, first, trips, NULL);
    loop->loc = lower_loc(c, cur);
    c->syms.len = scope;
    for (int k = 0; k < h.n; k++) {
        if (plain && k == h.tested) {
            MS_VEC_PUSH(c->syms, ((sym){h.ctr[k].decl, SYM_VAR, t, NULL, NULL, true}));
            continue;
        }
        /* start + step * (iterations done so far) */
        ms_expr *done = ms_simplify(f, sub(f, ms_var_ref(f, t), first));
        ms_expr *v = add(f, start[k], ms_binary(f, MS_BIN_MUL, lit(f, h.ctr[k].step, dt), done));
        v = as_type(c, h.ctr[k].decl, ms_simplify(f, v));
        MS_VEC_PUSH(c->syms, ((sym){h.ctr[k].decl, SYM_LET, NULL, NULL, v, true}));
    }
    MS_VEC_PUSH(c->loops, loop);
    loop->loop.body = lower_stmt(c, p.body);
    c->loops.len--;
    if (!loop->loop.body)
        return NULL;
    /* C89 counters set inside the loop have no one value after it */
    CXCursor inner[64];
    int ninner = 0;
    for (int i = scope; i < c->syms.len; i++) {
        sym *s = &c->syms.data[i];
        if ((s->kind == SYM_COUNTER || s->counter_of_loop) && find_counter(&h, s->decl) < 0 &&
            ninner < 64)
            inner[ninner++] = s->decl;
    }
    c->syms.len = scope;
    for (int i = 0; i < ninner; i++)
        MS_VEC_PUSH(c->syms, ((sym){inner[i], SYM_COUNTER, NULL, NULL, NULL, false}));
    for (int k = 0; k < h.n; k++) {
        if (h.ctr[k].declared)
            continue;
        ms_expr *end = final_value(f, start[k], h.ctr[k].step, trips);
        if (h.postdec && k == h.tested) /* the last test decremented it too */
            end = ms_simplify(f, sub(f, end, lit(f, 1, end->dtype)));
        MS_VEC_PUSH(c->syms, ((sym){h.ctr[k].decl, SYM_COUNTER, NULL, NULL,
                                    as_type(c, h.ctr[k].decl, end), false}));
    }
    return loop;
}

typedef struct header_writes {
    lower_ctx *c;
    CXCursor decl;
    int n;
} header_writes;

static enum CXChildVisitResult count_header_writes(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    header_writes *w = data;
    if (clang_getCursorKind(cur) == CXCursor_ForStmt) {
        for_parts p;
        if (split_for(w->c, cur, &p))
            w->n += lower_writes_in(p.init, w->decl) + lower_writes_in(p.cond, w->decl) +
                    lower_writes_in(p.inc, w->decl);
    }
    return CXChildVisit_Recurse;
}

bool lower_is_counter(lower_ctx *c, CXCursor decl)
{
    int all = lower_writes_in(c->body, decl);
    header_writes in_headers = {c, decl, 0};
    bool failed = c->failed;
    clang_visitChildren(c->body, count_header_writes, &in_headers);
    c->failed = failed; /* split_for's complaints belong to lower_for */
    return all > 0 && all == in_headers.n;
}
