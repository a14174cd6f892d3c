/*
 * driver.h - the mscc command: orchestration and output. The only layer that
 * talks to the user.
 */
#ifndef MS_DRIVER_H
#define MS_DRIVER_H

#include "driver/options.h"
#include "frontend/frontend.h"
#include "schedule/schedule.h"

#define MS_VERSION "0.1.0"

/* Runs mscc; returns the exit status (0 ok, 1 user error, 2 internal). */
int ms_driver_main(int argc, char **argv);

/* Schedules kernel k (replaying given, or the default schedule) and emits
 * its new body; NULL with a warning in diags when the kernel stays
 * unchanged. *used receives the trace applied (caller frees). */
char *ms_tune_kernel(const ms_source *src, const ms_kernel *k, const ms_trace *given, bool verbose,
                     ms_trace **used, ms_diags *diags);

/* What tuning one kernel found, for the closing table. */
typedef struct ms_tune_report {
    bool searched, kept_original, from_db;
    double t_orig, spread, t_best; /* seconds per call at the tuning sizes */
    double ops;                    /* arithmetic per call (ms_func_ops), -1 unknown */
    int trials, sketches, rejected;
    int failed[MS_MEAS_COUNT];
} ms_tune_report;

struct ms_target;

typedef enum {
    MS_TUNE_TRACE,    /* a measured schedule (searched, or from the database) */
    MS_TUNE_ORIGINAL, /* nothing beat the original: its body stays */
    MS_TUNE_DEFAULT,  /* nothing measured (--trials 0, no record): the default schedule */
} ms_tune_choice;

/* The schedule of kernel k: the database's record for its key, else a
 * search with trials measurements whose candidates are appended to db
 * (which may be NULL). *out: the trace for MS_TUNE_TRACE (caller frees). */
ms_tune_choice ms_tune_choose(const ms_options *o, const struct ms_target *t, const ms_arch *arch,
                              ms_db *db, const ms_source *src, const ms_kernel *k,
                              const char *flags, int trials, ms_trace **out, ms_tune_report *rep,
                              ms_diags *diags);
/* The database folder: --db, else MSCC_DB, else $XDG_CACHE_HOME/mscc, else
 * ~/.cache/mscc. Caller frees. */
char *ms_db_default_dir(const char *opt);
/* The key of kernel k on target t (caller frees with ms_tune_key_free). */
void ms_tune_key(const struct ms_target *t, const ms_arch *arch, const ms_kernel *k,
                 ms_db_key *key);
void ms_tune_key_free(ms_db_key *key);

/* `mscc db list [DIR]`; argv[1] is "db". Returns the exit status. */
int ms_db_list_main(int argc, char **argv);

int ms_write_atomic(const char *path, const char *data, size_t len, char *why, size_t n);
bool ms_same_file(const char *a, const char *b);

#endif
