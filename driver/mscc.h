/*
 * mscc.h - mscc as a library (libmscc): tune the marked kernels of a C file
 * and get the file back, as the `mscc` command does, without the command.
 * The command is the library's first user.
 *
 *     mscc_options o;
 *     mscc_options_init(&o);
 *     o.input = "kernels.c";
 *     o.trials = 64;
 *     mscc_result *r;
 *     if (mscc_tune(&o, &r) == MSCC_OK)
 *         mscc_emit(r, "kernels.tuned.c");
 *     fputs(mscc_result_diagnostics(r), stderr);
 *     mscc_result_free(r);
 *
 * Threads: calls on different results (and options) may run at the same
 * time in different threads; one result is not for two threads at once.
 * The library prints nothing and never exits the process; it runs the
 * compiler and the candidates as child processes, with the candidates'
 * OpenMP settings in their own environment, not in the caller's.
 */
#ifndef MSCC_H
#define MSCC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MSCC_VERSION_MAJOR 0
#define MSCC_VERSION_MINOR 1
#define MSCC_VERSION_PATCH 0
#define MSCC_VERSION "0.1.0"

typedef enum mscc_status {
    MSCC_OK = 0,
    MSCC_ERR_USAGE,    /* the options are wrong (the message says which) */
    MSCC_ERR_INPUT,    /* the file or the trace cannot be read, or does not parse */
    MSCC_ERR_REFUSED,  /* werror, and a kernel was left unchanged */
    MSCC_ERR_WRITE,    /* the output could not be written (it is left as it was) */
    MSCC_ERR_INTERNAL, /* a bug in mscc, or a crash inside libclang */
} mscc_status;

/* What to tune and how. mscc_options_init gives the command's defaults;
 * fields are only ever added at the end, and struct_size tells the library
 * which ones a caller knows (those it does not keep their defaults). */
typedef struct mscc_options {
    size_t struct_size;            /* sizeof(mscc_options), set by mscc_options_init */
    const char *input;             /* the C file */
    const char *const *clang_args; /* -I DIR, -DNAME=V, -std=c11 ... as separate words */
    int nclang_args;
    const char *sizes; /* "M=1024,N=1024" as --sizes, or NULL */
    int trials;        /* candidates measured; 0: none (the database, or the default schedule) */
    const char *db;    /* the tuning database's folder; NULL: $MSCC_DB, else the user's cache */
    const char *trace; /* a --trace document (path), or NULL */
    const char *cc, *cflags; /* the compiler that builds candidates; NULL: the command's defaults */
    int threads;             /* threads tuned for; 0: OMP_NUM_THREADS, else every core */
    int jobs;                /* parallel compiles; 0: 2, as the command */
    unsigned long long seed; /* the search's seed */
    double time_budget;      /* seconds for the search; 0: no limit */
    int fp_strict;           /* every float result rounded as the original rounds it */
    int werror;              /* a kernel left unchanged fails the call (MSCC_ERR_REFUSED) */
    int predict;             /* no record: the cost model's pick, nothing measured */
    int replay;              /* the replay search instead of the evolutionary one */
    /* the machine the output is for, as --target names it: NULL (native),
     * an ISA level (x86-64-v3), a triple (aarch64-linux-gnu) or a board
     * (cortex-m7). A target this machine cannot run measures nothing: its
     * trials, left at mscc_options_init's default, become 0 (other counts
     * are an error) unless a runner runs its programs */
    const char *target;
    const char *runner;      /* --runner: 'CMD {exe} {args}', or NULL */
    int runner_untimed;      /* --runner-timing=none: an emulator, checked but never timed */
    int no_heap;             /* --no-heap: no schedule copies an array to the heap */
    long long max_stack;     /* --max-stack: bytes of local arrays at most; 0: no budget */
    long long max_code_size; /* --max-code-size: bytes of code and constants; 0: no budget */
    /* added after the first release (a caller built before a field passes a
     * smaller struct_size and gets its default): --workspace, "heap", "static" or "caller"; NULL:
     * the target's default (heap; static on a board without an OS) */
    const char *workspace;
    /* --multiversion: variants for AVX-512, AVX2 and any x86-64, one chosen
     * at the first call (a caller built before it gets 0: one variant) */
    int multiversion;
} mscc_options;

typedef struct mscc_result mscc_result;

void mscc_options_init(mscc_options *o);

/* Tunes o->input. *out always receives a result (free it with
 * mscc_result_free), holding the diagnostics and, on MSCC_OK, the tuned
 * file; nothing is written. */
mscc_status mscc_tune(const mscc_options *o, mscc_result **out);

/* Writes the tuned file to path atomically (a reader never sees half of
 * it; on failure path is left as it was). Never the input. */
mscc_status mscc_emit(mscc_result *r, const char *path);

mscc_status mscc_result_status(const mscc_result *r);
/* The tuned file's text and length; NULL unless the status is MSCC_OK. */
const char *mscc_result_text(const mscc_result *r, size_t *len);
/* Why the last call on r failed, in one line; "" after a success. */
const char *mscc_result_message(const mscc_result *r);
/* Every warning and error, as gcc prints them (FILE:LINE:COL: warning: ...). */
const char *mscc_result_diagnostics(const mscc_result *r);
/* The kernels of the file, in order, and whether each was rewritten. */
int mscc_result_kernels(const mscc_result *r);
const char *mscc_result_kernel_name(const mscc_result *r, int i);
int mscc_result_kernel_tuned(const mscc_result *r, int i);
void mscc_result_free(mscc_result *r);

const char *mscc_status_string(mscc_status s);
/* The library's version, which may differ from the header's MSCC_VERSION. */
const char *mscc_version(void);

#ifdef __cplusplus
}
#endif

#endif
