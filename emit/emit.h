/*
 * emit.h - scheduled IR to C text, and splicing kernel bodies back into the
 * user's file (everything outside kernel bodies byte for byte).
 */
#ifndef MS_EMIT_H
#define MS_EMIT_H

#include "ir/ir.h"

/* The new body ("{ ... }") of kernel f (scheduled from original). Arrays
 * that may overlap get a run-time check, with bounds taken from original,
 * that runs original_body (the user's text) instead.
 * comment is put at the top as a C comment (may be NULL). Returns NULL and
 * sets *why when the kernel cannot be emitted safely. Caller frees. */
char *ms_emit_body(const ms_func *scheduled, const ms_func *original, const char *original_body,
                   const char *comment, const char **why);

/* The same for the tuning sizes alone: other sizes abort() (the caller
 * includes <stdlib.h>). A library's variant for one size set, which its
 * dispatch calls at those sizes only. */
char *ms_emit_body_for_sizes(const ms_func *scheduled, const ms_func *original,
                             const char *original_body, const char *comment, const char **why);

/* The same for a candidate of the search, timed at the tuning sizes only:
 * other sizes abort() (the caller includes <stdlib.h>). */
char *ms_emit_candidate(const ms_func *scheduled, const ms_func *original,
                        const char *original_body, const char **why);

/* --workspace=caller: the text that replaces the kernel's body in the
 * output: ";" (its definition becomes a prototype), NAME_ws_size(scalar
 * parameters) and NAME_ws(parameters, void *mscc_ws) over body (an
 * ms_emit_body of f), then the kernel again, calling NAME_ws with no
 * workspace. head: the definition's text before its name ("static void
 * "), params: from its name to the body ("(int n, float A[n])\n"). NULL
 * with *why where that cannot be done. */
char *ms_emit_caller_entry_points(const ms_func *f, const char *head, const char *params,
                                  const char *body, const char **why);

/* --multiversion's variants (emit/multiversion.c), in the order the
 * dispatch tries them, the portable one last. */
typedef struct ms_variant {
    const char *name;       /* the suffix of its function: "avx512" */
    const char *target;     /* the --target level it is scheduled for (its ISA, vector width) */
    const char *attr_macro; /* the macro of its function attribute; NULL: none */
    const char *features;   /* the attribute's target("...") */
    const char *cpu_test;   /* the dispatch's test of the CPU */
} ms_variant;
int ms_variant_count(void);
const ms_variant *ms_variant_at(int i);
/* The comment that opens a --multiversion kernel's text. */
#define MS_MULTIVERSION_MARK "/* added by mscc (--multiversion)"
/* The text that replaces the kernel's body under --multiversion: ";"
 * (its definition becomes a prototype), a static function NAME_VARIANT
 * per variant over bodies[v] (ms_emit_body of f scheduled for it), then
 * the kernel again, dispatching. head and params as for the entry points
 * above. */
char *ms_emit_multiversion(const ms_func *f, const char *head, const char *params,
                           const char *const *bodies);
/* The macros the variants are compiled by (once per file, before any). */
void ms_emit_multiversion_prologue(ms_str *out);

/* A kernel's parameter list ("(int n, float A[n])\n", as written) with
 * "void *mscc_ws" last; false where it is not a prototype's. */
bool ms_emit_params_with_ws(const ms_func *f, const char *params, ms_str *out);

/* "(int M, int N)": f's scalar parameters as declared, "(void)" without
 * any: the parameters of NAME_ws_size. */
void ms_emit_scalar_params(const ms_func *f, ms_str *out);

/* "STORAGE size_t NAME(scalar parameters) { DISPATCH ...; return bytes; }":
 * the bytes of the packed copies of body (an ms_emit_body of f under
 * --workspace=caller) at the sizes its parameters give. DISPATCH: lines
 * that may return first (a library's variants; "" for none). */
void ms_emit_ws_size(const ms_func *f, const char *storage, const char *name, const char *dispatch,
                     const char *body, ms_str *out);

/* f's tuning sizes, in parameter order: "M == 64 && N == 32" with sep
 * " && " and eq " == ", the test the emitted bodies make; "M=64, N=32"
 * with ", " and "=". Nothing without any. */
void ms_emit_sizes(ms_func *f, const char *sep, const char *eq, ms_str *out);

/* Statements of f's body as C at the given indentation (no braces). */
void ms_emit_stmts(ms_func *f, const ms_stmt *s, int indent, ms_str *out);

/* What tuned bodies call, to go before them: the includes (fma, packed
 * arrays, OpenMP) and the definitions of mscc's vector math and
 * micro-kernels they use.
 * NULL bodies are skipped. */
void ms_emit_support(int n, const char *const *bodies, ms_str *out);
/* The lines around the vector math definitions in an output. */
#define MS_VMATH_BEGIN "/* added by mscc: its vector math, called by the tuned kernels below */"
#define MS_VMATH_END "/* end of mscc's vector math */"
/* The same around its micro-kernels (tensorized nests call them). */
#define MS_INTRIN_BEGIN "/* added by mscc: its micro-kernels, called by the tuned kernels below */"
#define MS_INTRIN_END "/* end of mscc's micro-kernels */"

/* Replaces text[begin[i], end[i]) by with[i] (NULL keeps it); ranges sorted
 * and disjoint. Returns the new text (malloc'd) and its length. */
char *ms_emit_splice(const char *text, size_t len, int n, const size_t *begin, const size_t *end,
                     char *const *with, size_t *out_len);

#endif
