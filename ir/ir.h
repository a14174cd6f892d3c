/*
 * ir.h - the tensor IR (TensorIR-like): buffers, variables, expressions,
 * statements with blocks, functions; the printer, structural equality and
 * hash, the polynomial normal form behind the simplifier, bounds, and the
 * dependence analysis. Knows nothing of clang, of search or of C text.
 *
 * Ownership: every node lives in the arena of its ms_func. Expressions are
 * immutable and may be shared; rewriting builds new nodes.
 */
#ifndef MS_IR_H
#define MS_IR_H

#include "base/base.h"

typedef enum {
#define X(n, c, b, f, s) MS_DT_##n,
#include "ir/dtype.def"
#undef X
    MS_DT_COUNT
} ms_dtype;

const char *ms_dtype_cname(ms_dtype t);
int ms_dtype_bytes(ms_dtype t);
bool ms_dtype_is_float(ms_dtype t);
bool ms_dtype_is_signed(ms_dtype t);

typedef enum {
#define X(n, s, fields) MS_EXPR_##n,
#include "ir/expr.def"
#undef X
} ms_expr_kind;

typedef enum {
#define X(n, s, fields) MS_STMT_##n,
#include "ir/stmt.def"
#undef X
} ms_stmt_kind;

typedef enum {
#define X(n, s, p) MS_BIN_##n,
#include "ir/binop.def"
#undef X
} ms_binop;

const char *ms_binop_spelling(ms_binop op);
int ms_binop_precedence(ms_binop op);

typedef enum { MS_UN_NEG, MS_UN_NOT, MS_UN_BITNOT, MS_UN_PLUS } ms_unop;

/* OPAQUE: an analysis-only symbol standing for a subexpression (sign unknown). */
typedef enum { MS_VAR_PARAM, MS_VAR_LOOP, MS_VAR_BLOCK, MS_VAR_OPAQUE } ms_var_kind;

/* A scalar variable: an integer or floating parameter, a loop counter, or a
 * block iteration variable. */
typedef struct ms_var {
    const char *name;
    const char *ctype; /* C spelling, as the user wrote it ("size_t", "long") */
    ms_dtype dtype;
    ms_var_kind kind;
    int id; /* unique within the function; orders variables canonically */
} ms_var;

/* PACKED: a copy of an input in another layout, allocated once per call. */
typedef enum { MS_SCOPE_PARAM, MS_SCOPE_GLOBAL, MS_SCOPE_LOCAL, MS_SCOPE_PACKED } ms_scope;

/* A multi-dimensional array. Scalar locals (accumulators) are 0-d buffers so
 * that one dependence analysis covers both. */
typedef struct ms_buffer {
    const char *name;
    const char *elem_ctype; /* C spelling of the element type */
    ms_dtype dtype;
    int ndim;
    struct ms_expr **shape; /* ndim entries; shape[0] may be NULL (unknown) */
    ms_scope scope;
    bool is_pointer;  /* parameter written as T *p (1-d, unknown length) */
    bool is_const;    /* never written by the kernel (declared const) */
    bool is_restrict; /* restrict, or covered by the kernel's noalias clause */
    bool is_cache;    /* made by the schedule (a cache, partial results) */
    int id;
} ms_buffer;

typedef struct ms_expr ms_expr;
struct ms_expr {
    ms_expr_kind kind;
    ms_dtype dtype;
    union {
        struct {
            int64_t value;
        } i;
        struct {
            double value;
            const char *text; /* spelling to print: "0.0f", "FLT_MAX" */
        } f;
        ms_var *var;
        struct {
            ms_binop op;
            ms_expr *a, *b;
        } bin;
        struct {
            ms_unop op;
            ms_expr *a;
        } un;
        struct {
            ms_expr *cond, *a, *b;
        } sel;
        struct {
            const char *ctype;
            ms_expr *a;
        } cast;
        struct {
            const char *name;
            int nargs;
            ms_expr **args;
        } call;
        struct {
            ms_buffer *buf;
            int nidx;
            ms_expr **idx;
        } load;
    };
};

typedef enum {
    MS_LOOP_SERIAL,
    MS_LOOP_PARALLEL,
    MS_LOOP_VECTORIZED,
    MS_LOOP_UNROLLED
} ms_loop_kind;
typedef enum { MS_ITER_SPATIAL, MS_ITER_REDUCE } ms_iter_kind;
typedef enum { MS_RED_ADD, MS_RED_MUL, MS_RED_MAX, MS_RED_MIN } ms_reduce_op;

/* A key = value annotation on a loop or a block (schedule hints). */
typedef struct ms_annot {
    const char *key;
    int64_t value;
} ms_annot;

/* A scalar reduction a loop performs into a 0-d buffer (OpenMP clause). */
typedef struct ms_reduction {
    ms_reduce_op op;
    ms_buffer *buf;
} ms_reduction;

/* A block iteration variable and the expression binding it to loop vars. */
typedef struct ms_iter_var {
    ms_var *var;
    ms_iter_kind kind;
    ms_expr *binding;
    bool nonneg; /* never negative where the block runs (its domain starts at >= 0) */
} ms_iter_var;

/* A box of a buffer that a call statement reads or writes: extent[d]
 * elements from min[d] along each dimension d. */
typedef struct ms_region {
    ms_buffer *buf;
    int ndim; /* buf->ndim */
    ms_expr **min, **extent;
    bool read, write;
} ms_region;

typedef struct ms_stmt ms_stmt;
struct ms_stmt {
    ms_stmt_kind kind;
    ms_loc loc;
    union {
        struct {
            int n;
            ms_stmt **items;
        } seq;
        struct {
            ms_var *var;
            ms_expr *min, *extent; /* for var in [min, min + extent) */
            ms_loop_kind kind;
            bool parallel_simd;     /* PARALLEL loop that is also the SIMD loop */
            int collapse;           /* PARALLEL: number of perfectly nested loops fused */
            bool collapsed;         /* part of an enclosing loop's collapse */
            bool fused_independent; /* fused from loops that were all independent */
            int nred;
            ms_reduction red[4];
            int nannot;
            ms_annot annot[4];
            /* UNROLLED: the factor its pragma gives, 0 for none (set by
             * ms_func_lower_for_c) */
            int unroll;
            ms_stmt *body;
        } loop;
        struct {
            ms_expr *cond;
            ms_stmt *then_s, *else_s; /* else_s may be NULL */
        } if_;
        struct {
            const char *name;
            int niter;
            ms_iter_var *iters;
            ms_expr *predicate; /* in loop variables; NULL: always (split remainders) */
            ms_stmt *body;      /* a STORE over the iteration variables */
            /* a reduction's initial value (TensorIR's init): a STORE over the
             * spatial iteration variables, run before the first update of
             * each element, even when the reduction is empty; NULL if none */
            ms_stmt *init;
        } block;
        struct {
            ms_buffer *buf;
            int nidx;
            ms_expr **idx;
            ms_expr *value;
        } store;
        struct {
            ms_buffer *buf; /* declared for the rest of the enclosing SEQ */
        } alloc;
        /* a call of a C function (an intrinsic, a micro-kernel) given a
         * pointer to the first element of each region, then the scalars */
        struct {
            const char *name;
            int nregions;
            ms_region *regions;
            int nargs;
            ms_expr **args;
        } call;
    };
};

/* A parameter: a scalar (var set) or an array (buf set). */
typedef struct ms_param {
    ms_var *var;
    ms_buffer *buf;
} ms_param;

/* The largest size hint, in magnitude: tuning runs the kernel at its hints,
 * and an int parameter cannot hold more. */
#define MS_SIZE_HINT_MAX 2147483647LL

typedef struct ms_size_hint {
    const char *name;
    int64_t value;
    int64_t max; /* the largest value the kernel's fixed-size arrays allow; 0: none */
} ms_size_hint;

/* Where a schedule's packed copies live (--workspace). */
typedef enum ms_workspace {
    MS_WS_HEAP,   /* memory the body mallocs (and frees) */
    MS_WS_STATIC, /* one static array sized at the tuning sizes: no heap, not reentrant */
    /* NAME_ws(..., void *ws): the caller's NAME_ws_size(...) bytes; NAME
     * itself passes none (the heap's then, or the original loops) */
    MS_WS_CALLER,
} ms_workspace;

typedef struct ms_func {
    ms_arena *arena;
    const char *name;
    ms_loc loc;
    int nparams;
    ms_param *params;
    ms_stmt *body;
    int nhints;
    ms_size_hint *hints;
    bool noalias;
    /* --fp-model=strict: no float operation may be reassociated or fused,
     * so every float result rounds as the original's does */
    bool fp_strict;
    /* only the tuning sizes run the schedule; other sizes run the user's
     * loops as written (the schedule was slower there) */
    bool original_elsewhere;
    /* --no-heap, --max-stack: budgets every schedule must keep (a board's
     * memory); max_stack 0: none. --max-code-size (0: none): a budget
     * for the compiled kernel, which the IR cannot tell: the measurer and
     * the driver build the body to keep it (runtime/code_size.c) */
    bool no_heap;
    int64_t max_stack;
    int64_t max_code_size;
    /* --workspace: where packed copies live */
    ms_workspace workspace;
    int next_id;
} ms_func;

/* ---- construction (all nodes in f's arena) ---- */

ms_func *ms_func_new(const char *name);
void ms_func_free(ms_func *f);
ms_var *ms_var_new(ms_func *f, const char *name, const char *ctype, ms_dtype t, ms_var_kind k);
ms_buffer *ms_buffer_new(ms_func *f, const char *name, const char *elem_ctype, ms_dtype t, int ndim,
                         ms_scope scope);

ms_expr *ms_int(ms_func *f, int64_t v);
ms_expr *ms_float(ms_func *f, double v, ms_dtype t, const char *text);
ms_expr *ms_var_ref(ms_func *f, ms_var *v);
ms_expr *ms_binary(ms_func *f, ms_binop op, ms_expr *a, ms_expr *b);
ms_expr *ms_unary(ms_func *f, ms_unop op, ms_expr *a);
ms_expr *ms_select(ms_func *f, ms_expr *c, ms_expr *a, ms_expr *b);
ms_expr *ms_cast(ms_func *f, const char *ctype, ms_dtype t, ms_expr *a);
ms_expr *ms_call(ms_func *f, const char *name, ms_dtype t, int nargs, ms_expr **args);
ms_expr *ms_load(ms_func *f, ms_buffer *b, int nidx, ms_expr **idx);

ms_stmt *ms_seq(ms_func *f, int n, ms_stmt **items);
ms_stmt *ms_for(ms_func *f, ms_var *v, ms_expr *min, ms_expr *extent, ms_stmt *body);
ms_stmt *ms_if(ms_func *f, ms_expr *c, ms_stmt *then_s, ms_stmt *else_s);
ms_stmt *ms_store(ms_func *f, ms_buffer *b, int nidx, ms_expr **idx, ms_expr *value);
ms_stmt *ms_alloc(ms_func *f, ms_buffer *b);
ms_stmt *ms_block(ms_func *f, const char *name, int niter, ms_iter_var *iters, ms_stmt *body);
/* The regions' and arguments' arrays are copied (not the expressions). */
ms_stmt *ms_call_stmt(ms_func *f, const char *name, int nregions, const ms_region *regions,
                      int nargs, ms_expr *const *args);

/* ---- the shared traversal (fields.c), derived from stmt.def and expr.def ---- */

/* What a node holds, field by field, in the order of its .def line; a
 * NULL callback skips its fields. array is given each arena array the
 * node points to before its entries, and returns the array to keep. */
typedef struct ms_field_fns {
    void (*expr)(void *ctx, ms_expr **slot); /* an operand */
    void (*stmt)(void *ctx, ms_stmt **slot); /* a statement inside */
    void (*var)(void *ctx, ms_var **slot);
    void (*buf)(void *ctx, ms_buffer **slot);
    void (*str)(void *ctx, const char **slot);
    void (*num)(void *ctx, int64_t value); /* data: operators, kinds, flags, counts */
    void *(*array)(void *ctx, void *array, size_t bytes);
} ms_field_fns;
void ms_stmt_fields(ms_stmt *s, const ms_field_fns *fns, void *ctx);
void ms_expr_fields(ms_expr *e, const ms_field_fns *fns, void *ctx);
/* The i-th statement inside s (program order), or NULL past the last. */
ms_stmt **ms_stmt_child(ms_stmt *s, int i);
/* The i-th operand of e (evaluation order), or NULL past the last. */
ms_expr **ms_expr_operand(ms_expr *e, int i);
/* fn on each expression s holds itself (not those of statements inside). */
void ms_stmt_operands(ms_stmt *s, void (*fn)(void *ctx, ms_expr **slot), void *ctx);
/* A copy of the node alone, with arrays of its own in arena. */
ms_stmt *ms_stmt_copy_node(ms_arena *arena, const ms_stmt *s);
ms_expr *ms_expr_copy_node(ms_arena *arena, const ms_expr *e);
/* Hashes the node's own data (not operands or statements inside) into h:
 * one of s and e is given. */
uint64_t ms_hash_node_data(uint64_t h, ms_stmt *s, ms_expr *e);

/* ---- rewriting ---- */

/* Replaces variables by expressions (vars[i] -> with[i]); shares unchanged nodes. */
ms_expr *ms_expr_subst(ms_func *f, ms_expr *e, int n, ms_var *const *vars, ms_expr *const *with);
ms_stmt *ms_stmt_subst(ms_func *f, ms_stmt *s, int n, ms_var *const *vars, ms_expr *const *with);
/* Deep copy into a new arena; variables and buffers keep their ids. */
ms_func *ms_func_clone(const ms_func *f);
/* The same, changing s's expressions in place (statements keep their
 * identity, so schedule handles on them stay valid). */
void ms_stmt_subst_inplace(ms_func *f, ms_stmt *s, int n, ms_var *const *vars,
                           ms_expr *const *with);
/* A block's store with the bindings put in place of the iteration variables. */
ms_stmt *ms_block_realize(ms_func *f, const ms_stmt *block);
/* The same for another statement over the block's variables (its init). */
ms_stmt *ms_block_realize_stmt(ms_func *f, const ms_stmt *block, ms_stmt *st);

/* The shared rewrite of an expression: rebuilds e with every node (its
 * operands mapped first) replaced by fn(ctx, node); shares what does not
 * change. */
typedef ms_expr *(*ms_expr_fn)(void *ctx, ms_expr *e);
ms_expr *ms_expr_map(ms_func *f, ms_expr *e, ms_expr_fn fn, void *ctx);
/* The same, in place, for every expression of s and the statements in it
 * (bounds, conditions, predicates, subscripts, values, inits). */
void ms_stmt_map_exprs(ms_func *f, ms_stmt *s, ms_expr_fn fn, void *ctx);
/* The same for loads only. */
typedef ms_expr_fn ms_load_fn;
ms_expr *ms_expr_map_loads(ms_func *f, ms_expr *e, ms_load_fn fn, void *ctx);
void ms_stmt_map_loads(ms_func *f, ms_stmt *s, ms_load_fn fn, void *ctx);

/* ---- vector math (vmath.c) ---- */

/* A libm function with a branch-free definition of mscc's that a SIMD
 * loop vectorizes: calls in SIMD loops are renamed under reassoc, and the
 * definition (C text, a static inline function) goes atop the output. */
typedef struct ms_vmath {
    const char *libm; /* the call it stands for: "expf" */
    ms_dtype dtype;   /* of the arguments and result */
    int nargs;
    const char *name; /* "mscc_expf" */
    const char *definition;
    const char *needs; /* the name of another entry it calls, or NULL */
    int ulps;          /* its largest error against libm: 0 when exact */
} ms_vmath;
int ms_vmath_count(void);
const ms_vmath *ms_vmath_at(int i);
const ms_vmath *ms_vmath_for_call(const char *libm, ms_dtype t, int nargs);
/* The libm function a call to name stands for (name itself if not mscc's):
 * analyses see mscc_fmaxf as fmaxf. */
const char *ms_vmath_libm_name(const char *name);
/* Does the C text call an entry that is not exact? Its results then carry
 * a float's rounding, whatever the type they end in. */
bool ms_vmath_approx_in(const char *text);

/* ---- tensor intrinsics (intrin.c) ---- */

/* A micro-kernel a tensorized nest calls: for now the fp32 outer product
 * c[MR][NR] += a[MR][kc] * b[kc][NR] (strides as intrin.c says), written
 * with one ISA's intrinsics and, as the #else, in portable C. */
typedef struct ms_intrin {
    const char *name; /* the C function: "mscc_f32_avx512_8x32" */
    const char *isa;  /* "avx512", "avx2", "neon" */
    ms_dtype dtype;
    int mr, nr;
    bool by_default; /* the default schedule's shape for its ISA */
} ms_intrin;
int ms_intrin_count(void);
const ms_intrin *ms_intrin_at(int i);
const ms_intrin *ms_intrin_named(const char *name);
/* The header its intrinsics come from, and the test of the target's
 * features that selects them. */
const char *ms_intrin_header(const ms_intrin *in);
const char *ms_intrin_available(const ms_intrin *in);
/* Its definition, a static inline function (multiversion: for a --multiversion file, compiled for
 * its ISA by a function attribute, where the ISA has one). */
void ms_intrin_print(const ms_intrin *in, bool multiversion, ms_str *out);
/* Does --multiversion compile it by a function attribute (x86's ISAs)? */
bool ms_intrin_multiversioned(const ms_intrin *in);

/* ---- printing, equality, hashing ---- */

/* The stable text form used by golden tests and MSCC_DEBUG. */
void ms_func_print(const ms_func *f, ms_str *out);
void ms_stmt_print(const ms_stmt *s, int indent, ms_str *out);
void ms_expr_print(const ms_expr *e, ms_str *out); /* C syntax, minimal parentheses */
/* B[i][j], or B[i * N + j] for a pointer parameter seen in dimensions. */
void ms_print_access(const ms_buffer *b, int n, ms_expr *const *idx, ms_str *out);
/* As the right operand of a binary operator: parenthesised when needed. */
void ms_expr_print_operand_of(ms_binop op, const ms_expr *e, ms_str *out);

bool ms_expr_equal(const ms_expr *a, const ms_expr *b);
/* Canonical hash: independent of variable and buffer names (uses positions);
 * covers how loops run (kinds, collapse, annotations) and the shapes of
 * local arrays, so two schedules hash alike only when they are one program. */
uint64_t ms_func_hash(const ms_func *f);

/* The shared walk over an expression: does pred hold for e or any part
 * of it (operands, arguments, subscripts)? */
bool ms_expr_any(const ms_expr *e, bool (*pred)(const void *ctx, const ms_expr *e),
                 const void *ctx);
bool ms_expr_uses_var(const ms_expr *e, const ms_var *v);
/* Does evaluating e branch (?:, &&, ||)? */
bool ms_expr_branches(const ms_expr *e);
/* Does load read the very element store writes (x = x op ...)? */
bool ms_load_is_store_target(const ms_expr *load, const ms_stmt *store);
/* e when store's value is "x op e" or "e op x", x the element it writes
 * (an update: a sum, a product); NULL otherwise. */
ms_expr *ms_store_update_operand(const ms_stmt *store, ms_binop op);
bool ms_expr_reads_buffer(const ms_expr *e, const ms_buffer *b);
bool ms_stmt_uses_var(const ms_stmt *s, const ms_var *v);

/* ---- polynomial normal form (simplifier, affine analysis) ---- */

enum { MS_POLY_MAXVARS = 4 };
typedef struct ms_term {
    int64_t coef;
    int nvars;
    ms_var *vars[MS_POLY_MAXVARS]; /* sorted by id; repeated for powers */
} ms_term;

typedef struct ms_poly {
    int n;
    ms_term *terms; /* malloc'd; sorted, no zero coefficients */
    bool overflow;  /* a coefficient left int64 (wrapped): no question about p is answered */
} ms_poly;

/* Integer expression -> sum of monomials. False if e is not a polynomial over
 * integer variables (division, modulo, loads, selects...) or a coefficient
 * overflows int64. */
bool ms_poly_from_expr(const ms_expr *e, ms_poly *out);
void ms_poly_free(ms_poly *p);
void ms_poly_add(ms_poly *acc, const ms_poly *p, int64_t scale);
bool ms_poly_mul(const ms_poly *a, const ms_poly *b, ms_poly *out);
bool ms_poly_is_const(const ms_poly *p, int64_t *value);
/* Is a - b a constant (n + 3 and n: 3)? */
bool ms_poly_const_gap(const ms_poly *a, const ms_poly *b, int64_t *gap);
/* Is integer expression e a constant once collected (3 * 4 - 2, n - n + 1)? */
bool ms_expr_const_int(const ms_expr *e, int64_t *value);
bool ms_poly_equal(const ms_poly *a, const ms_poly *b);
ms_expr *ms_poly_to_expr(ms_func *f, const ms_poly *p);
/* Affine in loop variables: no term multiplies two loop/block variables. */
bool ms_poly_is_affine(const ms_poly *p);

/* Canonical simplification of an integer expression (folds constants,
 * collects terms); returns e itself when it is not a polynomial. */
ms_expr *ms_simplify(ms_func *f, ms_expr *e);

/* ---- walking ---- */

/* An array access met by ms_walk. nidx/idx point into the node, so a pass
 * may replace the subscripts in place; loops is valid during the call. */
typedef struct ms_access_site {
    ms_buffer *buf;
    int *nidx;
    ms_expr ***idx; /* in the block's iteration variables inside a block */
    /* a call's region: extent[d] elements from idx[d]; NULL for one element */
    ms_expr *const *extent;
    bool write;
    const ms_stmt *store;  /* the store the access belongs to, if any */
    const ms_stmt *block;  /* the enclosing block, if any */
    int depth;             /* number of enclosing loops */
    ms_stmt *const *loops; /* outermost first */
} ms_access_site;

typedef struct ms_walk_fns {
    void (*access)(void *ctx, const ms_access_site *site);
    void (*alloc)(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops);
    void (*loop)(void *ctx, ms_stmt *loop, int depth);
} ms_walk_fns;

/* Calls fn on s and every statement inside it, in pre-order, until fn
 * returns false (which stops the whole walk). Returns false if stopped. */
bool ms_stmt_visit(ms_stmt *s, bool (*fn)(void *ctx, ms_stmt *s), void *ctx);

/* Visits every access, allocation and loop of body, in program order
 * (subscripts and loads before the store that uses them). */
void ms_walk(ms_stmt *body, const ms_walk_fns *fns, void *ctx);
/* A name for a new loop counter or array that no parameter, counter or
 * local of f has: base, or base_1, base_2... */
void ms_unique_name(ms_func *f, const char *base, char *out, size_t size);
/* Does loop run its iterations as SIMD lanes (vectorized, or the parallel
 * loop that is also the SIMD one)? */
bool ms_loop_is_simd(const ms_stmt *loop);
/* Is loop a perfect nest (through one-item sequences) with block at its bottom? */
bool ms_loop_holds_only(const ms_stmt *loop, const ms_stmt *block);
/* Do both occur under root, a first in program (pre-)order? */
bool ms_stmt_precedes(ms_stmt *root, const ms_stmt *a, const ms_stmt *b);
/* An access's expression in loop variables (block bindings substituted). */
ms_expr *ms_site_realize(ms_func *f, const ms_access_site *s, ms_expr *e);

/* ---- memory budgets (budget.c) ---- */

typedef struct ms_memory {
    /* bytes of the local arrays at the tuning sizes (each allocation
     * counted once, as if all were live together); -1 when one has no
     * size there */
    int64_t stack;
    /* the first packed copy (the heap's under MS_WS_HEAP), or NULL */
    const ms_buffer *heap;
    /* bytes of the packed copies at the tuning sizes, with room to align
     * each; -1 when one has no size there */
    int64_t packed;
} ms_memory;
/* The bytes of b at f's tuning sizes (-1: unknown there). */
int64_t ms_buffer_bytes_at_hints(const ms_func *f, const ms_buffer *b);
ms_memory ms_func_memory(const ms_func *f);

/* ---- analysis ---- */

/* Symbolic range of an integer expression over the loops that enclose it:
 * lo <= e <= hi for every iteration, in terms of parameters only. The loops
 * are given innermost last. False when no such bound is found. */
bool ms_expr_range(ms_func *f, const ms_expr *e, int nloops, ms_stmt *const *loops, ms_poly *lo,
                   ms_poly *hi);

/* Constant range of an integer expression over the loops that enclose it
 * (innermost last), by interval arithmetic that sees through / and % by
 * constants (the counters of fused loops): the tuning-size copy's guards.
 * False when a bound is not a constant. */
bool ms_expr_const_range(const ms_expr *e, int nloops, ms_stmt *const *loops, int64_t *lo,
                         int64_t *hi);

/* Loop-level dependence summary for the default schedule and the search. */
typedef struct ms_loop_info {
    ms_stmt *loop;
    int depth;        /* 0 = outermost loop of its nest */
    bool independent; /* iterations touch disjoint data (parallel, SIMD) */
    bool reducible;   /* dependences are only scalar reductions (see red) */
    int nred;
    ms_reduction red[4];
    bool has_inner_loop;
} ms_loop_info;

/* Analyses every loop of f (pre-order). Arrays that are not restrict are
 * assumed not to overlap: the emitter guards that with a run-time check. */
int ms_analyze_loops(ms_func *f, ms_loop_info **out);
/* The same for the loops that want(loop, ctx) accepts only: a primitive
 * asks about one loop, and a nest of a dozen loops made the analysis of
 * all of them 88% of breeding a population. */
int ms_analyze_loops_where(ms_func *f, bool (*want)(const ms_stmt *loop, void *ctx), void *ctx,
                           ms_loop_info **out);

/* Rewrites linearised subscripts of pointer parameters into dimensions
 * (P[i*N + j] -> P[i][j] over [?][N]) where every access splits the same
 * way and stays inside its dimensions; the printer linearises again. */
void ms_delinearize(ms_func *f);

/* A copy of f for its tuning sizes: hinted size parameters replaced by
 * their values, integer expressions folded, guards the loop ranges prove
 * true removed. */
ms_func *ms_func_specialize(const ms_func *f);

/* A copy of f where each loop over split tiles runs its full tiles
 * without the per-element remainder checks, then the last tile with them. */
ms_func *ms_func_peel_tiles(const ms_func *f);

/* Reduction blocks with an init part (ir/reduction.c). Merges each
 * "X[idx] = v;" followed by a nest of reduction loops updating X[idx] into
 * one block with that init. */
void ms_merge_reduction_inits(ms_func *f);
/* Moves block's init into a nest of its own placed before loop (NULL: just
 * before the block), over copies of the spatial loops from loop down. The
 * init block, or NULL with why. */
ms_stmt *ms_decompose_reduction(ms_func *f, ms_stmt *block, ms_stmt *loop, const char **why);
/* The conjuncts of c that use none of the n variables (NULL: none left). */
ms_expr *ms_conjuncts_without(ms_func *f, ms_expr *c, int n, ms_var *const *vars);
/* The first block under root (pre-order) that still has an init, or NULL. */
ms_stmt *ms_first_init_block(ms_stmt *root);
/* Decomposes every init at the outermost loop of its reduction. */
void ms_decompose_all_reductions(ms_func *f);

/* For printing: each block's statement in loop variables, with quotients
 * and remainders by constants that the loop ranges decide simplified. */
void ms_func_flatten_blocks(ms_func *f);
/* The same for one integer subscript inside the loops (outermost first). */
ms_expr *ms_simplify_index_in(ms_func *f, ms_expr *e, int nloops, ms_stmt *const *loops);

/* The last decisions before C, taken in the IR so that the emitter prints
 * what it is told (ir/lower_c.c): register-tile updates x = x + a * b
 * become fma calls, and each unrolled loop gets its pragma's factor. */
void ms_func_lower_for_c(ms_func *f);

/* Moves each local array's declaration into the loop that uses it, when
 * every iteration writes the whole array before reading it. */
void ms_sink_allocs(ms_func *f);

/* The tuning size named so, or NULL. */
ms_size_hint *ms_func_hint(const ms_func *f, const char *name);
/* Value of an integer expression at the tuning sizes (f's size hints);
 * false when it uses loop variables or parameters without a hint. */
bool ms_expr_eval_hints(const ms_func *f, const ms_expr *e, int64_t *out);
/* Arithmetic operations one call performs at the tuning sizes (each + - * /,
 * select and math call one; a triangular nest is not counted): the FLOPs of
 * a float kernel. -1 when a trip count has no value there. */
double ms_func_ops(const ms_func *f);

/* Row-major index of an access to b, in elements (its subscripts over its
 * shape); NULL when a dimension past the first has no size. */
ms_expr *ms_linear_index(ms_func *f, const ms_buffer *b, int n, ms_expr *const *idx);

/* Upper bound of (largest element index + 1) touched in a 1-d view of buffer
 * b, as an expression in the parameters; NULL if unknown. */
ms_expr *ms_buffer_extent(ms_func *f, const ms_buffer *b);
/* Room for what the kernel touches of b: ms_buffer_extent, or a larger
 * bound where that cannot be had (strided loops, mixed-sign coefficients);
 * for allocations only, never for what the kernel may read. */
ms_expr *ms_buffer_room(ms_func *f, const ms_buffer *b);

#endif
