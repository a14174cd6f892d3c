/*
 * lower_ctx.h - state shared by the two halves of lowering (statements in
 * lower_stmt.c, expressions in lower_expr.c). Internal to frontend/.
 */
#ifndef MS_FRONTEND_LOWER_CTX_H
#define MS_FRONTEND_LOWER_CTX_H

#include "frontend/frontend.h"

#include <clang-c/Index.h>

/* SYM_COUNTER: an integer local assigned only by loop headers (C89 style),
 * outside those loops: let is its value there, NULL where it has none. */
typedef enum { SYM_VAR, SYM_BUFFER, SYM_LET, SYM_COUNTER } sym_kind;

/* What a declaration (parameter, local, loop counter) stands for. */
typedef struct sym {
    CXCursor decl;
    sym_kind kind;
    ms_var *var;
    ms_buffer *buf;
    ms_expr *let;         /* integer helper: substituted at each use */
    bool counter_of_loop; /* bound by an enclosing loop's header */
} sym;

typedef struct lower_ctx {
    ms_func *f;
    CXTranslationUnit tu;
    const char *path;
    MS_VEC(sym) syms;
    MS_VEC(ms_stmt *) loops; /* enclosing FOR statements */
    CXCursor body;           /* the function body, for whole-body questions */
    char **idents;           /* identifiers of the kernel's text (lazily; NULL-terminated) */
    int nblocks;
    /* first rejection */
    bool failed;
    ms_loc err_loc;
    char err[256];
} lower_ctx;

/* Records the first reason to reject the kernel (later ones are dropped). */
void lower_fail(lower_ctx *c, CXCursor at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
ms_loc lower_loc(lower_ctx *c, CXCursor cur);
sym *lower_lookup(lower_ctx *c, CXCursor ref);
/* The innermost symbol a declaration stands for, or NULL. */
sym *lower_lookup_decl(lower_ctx *c, CXCursor decl);
bool lower_dtype(CXType t, ms_dtype *out);
char *lower_type_spelling(ms_func *f, CXType t); /* without qualifiers */
int lower_children(CXCursor cur, CXCursor *out, int max);
CXCursor lower_strip(CXCursor cur); /* through implicit casts and parentheses */
/* Does expression e name the variable declared by decl (through casts)? */
bool lower_is_ref_to(CXCursor e, CXCursor decl);

ms_expr *lower_expr(lower_ctx *c, CXCursor cur);
/* An lvalue: buffer and indices (0-d buffers for scalar locals). */
bool lower_lvalue(lower_ctx *c, CXCursor cur, ms_buffer **buf, int *nidx, ms_expr ***idx);
/* Integer expression with affine polynomial form (bounds, subscripts). */
bool lower_is_affine(const ms_expr *e);

ms_stmt *lower_stmt(lower_ctx *c, CXCursor cur);
/* Is the variable declared by decl assigned anywhere in the body? */
bool lower_is_modified(lower_ctx *c, CXCursor decl);
/* Does the expression cur assign decl (=, op=, ++, --, &)? */
bool lower_writes_to(CXCursor cur, CXCursor decl);
/* How many times e and what is inside it assign decl (e may be null). */
int lower_writes_in(CXCursor e, CXCursor decl);
/* Does the kernel's text use this identifier (so a new name must avoid it)? */
bool lower_kernel_has_identifier(lower_ctx *c, const char *name);

/* A for loop (lower_loop.c). */
ms_stmt *lower_for(lower_ctx *c, CXCursor cur);
/* Is decl an integer local that only loop headers assign (a C89 counter)? */
bool lower_is_counter(lower_ctx *c, CXCursor decl);
bool lower_array_dims(lower_ctx *c, CXCursor decl, CXType t, ms_expr **dims, int *ndim);

/* The tuning sizes of a lowered kernel (sizes.c): the pragma's, --sizes,
 * those the arrays' constant extents imply; warnings for the rest. */
void lower_sizes(ms_func *f, int npragma, const ms_size_hint *pragma, const ms_frontend_opts *o,
                 ms_loc at, ms_diags *diags);

ms_func *ms_lower_function(CXTranslationUnit tu, CXCursor fn, const char *path, bool noalias,
                           ms_loc *why_loc, char *why, size_t why_size);

#endif
