/*
 * replay.c - the replay search: candidates drawn from the design space
 * with fresh decisions, duplicates dropped by the structural hash of the
 * scheduled IR, measured in batches through the measurer, the fastest
 * few kept.
 * Everything random comes from one generator seeded by the caller, so
 * the same seed draws the same candidates.
 */
#define _POSIX_C_SOURCE 200809L
#include "schedule/search/search.h"

#include <stdlib.h>
#include <string.h>

const char *const ms_meas_status_names[MS_MEAS_COUNT] = {
    "ok", "emit", "build", "crash", "timeout", "memory", "wrong", "slow", "size",
};

const char *const ms_search_phase_names[MS_PHASE_COUNT] = {
    "original", "propose", "train", "build", "run", "record", "retime",
};

static bool contains(const hashes *h, uint64_t x)
{
    for (int i = 0; i < h->len; i++)
        if (h->data[i] == x)
            return true;
    return false;
}

/* Was x seen before? It is, from now on. */
static bool seen(hashes *h, uint64_t x)
{
    if (contains(h, x))
        return true;
    MS_VEC_PUSH(*h, x);
    return false;
}

bool search_seen(ms_search *s, const ms_func *f)
{
    return contains(&s->seen, ms_func_hash(f));
}

/* Adds a candidate unless it failed or is a duplicate. */
static void offer(ms_tracer *tr, hashes *h, batch *b, ms_search_result *r)
{
    if (tr->status != MS_OK) {
        r->rejected++;
        ms_tracer_free(tr);
        return;
    }
    if (seen(h, ms_func_hash(tr->s->f))) {
        r->duplicates++;
        ms_tracer_free(tr);
        return;
    }
    b->tr[b->n++] = tr;
}

/* The default schedules (the target's, tensorized where a micro-kernel
 * fits, and the portable one) and the seeds, as they replay on f. */
static void first_candidates(const ms_func *f, const ms_search_opts *o, hashes *h, batch *b,
                             ms_search_result *r)
{
    offer(ms_tracer_postproc(ms_sched_default_trace_for(f, o->arch)), h, b, r);
    offer(ms_tracer_postproc(ms_sched_default_trace(f)), h, b, r);
    for (int i = 0; i < o->nseeds && b->n < o->batch; i++) {
        ms_tracer *tr = ms_tracer_postproc(ms_trace_replay(o->seeds[i], f, /*resample=*/false, 0));
        r->stale_seeds += tr->status != MS_OK;
        offer(tr, h, b, r);
    }
}

/* Keeps *t among the fastest (taking it) if it is fast enough. */
static void keep(ms_search_result *r, ms_trace **t, double seconds)
{
    int at = r->nkept;
    while (at > 0 && seconds < r->kept_time[at - 1])
        at--;
    if (at == MS_SEARCH_KEEP)
        return;
    if (r->nkept == MS_SEARCH_KEEP)
        ms_trace_free(r->kept[--r->nkept]);
    memmove(&r->kept[at + 1], &r->kept[at], sizeof r->kept[0] * (size_t)(r->nkept - at));
    memmove(&r->kept_time[at + 1], &r->kept_time[at],
            sizeof r->kept_time[0] * (size_t)(r->nkept - at));
    r->kept[at] = *t;
    r->kept_time[at] = seconds;
    r->nkept++;
    *t = NULL;
    r->best = r->kept[0];
    r->best_time = r->kept_time[0];
}

void ms_search_result_free(ms_search_result *r)
{
    ms_cost_model_free(r->model);
    r->model = NULL;
    for (int i = 0; i < r->nkept; i++)
        ms_trace_free(r->kept[i]);
    r->nkept = 0;
    r->best = NULL;
}

void search_offer(ms_search *s, ms_tracer *tr)
{
    offer(tr, &s->seen, s->b, &s->r);
}

ms_tracer *search_realize(ms_search *s, const ms_trace *t)
{
    ms_tracer *tr = ms_tracer_postproc(ms_trace_replay(t, s->f, /*resample=*/false, 0));
    if (tr->status == MS_OK)
        return tr;
    ms_tracer_free(tr);
    return NULL;
}

ms_tracer *search_draw(ms_search *s)
{
    int k = (int)ms_rng_range(&s->rng, 0, s->nsketches);
    return ms_space_sample(s->f, s->sketches[k], ms_rng_next(&s->rng));
}

/* What the cost model learns from: the features (feat) and time of a
 * candidate that ran correctly, and its trace (a parent for the
 * evolution). */
static void remember(ms_search *s, ms_tracer *tr, const float *feat, double seconds)
{
    int nf = ms_feature_count();
    if (s->nrows == s->caprows) {
        s->caprows = s->caprows ? 2 * s->caprows : 64;
        s->rows = ms_xrealloc(s->rows, sizeof(float) * (size_t)s->caprows * (size_t)nf);
        s->row_secs = ms_xrealloc(s->row_secs, sizeof(double) * (size_t)s->caprows);
        s->row_traces = ms_xrealloc(s->row_traces, sizeof(ms_trace *) * (size_t)s->caprows);
    }
    memcpy(s->rows + (size_t)s->nrows * (size_t)nf, feat, sizeof(float) * (size_t)nf);
    s->row_secs[s->nrows] = seconds;
    s->row_traces[s->nrows++] = ms_trace_clone(tr->t);
}

static void measure(ms_search *s, ms_measurer *m, const ms_search_opts *o, batch *b,
                    ms_search_result *r)
{
    ms_func *fs[256];
    ms_meas_result res[256];
    for (int i = 0; i < b->n; i++) {
        fs[i] = b->tr[i]->s->f;
        res[i] = (ms_meas_result){MS_MEAS_OK, 0, ""};
    }
    double *secs = r->phase_secs, t0 = ms_now();
    m->build(m->ctx, b->n, fs, res);
    double t1 = ms_now();
    m->run(m->ctx, b->n, res);
    double t2 = ms_now();
    secs[MS_PHASE_BUILD] += t1 - t0;
    secs[MS_PHASE_RUN] += t2 - t1;
    /* the features of what ran correctly, for the model here and the
     * database's training rows */
    int nf = ms_feature_count();
    float *feat = ms_xcalloc((size_t)b->n * (size_t)nf, sizeof(float));
    for (int i = 0; i < b->n; i++)
        if (ms_meas_timed(res[i].status))
            ms_features_of(b->tr[i]->s->f, o->arch, feat + (size_t)i * (size_t)nf);
    if (o->on_batch) {
        ms_trace *ts[256];
        for (int i = 0; i < b->n; i++)
            ts[i] = b->tr[i]->t;
        o->on_batch(o->batch_ctx, b->n, ts, res, feat);
    }
    for (int i = 0; i < b->n; i++) {
        r->measured++;
        /* a slow one teaches the model by its lower bound, and cannot win */
        if (o->strategy == MS_SEARCH_EVOLUTIONARY && ms_meas_timed(res[i].status))
            remember(s, b->tr[i], feat + (size_t)i * (size_t)nf, res[i].seconds);
        if (res[i].status != MS_MEAS_OK)
            r->failed[res[i].status]++;
        else
            keep(r, &b->tr[i]->t, res[i].seconds);
        ms_tracer_free(b->tr[i]);
    }
    free(feat);
    b->n = 0;
    secs[MS_PHASE_RECORD] += ms_now() - t2;
}

static void report(ms_search *s)
{
    if (s->o.progress)
        s->o.progress(s->o.progress_ctx,
                      &(ms_search_progress){s->r.measured, s->o.trials, s->r.best_time,
                                            s->r.original_time, s->r.original_spread,
                                            ms_now() - s->t0});
}

ms_search *ms_search_start(const ms_func *f, const ms_search_opts *o, ms_measurer *m)
{
    ms_search *s = ms_xcalloc(1, sizeof *s);
    s->f = f;
    s->o = *o;
    s->o.batch = o->batch < 1 ? 16 : o->batch > 256 ? 256 : o->batch;
    s->m = m;
    s->t0 = ms_now();
    s->b = ms_xcalloc(1, sizeof *s->b);
    s->model = o->model;
    s->o.model = NULL;
    ms_search_result *r = &s->r;
    bool ran = m->original(m->ctx, &r->original_time, &r->original_spread, r->original_why,
                           sizeof r->original_why);
    r->phase_secs[MS_PHASE_ORIGINAL] = ms_now() - s->t0;
    if (!ran) {
        r->original_time = 0;
        s->done = true;
        return s;
    }
    /* the original's time, before any candidate is recorded */
    report(s);
    double t1 = ms_now();
    s->nsketches = ms_space_sketches(f, o->arch, o->seed, &s->sketches);
    r->sketches = s->nsketches;
    r->phase_secs[MS_PHASE_PROPOSE] += ms_now() - t1;
    ms_rng_seed(&s->rng, o->seed);
    return s;
}

int ms_search_step(ms_search *s, int max)
{
    ms_search_result *r = &s->r;
    int want = s->o.trials - r->measured;
    want = want < s->o.batch ? want : s->o.batch;
    want = want < max ? want : max;
    if (s->done || want <= 0) {
        s->done = s->done || r->measured >= s->o.trials;
        return 0;
    }
    batch *b = s->b;
    /* proposing: all that comes before measuring, less the model's training */
    double t0 = ms_now(), trained = r->phase_secs[MS_PHASE_TRAIN];
    if (!s->began) {
        s->began = true;
        ms_search_opts first = s->o;
        first.batch = want;
        first_candidates(s->f, &first, &s->seen, b, r);
    }
    /* the model-guided candidates, once there is a model to guide them */
    if (s->o.strategy == MS_SEARCH_EVOLUTIONARY && b->n < want)
        search_evolve(s, want);
    /* a small space runs dry: stop after many draws that bring nothing new */
    while (b->n < want && s->idle < 64 * s->o.batch &&
           !(s->o.time_budget > 0 && ms_now() - s->t0 > s->o.time_budget)) {
        int before = b->n;
        offer(search_draw(s), &s->seen, b, r);
        s->idle = b->n > before ? 0 : s->idle + 1;
    }
    int n = b->n;
    if (n < want) /* dry, or out of time */
        s->done = true;
    r->phase_secs[MS_PHASE_PROPOSE] += ms_now() - t0 - (r->phase_secs[MS_PHASE_TRAIN] - trained);
    if (n > 0) {
        measure(s, s->m, &s->o, b, r);
        report(s);
    }
    s->done = s->done || r->measured >= s->o.trials;
    return n;
}

bool ms_search_done(const ms_search *s)
{
    return s->done;
}

const ms_search_result *ms_search_so_far(const ms_search *s)
{
    return &s->r;
}

/* The kept candidates timed again in turns, and ordered by those times:
 * the fastest of hundreds of noisy timings is the luckiest as often as the
 * best (gemm 1024, seed 2: kept at 6.46 ms, 7.3 to 8.1 ms timed alone).
 * Each keeps the time the search measured: the original was timed then,
 * and a slow spell of the machine during these rounds (here up to 1.4x)
 * would make a kernel seem not to beat it. One that fails a round is
 * dropped: it passed once by chance. */
static void retime_kept(ms_search *s)
{
    ms_search_result *r = &s->r;
    if (!s->m || !s->m->retime || r->nkept < 2)
        return;
    double t0 = ms_now();
    ms_tracer *tr[MS_SEARCH_KEEP];
    ms_func *fs[MS_SEARCH_KEEP];
    ms_meas_result res[MS_SEARCH_KEEP];
    int n = r->nkept;
    for (int i = 0; i < n; i++) {
        tr[i] = search_realize(s, r->kept[i]);
        fs[i] = tr[i] ? tr[i]->s->f : NULL;
        res[i] = (ms_meas_result){tr[i] ? MS_MEAS_OK : MS_MEAS_EMIT, 0, ""};
    }
    s->m->retime(s->m->ctx, n, fs, res);
    ms_trace *kept[MS_SEARCH_KEEP];
    double secs[MS_SEARCH_KEEP], again[MS_SEARCH_KEEP];
    int nk = 0;
    for (int i = 0; i < n; i++) {
        ms_tracer_free(tr[i]);
        bool flaky = res[i].status == MS_MEAS_WRONG || res[i].status == MS_MEAS_CRASH;
        if (flaky) {
            r->failed[res[i].status]++;
            ms_trace_free(r->kept[i]);
            continue;
        }
        /* not built or not run this time: the search's order stands */
        double t = res[i].status == MS_MEAS_OK ? res[i].seconds : r->kept_time[i];
        int at = nk++;
        for (; at > 0 && t < again[at - 1]; at--) {
            kept[at] = kept[at - 1];
            secs[at] = secs[at - 1];
            again[at] = again[at - 1];
        }
        kept[at] = r->kept[i];
        secs[at] = r->kept_time[i];
        again[at] = t;
    }
    memcpy(r->kept, kept, sizeof kept[0] * (size_t)nk);
    memcpy(r->kept_time, secs, sizeof secs[0] * (size_t)nk);
    r->nkept = nk;
    r->best = nk ? r->kept[0] : NULL;
    r->best_time = nk ? r->kept_time[0] : 0;
    r->phase_secs[MS_PHASE_RETIME] += ms_now() - t0;
}

void ms_search_end(ms_search *s, ms_search_result *r)
{
    retime_kept(s);
    *r = s->r;
    /* a model trained here goes to the caller (to be saved); a borrowed
     * one that was never retrained holds nothing new */
    if (s->model && ms_cost_model_samples(s->model) > 0) {
        r->model = s->model;
        s->model = NULL;
    }
    for (int i = 0; i < s->b->n; i++)
        ms_tracer_free(s->b->tr[i]);
    for (int i = 0; i < s->nsketches; i++)
        ms_trace_free(s->sketches[i]);
    free(s->sketches);
    free(s->seen.data);
    free(s->b);
    for (int i = 0; i < s->nrows; i++)
        ms_trace_free(s->row_traces[i]);
    free(s->rows);
    free(s->row_secs);
    free(s->row_traces);
    ms_cost_model_free(s->model);
    for (int i = 0; i < s->npool; i++)
        ms_trace_free(s->pool[i]);
    free(s->pool);
    free(s);
}

void ms_search_replay(const ms_func *f, const ms_search_opts *o, ms_measurer *m,
                      ms_search_result *r)
{
    ms_search *s = ms_search_start(f, o, m);
    while (ms_search_step(s, o->trials) > 0)
        ;
    ms_search_end(s, r);
}
