/*
 * evolutionary.c - the evolutionary strategy (MetaSchedule's
 * EvolutionarySearch): a population of POPULATION traces, a fifth of them
 * the best measured so far and the rest drawn from the design space, bred
 * for GENERATIONS generations (parents drawn in proportion to the cost
 * model's score, a child mutated with probability MUTATION). The
 * candidates the model ranks best among every generation, and not offered
 * before, fill the batches but for a share EPSILON, which the caller draws
 * at random so that the model keeps meeting what it does not expect. Every
 * BREED_EVERY measurements (MetaSchedule's batch of 64) the model is
 * trained afresh on every correct measurement and a new pool is bred; the
 * search's own batches (16) are served from the pool in between.
 * All randomness comes from the search's generator: the same seed and the
 * same measurements breed the same candidates.
 */
#include "schedule/search/search.h"

#include <stdlib.h>
#include <string.h>

enum { POPULATION = 512, GENERATIONS = 4, BREED_EVERY = 64 };
#define FROM_MEASURED 0.2
#define MUTATION 0.85
#define EPSILON 0.05

typedef struct member {
    ms_trace *t; /* owned */
    uint64_t hash;
    float score;
} member;

typedef MS_VEC(member) members;

/* The model, trained on every correct measurement; false until enough. */
static bool train(ms_search *s)
{
    if (s->nrows < MS_COST_MIN_SAMPLES) /* a model of earlier runs, if any */
        return s->model && ms_cost_model_trained(s->model);
    if (!s->model)
        s->model = ms_cost_model_new(s->o.seed);
    if (ms_cost_model_samples(s->model) == s->nrows)
        return true;
    double best = s->row_secs[0];
    for (int i = 1; i < s->nrows; i++)
        best = s->row_secs[i] < best ? s->row_secs[i] : best;
    float *scores = ms_xcalloc((size_t)s->nrows, sizeof(float));
    for (int i = 0; i < s->nrows; i++)
        scores[i] = (float)(best / s->row_secs[i]);
    char why[256];
    double t0 = ms_now();
    ms_cost_model_train(s->model, s->nrows, s->rows, scores, why, sizeof why);
    s->r.phase_secs[MS_PHASE_TRAIN] += ms_now() - t0;
    free(scores);
    return ms_cost_model_trained(s->model);
}

/* Adds a finished candidate (tr, taken) to the generation: its trace, its
 * structure's hash and its features (row gen->len of feat). */
static void admit(ms_search *s, members *gen, ms_tracer *tr, float *feat)
{
    ms_features_of(tr->s->f, s->o.arch, feat + (size_t)gen->len * (size_t)ms_feature_count());
    member m = {tr->t, ms_func_hash(tr->s->f), 0};
    MS_VEC_PUSH(*gen, m);
    tr->t = NULL;
    ms_tracer_free(tr);
}

/* The same for a trace, replayed first; nothing if it does not replay. */
static void admit_trace(ms_search *s, members *gen, const ms_trace *t, float *feat)
{
    ms_tracer *tr = search_realize(s, t);
    if (tr)
        admit(s, gen, tr, feat);
}

static void score(ms_search *s, members *gen, const float *feat)
{
    float *out = ms_xcalloc((size_t)(gen->len ? gen->len : 1), sizeof(float));
    ms_cost_model_predict(s->model, gen->len, feat, out);
    for (int i = 0; i < gen->len; i++)
        gen->data[i].score = out[i];
    free(out);
}

typedef struct timed_row {
    double secs;
    int row;
} timed_row;

static int by_seconds(const void *a, const void *b)
{
    double x = ((const timed_row *)a)->secs, y = ((const timed_row *)b)->secs;
    return (x > y) - (x < y);
}

static int by_score(const void *a, const void *b)
{
    float x = ((const member *)a)->score, y = ((const member *)b)->score;
    return (x < y) - (x > y);
}

/* The first generation: the best measured (or the default schedules),
 * then fresh draws. */
static void first_generation(ms_search *s, members *gen, float *feat)
{
    timed_row *order = ms_xcalloc((size_t)s->nrows, sizeof *order);
    for (int i = 0; i < s->nrows; i++)
        order[i] = (timed_row){s->row_secs[i], i};
    qsort(order, (size_t)s->nrows, sizeof *order, by_seconds);
    int from_best = (int)(POPULATION * FROM_MEASURED);
    for (int i = 0; i < s->nrows && gen->len < from_best; i++)
        admit_trace(s, gen, s->row_traces[order[i].row], feat);
    free(order);
    /* nothing measured (--predict): the default schedules join the first
     * generation, the target's first, for the model to rank and breed
     * from like any other (a tensorized one is a sketch's decisions) */
    for (int portable = 0; s->nrows == 0 && portable < 2; portable++) {
        ms_tracer *d = ms_tracer_postproc(portable ? ms_sched_default_trace(s->f)
                                                   : ms_sched_default_trace_for(s->f, s->o.arch));
        if (d->status == MS_OK)
            admit(s, gen, d, feat);
        else
            ms_tracer_free(d);
    }
    for (int tries = 0; gen->len < POPULATION && tries < 2 * POPULATION; tries++) {
        ms_tracer *tr = search_draw(s); /* finished: no second replay */
        if (tr->status == MS_OK)
            admit(s, gen, tr, feat);
        else
            ms_tracer_free(tr);
    }
}

/* The next generation: parents by score, children mutated. */
static void breed(ms_search *s, const members *gen, members *next, float *feat)
{
    double *cum = ms_xcalloc((size_t)gen->len, sizeof(double)), total = 0;
    float lo = gen->data[0].score;
    for (int i = 1; i < gen->len; i++)
        lo = gen->data[i].score < lo ? gen->data[i].score : lo;
    for (int i = 0; i < gen->len; i++)
        cum[i] = total += (double)(gen->data[i].score - lo) + 1e-6; /* scores may be < 0 */
    for (int tries = 0; next->len < POPULATION && tries < 2 * POPULATION; tries++) {
        double x = ms_rng_unit(&s->rng) * total;
        int p = 0;
        while (p < gen->len - 1 && cum[p] <= x)
            p++;
        bool mutate = ms_rng_unit(&s->rng) < MUTATION;
        ms_trace *child = mutate ? ms_mutate(gen->data[p].t, s->f, &s->rng, NULL) : NULL;
        admit_trace(s, next, child ? child : gen->data[p].t, feat);
        ms_trace_free(child);
    }
    free(cum);
}

static int pool_index(const members *pool, uint64_t hash)
{
    for (int i = 0; i < pool->len; i++)
        if (pool->data[i].hash == hash)
            return i;
    return -1;
}

void search_breed_pool(ms_search *s)
{
    for (int i = 0; i < s->npool; i++)
        ms_trace_free(s->pool[i]);
    s->npool = s->pool_next = 0;
    s->pool_rows = s->nrows;
    int nf = ms_feature_count();
    float *feat = ms_xcalloc((size_t)POPULATION * (size_t)nf, sizeof(float));
    members gen = {0}, pool = {0};
    first_generation(s, &gen, feat);
    for (int g = 0; gen.len > 0; g++) {
        score(s, &gen, feat);
        /* every member the model has seen is a candidate: the pool owns
         * one trace of each structure, which the generation borrows */
        for (int i = 0; i < gen.len; i++) {
            int at = pool_index(&pool, gen.data[i].hash);
            if (at < 0) {
                MS_VEC_PUSH(pool, gen.data[i]);
                continue;
            }
            ms_trace_free(gen.data[i].t);
            gen.data[i].t = pool.data[at].t;
        }
        if (g == GENERATIONS)
            break;
        members next = {0};
        breed(s, &gen, &next, feat);
        free(gen.data);
        gen = next;
    }
    free(gen.data);
    free(feat);
    qsort(pool.data, (size_t)pool.len, sizeof(member), by_score);
    s->pool = ms_xrealloc(s->pool, sizeof(ms_trace *) * (size_t)(pool.len ? pool.len : 1));
    for (int i = 0; i < pool.len; i++)
        s->pool[s->npool++] = pool.data[i].t;
    free(pool.data);
}

void search_evolve(ms_search *s, int want)
{
    bool stale =
        s->npool == 0 || s->pool_next == s->npool || s->nrows >= s->pool_rows + BREED_EVERY;
    if (stale && !train(s))
        return;
    if (stale)
        search_breed_pool(s);
    /* the best the model expects, not offered before, for all but a share */
    int take = want - (int)(EPSILON * want + 0.5);
    while (s->pool_next < s->npool && s->b->n < take) {
        ms_tracer *tr = search_realize(s, s->pool[s->pool_next++]);
        if (tr && !search_seen(s, tr->s->f))
            search_offer(s, tr);
        else
            ms_tracer_free(tr);
    }
}
