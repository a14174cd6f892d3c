/*
 * driver.h - the mscc command: orchestration and output. The only layer that
 * talks to the user.
 */
#ifndef MS_DRIVER_H
#define MS_DRIVER_H

#include "driver/mscc.h"
#include "driver/options.h"
#include "frontend/frontend.h"
#include "schedule/schedule.h"

#define MS_VERSION MSCC_VERSION

/* Runs mscc; returns the exit status (0 ok, 1 user error, 2 internal). */
int ms_driver_main(int argc, char **argv);

struct ms_target;
typedef struct ms_tune_report ms_tune_report;

/* One file tuned (api.c): what the library hands out as mscc_result, and
 * what the command prints its tables from. */
struct mscc_result {
    mscc_status status;
    char message[600];
    const ms_options *o; /* the options it was made with */
    ms_options opts;     /* owned, for a library call (own_opts) */
    bool own_opts, have_src;
    bool parsed; /* the frontend read the file */
    ms_source src;
    ms_diags diags;
    char *diag_text; /* rendered on first asking */
    int n;           /* kernels, and the length of each array below */
    char **bodies;   /* the new body of kernel i; NULL: the original stays */
    ms_trace **used; /* the trace applied to kernel i */
    ms_tune_report *reps;
    size_t *begin, *end; /* kernel i's body in the source text */
    char *text;          /* the tuned file */
    size_t len;
    char **given_names; /* --trace's document */
    ms_trace **given;
    int ngiven;
    struct ms_target *target; /* NULL: nothing measured or replayed from the database */
    ms_arch arch;
    char *flags; /* the harnesses' preprocessor flags */
    ms_db *db;
    int njobs; /* kernels searched */
};

/* --multiversion (multiversion.c): the text that replaces kernel i's body,
 * r->bodies[i] its target ISA's variant and the others scheduled for
 * theirs; NULL (a warning in r->diags) when one cannot be. */
char *ms_multiversion_text(mscc_result *r, int i);
/* Can this CPU run variant v of ms_variant_at? */
bool ms_variant_runs_here(int v);
/* Can it run code for isa (ms_arch.isa: "avx512" needs x86-64-v4's
 * features, "avx2" -v3's; NULL: any)? */
bool ms_isa_runs_here(const char *isa);

/* --sizes-file (sizes_file.c): the size sets of each kernel, in file order;
 * set_index[i] is sets[i]'s place among its kernel's. */
typedef struct ms_sizes_file {
    int n;
    ms_kernel_sizes *sets;
    int *set_index;
} ms_sizes_file;
/* Returns 0, or -1 with a reason in why. */
int ms_sizes_file_parse(const char *text, ms_sizes_file *out, char *why, size_t n);
void ms_sizes_file_free(ms_sizes_file *sf);
/* How many sets kernel has (0: none in the file). */
int ms_sizes_file_count(const ms_sizes_file *sf, const char *kernel);
/* The sets of --lib's pass (each kernel's set number pass, or its last);
 * out holds sf->n. Returns how many. */
int ms_sizes_file_pass(const ms_sizes_file *sf, int pass, ms_kernel_sizes *out);

/* mscc --lib NAME -o DIR (library.c): the exit status, as ms_driver_main's. */
int ms_lib_main(ms_options *o);

mscc_result *ms_result_new(void);
/* Parses, schedules and emits o->input into r (nothing printed, nothing
 * written); r->status and r->message say how it went. */
mscc_status ms_tune_file(const ms_options *o, mscc_result *r);
/* r->text from r->bodies again (after --check reverted some). */
void ms_result_splice(mscc_result *r);
/* The target o names, with its runner; NULL (why) when runs (programs
 * will run) and this machine cannot run them without a runner. */
struct ms_target *ms_options_target(const ms_options *o, bool runs, char *why, size_t n);
/* The harnesses' -I and -D flags for o's input, shell-quoted. */
char *ms_harness_flags(const ms_options *o);

/* Schedules kernel k (replaying given, or the default schedule: the
 * target's, arch, or without one the portable one) and emits its new body
 * (sizes_only: for its tuning sizes alone, as ms_emit_body says); NULL
 * with a warning in diags when the kernel stays unchanged. *used receives
 * the trace applied (caller frees). */
char *ms_tune_kernel(const ms_source *src, const ms_kernel *k, const ms_trace *given, bool verbose,
                     ms_trace **used, ms_diags *diags);
char *ms_tune_kernel_for(const ms_source *src, const ms_kernel *k, const ms_trace *given,
                         const ms_arch *arch, bool verbose, bool sizes_only, ms_trace **used,
                         ms_diags *diags);
/* --check: each tuned body (bodies[i], NULL: none) built with a harness
 * and run against the original at the tuning sizes and others (only
 * those with sizes_only: a library's variant for one size set), aligned
 * and not, and timed where the target times; prints the table. A body
 * that fails, or runs slower, is freed and set NULL, with a warning or a
 * note. Returns true when every body passed. */
bool ms_check_bodies(const ms_options *o, const ms_source *src, char **bodies, bool sizes_only,
                     ms_diags *diags);
/* body (one of those) with note added to its comment, before the schedule
 * (what is known of it only once it is built). Caller frees. */
char *ms_body_add_note(const char *body, const char *note);

/* What tuning one kernel found, for the closing table. */
struct ms_tune_report {
    bool searched, kept_original, from_db;
    double t_orig, spread, t_best; /* seconds per call at the tuning sizes */
    double ops;                    /* arithmetic per call (ms_func_ops), -1 unknown */
    int trials, sketches, rejected;
    int unverified; /* fast candidates that failed the check at other sizes */
    /* the shipped schedule timed at another size setting (the general path) */
    double t_orig_other, t_new_other;
    char other_sizes[256];
    int failed[MS_MEAS_COUNT];
    /* where the search's wall time went, and the check of its pick at
     * other sizes, in seconds */
    double phase_secs[MS_PHASE_COUNT], check_secs;
};

typedef enum {
    MS_TUNE_TRACE,    /* a measured schedule (searched, or from the database) */
    MS_TUNE_ORIGINAL, /* nothing beat the original: its body stays */
    MS_TUNE_DEFAULT,  /* nothing measured (--trials 0, no record): the default schedule */
    MS_TUNE_SEARCH,   /* a search has started (ms_tune_search, then ms_tune_end) */
} ms_tune_choice;

/* One kernel's search in progress. */
typedef struct ms_tune_job ms_tune_job;

/* The schedule of kernel k: the database's decision for its key (unless
 * decided with fewer than trials), else the default schedule for --trials
 * 0, else MS_TUNE_SEARCH with *job, whose candidates are appended to db
 * (which may be NULL) as they are measured. *out: the trace for
 * MS_TUNE_TRACE (caller frees). rep and diags must outlive the job. */
ms_tune_choice ms_tune_begin(const ms_options *o, const struct ms_target *t, const ms_arch *arch,
                             ms_db *db, const ms_source *src, const ms_kernel *k, const char *flags,
                             int trials, ms_trace **out, ms_tune_report *rep, ms_diags *diags,
                             ms_tune_job **job);
/* The cost model of this machine, compiler and flags, trained afresh on
 * the database's rows of every kernel measured (the latest 20000) and
 * saved beside the records, for the next search and for --predict. */
void ms_tune_learn(const ms_options *o, const struct ms_target *t, ms_db *db, ms_diags *diags);
/* The jobs' searches on one budget of trials (and seconds, 0: none), by
 * the task scheduler. */
void ms_tune_search(int n, ms_tune_job *const *jobs, int trials, double time_budget);
/* The decision a search ends with: the fastest candidate that beats the
 * original by more than its noise and passes the check at other sizes and
 * on unaligned arrays (MS_TUNE_TRACE, *out), else MS_TUNE_ORIGINAL
 * (MS_TUNE_DEFAULT if the original could not be timed); recorded in the
 * database. Frees the job. */
ms_tune_choice ms_tune_end(ms_tune_job *job, ms_trace **out);
struct ms_peak;
/* The machine's peak rates (runtime's ms_peak) for the closing table: the
 * database's, else measured when may_measure (and kept). False: unknown. */
bool ms_tune_peak(const struct ms_target *t, const ms_arch *arch, ms_db *db, bool may_measure,
                  struct ms_peak *out);

/* The database folder: --db, else MSCC_DB, else $XDG_CACHE_HOME/mscc, else
 * ~/.cache/mscc. Caller frees. */
char *ms_db_default_dir(const char *opt);
/* The key of kernel k on target t (caller frees with ms_tune_key_free). */
void ms_tune_key(const struct ms_target *t, const ms_arch *arch, const ms_kernel *k,
                 ms_db_key *key);
void ms_tune_key_free(ms_db_key *key);

/* `mscc db list [DIR]`; argv[1] is "db". Returns the exit status. */
int ms_db_list_main(int argc, char **argv);
/* `mscc db merge DIR... -o OUT`; argv[1] is "db". */
int ms_db_merge_main(int argc, char **argv);

int ms_write_atomic(const char *path, const char *data, size_t len, char *why, size_t n);
/* -MD (depfile.c): the depfile's text (target: input, its includes, the
 * extra files that are not NULL), and its path (mf, else the output with
 * its suffix replaced by .d). Caller frees. */
char *ms_depfile_text(const char *target, const char *input, const ms_source *src, int nextra,
                      const char *const *extra);
char *ms_depfile_path(const char *output, const char *mf);
/* The depfile of r's run for target, written atomically to path; false
 * (why) when it cannot be. */
bool ms_depfile_write(const ms_options *o, const mscc_result *r, const char *target,
                      const char *path, char *why, size_t n);
/* The saved cost model's path in db for target t (caller frees). */
char *ms_tune_model_path(const ms_db *db, const struct ms_target *t);
/* Diagnostics as gcc prints them (diagnostics.c): text with the source
 * line and a caret, or gcc's JSON; with werror, warnings as errors.
 * Frees them. */
void ms_print_diags(ms_diags *d, bool json, bool werror);
/* The same text, appended to out; d is kept. */
void ms_render_diags(const ms_diags *d, bool json, bool werror, ms_str *out);
/* Does d hold an error (with werror: or a warning)? */
bool ms_diags_have_errors(const ms_diags *d, bool werror);
bool ms_same_file(const char *a, const char *b);

#endif
