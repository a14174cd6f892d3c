/*
 * sample.c - the random decisions of a schedule, all drawn from one seeded
 * generator so that the same seed gives the same choices on every machine:
 * perfect tiles (factorizations of a loop's extent at the tuning sizes) and
 * categorical choices.
 */
#include "schedule/prim/prim.h"

ms_status ms_sched_sample_perfect_tile(ms_sched *s, ms_rng *rng, int loop, int n, int max_innermost,
                                       int64_t *factors)
{
    ms_stmt *L = prim_get(s, loop, MS_RV_LOOP);
    if (!L)
        return prim_fail(s, MS_ERR_INPUT, "sample_perfect_tile: not a loop");
    if (n < 1 || n > MS_INST_MAX_OUT || max_innermost < 1)
        return prim_fail(s, MS_ERR_INPUT, "sample_perfect_tile: %d factors, innermost <= %d", n,
                         max_innermost);
    int64_t ext;
    if (!ms_expr_eval_hints(s->f, L->loop.extent, &ext) || ext < 1)
        return prim_fail(s, MS_ERR_UNSUPPORTED,
                         "sample_perfect_tile: the extent of '%s' has no value at the tuning sizes",
                         L->loop.var->name);
    /* the innermost factor: a divisor of the extent within the bound */
    int64_t divisors[4096];
    int nd = 0;
    for (int64_t d = 1; d <= ext && d <= max_innermost && nd < 4096; d++)
        if (ext % d == 0)
            divisors[nd++] = d;
    for (int i = 0; i < n; i++)
        factors[i] = 1;
    factors[n - 1] = n == 1 ? ext : divisors[ms_rng_range(rng, 0, nd)];
    /* the rest: each prime factor of what is left goes to a random position */
    int64_t rest = ext / factors[n - 1];
    for (int64_t p = 2; n > 1 && rest > 1; p++) {
        if (p * p > rest)
            p = rest;
        while (rest % p == 0) {
            factors[ms_rng_range(rng, 0, n - 1)] *= p;
            rest /= p;
        }
    }
    return MS_OK;
}

ms_status ms_sched_sample_categorical(ms_sched *s, ms_rng *rng, int n, const int64_t *candidates,
                                      const double *weights, int64_t *choice)
{
    double total = 0;
    for (int i = 0; i < n; i++)
        total += weights[i] > 0 ? weights[i] : 0;
    if (n < 1 || total <= 0)
        return prim_fail(s, MS_ERR_INPUT, "sample_categorical: no candidate with weight");
    double x = ms_rng_unit(rng) * total;
    for (int i = 0; i < n; i++) {
        double w = weights[i] > 0 ? weights[i] : 0;
        if (x < w) {
            *choice = candidates[i];
            return MS_OK;
        }
        x -= w;
    }
    *choice = candidates[n - 1];
    return MS_OK;
}

typedef struct readers {
    const ms_buffer *t;
    const ms_stmt *producer;
    ms_stmt *common[64]; /* loops around every reader, outermost first */
    int ncommon;         /* -1 before the first reader */
} readers;

static void on_read(void *ctx, const ms_access_site *a)
{
    readers *r = ctx;
    if (a->write || a->buf != r->t || a->block == r->producer)
        return;
    if (r->ncommon < 0) {
        r->ncommon = a->depth < 64 ? a->depth : 64;
        for (int i = 0; i < r->ncommon; i++)
            r->common[i] = a->loops[i];
        return;
    }
    int k = 0;
    while (k < r->ncommon && k < a->depth && r->common[k] == a->loops[k])
        k++;
    r->ncommon = k;
}

int ms_sched_compute_locations(ms_sched *s, int block, ms_stmt **out, int cap)
{
    ms_stmt *P = prim_get(s, block, MS_RV_BLOCK);
    if (!P)
        return -1;
    readers r = {P->block.body->store.buf, P, {0}, -1};
    static const ms_walk_fns fns = {on_read, NULL, NULL};
    ms_walk(s->f->body, &fns, &r);
    ms_stmt *around[64];
    int pn = prim_enclosing_loops(s, P, around, 64), n = 0;
    for (int i = 0; i < r.ncommon && n < cap; i++) {
        bool holds_producer = false;
        for (int k = 0; k < pn; k++)
            holds_producer = holds_producer || around[k] == r.common[i];
        if (!holds_producer)
            out[n++] = r.common[i];
    }
    return n;
}

ms_status ms_sched_sample_compute_location(ms_sched *s, ms_rng *rng, int block, int64_t *decision,
                                           int *out)
{
    ms_stmt *cands[64];
    int n = ms_sched_compute_locations(s, block, cands, 64);
    if (n < 0)
        return prim_fail(s, MS_ERR_INPUT, "sample_compute_location: not a block");
    if (rng)
        *decision = ms_rng_range(rng, -1, n);
    if (*decision < -1 || *decision >= n)
        return prim_fail(s, MS_ERR_INPUT, "sample_compute_location: decision %lld of %d loops",
                         (long long)*decision, n);
    /* -1: where it is (a loop handle that compute_at takes as "stay") */
    *out = *decision < 0 ? ms_sched_new_rv(s, MS_RV_LOOP, NULL, MS_ROOT_LOCATION)
                         : ms_sched_new_rv(s, MS_RV_LOOP, cands[*decision], 0);
    return MS_OK;
}
