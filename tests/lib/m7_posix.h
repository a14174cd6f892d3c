/* m7_posix.h - for the conformance drivers on a bare-metal Cortex-M7
 * (-include this): what newlib leaves out there (clock_gettime,
 * posix_memalign), and fprintf's "%zu", which Debian's newlib prints as
 * "zu" (built without C99 formats): m7_fprintf prints it as "%u". */
#include <stddef.h>
#include <time.h>
#ifndef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 1
#endif
int clock_gettime(clockid_t id, struct timespec *ts);
int posix_memalign(void **p, size_t align, size_t size);
#define fprintf m7_fprintf
#include <stdio.h>
