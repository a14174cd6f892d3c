/*
 * task_scheduler.c - the kernels of one file share its budget of trials,
 * by MetaSchedule's gradient rule. First a batch each, in turn, so that a
 * budget cut short leaves every kernel tuned a little; then each batch goes
 * to the kernel whose part of the program's time (its weight times its
 * best time, the original's until a candidate beats it) should fall most
 * for it: a mix of how fast that part fell over its last batches and an
 * optimistic guess that it keeps falling as 1/batches. Of two kernels at
 * the same time, the one still improving gets the batch; a kernel the
 * program spends little time in gets little of the budget.
 */
#define _POSIX_C_SOURCE 200809L
#include "schedule/schedule.h"

#include <stdlib.h>

/* MetaSchedule's constants: the weight of the recent slope, and the number
 * of batches it is taken over. */
#define ALPHA 0.2
#define WINDOW 3

/* The kernel's time per call as it would ship now: its best candidate, or
 * the original while none beats it (0 if neither ran). */
static double shipped_time(const ms_search *s)
{
    const ms_search_result *r = ms_search_so_far(s);
    double t = r->original_time;
    if (r->best_time > 0 && (t <= 0 || r->best_time < t))
        t = r->best_time;
    return t;
}

/* Each kernel's history: its shipped time before its first batch and
 * after each of its batches. */
typedef struct task {
    MS_VEC(double) hist;
    double weight;
} task;

double ms_task_gradient(const double *hist, int nbatches, double weight)
{
    if (nbatches < 1)
        return 0;
    double best = hist[nbatches];
    double slope = nbatches >= WINDOW ? (hist[nbatches - WINDOW] - best) / WINDOW : 0;
    return weight * (ALPHA * slope + (1 - ALPHA) * best / nbatches);
}

/* The next kernel to measure a batch: the first round in turn, then the
 * largest gradient (ties to the one with fewer batches, then the first);
 * -1 when every search is done. */
static int next_task(int n, ms_search *const *s, const task *tk)
{
    int pick = -1;
    double best_g = 0;
    for (int i = 0; i < n; i++) {
        if (ms_search_done(s[i]))
            continue;
        int nb = tk[i].hist.len - 1;
        if (nb == 0)
            return i;
        double g = ms_task_gradient(tk[i].hist.data, nb, tk[i].weight);
        if (pick < 0 || g > best_g || (g == best_g && nb < tk[pick].hist.len - 1)) {
            pick = i;
            best_g = g;
        }
    }
    return pick;
}

void ms_search_share(int n, ms_search *const *s, const double *weight, int trials,
                     double time_budget)
{
    task *tk = ms_xcalloc((size_t)(n > 0 ? n : 1), sizeof *tk);
    for (int i = 0; i < n; i++) {
        tk[i].weight = weight && weight[i] > 0 ? weight[i] : 1;
        MS_VEC_PUSH(tk[i].hist, shipped_time(s[i]));
    }
    double t0 = ms_now();
    for (int used = 0; used < trials && !(time_budget > 0 && ms_now() - t0 > time_budget);) {
        int i = next_task(n, s, tk);
        if (i < 0)
            break;
        used += ms_search_step(s[i], trials - used);
        MS_VEC_PUSH(tk[i].hist, shipped_time(s[i]));
    }
    for (int i = 0; i < n; i++)
        free(tk[i].hist.data);
    free(tk);
}
