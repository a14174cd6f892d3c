/*
 * lower_func.c - one kernel function to a PrimFunc: its parameters (scalars,
 * C99 array parameters, pointers), its body, and the shared helpers of
 * lowering (symbol lookup, locations, rejection).
 */
#include "frontend/lower_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lower_fail(lower_ctx *c, CXCursor at, const char *fmt, ...)
{
    if (c->failed)
        return;
    c->failed = true;
    c->err_loc = lower_loc(c, at);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, sizeof c->err, fmt, ap);
    va_end(ap);
}

ms_loc lower_loc(lower_ctx *c, CXCursor cur)
{
    unsigned line = 0, col = 0;
    /* the expansion location: inside a macro, point at its use */
    clang_getExpansionLocation(clang_getCursorLocation(cur), NULL, &line, &col, NULL);
    return (ms_loc){c->path, (int)line, (int)col};
}

sym *lower_lookup_decl(lower_ctx *c, CXCursor decl)
{
    for (int i = c->syms.len - 1; i >= 0; i--)
        if (clang_equalCursors(c->syms.data[i].decl, decl))
            return &c->syms.data[i];
    return NULL;
}

sym *lower_lookup(lower_ctx *c, CXCursor ref)
{
    return lower_lookup_decl(c, clang_getCursorReferenced(ref));
}

/* "T A[restrict M][K]": the qualifier inside the first brackets applies to
 * the pointer the array parameter becomes. */
static bool outer_restrict(CXType t)
{
    CXString sp = clang_getTypeSpelling(t);
    const char *s = clang_getCString(sp);
    const char *open = strchr(s, '[');
    const char *close = open ? strchr(open, ']') : NULL;
    const char *r = open ? strstr(open, "restrict") : NULL;
    bool yes = r && close && r < close;
    clang_disposeString(sp);
    return yes;
}

bool lower_writes_to(CXCursor cur, CXCursor decl)
{
    enum CXCursorKind k = clang_getCursorKind(cur);
    CXCursor kids[2];
    bool assigns = false;
    if (k == CXCursor_CompoundAssignOperator)
        assigns = true;
    else if (k == CXCursor_BinaryOperator)
        assigns = clang_getCursorBinaryOperatorKind(cur) == CXBinaryOperator_Assign;
    else if (k == CXCursor_UnaryOperator) {
        enum CXUnaryOperatorKind u = clang_getCursorUnaryOperatorKind(cur);
        assigns = u == CXUnaryOperator_PostInc || u == CXUnaryOperator_PreInc ||
                  u == CXUnaryOperator_PostDec || u == CXUnaryOperator_PreDec ||
                  u == CXUnaryOperator_AddrOf;
    }
    return assigns && lower_children(cur, kids, 2) >= 1 && lower_is_ref_to(kids[0], decl);
}

typedef struct write_count {
    CXCursor decl;
    int n;
} write_count;

static enum CXChildVisitResult count_writes(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    write_count *w = data;
    w->n += lower_writes_to(cur, w->decl);
    return CXChildVisit_Recurse;
}

int lower_writes_in(CXCursor e, CXCursor decl)
{
    if (clang_Cursor_isNull(e))
        return 0;
    write_count w = {decl, lower_writes_to(e, decl)};
    clang_visitChildren(e, count_writes, &w);
    return w.n;
}

bool lower_is_modified(lower_ctx *c, CXCursor decl)
{
    return lower_writes_in(c->body, decl) > 0;
}

bool lower_kernel_has_identifier(lower_ctx *c, const char *name)
{
    if (!c->idents) {
        CXToken *toks;
        unsigned n;
        clang_tokenize(c->tu, clang_getCursorExtent(c->body), &toks, &n);
        c->idents = ms_xcalloc(n + 1, sizeof(char *));
        for (unsigned i = 0, m = 0; i < n; i++)
            if (clang_getTokenKind(toks[i]) == CXToken_Identifier) {
                CXString s = clang_getTokenSpelling(c->tu, toks[i]);
                c->idents[m++] = ms_xstrdup(clang_getCString(s));
                clang_disposeString(s);
            }
        clang_disposeTokens(c->tu, toks, n);
    }
    for (char **p = c->idents; *p; p++)
        if (!strcmp(*p, name))
            return true;
    return false;
}

static bool is_array(CXType t)
{
    return t.kind == CXType_ConstantArray || t.kind == CXType_VariableArray ||
           t.kind == CXType_IncompleteArray;
}

/* An array parameter of type t ("T A[M][K]"), or with rows of type t when
 * it points to them ("T (*A)[K]": a first dimension of unknown extent). */
static ms_buffer *array_param(lower_ctx *c, CXCursor parm, const char *name, CXType t, bool rows,
                              bool restrict_)
{
    ms_expr *dims[9]; /* a leading unknown dimension, then up to 8 */
    int ndim, lead = rows ? 1 : 0;
    if (!lower_array_dims(c, parm, t, dims + lead, &ndim))
        return NULL;
    if (ndim + lead > 8) {
        lower_fail(c, parm, "parameter '%s': array of more than 8 dimensions", name);
        return NULL;
    }
    CXType e = t;
    for (int d = 0; d < ndim; d++)
        e = clang_getArrayElementType(e);
    ms_dtype dt;
    if (!lower_dtype(e, &dt)) {
        lower_fail(c, parm, "parameter '%s': array of an unsupported element type", name);
        return NULL;
    }
    ms_buffer *b =
        ms_buffer_new(c->f, name, lower_type_spelling(c->f, e), dt, ndim + lead, MS_SCOPE_PARAM);
    if (rows)
        b->shape[0] = NULL;
    for (int d = 0; d < ndim; d++)
        b->shape[d + lead] = dims[d + lead];
    b->is_const = clang_isConstQualifiedType(e);
    b->is_restrict = restrict_;
    return b;
}

static bool lower_param(lower_ctx *c, CXCursor parm, CXType adjusted, bool noalias, ms_param *out)
{
    ms_func *f = c->f;
    CXString ns = clang_getCursorSpelling(parm);
    const char *name = clang_getCString(ns);
    CXType t = clang_getCursorType(parm);
    ms_dtype dt;
    bool ok = true;
    *out = (ms_param){0};
    if (!*name) {
        lower_fail(c, parm, "unnamed parameter");
        ok = false;
    } else if (t.kind == CXType_Pointer && is_array(clang_getPointeeType(t))) {
        /* "double (*A)[N]": the rows of an array of unknown length */
        ok = (out->buf = array_param(c, parm, name, clang_getPointeeType(t), true,
                                     noalias || clang_isRestrictQualifiedType(t))) != NULL;
    } else if (t.kind == CXType_Pointer) {
        CXType e = clang_getPointeeType(t);
        if (!lower_dtype(e, &dt)) {
            lower_fail(c, parm, "parameter '%s': pointer to an unsupported element type", name);
            ok = false;
        } else {
            ms_buffer *b = ms_buffer_new(f, name, lower_type_spelling(f, e), dt, 1, MS_SCOPE_PARAM);
            b->is_pointer = true;
            b->is_const = clang_isConstQualifiedType(e);
            b->is_restrict = noalias || clang_isRestrictQualifiedType(t);
            out->buf = b;
        }
    } else if (is_array(t)) {
        bool restrict_ = noalias || clang_isRestrictQualifiedType(adjusted) || outer_restrict(t);
        ok = (out->buf = array_param(c, parm, name, t, false, restrict_)) != NULL;
    } else if (lower_dtype(t, &dt)) {
        out->var = ms_var_new(f, name, lower_type_spelling(f, t), dt, MS_VAR_PARAM);
    } else {
        CXString ts = clang_getTypeSpelling(t);
        lower_fail(c, parm, "parameter '%s' of unsupported type '%s'", name, clang_getCString(ts));
        clang_disposeString(ts);
        ok = false;
    }
    if (ok)
        MS_VEC_PUSH(c->syms, ((sym){parm, out->buf ? SYM_BUFFER : SYM_VAR, out->var, out->buf, NULL,
                                    false}));
    clang_disposeString(ns);
    return ok;
}

/* Lowers fn (a definition); on rejection returns NULL with *why set. */
ms_func *ms_lower_function(CXTranslationUnit tu, CXCursor fn, const char *path, bool noalias,
                           ms_loc *why_loc, char *why, size_t why_size)
{
    CXString ns = clang_getCursorSpelling(fn);
    lower_ctx c = {.f = ms_func_new(clang_getCString(ns)), .tu = tu, .path = path};
    clang_disposeString(ns);
    c.f->noalias = noalias;
    c.f->loc = lower_loc(&c, fn);
    CXType ft = clang_getCursorType(fn);
    if (clang_getResultType(ft).kind != CXType_Void)
        lower_fail(&c, fn, "the kernel does not return void");
    int n = clang_Cursor_getNumArguments(fn);
    c.f->nparams = n > 0 ? n : 0;
    c.f->params = ms_arena_alloc(c.f->arena, sizeof(ms_param) * (size_t)(n > 0 ? n : 1));
    for (int i = 0; i < n && !c.failed; i++)
        lower_param(&c, clang_Cursor_getArgument(fn, (unsigned)i),
                    clang_getArgType(ft, (unsigned)i), noalias, &c.f->params[i]);
    CXCursor kids[64];
    int nk = lower_children(fn, kids, 64);
    CXCursor body = clang_getNullCursor();
    for (int i = 0; i < nk && i < 64; i++)
        if (clang_getCursorKind(kids[i]) == CXCursor_CompoundStmt)
            body = kids[i];
    if (!c.failed && clang_Cursor_isNull(body))
        lower_fail(&c, fn, "no function body");
    c.body = body;
    if (!c.failed)
        c.f->body = lower_stmt(&c, body);
    free(c.syms.data);
    free(c.loops.data);
    for (char **p = c.idents; p && *p; p++)
        free(*p);
    free(c.idents);
    if (!c.failed) {
        ms_delinearize(c.f);
        ms_sink_allocs(c.f);
        ms_merge_reduction_inits(c.f);
    }
    if (c.failed) {
        *why_loc = c.err_loc;
        snprintf(why, why_size, "%s", c.err);
        ms_func_free(c.f);
        return NULL;
    }
    return c.f;
}
