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
static bool mutate_tile_size(ms_trace *t, const ms_func *f, ms_rng *rng)
{
    (void)f;
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
static bool mutate_compute_location(ms_trace *t, const ms_func *f, ms_rng *rng)
{
    (void)f;
    int at = pick(t, MS_INST_SAMPLE_COMPUTE_LOCATION, rng);
    if (at < 0)
        return false;
    int64_t old = t->insts.data[at].decision[0], d = old;
    while (d == old)
        d = ms_rng_range(rng, -1, old + 3 > 8 ? old + 3 : 8);
    return ms_trace_set_decision(t, at, 1, &d);
}

/* The auto-unroll step: another of its candidates. */
static bool mutate_unroll(ms_trace *t, const ms_func *f, ms_rng *rng)
{
    (void)f;
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

/* The instruction that defines trace variable rv, -1 if none. */
static int def_of(const ms_trace *t, int rv)
{
    for (int i = 0; i < t->insts.len; i++)
        for (int o = 0; o < t->insts.data[i].nout; o++)
            if (t->insts.data[i].out[o] == rv)
                return i;
    return -1;
}

/* Uses of trace variable from, in instructions at or after first, now
 * name to. */
static void rename_uses(ms_trace *t, int first, int from, int to)
{
    for (int i = first; i < t->insts.len; i++)
        for (int k = 0; k < t->insts.data[i].nin; k++)
            if (t->insts.data[i].in[k].rv == from)
                t->insts.data[i].in[k].rv = to;
}

/* How a parallel loop was made: the fusion (at fuse, -1 for none) of the
 * first k loops of a nest (the outputs of get_loops instruction at gl). */
typedef struct par_site {
    int par, fuse, gl, k;
} par_site;

static bool parallel_site(const ms_trace *t, int par, par_site *site)
{
    int x = t->insts.data[par].in[0].rv, d = def_of(t, x);
    if (d < 0)
        return false;
    const ms_inst *di = &t->insts.data[d];
    if (di->kind == MS_INST_GET_LOOPS) {
        *site = (par_site){par, -1, d, 1};
        return di->out[0] == x && di->nout > 1;
    }
    if (di->kind != MS_INST_FUSE || di->nin < 2)
        return false;
    int gl = def_of(t, di->in[0].rv);
    if (gl < 0 || t->insts.data[gl].kind != MS_INST_GET_LOOPS)
        return false;
    for (int k = 0; k < di->nin; k++)
        if (k >= t->insts.data[gl].nout || di->in[k].rv != t->insts.data[gl].out[k])
            return false;
    *site = (par_site){par, d, gl, di->nin};
    return true;
}

/* t, edited to fuse one loop of a nest more or fewer, replayed so that
 * the nest's later get_loops agree; false if it does not replay. */
static bool realigned(ms_trace *t, const ms_func *f)
{
    ms_tracer *tr = ms_trace_replay_realigned(t, f);
    bool ok = tr->status == MS_OK;
    if (ok) { /* t takes the replayed trace's contents, the tracer the old */
        ms_trace old = *t;
        *t = *tr->t;
        *tr->t = old;
    }
    ms_tracer_free(tr);
    return ok;
}

/* The parallel loop's jobs: it fuses one loop of its nest more, or one
 * fewer (MetaSchedule's parallel mutator changes the job limit that sets
 * this depth). Replay refuses a loop that carries a dependence, a nest
 * that is not perfect, or a loop used on its own later. */
static bool mutate_parallel(ms_trace *t, const ms_func *fn, ms_rng *rng)
{
    MS_VEC(par_site) sites = {0};
    for (int i = 0; i < t->insts.len; i++) {
        par_site site;
        if (t->insts.data[i].kind == MS_INST_PARALLEL && parallel_site(t, i, &site))
            MS_VEC_PUSH(sites, site);
    }
    if (sites.len == 0) {
        free(sites.data);
        return false;
    }
    par_site s = sites.data[ms_rng_range(rng, 0, sites.len)];
    free(sites.data);
    const ms_inst *gl = &t->insts.data[s.gl];
    bool can_grow = s.k < gl->nout, grow = s.k == 1 || (can_grow && ms_rng_range(rng, 0, 2));
    if (grow && !can_grow)
        return false;
    if (grow && s.k == 1) { /* a fuse of the first two, just before the parallel */
        ms_inst f = {.kind = MS_INST_FUSE, .nin = 2, .nout = 1};
        f.in[0] = (ms_operand){gl->out[0], 0};
        f.in[1] = (ms_operand){gl->out[1], 0};
        f.out[0] = t->rv_kinds.len;
        MS_VEC_PUSH(t->rv_kinds, MS_RV_LOOP);
        rename_uses(t, s.par, gl->out[0], f.out[0]);
        MS_VEC_PUSH(t->insts, f);
        memmove(&t->insts.data[s.par + 1], &t->insts.data[s.par],
                sizeof(ms_inst) * (size_t)(t->insts.len - 1 - s.par));
        t->insts.data[s.par] = f;
    } else if (grow) {
        ms_inst *fu = &t->insts.data[s.fuse];
        fu->in[fu->nin++] = (ms_operand){gl->out[s.k], 0};
    } else if (s.k > 2) {
        t->insts.data[s.fuse].nin--;
    } else { /* two loops fused become the first alone */
        ms_inst *fu = &t->insts.data[s.fuse];
        rename_uses(t, s.fuse + 1, fu->out[0], fu->in[0].rv);
        memmove(fu, fu + 1, sizeof(ms_inst) * (size_t)(t->insts.len - 1 - s.fuse));
        t->insts.len--;
    }
    return realigned(t, fn);
}

typedef struct mutator {
    const char *name;
    double probability;
    bool (*apply)(ms_trace *t, const ms_func *f, ms_rng *rng);
} mutator;

/* MetaSchedule's CPU probabilities */
static const mutator mutators[] = {
    {"tile_size", 0.90, mutate_tile_size},
    {"compute_location", 0.05, mutate_compute_location},
    {"unroll", 0.03, mutate_unroll},
    {"parallel", 0.02, mutate_parallel},
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

ms_trace *ms_mutate_with(int which, const ms_trace *t, const ms_func *f, ms_rng *rng)
{
    ms_trace *c = ms_trace_clone(t);
    if (mutators[which].apply(c, f, rng))
        return c;
    ms_trace_free(c);
    return NULL;
}

ms_trace *ms_mutate(const ms_trace *t, const ms_func *f, ms_rng *rng, int *which)
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
        ms_trace *c = ms_mutate_with(m, t, f, rng);
        if (c) {
            if (which)
                *which = m;
            return c;
        }
    }
    return NULL;
}
