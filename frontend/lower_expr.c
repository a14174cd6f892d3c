/*
 * lower_expr.c - clang expressions to IR expressions: literals, parameters,
 * loop counters, integer helpers (substituted), array accesses with affine
 * subscripts, casts, selects and <math.h> calls. Anything else rejects the
 * kernel with a reason.
 */
#include "frontend/lower_ctx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* <math.h> functions a kernel may call (float and double forms). */
static const char *const math_funcs[] = {
    "expf",  "exp",  "logf",   "log",   "sqrtf",  "sqrt",  "tanhf",  "tanh",  "fabsf",  "fabs",
    "fmaxf", "fmax", "fminf",  "fmin",  "powf",   "pow",   "erff",   "erf",   "exp2f",  "exp2",
    "log2f", "log2", "sinf",   "sin",   "cosf",   "cos",   "floorf", "floor", "ceilf",  "ceil",
    "fmaf",  "fma",  "roundf", "round", "log1pf", "log1p", "expm1f", "expm1", "rsqrtf",
};

static bool is_math_func(const char *name)
{
    for (size_t i = 0; i < sizeof math_funcs / sizeof *math_funcs; i++)
        if (!strcmp(math_funcs[i], name))
            return true;
    return false;
}

static const struct {
    enum CXBinaryOperatorKind clang;
    ms_binop op;
} binop_map[] = {
    {CXBinaryOperator_Add, MS_BIN_ADD},    {CXBinaryOperator_Sub, MS_BIN_SUB},
    {CXBinaryOperator_Mul, MS_BIN_MUL},    {CXBinaryOperator_Div, MS_BIN_DIV},
    {CXBinaryOperator_Rem, MS_BIN_MOD},    {CXBinaryOperator_Shl, MS_BIN_SHL},
    {CXBinaryOperator_Shr, MS_BIN_SHR},    {CXBinaryOperator_LT, MS_BIN_LT},
    {CXBinaryOperator_LE, MS_BIN_LE},      {CXBinaryOperator_GT, MS_BIN_GT},
    {CXBinaryOperator_GE, MS_BIN_GE},      {CXBinaryOperator_EQ, MS_BIN_EQ},
    {CXBinaryOperator_NE, MS_BIN_NE},      {CXBinaryOperator_And, MS_BIN_BITAND},
    {CXBinaryOperator_Xor, MS_BIN_BITXOR}, {CXBinaryOperator_Or, MS_BIN_BITOR},
    {CXBinaryOperator_LAnd, MS_BIN_LAND},  {CXBinaryOperator_LOr, MS_BIN_LOR},
};

/* clang's builtin types that are element types of the IR */
static const struct {
    enum CXTypeKind clang;
    ms_dtype dtype;
} dtype_map[] = {
    {CXType_Bool, MS_DT_BOOL},     {CXType_Char_S, MS_DT_I8},    {CXType_SChar, MS_DT_I8},
    {CXType_Char_U, MS_DT_U8},     {CXType_UChar, MS_DT_U8},     {CXType_Short, MS_DT_I16},
    {CXType_UShort, MS_DT_U16},    {CXType_Int, MS_DT_I32},      {CXType_UInt, MS_DT_U32},
    {CXType_Long, MS_DT_I64},      {CXType_LongLong, MS_DT_I64}, {CXType_ULong, MS_DT_U64},
    {CXType_ULongLong, MS_DT_U64}, {CXType_Float, MS_DT_F32},    {CXType_Double, MS_DT_F64},
};

bool lower_dtype(CXType t, ms_dtype *out)
{
    enum CXTypeKind k = clang_getCanonicalType(t).kind;
    for (size_t i = 0; i < sizeof dtype_map / sizeof *dtype_map; i++)
        if (dtype_map[i].clang == k) {
            *out = dtype_map[i].dtype;
            return true;
        }
    return false;
}

char *lower_type_spelling(ms_func *f, CXType t)
{
    CXString s = clang_getTypeSpelling(clang_getUnqualifiedType(t));
    char *r = ms_arena_strdup(f->arena, clang_getCString(s));
    clang_disposeString(s);
    return r;
}

static enum CXChildVisitResult collect(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    struct {
        CXCursor *out;
        int n, max;
    } *k = data;
    if (k->n < k->max)
        k->out[k->n] = cur;
    k->n++;
    return CXChildVisit_Continue;
}

int lower_children(CXCursor cur, CXCursor *out, int max)
{
    struct {
        CXCursor *out;
        int n, max;
    } k = {out, 0, max};
    clang_visitChildren(cur, collect, &k);
    return k.n;
}

CXCursor lower_strip(CXCursor cur)
{
    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(cur);
        CXCursor kids[2];
        if ((k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr) &&
            lower_children(cur, kids, 2) == 1)
            cur = kids[0];
        else
            return cur;
    }
}

bool lower_is_ref_to(CXCursor e, CXCursor decl)
{
    e = lower_strip(e);
    return clang_getCursorKind(e) == CXCursor_DeclRefExpr &&
           clang_equalCursors(clang_getCursorReferenced(e), decl);
}

static char *spelling(CXCursor cur)
{
    CXString s = clang_getCursorSpelling(cur);
    char *r = ms_xstrdup(clang_getCString(s));
    clang_disposeString(s);
    return r;
}

/* The source text of a single-token expression, or NULL. */
static char *single_token(lower_ctx *c, CXCursor cur)
{
    CXToken *toks;
    unsigned n;
    clang_tokenize(c->tu, clang_getCursorExtent(cur), &toks, &n);
    char *r = NULL;
    if (n == 1 && clang_getTokenKind(toks[0]) == CXToken_Literal) {
        CXString s = clang_getTokenSpelling(c->tu, toks[0]);
        r = ms_xstrdup(clang_getCString(s));
        clang_disposeString(s);
    }
    clang_disposeTokens(c->tu, toks, n);
    return r;
}

/* A floating constant, printed so that it reads back to the same value. */
static ms_expr *float_const(lower_ctx *c, CXCursor cur, double v, ms_dtype t)
{
    char buf[64];
    char *tok = single_token(c, cur);
    if (tok) {
        ms_expr *e = ms_float(c->f, v, t, tok);
        free(tok);
        return e;
    }
    if (isinf(v))
        snprintf(buf, sizeof buf, "%s%sINFINITY", v < 0 ? "-" : "",
                 t == MS_DT_F64 ? "(double)" : "");
    else if (t == MS_DT_F32)
        snprintf(buf, sizeof buf, "%.9gf", v);
    else
        snprintf(buf, sizeof buf, "%.17g", v);
    if (!isinf(v) && !strpbrk(buf, ".eEn")) {
        /* "1f" is not C: make it "1.0f" */
        size_t n = strlen(buf) - (t == MS_DT_F32);
        memmove(buf + n + 2, buf + n, strlen(buf + n) + 1);
        memcpy(buf + n, ".0", 2);
    }
    return ms_float(c->f, v, t, buf);
}

/* Folds constant subexpressions (macros, enums, sizeof) to literals. */
static ms_expr *try_constant(lower_ctx *c, CXCursor cur, ms_dtype t)
{
    enum CXCursorKind k = clang_getCursorKind(cur);
    if (k == CXCursor_DeclRefExpr) {
        /* enum constants and const globals, never the kernel's own variables */
        CXCursor d = clang_getCursorReferenced(cur);
        bool konst =
            clang_getCursorKind(d) == CXCursor_EnumConstantDecl ||
            (clang_getCursorKind(d) == CXCursor_VarDecl &&
             clang_isConstQualifiedType(clang_getCursorType(d)) && lower_lookup(c, cur) == NULL);
        if (!konst)
            return NULL;
    }
    CXEvalResult r = clang_Cursor_Evaluate(cur);
    if (!r)
        return NULL;
    ms_expr *e = NULL;
    CXEvalResultKind rk = clang_EvalResult_getKind(r);
    if (rk == CXEval_Int && !ms_dtype_is_float(t))
        e = ms_int(c->f, clang_EvalResult_getAsLongLong(r));
    else if (rk == CXEval_Float && ms_dtype_is_float(t))
        e = float_const(c, cur, clang_EvalResult_getAsDouble(r), t);
    clang_EvalResult_dispose(r);
    return e;
}

static ms_expr *lower_call(lower_ctx *c, CXCursor cur, ms_dtype t)
{
    char *name = spelling(cur);
    ms_expr *result = NULL;
    CXCursor kids[8];
    int n = lower_children(cur, kids, 8);
    if (!is_math_func(name)) {
        lower_fail(c, cur, "call to '%s' (only <math.h> functions are allowed)", name);
    } else if (n - 1 > 7) {
        lower_fail(c, cur, "call to '%s' with too many arguments", name);
    } else {
        ms_expr *args[8];
        bool ok = true;
        for (int i = 1; i < n && ok; i++)
            ok = (args[i - 1] = lower_expr(c, kids[i])) != NULL;
        if (ok)
            result = ms_call(c->f, name, t, n - 1, args);
    }
    free(name);
    return result;
}

/* Quasi-affine: affine, or / % >> of a quasi-affine expression by a positive
 * constant (the strided accesses of transposed convolutions). */
static bool quasi_affine(const ms_expr *e)
{
    if (lower_is_affine(e))
        return true;
    if (e->kind == MS_EXPR_CAST)
        return quasi_affine(e->cast.a);
    if (e->kind == MS_EXPR_UNARY)
        return e->un.op == MS_UN_NEG && quasi_affine(e->un.a);
    if (e->kind != MS_EXPR_BINARY || ms_dtype_is_float(e->dtype))
        return false;
    ms_binop op = e->bin.op;
    const ms_expr *x = e->bin.a, *y = e->bin.b;
    if (op == MS_BIN_ADD || op == MS_BIN_SUB)
        return quasi_affine(x) && quasi_affine(y);
    if (op == MS_BIN_MUL)
        return (y->kind == MS_EXPR_INT && quasi_affine(x)) ||
               (x->kind == MS_EXPR_INT && quasi_affine(y));
    if (op == MS_BIN_DIV || op == MS_BIN_MOD || op == MS_BIN_SHR)
        return y->kind == MS_EXPR_INT && y->i.value > 0 && quasi_affine(x);
    return false;
}

bool lower_is_affine(const ms_expr *e)
{
    ms_poly p;
    if (!ms_poly_from_expr(e, &p))
        return false;
    bool ok = ms_poly_is_affine(&p);
    ms_poly_free(&p);
    return ok;
}

/* Collects a[i][j]... into its base and indices (outermost first). */
static bool lower_access(lower_ctx *c, CXCursor cur, ms_buffer **buf, int *nidx, ms_expr ***idx)
{
    CXCursor chain[16];
    int depth = 0;
    cur = lower_strip(cur);
    while (clang_getCursorKind(cur) == CXCursor_ArraySubscriptExpr) {
        CXCursor kids[2];
        if (lower_children(cur, kids, 2) != 2 || depth == 16) {
            lower_fail(c, cur, "unsupported array access");
            return false;
        }
        chain[depth++] = kids[1];
        cur = lower_strip(kids[0]);
    }
    if (clang_getCursorKind(cur) != CXCursor_DeclRefExpr) {
        lower_fail(c, cur, "access through a computed pointer");
        return false;
    }
    sym *s = lower_lookup(c, cur);
    if (!s || s->kind != SYM_BUFFER) {
        char *n = spelling(cur);
        lower_fail(c, cur, "'%s' is not an array of the kernel", n);
        free(n);
        return false;
    }
    ms_buffer *b = s->buf;
    if (depth != b->ndim) {
        lower_fail(c, cur, "'%s' accessed with %d subscripts but has %d dimensions", b->name, depth,
                   b->ndim);
        return false;
    }
    ms_expr **ix = ms_arena_alloc(c->f->arena, sizeof(ms_expr *) * (size_t)(depth ? depth : 1));
    for (int d = 0; d < depth; d++) {
        CXCursor sub = chain[depth - 1 - d];
        ms_expr *e = lower_expr(c, sub);
        if (!e)
            return false;
        if (ms_dtype_is_float(e->dtype) || !quasi_affine(e)) {
            lower_fail(c, sub, "subscript of '%s' is not affine in the loop counters", b->name);
            return false;
        }
        ix[d] = e;
    }
    *buf = b;
    *nidx = depth;
    *idx = ix;
    return true;
}

bool lower_lvalue(lower_ctx *c, CXCursor cur, ms_buffer **buf, int *nidx, ms_expr ***idx)
{
    CXCursor s = lower_strip(cur);
    if (clang_getCursorKind(s) == CXCursor_DeclRefExpr) {
        sym *y = lower_lookup(c, s);
        if (y && y->kind == SYM_BUFFER && y->buf->ndim == 0) {
            *buf = y->buf;
            *nidx = 0;
            *idx = NULL;
            return true;
        }
        char *n = spelling(s);
        if (y && (y->counter_of_loop || y->kind == SYM_COUNTER))
            lower_fail(c, s, "loop counter '%s' is assigned in the loop body", n);
        else if (y && y->kind == SYM_VAR)
            lower_fail(c, s, "parameter '%s' is assigned", n);
        else if (y && y->kind == SYM_LET)
            lower_fail(c, s, "integer local '%s' is modified after its declaration", n);
        else
            lower_fail(c, s, "assignment to '%s', which is not an array or local of the kernel", n);
        free(n);
        return false;
    }
    return lower_access(c, s, buf, nidx, idx);
}

static ms_expr *lower_declref(lower_ctx *c, CXCursor cur, ms_dtype t)
{
    sym *s = lower_lookup(c, cur);
    if (!s) {
        ms_expr *k = try_constant(c, cur, t);
        if (k)
            return k;
        char *n = spelling(cur);
        lower_fail(c, cur, "reference to '%s', declared outside the kernel", n);
        free(n);
        return NULL;
    }
    switch (s->kind) {
    case SYM_VAR:
        return ms_var_ref(c->f, s->var);
    case SYM_LET:
        return s->let;
    case SYM_COUNTER: {
        if (s->let)
            return s->let;
        char *n = spelling(cur);
        lower_fail(c, cur,
                   "integer local '%s' is read where it has no known value (before any loop sets "
                   "it, or after an inner loop set it)",
                   n);
        free(n);
        return NULL;
    }
    case SYM_BUFFER:
        if (s->buf->ndim == 0)
            return ms_load(c->f, s->buf, 0, NULL);
        lower_fail(c, cur, "array '%s' used without subscripts", s->buf->name);
        return NULL;
    }
    ms_unreachable();
}

ms_expr *lower_expr(lower_ctx *c, CXCursor cur)
{
    if (c->failed)
        return NULL;
    cur = lower_strip(cur);
    enum CXCursorKind k = clang_getCursorKind(cur);
    ms_dtype t;
    if (!lower_dtype(clang_getCursorType(cur), &t)) {
        CXString ts = clang_getTypeSpelling(clang_getCursorType(cur));
        lower_fail(c, cur, "expression of unsupported type '%s'", clang_getCString(ts));
        clang_disposeString(ts);
        return NULL;
    }
    if (k != CXCursor_DeclRefExpr || ms_dtype_is_float(t)) {
        ms_expr *konst = try_constant(c, cur, t);
        if (konst)
            return konst;
    }
    CXCursor kids[3];
    int n = lower_children(cur, kids, 3);
    switch ((int)k) { /* clang's enum: only some kinds are ours */
    case CXCursor_IntegerLiteral:
    case CXCursor_CharacterLiteral:
    case CXCursor_FloatingLiteral:
        lower_fail(c, cur, "literal that cannot be evaluated");
        return NULL;
    case CXCursor_DeclRefExpr:
        return lower_declref(c, cur, t);
    case CXCursor_ArraySubscriptExpr: {
        ms_buffer *b;
        int ni;
        ms_expr **ix;
        if (!lower_access(c, cur, &b, &ni, &ix))
            return NULL;
        return ms_load(c->f, b, ni, ix);
    }
    case CXCursor_BinaryOperator: {
        enum CXBinaryOperatorKind bk = clang_getCursorBinaryOperatorKind(cur);
        for (size_t i = 0; i < sizeof binop_map / sizeof *binop_map; i++)
            if (binop_map[i].clang == bk) {
                ms_expr *a = lower_expr(c, kids[0]);
                ms_expr *b = a ? lower_expr(c, kids[1]) : NULL;
                if (!b)
                    return NULL;
                ms_expr *e = ms_binary(c->f, binop_map[i].op, a, b);
                e->dtype = t;
                return e;
            }
        lower_fail(c, cur, "assignment or comma inside an expression");
        return NULL;
    }
    case CXCursor_UnaryOperator: {
        enum CXUnaryOperatorKind uk = clang_getCursorUnaryOperatorKind(cur);
        ms_unop op;
        if (uk == CXUnaryOperator_Minus)
            op = MS_UN_NEG;
        else if (uk == CXUnaryOperator_Plus)
            op = MS_UN_PLUS;
        else if (uk == CXUnaryOperator_LNot)
            op = MS_UN_NOT;
        else if (uk == CXUnaryOperator_Not)
            op = MS_UN_BITNOT;
        else {
            lower_fail(c, cur, "increment, decrement, address or dereference inside an expression");
            return NULL;
        }
        ms_expr *a = lower_expr(c, kids[0]);
        if (!a)
            return NULL;
        ms_expr *e = ms_unary(c->f, op, a);
        e->dtype = t;
        return e;
    }
    case CXCursor_ConditionalOperator: {
        if (n != 3) {
            lower_fail(c, cur, "unsupported conditional expression");
            return NULL;
        }
        ms_expr *x = lower_expr(c, kids[0]);
        ms_expr *a = x ? lower_expr(c, kids[1]) : NULL;
        ms_expr *b = a ? lower_expr(c, kids[2]) : NULL;
        if (!b)
            return NULL;
        ms_expr *e = ms_select(c->f, x, a, b);
        e->dtype = t;
        return e;
    }
    case CXCursor_CStyleCastExpr: {
        ms_expr *a = lower_expr(c, kids[n - 1]);
        if (!a)
            return NULL;
        return ms_cast(c->f, lower_type_spelling(c->f, clang_getCursorType(cur)), t, a);
    }
    case CXCursor_CallExpr:
        return lower_call(c, cur, t);
    default: {
        CXString ks = clang_getCursorKindSpelling(k);
        lower_fail(c, cur, "unsupported expression (%s)", clang_getCString(ks));
        clang_disposeString(ks);
        return NULL;
    }
    }
}
