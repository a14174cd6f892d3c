/*
 * round_robin.c - the kernels of one file share its budget of trials: each
 * search measures a batch in turn, so that a budget cut short (a time
 * limit, a kill) leaves every kernel tuned a little rather than the first
 * tuned fully; a kernel whose best has stopped improving sits out while
 * another still improves, and comes back when none does.
 */
#define _POSIX_C_SOURCE 200809L
#include "schedule/schedule.h"

#include <stdlib.h>
#include <time.h>

/* Less than this relative gain is no improvement. */
#define MIN_IMPROVEMENT 0.01

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ms_search_round_robin(int n, ms_search *const *s, int trials, double time_budget)
{
    int *stall = ms_xcalloc((size_t)(n > 0 ? n : 1), sizeof *stall);
    double t0 = now();
    int used = 0;
    for (;;) {
        bool any_active = false, any_improving = false;
        for (int i = 0; i < n; i++)
            if (!ms_search_done(s[i])) {
                any_active = true;
                any_improving = any_improving || stall[i] < MS_SEARCH_STALL;
            }
        if (!any_active || used >= trials || (time_budget > 0 && now() - t0 > time_budget))
            break;
        for (int i = 0; i < n && used < trials; i++) {
            if (ms_search_done(s[i]) || (any_improving && stall[i] >= MS_SEARCH_STALL))
                continue;
            double before = ms_search_so_far(s[i])->best_time;
            used += ms_search_step(s[i], trials - used);
            double after = ms_search_so_far(s[i])->best_time;
            bool better = after > 0 && (before <= 0 || after < before * (1 - MIN_IMPROVEMENT));
            stall[i] = better ? 0 : stall[i] + 1;
        }
    }
    free(stall);
}
