/*
 * random_schedule.h - what the differential fuzzers share (random
 * schedules on the test kernels, random schedules on random kernels): a
 * random schedule drawn from a seed, the emission of a scheduled kernel,
 * and the shrinking of a trace that gives a wrong answer.
 */
#ifndef MS_TESTS_SCHED_RANDOM_SCHEDULE_H
#define MS_TESTS_SCHED_RANDOM_SCHEDULE_H

#include "testutil.h"

/* steps random primitives with random operands and sampled decisions; a
 * refused step leaves the state as it was and is skipped. */
void rs_random_schedule(ms_tracer *tr, ms_rng *r, int steps);
/* The new body of k for a scheduled copy of it (caller frees). */
char *rs_emit(const ms_source *src, const ms_kernel *k, const ms_func *scheduled);
/* Does t, replayed on k, still give a wrong answer (built with flags,
 * checked at the check sizes and one drawn from seed)? */
bool rs_still_fails(const ms_source *src, const ms_kernel *k, const ms_trace *t, const char *flags,
                    uint64_t seed);
/* t with instructions dropped one at a time while the failure remains. */
ms_trace *rs_shrink(const ms_source *src, const ms_kernel *k, const ms_trace *t, const char *flags,
                    uint64_t seed);

/* The trace printed as text reads back to the same text. */
void rs_expect_text_round_trip(const ms_trace *t);

#endif
