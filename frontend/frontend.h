/*
 * frontend.h - C source in, kernels out: libclang parses the file, the
 * `#pragma mscc kernel` lines are found among its tokens, and each marked
 * function is lowered to a PrimFunc, or rejected with a reason that points
 * at the offending construct.
 */
#ifndef MS_FRONTEND_H
#define MS_FRONTEND_H

#include "ir/ir.h"

/* One kernel's tuning sizes by name (--lib's --sizes-file), applied over
 * --sizes. */
typedef struct ms_kernel_sizes {
    const char *kernel;
    int nsizes;
    const ms_size_hint *sizes;
} ms_kernel_sizes;

typedef struct ms_frontend_opts {
    const char *path;
    int nargs; /* extra clang arguments: -I, -D, -std= */
    const char *const *args;
    int nsizes; /* --sizes overrides, applied over the pragma's */
    const ms_size_hint *sizes;
    bool fp_strict; /* --fp-model=strict, recorded in every kernel */
    int nkernel_sizes;
    const ms_kernel_sizes *kernel_sizes;
    bool no_heap;           /* --no-heap, recorded in every kernel */
    int64_t max_stack;      /* --max-stack, likewise; 0: none */
    int64_t max_code_size;  /* --max-code-size, likewise; 0: none */
    ms_workspace workspace; /* --workspace, likewise */
} ms_frontend_opts;

/* One `#pragma mscc kernel` function of the file. */
typedef struct ms_kernel {
    char *name;
    ms_loc loc;                  /* the function name */
    size_t pragma_begin;         /* byte offset of the pragma's '#' */
    size_t decl_begin;           /* start of the function definition */
    size_t name_begin, name_end; /* the function's name */
    size_t body_begin, body_end; /* '{' .. one past '}' */
    ms_func *func;               /* NULL when the kernel was rejected */
    double weight;               /* weight(W): calls per run relative to the others, 1 without */
} ms_kernel;

/* A function definition of the file's own that is not a kernel. The
 * harnesses that compile the file replace [begin, end) (the body, or for
 * an old-style definition everything after the name) with ";" (or "();"),
 * so that no code of the user's but the kernel is compiled into them, let
 * alone run: not main, not a constructor, not a helper. */
typedef struct ms_other_def {
    size_t begin, end;
    bool old_style;
} ms_other_def;

/* A declaration of the file's own at file scope that a prototype may need:
 * a typedef, enum, struct or union, through its ';'. */
typedef struct ms_type_decl {
    size_t begin, end;
} ms_type_decl;

typedef struct ms_source {
    char *path;
    char *text; /* the file's bytes */
    size_t len;
    int nkernels;
    ms_kernel *kernels;
    int nothers;
    ms_other_def *others; /* in file order */
    int ntypes;
    ms_type_decl *types; /* in file order, none inside another */
    int nincludes;
    char **includes; /* every file the input includes, directly or not (for -MD) */
} ms_source;

/* Parses opts->path. Returns 0 and fills *src on success; rejected kernels
 * get a warning in diags and func = NULL. Returns 1 when the file is not
 * valid C or cannot be read, 2 when libclang itself crashed (errors in
 * diags, src left empty in both cases). */
int ms_frontend_parse(const ms_frontend_opts *opts, ms_source *src, ms_diags *diags);
void ms_source_free(ms_source *src);
/* The kernel's body as the user wrote it, '{' to '}' (caller frees). */
char *ms_kernel_body_text(const ms_source *src, const ms_kernel *k);

/* Parses "N=V,N=V" into hints (malloc'd names). Returns the count, or -1
 * with a reason in *why. */
int ms_parse_size_list(const char *text, ms_size_hint **out, const char **why);

#endif
