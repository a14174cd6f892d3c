/*
 * fake_measure.c - a measurer for tests of what the search decides
 * (MSCC_FAKE_MEASURER=1 in the environment): nothing is compiled or timed;
 * the original takes 1 ms a call and every candidate a time that is a
 * fixed function of its program (its canonical hash), so a search's
 * decisions depend on its seed and budget alone, in any process. The
 * shard-and-merge test compares runs with it.
 */
#include "runtime/runtime.h"

#include <stdlib.h>
#include <string.h>

bool ms_fake_measurer_wanted(void)
{
    const char *v = getenv("MSCC_FAKE_MEASURER");
    return v && !strcmp(v, "1");
}

static bool fake_original(void *ctx, double *seconds, double *spread, char *why, size_t n)
{
    (void)ctx, (void)why, (void)n;
    *seconds = 1e-3;
    *spread = 0;
    return true;
}

/* 0.1 to 1.1 ms: most candidates beat the original, by a margin its
 * (zero) noise accepts */
static void fake_build(void *ctx, int n, ms_func *const *cands, ms_meas_result *res)
{
    (void)ctx;
    for (int i = 0; i < n; i++) {
        if (res[i].status != MS_MEAS_OK)
            continue;
        res[i].seconds = 1e-4 * (1.0 + (double)(ms_func_hash(cands[i]) % 1000) / 100.0);
    }
}

static void fake_run(void *ctx, int n, ms_meas_result *res)
{
    (void)ctx, (void)n, (void)res; /* the times are the build's */
}

ms_measurer ms_fake_measurer(void)
{
    return (ms_measurer){NULL, fake_original, fake_build, fake_run, NULL};
}
