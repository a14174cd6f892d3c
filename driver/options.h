/*
 * options.h - the mscc command line.
 */
#ifndef MS_DRIVER_OPTIONS_H
#define MS_DRIVER_OPTIONS_H

#include "ir/ir.h"

/* Candidates measured per file when neither --trials nor MSCC_TRIALS says. */
#define MS_DEFAULT_TRIALS 512

typedef struct ms_options {
    const char *input, *output;      /* output "-": standard output */
    MS_VEC(const char *) clang_args; /* -I, -D, -U, -std= */
    ms_size_hint *sizes;
    int nsizes;
    const char *cc, *cflags;
    const char *trace_file;  /* --trace */
    const char *print_trace; /* --print-trace: "text" or "json" */
    int trials, jobs;
    int threads;    /* --threads: the thread count tuned for; 0: OMP_NUM_THREADS or every core */
    uint64_t seed;  /* --seed */
    const char *db; /* --db: the tuning database's folder */
    double time_budget; /* --time-budget, seconds; 0: none */
    bool replay;        /* --search replay (the default: evolutionary) */
    bool predict;       /* --predict: the cost model's pick, nothing measured */
    bool fp_strict;     /* --fp-model=strict: every float result as the original rounds it */
    bool check, quiet, verbose, help, version;
    bool werror;           /* -Werror: mscc's warnings are errors (no output, exit 1) */
    bool diag_json;        /* -fdiagnostics-format=json: gcc's JSON on stderr */
    bool depfile;          /* -MD: a make depfile beside the output (or at -MF) */
    const char *mf;        /* -MF FILE: where the depfile goes */
    int shard, nshards;    /* --shard I/N: search kernels I, I+N, ... only (nshards 0: all) */
    const char *target;    /* --target: a name of runtime/targets.c; NULL: native */
    const char *runner;    /* --runner 'CMD {exe} {args}': how programs run on the target */
    bool untimed;          /* --runner-timing=none: an emulator, checked but never timed */
    const char *ldflags;   /* --ldflags: links mscc's programs for the target (a board's) */
    const char *lib;       /* --lib NAME: a kernel library in the folder -o names */
    bool no_heap;          /* --no-heap: no schedule copies an array to the heap */
    int64_t max_stack;     /* --max-stack BYTES: local arrays within; 0: none */
    int64_t max_code_size; /* --max-code-size BYTES: compiled kernel within; 0: none */
    /* --workspace=heap|static|caller (a bare target's default: static);
     * workspace_given: said on the command line */
    ms_workspace workspace;
    bool workspace_given;
    const char *sizes_file; /* --sizes-file: size sets per kernel, for --lib */
    /* --multiversion: variants for AVX-512, AVX2 and any x86-64, one
     * chosen at run time */
    bool multiversion;
    /* set by --lib for each of its passes: the kernels' sizes of that pass,
     * and whether their bodies serve those sizes only (the library's
     * dispatch calls them there alone) */
    int nkernel_sizes;
    const struct ms_kernel_sizes *kernel_sizes;
    bool sizes_only;
    const char *const *search_only; /* with sizes_only: the kernels this pass searches */
    int nsearch_only;
} ms_options;

/* Returns 0, or 1 with a one-line reason in why (static storage or malloc'd
 * into why_buf). */
int ms_options_parse(int argc, char **argv, ms_options *o, char *why, size_t why_size);
/* --workspace=NAME ("heap", "static", "caller") into o; false with why. */
bool ms_options_set_workspace(ms_options *o, const char *name, char *why, size_t n);

/* o's target, runner and budgets together, as ms_options_parse checks
 * them (the library API sets them without a command line): a cross
 * target that cannot be timed gets 0 trials unless trials_given. */
bool ms_options_check_target(ms_options *o, bool trials_given, char *why, size_t why_size);
/* --multiversion: x86-64's variants, for a target and with options that
 * take them; false with why. */
bool ms_options_check_multiversion(const ms_options *o, char *why, size_t why_size);
void ms_options_free(ms_options *o);
extern const char ms_usage[];

#endif
