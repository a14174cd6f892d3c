/*
 * clock.c - the one wall clock: timeouts, the search's phases and its
 * time budget all read it.
 */
#define _POSIX_C_SOURCE 200809L
#include "base.h"

#include <time.h>

double ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
