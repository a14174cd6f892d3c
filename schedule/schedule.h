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
/* A scalar accumulator copied into an output element (block: the copy,
 * `y[idx] = acc`) becomes one reduction block accumulating in the element
 * (its init the accumulator's initial value), named as the copy was. */
ms_status ms_sched_merge_accumulator(ms_sched *s, int block);
/* The block setting an output element just before the nest of block (an
 * accumulation into it without init, e.g. `C *= beta` before `C += ...`)
 * becomes block's init. */
ms_status ms_sched_merge_init(ms_sched *s, int block);
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
/* A nest of three loops from loop down, computing C[i][j] += A[i][k] *
 * B[k][j] over a tile of intrinsic intrin's shape, becomes a call of it
 * (not under --fp-model=strict: it fuses multiplies and adds). A tile the
 * block's guard may cut runs the loops as before. */
ms_status ms_sched_tensorize(ms_sched *s, int loop, const char *intrin);

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

enum { MS_INST_MAX_IN = 32, MS_INST_MAX_OUT = 32 };

typedef struct ms_inst {
    ms_inst_kind kind;
    int nin;
    ms_operand in[MS_INST_MAX_IN];
    char str[64]; /* block name, annotation key, intrinsic */
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
ms_trace *ms_trace_clone(const ms_trace *t);
/* Sets the decision of sampling instruction inst (for mutators); false if
 * inst is not a sampling instruction. Replay checks the decision. */
bool ms_trace_set_decision(ms_trace *t, int inst, int n, const int64_t *decision);
const char *ms_inst_name(ms_inst_kind k);
bool ms_inst_kind_from_name(const char *name, ms_inst_kind *out);

/* Applies instructions to a state, records them into a trace. */
typedef struct ms_tracer {
    const ms_func *origin; /* the function it started from (not owned): forks replay on it */
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
/* A copy of tr at the same point (same trace variables, same generator
 * state), made by replaying its trace on the origin: rules propose several
 * continuations of one state this way. NULL if tr has failed. */
ms_tracer *ms_tracer_fork(const ms_tracer *tr);
/* Clears a refusal so the tracer goes on (a refused primitive changed
 * nothing and recorded nothing); returns the status it had. Rules try a
 * primitive with it: `ms_t_x(tr, ...); if (ms_tracer_recover(tr)) ...`. */
ms_status ms_tracer_recover(ms_tracer *tr);
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
/* The same with the value from an operand (a sampled integer). */
void ms_t_annotate_op(ms_tracer *tr, int loop, const char *key, ms_operand value);
void ms_t_compute_inline(ms_tracer *tr, int block);
int ms_t_decompose_reduction(ms_tracer *tr, int block, int loop);
void ms_t_reverse_compute_inline(ms_tracer *tr, int block);
int ms_t_rfactor(ms_tracer *tr, int block, int loop);
void ms_t_merge_accumulator(ms_tracer *tr, int block);
void ms_t_merge_init(ms_tracer *tr, int block);
void ms_t_original_elsewhere(ms_tracer *tr);
int ms_t_cache_read(ms_tracer *tr, int block, int loop, const char *buf);
void ms_t_compute_at(ms_tracer *tr, int block, int loop);
void ms_t_reverse_compute_at(ms_tracer *tr, int block, int loop);
int ms_t_sample_compute_location(ms_tracer *tr, int block);
int ms_t_cache_write(ms_tracer *tr, int block, int loop, const char *scope);
void ms_t_tensorize(ms_tracer *tr, int loop, const char *intrin);
int ms_t_transform_layout(ms_tracer *tr, const char *buf, int nf, const int64_t *factors, int np,
                          const int64_t *perm);
/* The same with operands: factors may be sampled integers. */
int ms_t_transform_layout_ops(ms_tracer *tr, const char *buf, int nf, const ms_operand *factors,
                              int np, const int64_t *perm);
void ms_t_sample_perfect_tile(ms_tracer *tr, int loop, int n, int max_innermost, int *out);
int ms_t_sample_categorical(ms_tracer *tr, int n, const int64_t *candidates, const double *weights);

/* Replays t on a fresh clone of f: with the recorded decisions, or (when
 * resample) with new ones drawn from seed. The new tracer holds the new
 * trace; check its status. */
ms_tracer *ms_trace_replay(const ms_trace *t, const ms_func *f, bool resample, uint64_t seed);
/* The same with the decisions a policy makes: before each sampling
 * instruction applies, decide sees it (its operands already the new
 * tracer's variables; at: its index in t) and may set its decision from
 * the state so far. The default schedule's tiles come this way. */
typedef void (*ms_decide_fn)(void *ctx, const ms_tracer *tr, const ms_trace *t, int at,
                             ms_inst *in);
ms_tracer *ms_trace_replay_deciding(const ms_trace *t, const ms_func *f, ms_decide_fn decide,
                                    void *ctx);
/* The same with its decisions, where an edit fused one outer loop of a
 * nest more or fewer: a get_loops of that nest that finds one loop fewer
 * or more than recorded takes it as its second (the parallel mutator). */
ms_tracer *ms_trace_replay_realigned(const ms_trace *t, const ms_func *f);

/* The default schedule as a trace: get_block, get_loops, fuse (for small
 * parallel trip counts), parallel, vectorize. The tracer's state holds the
 * scheduled function. */
ms_tracer *ms_sched_default_trace(const ms_func *f);
/* The default schedule for a target (rules/default_tensorized.c): a block
 * that one of the target's micro-kernels fits tensorized, its tiles chosen
 * from the caches; otherwise, or without arch, the one above. */
ms_tracer *ms_sched_default_trace_for(const ms_func *f, const ms_arch *arch);

/* The micro-kernel of the first tensorize at or after instruction from
 * of t, or NULL. */
const ms_intrin *ms_trace_intrin(const ms_trace *t, int from);

/* A readable script, one line per instruction. */
void ms_trace_print(const ms_trace *t, ms_str *out);
/* That script read back (blank lines, '#' comments and a leading '*' of
 * each line skipped); NULL + why on bad input. Weights read as printed
 * (%g): replay uses the decisions, not the weights. */
ms_trace *ms_trace_from_text(const char *text, const char **why);
/* JSON with a schema version and no pointers; NULL + why on bad input. */
char *ms_trace_to_json(const ms_trace *t);
ms_trace *ms_trace_from_json(const char *text, const char **why);

/* A trace document: one JSON object, a trace per kernel name (what
 * --print-trace=json writes), or text, "# kernel NAME" before each trace
 * (what --print-trace=text writes); --trace reads both. Returns the
 * count, or -1 with why. */
int ms_trace_doc_parse(const char *text, char ***names, ms_trace ***traces, const char **why);
char *ms_trace_doc_to_json(int n, const char *const *names, ms_trace *const *traces);

/* ---- what the cost model sees (schedule/cost/) ---- */

/* The feature layout's version: saved with a model, which a layout of
 * another version does not read. Bump it with any change to the table in
 * schedule/cost/features.c. */
enum { MS_FEATURE_VERSION = 1, MS_FEATURE_STORES = 3 };

/* Length of a candidate's feature vector. */
int ms_feature_count(void);
/* Feature i's name (e.g. "s0.read1.stride") and what it measures. */
void ms_feature_doc(int i, char *name, size_t name_size, const char **meaning);
/* The features of a scheduled function (after the postprocessors) for
 * arch, at its tuning sizes, into out[ms_feature_count()]. */
void ms_features_of(ms_func *f, const ms_arch *arch, float *out);

/* The learned cost model (XGBoost): features -> normalised throughput
 * (the best time of the workload over the candidate's, in (0, 1]). */
typedef struct ms_cost_model ms_cost_model;
enum { MS_COST_MIN_SAMPLES = 64 }; /* fewer measurements: random scores */
/* An untrained model, whose scores are random (drawn from seed). */
ms_cost_model *ms_cost_model_new(uint64_t seed);
void ms_cost_model_free(ms_cost_model *m);
bool ms_cost_model_trained(const ms_cost_model *m);
int ms_cost_model_samples(const ms_cost_model *m); /* rows of the last training */
/* Trains afresh on n rows (features: n x ms_feature_count(), row-major);
 * false with why (fewer than MS_COST_MIN_SAMPLES rows, XGBoost's error),
 * the model then unchanged. The same rows give the same model. */
bool ms_cost_model_train(ms_cost_model *m, int n, const float *features, const float *scores,
                         char *why, size_t why_size);
/* Scores of n candidates, higher meaning faster. */
void ms_cost_model_predict(ms_cost_model *m, int n, const float *features, float *out);
/* Saved atomically with the feature layout's version and a checksum; a
 * load refuses a model of another layout, a damaged one and one that is
 * absent (NULL, why says so). */
bool ms_cost_model_save(const ms_cost_model *m, const char *path, char *why, size_t why_size);
ms_cost_model *ms_cost_model_load(const char *path, uint64_t seed, char *why, size_t why_size);
/* The header line a saved model of this layout with XGBoost JSON body has
 * (ending in '\n'; 128 bytes are enough): a load refuses a body whose
 * checksum differs, as a damaged file. */
void ms_cost_model_header(const char *body, size_t len, char *buf, size_t n);
/* Is json (len bytes) a model of the shape mscc saves, over nf features,
 * that XGBoost can be trusted to read and run (cost/model_check.c)? If
 * not, why says what is wrong. */
bool ms_cost_model_json_ok(const char *json, size_t len, int nf, char *why, size_t n);

/* ---- the design space (schedule/rules/) ---- */

/* The sketches of f's design space: the traces the rules propose (block
 * rules on each block, consumers first, then function rules), whose
 * sampling decisions a candidate draws afresh. Returns the count (>= 1:
 * an untouched schedule when no rule applies); caller frees. */
int ms_space_sketches(const ms_func *f, const ms_arch *arch, uint64_t seed, ms_trace ***out);
/* Does a rule list (ms_arch.rules) name registered rules only? If not,
 * why says which name is unknown and lists the rules. */
bool ms_rules_check(const char *list, char *why, size_t why_size);
/* Finishes a schedule: annotations become loop kinds (auto-unroll), and a
 * parallel or SIMD loop that later steps made dependent is refused (why
 * in s->why). Deterministic. */
ms_status ms_postproc(ms_sched *s);
/* The same on a tracer that has not failed: a refusal becomes its status
 * and why. Returns tr. */
ms_tracer *ms_tracer_postproc(ms_tracer *tr);
/* A candidate: sketch replayed with decisions drawn from seed, then
 * postprocessed. Check the tracer's status (why: the refusal). */
ms_tracer *ms_space_sample(const ms_func *f, const ms_trace *sketch, uint64_t seed);

/* ---- measurement, as the search sees it (runtime/ implements it) ---- */

typedef enum {
    MS_MEAS_OK,
    MS_MEAS_EMIT,    /* the schedule cannot be written as C */
    MS_MEAS_BUILD,   /* the compiler refused it, or is missing */
    MS_MEAS_CRASH,   /* killed by a signal or a bad exit status */
    MS_MEAS_TIMEOUT, /* ran past its time limit */
    MS_MEAS_MEMORY,  /* ran out of its memory limit */
    MS_MEAS_WRONG,   /* computed other numbers than the original */
    MS_MEAS_SLOW,    /* stopped in its first call, far slower than the best so
                      * far: seconds is a lower bound, its numbers unchecked */
    MS_MEAS_SIZE,    /* compiled beyond --max-code-size: never run */
    MS_MEAS_COUNT
} ms_meas_status;

extern const char *const ms_meas_status_names[MS_MEAS_COUNT];

/* Does the result carry a time the cost model learns from (exact, or a
 * lower bound for a slow one)? */
static inline bool ms_meas_timed(ms_meas_status s)
{
    return s == MS_MEAS_OK || s == MS_MEAS_SLOW;
}

typedef struct ms_meas_result {
    ms_meas_status status;
    double seconds; /* per call at the tuning sizes (median) when OK; a
                     * lower bound when SLOW */
    char why[160];
} ms_meas_result;

typedef struct ms_measurer {
    void *ctx;
    /* The original's time per call at the tuning sizes and the relative
     * spread of its repeated timings; false (why) if it cannot run. */
    bool (*original)(void *ctx, double *seconds, double *spread, char *why, size_t n);
    /* Builds a batch of scheduled functions (every core may build); a
     * failure is a result. One whose res is not OK already is skipped. */
    void (*build)(void *ctx, int n, ms_func *const *cands, ms_meas_result *res);
    /* Checks and times the built ones, one at a time on an idle machine. */
    void (*run)(void *ctx, int n, ms_meas_result *res);
    /* Optional (NULL: none): builds the fastest few again and times them
     * in turns over several rounds, each res[i].seconds the median of its
     * rounds, or the failure of a round that failed. */
    void (*retime)(void *ctx, int n, ms_func *const *cands, ms_meas_result *res);
} ms_measurer;

/* ---- the tuning database (schedule/db/) ---- */

/* What a tuned schedule is for: the same key replays without measuring. */
typedef struct ms_db_key {
    char *workload; /* the structural hash of the kernel's IR, hex */
    char *sizes;    /* "M=1024,N=1024" */
    char *target;   /* CPU model, ISA features, core count */
    int threads;
    bool fp_strict;
} ms_db_key;

typedef struct ms_db_record {
    ms_db_key key;
    char *kernel, *compiler, *flags, *version;
    char *status; /* "ok", the cause of failure ("build", ...), or a decision (below) */
    ms_trace *trace;
    double seconds; /* per call, when ok */
    double original_seconds, original_spread;
    long long timestamp;
    int budget; /* a decision's: the trials its file was given */
} ms_db_record;

typedef struct ms_db ms_db;

/* Opens (creating) the database folder dir and reads its records; damaged
 * lines and lines of a newer schema are skipped with a warning
 * (ms_db_warnings). NULL (why) if the folder cannot be made. */
ms_db *ms_db_open(const char *dir, char *why, size_t n);
void ms_db_close(ms_db *db);
int ms_db_warnings(const ms_db *db, const char *const **out);
int ms_db_records(const ms_db *db, const ms_db_record **out);
const char *ms_db_path(const ms_db *db);
const char *ms_db_dir(const ms_db *db); /* the folder: the cost model lives beside */
bool ms_db_key_equal(const ms_db_key *a, const ms_db_key *b);
/* Records a search ends with, beside the measurements: the schedule
 * shipped (its trace, checked at every size setting; seconds: its time),
 * the original kept (trace: the fastest candidate, which did not beat
 * it), and each fast candidate the check at other sizes refused. */
#define MS_DB_CHOSEN "chosen"
#define MS_DB_ORIGINAL "original"
#define MS_DB_REFUSED "refused"
bool ms_db_is_outcome(const ms_db_record *r);
/* The latest decision for key made by this compiler, flags and mscc
 * version: replayed as it is (unless more trials are asked for than its
 * budget). NULL if none. */
const ms_db_record *ms_db_decision(const ms_db *db, const ms_db_key *key, const char *compiler,
                                   const char *flags, const char *version);
/* How many candidates were measured for key by this compiler, flags and version. */
int ms_db_trials(const ms_db *db, const ms_db_key *key, const char *compiler, const char *flags,
                 const char *version);
/* The traces of the fastest records of the same workload and sizes from
 * any machine, compiler or version, fastest first: seeds for a search
 * (none that a "refused" record names: found wrong at other sizes). */
int ms_db_seeds(const ms_db *db, const ms_db_key *key, int cap, const ms_trace **out);
/* `mscc db merge` (db/merge.c): the database folders dirs into the new
 * folder out: every record once, in time order; where the inputs decided
 * differently for one kernel and maker, the fastest decision again last;
 * the facts and cost-model rows line by line, the newest cost models.
 * Returns the records written, or -1 (why). The inputs' warnings (damaged
 * lines skipped) come back in *warnings (caller frees). */
int ms_db_merge(int n, const char *const *dirs, const char *out, char *why, size_t wn,
                char ***warnings, int *nwarnings);
/* Appends records under an exclusive lock, flushed to disk. */
bool ms_db_append(ms_db *db, int n, const ms_db_record *recs, char *why, size_t wn);
/* Appends whole lines to a file of the database folder under an exclusive
 * lock, flushed to disk: a reader never sees half a batch. */
bool ms_db_append_lines(const char *path, const ms_str *text, char *why, size_t wn);

/* The cost model's training rows (schedule/db/cost_rows.c), in a file
 * beside the records, one per machine, compiler and flags: per candidate
 * that ran correctly, the feature layout's version, its workload's group
 * (kernel, sizes, threads), its seconds and its features. Rows whose
 * seconds are not > 0 (candidates that did not run) are left out. */
bool ms_cost_rows_append(const char *path, const char *group, int n, const float *features,
                         const double *seconds, char *why, size_t wn);
/* The latest max rows of the current feature layout: features (n rows of
 * ms_feature_count()) and scores, each the best seconds of its group over
 * its own (1: the fastest); both malloc'd. Returns n, 0 if none. */
int ms_cost_rows_read(const char *path, int max, float **features, float **scores);

/* A fact measured once about a machine, by key (the target and thread
 * count) and name ("peak_f32"): the latest value kept, false if none. */
bool ms_db_fact(const ms_db *db, const char *key, const char *name, double *value);
bool ms_db_put_fact(ms_db *db, const char *key, const char *name, double value, char *why,
                    size_t wn);

/* ---- search (schedule/search/) ---- */

typedef struct ms_search_progress {
    int done, total;       /* trials */
    double best, original; /* seconds per call; 0: none yet */
    double original_spread;
    double elapsed;
} ms_search_progress;

/* How a search draws its candidates: replay (random decisions from the
 * design space) or evolutionary (bred from the best measured, ranked by
 * the learned cost model, once MS_COST_MIN_SAMPLES were measured). */
typedef enum { MS_SEARCH_REPLAY, MS_SEARCH_EVOLUTIONARY } ms_search_strategy;

typedef struct ms_search_opts {
    ms_search_strategy strategy;
    int trials;         /* candidates to measure */
    int batch;          /* per build-and-run round */
    uint64_t seed;      /* the same seed, the same candidates */
    double time_budget; /* seconds; 0: none */
    const ms_arch *arch;
    /* traces measured first when they still apply (the database's best
     * from another machine or version) */
    const ms_trace *const *seeds;
    int nseeds;
    void (*progress)(void *ctx, const ms_search_progress *p);
    void *progress_ctx;
    /* every measured batch, as it is measured (the database records it);
     * features: n rows of ms_feature_count(), those of candidates with a
     * time (ms_meas_timed) filled in */
    void (*on_batch)(void *ctx, int n, ms_trace *const *traces, const ms_meas_result *res,
                     const float *features);
    void *batch_ctx;
    /* evolutionary: a model trained by earlier runs (taken), which guides
     * the search until it has MS_COST_MIN_SAMPLES measurements of its own;
     * NULL: random draws until then */
    ms_cost_model *model;
} ms_search_opts;

/* How many of the fastest candidates a search keeps: the driver ships the
 * first that also passes the check at other sizes. */
#define MS_SEARCH_KEEP 4

/* Where a search's wall time goes: timing the original, drawing and
 * breeding candidates, training the cost model, compiling them, running
 * them, extracting features and recording batches, timing the kept ones
 * again at the end. */
typedef enum {
    MS_PHASE_ORIGINAL,
    MS_PHASE_PROPOSE,
    MS_PHASE_TRAIN,
    MS_PHASE_BUILD,
    MS_PHASE_RUN,
    MS_PHASE_RECORD,
    MS_PHASE_RETIME,
    MS_PHASE_COUNT
} ms_search_phase;
extern const char *const ms_search_phase_names[MS_PHASE_COUNT];

typedef struct ms_search_result {
    /* the fastest correct candidates, fastest first: by the measurer's
     * second timing where it has one, each with the time the search
     * measured (ms_search_result_free) */
    ms_trace *kept[MS_SEARCH_KEEP];
    double kept_time[MS_SEARCH_KEEP];
    int nkept;
    const ms_trace *best; /* kept[0]; NULL when no candidate ran correctly */
    double best_time, original_time, original_spread;
    int measured;              /* candidates built and run */
    int failed[MS_MEAS_COUNT]; /* by cause (failed[MS_MEAS_OK] unused) */
    int rejected;              /* sampled schedules the postprocessors refused */
    int duplicates;            /* sampled schedules already measured */
    int stale_seeds;           /* seeds that no longer replay on the kernel */
    int sketches;
    double phase_secs[MS_PHASE_COUNT]; /* wall seconds by phase */
    char original_why[160];            /* when the original could not be timed */
    ms_cost_model *model; /* the model the search trained, NULL if none (freed with the result) */
} ms_search_result;

/* Replay search: candidates drawn from the design space with fresh
 * decisions (the default schedule and the seeds first), duplicates
 * dropped by the structural hash of the scheduled IR, measured in
 * batches; the best kept. */
void ms_search_replay(const ms_func *f, const ms_search_opts *o, ms_measurer *m,
                      ms_search_result *r);
void ms_search_result_free(ms_search_result *r);

/* The same search a batch at a time, so that several kernels can share one
 * budget. start times the original (result's original_time 0 and why if it
 * cannot run: the search is then done); step measures one batch of at most
 * max candidates and returns how many (0: done, having reached its trials,
 * run dry or run out of time); end hands over the result and frees. */
typedef struct ms_search ms_search;
ms_search *ms_search_start(const ms_func *f, const ms_search_opts *o, ms_measurer *m);
int ms_search_step(ms_search *s, int max);
bool ms_search_done(const ms_search *s);
const ms_search_result *ms_search_so_far(const ms_search *s);
void ms_search_end(ms_search *s, ms_search_result *r);

/* --predict (schedule/search/predict.c): up to want candidates (traces,
 * the caller frees) that model, trained by earlier runs, ranks best among
 * generations bred from a sample of f's design space, best first; nothing
 * measured. 0 without a trained model. The same model and seed, the same
 * candidates. */
int ms_search_predict(const ms_func *f, const ms_arch *arch, ms_cost_model *model, uint64_t seed,
                      int want, ms_trace **out);

/* Mutators (schedule/search/mutators.c): a new trace with one decision
 * changed (tile sizes 0.90, a compute location 0.05, the unroll step
 * 0.03, the loops a parallel loop fuses 0.02), drawn by probability among those with something to
 * change in t; NULL if none has. which (if not NULL) tells which mutator. */
ms_trace *ms_mutate(const ms_trace *t, const ms_func *f, ms_rng *rng, int *which);
int ms_mutator_count(void);
const char *ms_mutator_name(int i);
/* The mutator of that index alone (NULL: nothing to change). */
ms_trace *ms_mutate_with(int which, const ms_trace *t, const ms_func *f, ms_rng *rng);

/* Several kernels' searches on one budget of trials (and seconds, 0: no
 * limit), by MetaSchedule's gradient rule (schedule/search/task_scheduler.c):
 * a batch each in turn, then each batch to the kernel whose weight (NULL:
 * all 1) times its best time falls fastest. */
void ms_search_share(int n, ms_search *const *s, const double *weight, int trials,
                     double time_budget);
/* That rule's gradient for a kernel after nbatches (>= 1) batches, hist
 * its best time (the original's before any beat it) before its first
 * batch and after each. */
double ms_task_gradient(const double *hist, int nbatches, double weight);

#endif
