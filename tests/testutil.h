/*
 * testutil.h - helpers shared by the test suites: where the sources and the
 * mscc binary are, writing a C snippet to a file and parsing it, running
 * the pipeline the driver runs, and golden-file comparison with an update
 * mode (MSCC_UPDATE_GOLDEN=1 rewrites the expected files).
 */
#ifndef MS_TESTUTIL_H
#define MS_TESTUTIL_H

#include "emit/emit.h"
#include "frontend/frontend.h"
#include "runtime/runtime.h"
#include "schedule/schedule.h"

/* Built with AddressSanitizer (gcc's macro, clang's feature)? There, the
 * bulk random-schedule tests emit without compiling what the plain build
 * compiles and runs, and the tests marked TU_PLAIN_BUILD_ONLY (end-to-end
 * tunings whose time is the compiler's, and whose code paths other tests
 * take under ASan too) run in the plain build only: CI runs both builds in
 * one 20-minute budget. */
#if defined(__SANITIZE_ADDRESS__)
#define TU_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TU_SANITIZED 1
#endif
#endif
#ifndef TU_SANITIZED
#define TU_SANITIZED 0
#endif
#define TU_PLAIN_BUILD_ONLY .disabled = TU_SANITIZED

/* Writes text to path; asserts that it could. */
void tu_write_file(const char *path, const char *text);
/* A temporary file holding text; returns its path (malloc'd). */
char *tu_write_temp(const char *name, const char *text);
/* The integer in environment variable name, or dflt when unset or empty. */
int tu_env_int(const char *name, int dflt);
/* Parses a file; asserts that it is valid C. */
void tu_parse_file(const char *path, ms_source *src, ms_diags *diags);
/* The same, with the kernels under --fp-model=strict when fp_strict. */
void tu_parse_file_fp(const char *path, bool fp_strict, ms_source *src, ms_diags *diags);
/* Parses a C snippet written to a temporary file. */
void tu_parse_text(const char *text, ms_source *src, ms_diags *diags);
/* The default pipeline on every kernel: schedule, emit; bodies[i] NULL when
 * rejected. Returns the output file text. */
char *tu_tune(ms_source *src, char ***bodies, ms_diags *diags);
/* Files of a folder with the given suffix, sorted (NULL-terminated list). */
char **tu_list(const char *dir, const char *suffix);
void tu_free_list(char **list);
/* Compares text with the golden file (or rewrites it in update mode). */
void tu_golden(const char *path, const char *text);
/* The project's source folder and the built mscc. */
const char *tu_src_dir(void);
const char *tu_mscc(void);
/* Loop info of the loop over variable name (first match). */
const ms_loop_info *tu_loop(const ms_loop_info *infos, int n, const char *var);
/* The rendered diagnostics with folders stripped from file names. */
char *tu_render(const ms_diags *d);

/* Builds (with cc and flags) and runs the harness of each body against the
 * original kernel k at the check sizes plus nrandom random ones; ok[i] and
 * report[i] (malloc'd, "" when fine) per body. Builds run two at a time.
 * Where clang is installed, each harness must also pass clang with the same
 * flags (warnings as errors when flags say so). */
void tu_check_bodies(const ms_source *src, const ms_kernel *k, char *const *bodies, int n,
                     const char *flags, int nrandom, uint64_t seed, bool *ok, char **report);
/* When set, the checks also run every size parameter at 0. */
extern bool tu_zero_sizes;
/* The compiler of the check harnesses (NULL: cc); a harness clang builds
 * needs no second look from clang. */
extern const char *tu_cc;
/* Is clang there to check the emitted C with (scripts/setup.sh installs it)? */
bool tu_have_clang(void);
/* The same for the bulk random-schedule tests; under ASan it only marks
 * every body fine (report NULL): what is new there is the scheduling and
 * emission before it, and the plain build compiles and runs these bodies. */
void tu_check_bulk(const ms_source *src, const ms_kernel *k, char *const *bodies, int n,
                   const char *flags, uint64_t seed, bool *ok, char **report);

#endif
