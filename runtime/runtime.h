/*
 * runtime.h - measuring on this machine: the target (compiler, flags, cores,
 * caches, CPU features), processes run in their own group with a timeout,
 * the compiler driven in a private folder, and the check harness that runs
 * an original kernel and its tuned form side by side.
 */
#ifndef MS_RUNTIME_H
#define MS_RUNTIME_H

#include "frontend/frontend.h"
#include "schedule/schedule.h"

/* ---- target ---- */

/* A name of the --target vocabulary (targets.c): its default compiler and
 * flags, the -march it implies (NULL: none in particular; "": none at
 * all), the ISA of its micro-kernels (NULL: portable C only) and vector
 * width (0: this machine's), whether it is another machine, the feature
 * this CPU needs to run it, and the qemu-user emulator of a cross target. */
typedef struct ms_target_kind {
    const char *name, *cc, *cflags, *march, *isa;
    int vector_bytes;
    bool cross;
    const char *needs, *emulator;
    bool bare; /* no operating system: no heap (--no-heap), no threads */
} ms_target_kind;

/* NULL when name is not a target ("native" when name is NULL). */
const ms_target_kind *ms_target_kind_named(const char *name);
/* The names, comma-separated, for a usage message. */
void ms_target_kind_list(ms_str *out);
/* False (why) when a -march in cflags contradicts the target. */
bool ms_target_kind_check_flags(const ms_target_kind *k, const char *cflags, char *why, size_t n);
/* The flags candidates build with: the target's (cflags NULL), or the
 * user's with the level's -march when they name none (malloc'd). */
char *ms_target_kind_cflags(const ms_target_kind *k, const char *cflags);
/* The runner template of the target's emulator (malloc'd), NULL if none. */
char *ms_target_kind_emulator(const ms_target_kind *k);

typedef struct ms_target {
    char *cc;          /* compiler command */
    char *cflags;      /* flags for tuned code and harnesses */
    char *compiler_id; /* first line of "cc --version" */
    char *cpu;         /* the CPU's model name */
    int ncores, npus;
    long l1d, l2, l3; /* bytes; 0 = unknown */
    bool avx2, avx512f, fma;
    char *rules;                /* the design-space rules (ms_arch.rules) */
    int omp_threads;            /* the threads candidates run with (0: as the environment says) */
    const ms_target_kind *kind; /* what --target named */
    /* --runner: how a program runs on the target, "CMD {exe} {args}"
     * (NULL: here, directly); untimed (--runner-timing=none): an emulator,
     * whose times mean nothing */
    char *runner;
    bool untimed;
    /* --ldflags: what links a program of the target (a board's startup
     * code, link map, semihosting library), added to the harnesses'
     * links alone; NULL: nothing */
    char *ldflags;
} ms_target;

#define MS_DEFAULT_CFLAGS "-O3 -march=native -fopenmp"

/* MetaSchedule's CPU rules: every CPU target so far. MSCC_RULES replaces
 * the list (an ablation: which rule buys what). */
#define MS_CPU_RULES                                                                               \
    "auto_inline,add_rfactor,multi_level_tiling,random_compute_location,"                          \
    "parallel_vectorize_unroll"

/* kind NULL: native; cc/cflags may be NULL for the kind's defaults. */
ms_target *ms_target_new(const ms_target_kind *kind, const char *cc, const char *cflags);
/* Can programs built for kind run on this machine (here: native)? */
bool ms_target_kind_runs_here(const ms_target_kind *k, const ms_target *here);
void ms_target_free(ms_target *t);
/* What the schedule sees of it, for threads threads (0: OMP_NUM_THREADS,
 * else every processing unit). */
ms_arch ms_target_arch(const ms_target *t, int threads);
void ms_target_describe(const ms_target *t, ms_str *out);

/* The peak arithmetic rate of this machine in GFLOP/s (GOP/s for int32):
 * vector multiply-adds on every thread, two operations per lane; 0:
 * unknown. */
typedef struct ms_peak {
    double f32, f64, i32;
} ms_peak;

/* Measures it with threads threads (a generated microbenchmark, built with
 * t's compiler and flags; about a second). False (why) if it cannot. */
bool ms_measure_peak(const ms_target *t, int threads, ms_peak *out, char *why, size_t n);

/* ---- processes ---- */

typedef struct ms_proc_result {
    bool timed_out;
    int exit_code; /* valid when !timed_out && signal == 0 */
    int signal;
    double seconds;
} ms_proc_result;

/* Runs argv in its own process group, stdout/stderr to files (NULL:
 * /dev/null), killing the group after timeout_s. Returns 0, or -1 if it
 * could not start. */
int ms_proc_run(char *const *argv, const char *out_path, const char *err_path, double timeout_s,
                ms_proc_result *res);

/* The same with the address space limited to mem_bytes (0: no limit) and
 * OMP_NUM_THREADS set to omp_threads in the child's environment (0: as
 * inherited). */
int ms_proc_run_limited(char *const *argv, const char *out_path, const char *err_path,
                        double timeout_s, long long mem_bytes, int omp_threads,
                        ms_proc_result *res);

/* ms_proc_run_limited on the target: argv[0] a program built for it, run
 * through t->runner when there is one (by /bin/sh, {exe} and {args}
 * replaced by argv[0] and the rest, quoted); no memory limit there, which
 * would bound the emulator or the remote shell rather than the program. */
int ms_target_run(const ms_target *t, char *const *argv, const char *out_path, const char *err_path,
                  double timeout_s, long long mem_bytes, ms_proc_result *res);

/* The first non-empty line of a file (a compiler's or a harness's
 * message), "" if none. */
void ms_first_line(const char *path, char *buf, size_t n);

/* A private temporary folder and its removal. */
char *ms_tempdir_new(void);
void ms_tempdir_remove(const char *dir);

/* ---- builder ---- */

typedef struct ms_build_job {
    const char *src, *exe, *log; /* paths */
    const char *extra_flags;     /* may be NULL */
    bool ok;
    bool object; /* compiled (-c) into an object at exe, not linked */
} ms_build_job;

/* Compiles each job (cc cflags extra -o exe src -lm), up to jobs at once. */
void ms_build_all(const ms_target *t, ms_build_job *jobs, int n, int parallel);

/* ---- the output's text ---- */

/* What replaces kernel k's body in an output, given its tuned body: that
 * body, or under --workspace=caller ";", NAME_ws_size, NAME_ws over body
 * and the kernel again, calling NAME_ws (emit/body.c). NULL with *why
 * where that cannot be done. Caller frees. */
char *ms_output_body(const ms_source *src, const ms_kernel *k, const char *body, const char **why);

/* ---- code size (--max-code-size) ---- */

/* What each of n bodies of kernel k adds to a program's read-only image
 * (machine code and constants: the allocated sections that are not
 * written), as t's compiler builds the output's translation unit for it
 * with flags (jobs at once): bytes[i], or -1 when it did not compile. */
void ms_code_sizes(const ms_target *t, const ms_source *src, const ms_kernel *k, int n,
                   const char *const *bodies, const char *flags, int jobs, int64_t *bytes);

/* ---- check harness ---- */

/* The C text of a program that runs kernel k of src in its original form and
 * with tuned_body, on identical random inputs at the sizes given as
 * NAME=VALUE arguments (default: the tuning sizes), compares the outputs,
 * and with --time prints the median times. NULL with *why on failure. */
char *ms_harness_source(const ms_source *src, const ms_kernel *k, const char *tuned_body,
                        const char **why);
/* The same with n tuned bodies, of which --cand=I (default 0) runs one:
 * one build checks many schedules. */
char *ms_harness_source_n(const ms_source *src, const ms_kernel *k, int n,
                          const char *const *tuned_bodies, const char **why);

/* The C text of a program that times n candidate bodies of kernel k of src
 * (NAME__c0 ...) at the tuning sizes on the same random inputs:
 * `--cand=-1 --ref=F` runs the original, writes its outputs to F and
 * prints "time SECONDS SPREAD"; `--cand=I --ref=F` runs candidate I,
 * compares its outputs with F ("check ok|FAIL ERR"; exit 1 when wrong)
 * and prints its time. NULL with *why on failure. */
char *ms_tune_harness_source(const ms_source *src, const ms_kernel *k, int n,
                             const char *const *bodies, const char **why);

/* ---- the measurer of a kernel's candidates (measure.c) ---- */

typedef struct ms_kernel_measurer ms_kernel_measurer;

/* flags: extra compiler flags for every unit (may be NULL); jobs: builds
 * at once (0: every processing unit). MSCC_MEM_LIMIT_MB bounds each run's
 * address space (default 8192). */
ms_kernel_measurer *ms_kernel_measurer_new(const ms_target *t, const ms_source *src,
                                           const ms_kernel *k, const char *flags, int jobs);
void ms_kernel_measurer_free(ms_kernel_measurer *m);
ms_measurer ms_kernel_measurer_iface(ms_kernel_measurer *m);
/* For tests of the search's decisions (runtime/fake_measure.c): when
 * MSCC_FAKE_MEASURER=1, a measurer that compiles and times nothing, each
 * candidate's time a fixed function of its program. */
bool ms_fake_measurer_wanted(void);
ms_measurer ms_fake_measurer(void);

/* Size settings to check: the tuning sizes, three others (odd, small,
 * uneven), then nrandom random odd ones drawn from seed. Returns the count;
 * each entry is "N=V,N=V" (malloc'd), as the harness reads them. */
int ms_check_sizes(const ms_func *f, int nrandom, uint64_t seed, char ***out);

typedef struct ms_check_result {
    bool ran;     /* harness built and ran at every size */
    bool correct; /* outputs agreed at every size */
    char reason[512];
    int nsizes;
    double max_err;
    /* sizes where the tuned result missed the tolerance only at elements
     * that the original itself moves beyond it when built with -ffast-math
     * (which reassociates as the tuned code may): ill-conditioned ones,
     * which rounding decides */
    int nfastmath;
    double t_orig, t_new; /* seconds per call at the tuning sizes */
    /* MS_CHECK_TIME_OTHER: the same at the second size setting */
    double t_orig_other, t_new_other;
    char other_sizes[256];
} ms_check_result;

/* What ms_check_kernels does beside checking at every size setting. */
enum {
    MS_CHECK_TIME = 1,        /* time both versions at the tuning sizes */
    MS_CHECK_MISALIGNED = 2,  /* check again with arrays 8 bytes past alignment */
    MS_CHECK_TIME_OTHER = 4,  /* time both at the second size setting too (the general path) */
    MS_CHECK_TUNING_ONLY = 8, /* the tuning sizes alone (a library's variant for them) */
};

/* The default fp-model's oracle for ill-conditioned kernels, at one size:
 * the outputs of harness exe (built from src), judged by the same harness
 * built with -ffast-math (flags plus that), where an element of the tuned
 * result beyond the tolerance passes only if the original moves beyond it
 * too. opts: up to two more options for both runs ("--misalign=8"), NULL
 * where none. 1: held, 0: refused (the offending element in why), -1:
 * could not be run. */
int ms_fastmath_oracle(const ms_target *t, const char *flags, const char *src, const char *exe,
                       char *size, char *const opts[2], char *why, size_t why_size);

/* Checks (and times) each kernel whose bodies[i] is not NULL. flags: added
 * to every harness build (the source's folder for its includes, the
 * user's -I/-D), may be NULL; what: MS_CHECK_* bits. */
void ms_check_kernels(const ms_target *t, const ms_source *src, char *const *bodies,
                      const char *flags, int jobs, unsigned what, ms_check_result *results);

#endif
