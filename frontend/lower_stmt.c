/*
 * lower_stmt.c - clang statements to IR statements: canonical for loops,
 * declarations (scalar accumulators become 0-d local buffers, integer
 * helpers are substituted, C89 loop counters are left to their loops,
 * local arrays become local buffers), assignments (each a block; chained
 * and comma-separated ones one after the other), and if statements; for
 * loops are lower_loop.c's. The first unsupported construct
 * rejects the kernel.
 */
#include "frontend/lower_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *cursor_name(lower_ctx *c, CXCursor cur)
{
    CXString s = clang_getCursorSpelling(cur);
    char *r = ms_arena_strdup(c->f->arena, clang_getCString(s));
    clang_disposeString(s);
    return r;
}

static void add_sym(lower_ctx *c, sym s)
{
    MS_VEC_PUSH(c->syms, s);
}

/* A block for a store: one iteration variable per enclosing loop, spatial
 * when it appears in the stored element's subscripts. */
static ms_stmt *make_block(lower_ctx *c, ms_buffer *b, int nidx, ms_expr **idx, ms_expr *value)
{
    ms_func *f = c->f;
    int n = c->loops.len;
    ms_iter_var iters[64];
    ms_var *from[64];
    ms_expr *to[64];
    if (n > 64)
        n = 64;
    for (int i = 0; i < n; i++) {
        ms_var *lv = c->loops.data[i]->loop.var;
        char name[128];
        snprintf(name, sizeof name, "v%s", lv->name);
        ms_var *bv = ms_var_new(f, name, lv->ctype, lv->dtype, MS_VAR_BLOCK);
        bool spatial = false;
        for (int d = 0; d < nidx; d++)
            spatial = spatial || ms_expr_uses_var(idx[d], lv);
        iters[i] =
            (ms_iter_var){bv, spatial ? MS_ITER_SPATIAL : MS_ITER_REDUCE, ms_var_ref(f, lv), false};
        ms_poly mp;
        int64_t lo;
        if (ms_poly_from_expr(c->loops.data[i]->loop.min, &mp)) {
            iters[i].nonneg = ms_poly_is_const(&mp, &lo) && lo >= 0;
            ms_poly_free(&mp);
        }
        from[i] = lv;
        to[i] = ms_var_ref(f, bv);
    }
    ms_stmt *st = ms_store(f, b, nidx, idx, value);
    st = ms_stmt_subst(f, st, n, from, to);
    char name[160];
    int k = c->nblocks++;
    if (k == 0)
        snprintf(name, sizeof name, "%s", b->name);
    else
        snprintf(name, sizeof name, "%s_%d", b->name, k);
    return ms_block(f, name, n, iters, st);
}

static ms_stmt *lower_assign(lower_ctx *c, CXCursor cur, CXCursor lhs, ms_binop *op, ms_expr *rhs)
{
    ms_buffer *b;
    int nidx;
    ms_expr **idx;
    if (!rhs || !lower_lvalue(c, lhs, &b, &nidx, &idx))
        return NULL;
    if (b->is_const) {
        lower_fail(c, cur, "assignment to read-only '%s'", b->name);
        return NULL;
    }
    ms_expr *value = rhs;
    if (op) {
        ms_expr *old = ms_load(c->f, b, nidx, idx);
        value = ms_binary(c->f, *op, old, rhs);
        value->dtype = b->dtype;
    }
    ms_stmt *s = make_block(c, b, nidx, idx, value);
    s->loc = lower_loc(c, cur);
    return s;
}

static const struct {
    enum CXBinaryOperatorKind clang;
    ms_binop op;
} compound_ops[] = {
    {CXBinaryOperator_AddAssign, MS_BIN_ADD},    {CXBinaryOperator_SubAssign, MS_BIN_SUB},
    {CXBinaryOperator_MulAssign, MS_BIN_MUL},    {CXBinaryOperator_DivAssign, MS_BIN_DIV},
    {CXBinaryOperator_RemAssign, MS_BIN_MOD},    {CXBinaryOperator_ShlAssign, MS_BIN_SHL},
    {CXBinaryOperator_ShrAssign, MS_BIN_SHR},    {CXBinaryOperator_AndAssign, MS_BIN_BITAND},
    {CXBinaryOperator_XorAssign, MS_BIN_BITXOR}, {CXBinaryOperator_OrAssign, MS_BIN_BITOR},
};

static ms_stmt *lower_compound_assign(lower_ctx *c, CXCursor cur)
{
    CXCursor kids[2];
    if (lower_children(cur, kids, 2) != 2)
        return NULL;
    enum CXBinaryOperatorKind bk = clang_getCursorBinaryOperatorKind(cur);
    for (size_t i = 0; i < sizeof compound_ops / sizeof *compound_ops; i++)
        if (compound_ops[i].clang == bk) {
            ms_binop op = compound_ops[i].op;
            return lower_assign(c, cur, kids[0], &op, lower_expr(c, kids[1]));
        }
    lower_fail(c, cur, "unsupported compound assignment");
    return NULL;
}

static ms_stmt *seq2(ms_func *f, ms_stmt *a, ms_stmt *b)
{
    ms_stmt *items[2] = {a, b};
    return a && b ? ms_seq(f, 2, items) : NULL;
}

static bool is_assignment(CXCursor e)
{
    enum CXCursorKind k = clang_getCursorKind(e);
    return k == CXCursor_CompoundAssignOperator ||
           (k == CXCursor_BinaryOperator &&
            clang_getCursorBinaryOperatorKind(e) == CXBinaryOperator_Assign);
}

static ms_stmt *lower_binary_stmt(lower_ctx *c, CXCursor cur)
{
    CXCursor kids[2];
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(cur);
    if (lower_children(cur, kids, 2) != 2 ||
        (op != CXBinaryOperator_Assign && op != CXBinaryOperator_Comma)) {
        lower_fail(c, cur, "expression statement without effect");
        return NULL;
    }
    if (op == CXBinaryOperator_Comma) /* "a = 1, b = 2;": one after the other */
        return seq2(c->f, lower_stmt(c, kids[0]), lower_stmt(c, kids[1]));
    CXCursor rhs = lower_strip(kids[1]);
    if (is_assignment(rhs)) {
        /* "a = b = e;": b first, then a takes b's new value */
        ms_stmt *inner = lower_stmt(c, rhs);
        CXCursor target[2];
        if (!inner || lower_children(rhs, target, 2) != 2)
            return NULL;
        ms_expr *v = lower_expr(c, target[0]);
        if (v && clang_getCursorType(kids[0]).kind != clang_getCursorType(target[0]).kind) {
            ms_dtype dt;
            if (lower_dtype(clang_getCursorType(kids[0]), &dt))
                v = ms_cast(c->f, lower_type_spelling(c->f, clang_getCursorType(kids[0])), dt, v);
        }
        return seq2(c->f, inner, lower_assign(c, cur, kids[0], NULL, v));
    }
    return lower_assign(c, cur, kids[0], NULL, lower_expr(c, kids[1]));
}

static ms_stmt *lower_incdec(lower_ctx *c, CXCursor cur)
{
    enum CXUnaryOperatorKind uk = clang_getCursorUnaryOperatorKind(cur);
    CXCursor kid;
    if (lower_children(cur, &kid, 1) != 1)
        return NULL;
    ms_binop op;
    if (uk == CXUnaryOperator_PostInc || uk == CXUnaryOperator_PreInc)
        op = MS_BIN_ADD;
    else if (uk == CXUnaryOperator_PostDec || uk == CXUnaryOperator_PreDec)
        op = MS_BIN_SUB;
    else {
        lower_fail(c, cur, "expression statement without effect");
        return NULL;
    }
    return lower_assign(c, cur, kid, &op, ms_int(c->f, 1));
}

/* "(void)x;", which silences an unused parameter: nothing to do, as long
 * as evaluating x does nothing either. */
static ms_stmt *lower_void_cast(lower_ctx *c, CXCursor cur)
{
    CXCursor kids[2];
    int n = lower_children(cur, kids, 2);
    if (clang_getCursorType(cur).kind != CXType_Void || n < 1 ||
        clang_getCursorKind(lower_strip(kids[n - 1])) != CXCursor_DeclRefExpr) {
        lower_fail(c, cur, "expression statement without effect");
        return NULL;
    }
    return ms_seq(c->f, 0, NULL);
}

static bool is_array_type(CXType t)
{
    return t.kind == CXType_ConstantArray || t.kind == CXType_VariableArray ||
           t.kind == CXType_IncompleteArray;
}

/* Array dimensions of a declaration, outermost first; NULL for "[]". */
bool lower_array_dims(lower_ctx *c, CXCursor decl, CXType t, ms_expr **dims, int *ndim)
{
    CXType types[8];
    int n = 0;
    for (CXType e = t; is_array_type(e); e = clang_getArrayElementType(e)) {
        if (n == 8) {
            lower_fail(c, decl, "array of more than 8 dimensions");
            return false;
        }
        types[n++] = e;
    }
    CXCursor kids[16];
    int nk = lower_children(decl, kids, 16), child = 0;
    /* clang lists the size expressions innermost first */
    for (int d = n - 1; d >= 0; d--) {
        dims[d] = NULL;
        if (types[d].kind == CXType_IncompleteArray)
            continue;
        while (child < nk && !clang_isExpression(clang_getCursorKind(kids[child])))
            child++;
        bool have = child < nk;
        CXCursor size = have ? kids[child++] : clang_getNullCursor();
        if (types[d].kind == CXType_ConstantArray) {
            dims[d] = ms_int(c->f, clang_getArraySize(types[d]));
            continue;
        }
        if (!have) {
            lower_fail(c, decl, "cannot read the dimensions of this array");
            return false;
        }
        if (!(dims[d] = lower_expr(c, size)))
            return false;
    }
    *ndim = n;
    return true;
}

static ms_stmt *lower_vardecl(lower_ctx *c, CXCursor decl)
{
    ms_func *f = c->f;
    CXType t = clang_getCursorType(decl);
    char *name = cursor_name(c, decl);
    if (clang_Cursor_getStorageClass(decl) == CX_SC_Static) {
        lower_fail(c, decl, "static local '%s'", name);
        return NULL;
    }
    CXCursor kids[16];
    int nk = lower_children(decl, kids, 16);
    bool is_array = t.kind == CXType_ConstantArray || t.kind == CXType_VariableArray;
    if (is_array) {
        ms_expr *dims[8];
        int ndim;
        if (!lower_array_dims(c, decl, t, dims, &ndim))
            return NULL;
        CXType e = t;
        for (int d = 0; d < ndim; d++)
            e = clang_getArrayElementType(e);
        ms_dtype dt;
        if (!lower_dtype(e, &dt)) {
            lower_fail(c, decl, "local array '%s' of unsupported element type", name);
            return NULL;
        }
        if (nk > 0 && clang_getCursorKind(kids[nk - 1]) == CXCursor_InitListExpr) {
            lower_fail(c, decl, "local array '%s' with an initializer", name);
            return NULL;
        }
        ms_buffer *b = ms_buffer_new(f, name, lower_type_spelling(f, e), dt, ndim, MS_SCOPE_LOCAL);
        for (int d = 0; d < ndim; d++)
            b->shape[d] = dims[d];
        add_sym(c, (sym){decl, SYM_BUFFER, NULL, b, NULL, false});
        return ms_alloc(f, b);
    }
    ms_dtype dt;
    if (!lower_dtype(t, &dt)) {
        CXString ts = clang_getTypeSpelling(t);
        lower_fail(c, decl, "local '%s' of unsupported type '%s'", name, clang_getCString(ts));
        clang_disposeString(ts);
        return NULL;
    }
    /* the initializer is the last child that is an expression */
    CXCursor init = clang_getNullCursor();
    for (int i = 0; i < nk; i++)
        if (clang_isExpression(clang_getCursorKind(kids[i])))
            init = kids[i];
    if (!ms_dtype_is_float(dt) && lower_is_counter(c, decl)) {
        /* "int i, j;" then "for (i = 0; ...)": each loop binds its own counter */
        ms_expr *v = clang_Cursor_isNull(init) ? NULL : lower_expr(c, init);
        if (!clang_Cursor_isNull(init) && !v)
            return NULL;
        if (v && v->dtype != dt)
            v = ms_cast(f, lower_type_spelling(f, t), dt, v);
        add_sym(c, (sym){decl, SYM_COUNTER, NULL, NULL, v, false});
        return ms_seq(f, 0, NULL);
    }
    if (!ms_dtype_is_float(dt) && !lower_is_modified(c, decl)) {
        /* integer helpers (int ih = oh*2 - 1 + kh) are substituted at each use */
        if (clang_Cursor_isNull(init)) {
            /* never assigned: fine until something reads it */
            add_sym(c, (sym){decl, SYM_COUNTER, NULL, NULL, NULL, false});
            return ms_seq(f, 0, NULL);
        }
        ms_expr *v = lower_expr(c, init);
        if (!v)
            return NULL;
        if (v->dtype != dt)
            v = ms_cast(f, lower_type_spelling(f, t), dt, v);
        add_sym(c, (sym){decl, SYM_LET, NULL, NULL, v, false});
        return ms_seq(f, 0, NULL);
    }
    ms_buffer *b = ms_buffer_new(f, name, lower_type_spelling(f, t), dt, 0, MS_SCOPE_LOCAL);
    ms_stmt *alloc = ms_alloc(f, b);
    alloc->loc = lower_loc(c, decl);
    if (clang_Cursor_isNull(init)) {
        add_sym(c, (sym){decl, SYM_BUFFER, NULL, b, NULL, false});
        return alloc;
    }
    /* the initializer cannot see the variable it initialises */
    ms_expr *v = lower_expr(c, init);
    add_sym(c, (sym){decl, SYM_BUFFER, NULL, b, NULL, false});
    if (!v)
        return NULL;
    ms_stmt *items[2] = {alloc, make_block(c, b, 0, NULL, v)};
    return ms_seq(f, 2, items);
}

static ms_stmt *lower_declstmt(lower_ctx *c, CXCursor cur)
{
    CXCursor kids[16];
    int n = lower_children(cur, kids, 16);
    ms_stmt *items[16];
    for (int i = 0; i < n && i < 16; i++) {
        if (clang_getCursorKind(kids[i]) != CXCursor_VarDecl) {
            lower_fail(c, kids[i], "declaration other than a variable");
            return NULL;
        }
        if (!(items[i] = lower_vardecl(c, kids[i])))
            return NULL;
    }
    return ms_seq(c->f, n < 16 ? n : 16, items);
}

static ms_stmt *lower_if(lower_ctx *c, CXCursor cur)
{
    CXCursor kids[3];
    int n = lower_children(cur, kids, 3);
    if (n < 2) {
        lower_fail(c, cur, "unsupported if statement");
        return NULL;
    }
    ms_expr *cond = lower_expr(c, kids[0]);
    if (!cond)
        return NULL;
    ms_stmt *then_s = lower_stmt(c, kids[1]);
    ms_stmt *else_s = (then_s && n == 3) ? lower_stmt(c, kids[2]) : NULL;
    if (!then_s || (n == 3 && !else_s))
        return NULL;
    ms_stmt *s = ms_if(c->f, cond, then_s, else_s);
    s->loc = lower_loc(c, cur);
    return s;
}

static ms_stmt *lower_compound(lower_ctx *c, CXCursor cur)
{
    int n = lower_children(cur, NULL, 0);
    CXCursor *kids = ms_xmalloc(sizeof(CXCursor) * (size_t)(n ? n : 1));
    lower_children(cur, kids, n);
    MS_VEC(ms_stmt *) items = {0};
    for (int i = 0; i < n; i++) {
        ms_stmt *s = lower_stmt(c, kids[i]);
        if (!s)
            break;
        /* a declaration is not a scope: its statements join this block's */
        if (clang_getCursorKind(kids[i]) == CXCursor_DeclStmt && s->kind == MS_STMT_SEQ)
            for (int k = 0; k < s->seq.n; k++)
                MS_VEC_PUSH(items, s->seq.items[k]);
        else
            MS_VEC_PUSH(items, s);
    }
    ms_stmt *r = c->failed ? NULL : ms_seq(c->f, items.len, items.data);
    free(kids);
    free(items.data);
    return r;
}

static const struct {
    enum CXCursorKind kind;
    const char *what;
} rejected_stmts[] = {
    {CXCursor_BreakStmt, "'break' statement"},
    {CXCursor_ContinueStmt, "'continue' statement"},
    {CXCursor_ReturnStmt, "'return' statement"},
    {CXCursor_GotoStmt, "'goto' statement"},
    {CXCursor_WhileStmt, "'while' loop (only canonical for loops are analysed)"},
    {CXCursor_DoStmt, "'do' loop (only canonical for loops are analysed)"},
    {CXCursor_SwitchStmt, "'switch' statement"},
    {CXCursor_LabelStmt, "label"},
    {CXCursor_CallExpr, "function call statement"},
    {CXCursor_AsmStmt, "inline assembly"},
    {CXCursor_GCCAsmStmt, "inline assembly"},
};

ms_stmt *lower_stmt(lower_ctx *c, CXCursor cur)
{
    if (c->failed)
        return NULL;
    enum CXCursorKind k = clang_getCursorKind(cur);
    switch ((int)k) { /* clang's enum: only some kinds are ours */
    case CXCursor_CompoundStmt:
        return lower_compound(c, cur);
    case CXCursor_ForStmt:
        return lower_for(c, cur);
    case CXCursor_IfStmt:
        return lower_if(c, cur);
    case CXCursor_DeclStmt:
        return lower_declstmt(c, cur);
    case CXCursor_NullStmt:
        return ms_seq(c->f, 0, NULL);
    case CXCursor_BinaryOperator:
        return lower_binary_stmt(c, cur);
    case CXCursor_CompoundAssignOperator:
        return lower_compound_assign(c, cur);
    case CXCursor_UnaryOperator:
        return lower_incdec(c, cur);
    case CXCursor_ParenExpr:
    case CXCursor_UnexposedExpr:
        return lower_stmt(c, lower_strip(cur));
    case CXCursor_CStyleCastExpr:
        return lower_void_cast(c, cur);
    default:
        break;
    }
    for (size_t i = 0; i < sizeof rejected_stmts / sizeof *rejected_stmts; i++)
        if (rejected_stmts[i].kind == k) {
            lower_fail(c, cur, "%s", rejected_stmts[i].what);
            return NULL;
        }
    CXString ks = clang_getCursorKindSpelling(k);
    lower_fail(c, cur, "unsupported statement (%s)", clang_getCString(ks));
    clang_disposeString(ks);
    return NULL;
}
