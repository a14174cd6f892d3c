/*
 * driver.h - the mscc command: orchestration and output. The only layer that
 * talks to the user.
 */
#ifndef MS_DRIVER_H
#define MS_DRIVER_H

#include "driver/options.h"

#define MS_VERSION "0.1.0"

/* Runs mscc; returns the exit status (0 ok, 1 user error, 2 internal). */
int ms_driver_main(int argc, char **argv);

int ms_write_atomic(const char *path, const char *data, size_t len, char *why, size_t n);
bool ms_same_file(const char *a, const char *b);

#endif
