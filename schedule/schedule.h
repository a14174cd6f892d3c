/*
 * schedule.h - schedules over the IR: the default schedule, the schedule
 * state with its random variables, the primitives (each checks its own
 * legality and leaves the state unchanged when it fails), sampling, the
 * registry of instruction kinds, and traces (recorded, printed, stored as
 * JSON, replayed with the same or new decisions).
 *
 * Primitives know nothing of traces: the tracer (trace.c) applies an
 * instruction through the registry and records it.
 */
#ifndef MS_SCHEDULE_H
#define MS_SCHEDULE_H

#include "ir/ir.h"

/* Marks the outermost dependence-free loop of each nest parallel and the
 * innermost dependence-free (or scalar-reduction) loop SIMD. Changes only
 * loop kinds and annotations, never the blocks. */
void ms_sched_default(ms_func *f);

/* ---- state ---- */

typedef enum { MS_RV_BLOCK, MS_RV_LOOP, MS_RV_INT } ms_rv_kind;

/* A random variable: a handle on a block or a loop, or an integer. */
typedef struct ms_rv {
    ms_rv_kind kind;
    ms_stmt *stmt; /* BLOCK, LOOP; NULL once a primitive consumed it */
    int64_t value; /* INT */
} ms_rv;

typedef enum {
    MS_OK = 0,
    MS_ERR_INPUT,   /* a handle of the wrong kind, consumed, or out of range */
    MS_ERR_ILLEGAL, /* the transformation would change the program's meaning */
    MS_ERR_UNSUPPORTED,
} ms_status;

typedef struct ms_sched {
    ms_func *f; /* owned: a clone of the original function */
    MS_VEC(ms_rv) rvs;
    char why[256]; /* the reason of the last failure */
} ms_sched;

ms_sched *ms_sched_new(const ms_func *original);
void ms_sched_free(ms_sched *s);
int ms_sched_new_rv(ms_sched *s, ms_rv_kind kind, ms_stmt *stmt, int64_t value);

/* ---- primitives: outputs are new random variables ---- */

ms_status ms_sched_get_block(ms_sched *s, const char *name, int *out);
/* The loops around block, outermost first; *n in: capacity, out: count. */
ms_status ms_sched_get_loops(ms_sched *s, int block, int *out, int *n);
ms_status ms_sched_get_child_blocks(ms_sched *s, int loop, int *out, int *n);
/* factors: outermost first, each >= 1, or -1 (at most one) to infer it from
 * the extent. A loop with a non-constant extent always infers its outermost
 * factor, so the split is right for every size; iterations past the extent
 * are skipped by a guard. */
ms_status ms_sched_split(ms_sched *s, int loop, int n, const int64_t *factors, int *out);
ms_status ms_sched_fuse(ms_sched *s, int n, const int *loops, int *out);
ms_status ms_sched_reorder(ms_sched *s, int n, const int *loops);
ms_status ms_sched_parallel(ms_sched *s, int loop);
ms_status ms_sched_vectorize(ms_sched *s, int loop);
ms_status ms_sched_unroll(ms_sched *s, int loop);
ms_status ms_sched_annotate(ms_sched *s, int loop, const char *key, int64_t value);
/* The block computing a local intermediate disappears into its readers. */
ms_status ms_sched_compute_inline(ms_sched *s, int block);
/* A reduction block's init moves into a nest of its own just before loop,
 * over copies of the spatial loops below it; out: the init block. */
ms_status ms_sched_decompose_reduction(ms_sched *s, int block, int loop, int *out);
/* The block's output is computed in a local array (scope "local", or
 * "register" for a small tile the compiler keeps in registers) that lives
 * in one iteration of loop and covers what the block writes there; it is
 * copied out at the end of each iteration (and in at the start when the
 * block reads old values). out: the copy-out block. */
ms_status ms_sched_cache_write(ms_sched *s, int block, int loop, const char *scope, int *out);
/* A block that only post-processes a local intermediate moves into the
 * block producing it, which then writes the block's output directly. */
ms_status ms_sched_reverse_compute_inline(ms_sched *s, int block);
/* The sum or product block keeps one partial per iteration of loop (a
 * reduction loop of constant extent), combined by a new block after the
 * reduction; out: that block. */
ms_status ms_sched_rfactor(ms_sched *s, int block, int loop, int *out);
/* What block reads of array buf in one iteration of loop is copied into a
 * local array at the start of the iteration; out: the copying block. */
ms_status ms_sched_cache_read(ms_sched *s, int block, int loop, const char *buf, int *out);
/* A block producing a local intermediate moves inside loop (a loop of its
 * readers) and computes there the box they read in each iteration. A loop
 * handle from sample_compute_location's "stay" leaves it where it is. */
ms_status ms_sched_compute_at(ms_sched *s, int block, int loop);
/* A block consuming a local intermediate moves inside loop (a loop of the
 * producer) and consumes there the box written in each iteration. */
ms_status ms_sched_reverse_compute_at(ms_sched *s, int block, int loop);
/* Array parameter buf, only read by the kernel, is packed once per call
 * into a new blocked layout: dimension d split by factors[d] (1: kept),
 * then the resulting dimensions permuted (new dim i = old perm[i]); every
 * read goes to the packed copy. out: the packing block. */
ms_status ms_sched_transform_layout(ms_sched *s, const char *buf, int nf, const int64_t *factors,
                                    int np, const int64_t *perm, int *out);

/* ---- sampling (through one seeded RNG) ---- */

/* n factors whose product is the loop's extent at the tuning sizes, the
 * innermost at most max_innermost. */
ms_status ms_sched_sample_perfect_tile(ms_sched *s, ms_rng *rng, int loop, int n, int max_innermost,
                                       int64_t *factors);
/* The loops block could be computed at: around all its readers, not
 * around itself; outermost first. Returns the count, -1 if not a block. */
int ms_sched_compute_locations(ms_sched *s, int block, ms_stmt **out, int cap);
/* A loop handle for "stay where it is" (compute_at does nothing). */
#define MS_ROOT_LOCATION (-1)
/* One of those loops, or MS_ROOT_LOCATION (decision -1); with rng NULL,
 * the decision given. out: a loop handle. */
ms_status ms_sched_sample_compute_location(ms_sched *s, ms_rng *rng, int block, int64_t *decision,
                                           int *out);
/* One of the candidates, with the given weights (sum > 0). */
ms_status ms_sched_sample_categorical(ms_sched *s, ms_rng *rng, int n, const int64_t *candidates,
                                      const double *weights, int64_t *choice);

/* ---- instructions and traces (declared below) ---- */

typedef enum {
#define X(id, name) MS_INST_##id,
#include "schedule/inst.def"
#undef X
    MS_INST_COUNT
} ms_inst_kind;

/* An operand: a random variable of the trace, or a literal integer. */
typedef struct ms_operand {
    int rv; /* trace variable, or -1 for a literal */
    int64_t lit;
} ms_operand;

enum { MS_INST_MAX_IN = 16, MS_INST_MAX_OUT = 16 };

typedef struct ms_inst {
    ms_inst_kind kind;
    int nin;
    ms_operand in[MS_INST_MAX_IN];
    char str[64]; /* block name, annotation key */
    int nout;
    int out[MS_INST_MAX_OUT]; /* trace variables it defines */
    int ndecision;            /* sampling instructions: the choice made */
    int64_t decision[MS_INST_MAX_OUT];
    int nattr; /* sampling parameters */
    int64_t attr[MS_INST_MAX_IN];
    double weight[MS_INST_MAX_IN];
} ms_inst;

typedef struct ms_trace {
    MS_VEC(ms_inst) insts;
    MS_VEC(ms_rv_kind) rv_kinds; /* kind of each trace variable */
} ms_trace;

ms_trace *ms_trace_new(void);
void ms_trace_free(ms_trace *t);
const char *ms_inst_name(ms_inst_kind k);
bool ms_inst_kind_from_name(const char *name, ms_inst_kind *out);

/* Applies instructions to a state, records them into a trace. */
typedef struct ms_tracer {
    ms_sched *s;
    ms_trace *t; /* owned */
    ms_rng rng;
    MS_VEC(int) map;  /* trace variable -> state variable */
    ms_status status; /* sticky: after a failure every call is a no-op */
    char why[256];
} ms_tracer;

/* A tracer on a fresh clone of f (the tracer owns the state). */
ms_tracer *ms_tracer_new(const ms_func *f, uint64_t seed);
void ms_tracer_free(ms_tracer *tr);
/* Applies inst (its outputs are assigned here) and records it. Sampling
 * instructions with a decision use it; without one they sample and record
 * the decision. */
ms_status ms_tracer_apply(ms_tracer *tr, ms_inst *inst);
/* The value of an integer trace variable. */
int64_t ms_tracer_int(const ms_tracer *tr, int rv);

/* The traced API: returns trace variables (-1 after a failure). */
int ms_t_get_block(ms_tracer *tr, const char *name);
int ms_t_get_loops(ms_tracer *tr, int block, int *out);
void ms_t_split(ms_tracer *tr, int loop, int n, const ms_operand *factors, int *out);
int ms_t_fuse(ms_tracer *tr, int n, const int *loops);
void ms_t_reorder(ms_tracer *tr, int n, const int *loops);
void ms_t_parallel(ms_tracer *tr, int loop);
void ms_t_vectorize(ms_tracer *tr, int loop);
void ms_t_unroll(ms_tracer *tr, int loop);
void ms_t_annotate(ms_tracer *tr, int loop, const char *key, int64_t value);
void ms_t_compute_inline(ms_tracer *tr, int block);
int ms_t_decompose_reduction(ms_tracer *tr, int block, int loop);
void ms_t_reverse_compute_inline(ms_tracer *tr, int block);
int ms_t_rfactor(ms_tracer *tr, int block, int loop);
int ms_t_cache_read(ms_tracer *tr, int block, int loop, const char *buf);
void ms_t_compute_at(ms_tracer *tr, int block, int loop);
void ms_t_reverse_compute_at(ms_tracer *tr, int block, int loop);
int ms_t_sample_compute_location(ms_tracer *tr, int block);
int ms_t_cache_write(ms_tracer *tr, int block, int loop, const char *scope);
int ms_t_transform_layout(ms_tracer *tr, const char *buf, int nf, const int64_t *factors, int np,
                          const int64_t *perm);
void ms_t_sample_perfect_tile(ms_tracer *tr, int loop, int n, int max_innermost, int *out);
int ms_t_sample_categorical(ms_tracer *tr, int n, const int64_t *candidates, const double *weights);

/* Replays t on a fresh clone of f: with the recorded decisions, or (when
 * resample) with new ones drawn from seed. The new tracer holds the new
 * trace; check its status. */
ms_tracer *ms_trace_replay(const ms_trace *t, const ms_func *f, bool resample, uint64_t seed);

/* The default schedule as a trace: get_block, get_loops, fuse (for small
 * parallel trip counts), parallel, vectorize. The tracer's state holds the
 * scheduled function. */
ms_tracer *ms_sched_default_trace(const ms_func *f);

/* A readable script, one line per instruction. */
void ms_trace_print(const ms_trace *t, ms_str *out);
/* JSON with a schema version and no pointers; NULL + why on bad input. */
char *ms_trace_to_json(const ms_trace *t);
ms_trace *ms_trace_from_json(const char *text, const char **why);

/* A trace document: one JSON object, a trace per kernel name (what
 * --trace reads and --print-trace=json writes). Returns the count, or -1
 * with why. */
int ms_trace_doc_parse(const char *text, char ***names, ms_trace ***traces, const char **why);
char *ms_trace_doc_to_json(int n, const char *const *names, ms_trace *const *traces);

#endif
