/*
 * fuzz.h - what the libFuzzer targets (tests/fuzz/) share: the entry
 * point each defines, a private scratch folder for the files the readers
 * under test want on disk, and the one pipeline they all end in, the
 * `--trials 0` path of the driver (frontend, schedule, emitter) without
 * compiling anything.
 */
#ifndef MS_FUZZ_H
#define MS_FUZZ_H
#include "driver/driver.h"
#include "emit/emit.h"

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point; standalone.c calls it on files in builds
 * without libFuzzer. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A folder of this process's own, made on first use and removed at exit. */
const char *fz_dir(void);
/* Writes size bytes to fz_dir()/name; returns the path (static buffer). */
const char *fz_write(const char *name, const void *data, size_t size);
/* The bytes as a NUL-terminated string (caller frees). */
char *fz_string(const uint8_t *data, size_t size);
/* Parses the C file at path and gives each kernel its schedule (given[i]
 * when the trace document names it, else the default one), emits the
 * spliced file and checks that every kernel is either rewritten or left
 * with a warning. Aborts on a broken promise: that is what the fuzzer
 * reports. */
void fz_pipeline(const char *path, bool fp_strict, int ngiven, char **names, ms_trace **traces);
/* The same for a parsed file. */
void fz_schedule(const ms_source *src, int ngiven, char **names, ms_trace **traces);
/* A few kernels parsed once per process (with the fp model given), for
 * the targets whose input is not C: traces, databases. */
const ms_source *fz_fixture(bool fp_strict);

#endif
