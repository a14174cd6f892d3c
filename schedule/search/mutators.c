/*
 * mutators.c - small changes to a trace's decisions, from which the
 * evolutionary search breeds candidates near good ones (MetaSchedule's
 * mutators). Each is described once in the registry with its probability;
 * a mutator that finds nothing to change in a trace is skipped and another
 * drawn. The result is a new trace; replaying it checks it (a tile that no
 * longer divides, a compute location out of range: refused there).
 */
#include "schedule/schedule.h"

#include <stdlib.h>
#include <string.h>

/* The sampling instructions of kind k in t: how many, and one at random. */
static int pick(const ms_trace *t, ms_inst_kind k, ms_rng *rng)
{
    int n = 0;
    for (int i = 0; i < t->insts.len; i++)
        n += t->insts.data[i].kind == k && t->insts.data[i].ndecision > 0;
    if (n == 0)
        return -1;
    int which = (int)ms_rng_range(rng, 0, n);
    for (int i = 0; i < t->insts.len; i++)
        if (t->insts.data[i].kind == k && t->insts.data[i].ndecision > 0 && which-- == 0)
            return i;
    return -1;
}

/* Tile sizes: a prime factor of one tile moves to another, the product
 * (the loop's trip count) unchanged and the innermost tile within its
 * bound. */
static bool mutate_tile_size(ms_trace *t, ms_rng *rng)
{
    int at = pick(t, MS_INST_SAMPLE_PERFECT_TILE, rng);
    if (at < 0)
        return false;
    const ms_inst *in = &t->insts.data[at];
    int n = in->ndecision;
    int64_t d[MS_INST_MAX_OUT], max_inner = in->nattr > 1 ? in->attr[1] : 64;
    for (int tries = 0; tries < 16 && n > 1; tries++) {
        memcpy(d, in->decision, sizeof(int64_t) * (size_t)n);
        int from = (int)ms_rng_range(rng, 0, n), to = (int)ms_rng_range(rng, 0, n - 1);
        to += to >= from;
        if (d[from] < 2)
            continue;
        int64_t p = 2;
        while (d[from] % p)
            p++;
        /* a random prime factor of d[from], not always its smallest */
        for (int64_t q = p + 1; q <= d[from]; q++)
            if (d[from] % q == 0 && ms_rng_range(rng, 0, 2)) {
                bool prime = true;
                for (int64_t r = 2; r * r <= q && prime; r++)
                    prime = q % r != 0;
                p = prime ? q : p;
            }
        d[from] /= p;
        d[to] *= p;
        if (d[n - 1] > max_inner)
            continue;
        return ms_trace_set_decision(t, at, n, d);
    }
    return false;
}

/* A producer's compute location: another loop of its readers, or where
 * it was (-1); replay refuses a location past the last. */
static bool mutate_compute_location(ms_trace *t, ms_rng *rng)
{
    int at = pick(t, MS_INST_SAMPLE_COMPUTE_LOCATION, rng);
    if (at < 0)
        return false;
    int64_t old = t->insts.data[at].decision[0], d = old;
    while (d == old)
        d = ms_rng_range(rng, -1, old + 3 > 8 ? old + 3 : 8);
    return ms_trace_set_decision(t, at, 1, &d);
}

/* The auto-unroll step: another of its candidates. */
static bool mutate_unroll(ms_trace *t, ms_rng *rng)
{
    int at = pick(t, MS_INST_SAMPLE_CATEGORICAL, rng);
    if (at < 0)
        return false;
    const ms_inst *in = &t->insts.data[at];
    if (in->nattr < 2)
        return false;
    int64_t d = in->decision[0];
    while (d == in->decision[0])
        d = in->attr[ms_rng_range(rng, 0, in->nattr)];
    return ms_trace_set_decision(t, at, 1, &d);
}

typedef struct mutator {
    const char *name;
    double probability;
    bool (*apply)(ms_trace *t, ms_rng *rng);
} mutator;

/* MetaSchedule's CPU probabilities (its parallel mutator, 0.02, changes a
 * sampled job count that mscc's parallel rule does not sample: whether a
 * nest runs in parallel is a choice between sketches here) */
static const mutator mutators[] = {
    {"tile_size", 0.90, mutate_tile_size},
    {"compute_location", 0.05, mutate_compute_location},
    {"unroll", 0.03, mutate_unroll},
};
enum { NMUT = sizeof mutators / sizeof mutators[0] };

int ms_mutator_count(void)
{
    return NMUT;
}

const char *ms_mutator_name(int i)
{
    return mutators[i].name;
}

ms_trace *ms_mutate_with(int which, const ms_trace *t, ms_rng *rng)
{
    ms_trace *c = ms_trace_clone(t);
    if (mutators[which].apply(c, rng))
        return c;
    ms_trace_free(c);
    return NULL;
}

ms_trace *ms_mutate(const ms_trace *t, ms_rng *rng, int *which)
{
    bool tried[NMUT] = {false};
    for (int left = NMUT; left > 0; left--) {
        double total = 0;
        for (int i = 0; i < NMUT; i++)
            total += tried[i] ? 0 : mutators[i].probability;
        double x = ms_rng_unit(rng) * total;
        int m = 0;
        while (m < NMUT - 1 && (tried[m] || x >= mutators[m].probability)) {
            x -= tried[m] ? 0 : mutators[m].probability;
            m++;
        }
        while (tried[m])
            m = (m + 1) % NMUT;
        tried[m] = true;
        ms_trace *c = ms_mutate_with(m, t, rng);
        if (c) {
            if (which)
                *which = m;
            return c;
        }
    }
    return NULL;
}
