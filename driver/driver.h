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

int ms_write_atomic(const char *path, const char *data, size_t len, char *why, size_t n);
bool ms_same_file(const char *a, const char *b);

#endif
