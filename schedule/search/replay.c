/*
 * replay.c - the replay search: candidates drawn from the design space
 * with fresh decisions, duplicates dropped by the structural hash of the
 * scheduled IR, measured in batches through the measurer, the best kept.
 * Everything random comes from one generator seeded by the caller, so
 * the same seed draws the same candidates.
 */
#define _POSIX_C_SOURCE 200809L
#include "schedule/schedule.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const ms_meas_status_names[MS_MEAS_COUNT] = {
    "ok", "emit", "build", "crash", "timeout", "memory", "wrong",
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef MS_VEC(uint64_t) hashes;

static bool seen(hashes *h, uint64_t x)
{
    for (int i = 0; i < h->len; i++)
        if (h->data[i] == x)
            return true;
    MS_VEC_PUSH(*h, x);
    return false;
}

/* One batch under construction: candidates with their traces. */
typedef struct batch {
    ms_tracer *tr[256];
    int n;
} batch;

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

/* The default schedule and the seeds, as they replay on f. */
static void first_candidates(const ms_func *f, const ms_search_opts *o, hashes *h, batch *b,
                             ms_search_result *r)
{
    offer(ms_tracer_postproc(ms_sched_default_trace(f)), h, b, r);
    for (int i = 0; i < o->nseeds && b->n < o->batch; i++)
        offer(ms_tracer_postproc(ms_trace_replay(o->seeds[i], f, /*resample=*/false, 0)), h, b, r);
}

static void measure(ms_measurer *m, const ms_search_opts *o, batch *b, ms_search_result *r)
{
    ms_func *fs[256];
    ms_meas_result res[256];
    for (int i = 0; i < b->n; i++) {
        fs[i] = b->tr[i]->s->f;
        res[i] = (ms_meas_result){MS_MEAS_OK, 0, ""};
    }
    m->build(m->ctx, b->n, fs, res);
    m->run(m->ctx, b->n, res);
    if (o->on_batch) {
        ms_trace *ts[256];
        for (int i = 0; i < b->n; i++)
            ts[i] = b->tr[i]->t;
        o->on_batch(o->batch_ctx, b->n, ts, res);
    }
    for (int i = 0; i < b->n; i++) {
        r->measured++;
        if (res[i].status != MS_MEAS_OK) {
            r->failed[res[i].status]++;
        } else if (!r->best || res[i].seconds < r->best_time) {
            ms_trace_free(r->best);
            r->best = b->tr[i]->t;
            b->tr[i]->t = NULL;
            r->best_time = res[i].seconds;
        }
        ms_tracer_free(b->tr[i]);
    }
    b->n = 0;
}

void ms_search_replay(const ms_func *f, const ms_search_opts *o, ms_measurer *m,
                      ms_search_result *r)
{
    memset(r, 0, sizeof *r);
    double t0 = now();
    if (!m->original(m->ctx, &r->original_time, &r->original_spread, r->original_why,
                     sizeof r->original_why))
        return;
    /* the original's time, before any candidate is recorded */
    if (o->progress)
        o->progress(o->progress_ctx, &(ms_search_progress){0, o->trials, 0, r->original_time,
                                                           r->original_spread, now() - t0});
    ms_trace **sketches;
    int ns = ms_space_sketches(f, o->arch, o->seed, &sketches);
    r->sketches = ns;
    ms_rng rng;
    ms_rng_seed(&rng, o->seed);
    hashes h = {0};
    batch *b = ms_xcalloc(1, sizeof *b);
    int bsize = o->batch < 1 ? 16 : o->batch > 256 ? 256 : o->batch;
    ms_search_opts local = *o;
    local.batch = bsize;
    first_candidates(f, &local, &h, b, r);
    /* a small space runs dry: stop after many draws that bring nothing new */
    int idle = 0;
    while (r->measured + b->n < o->trials && idle < 64 * bsize) {
        if (o->time_budget > 0 && now() - t0 > o->time_budget)
            break;
        int before = b->n;
        int k = (int)ms_rng_range(&rng, 0, ns);
        offer(ms_space_sample(f, sketches[k], ms_rng_next(&rng)), &h, b, r);
        idle = b->n > before ? 0 : idle + 1;
        if (b->n == bsize || r->measured + b->n >= o->trials) {
            measure(m, o, b, r);
            if (o->progress)
                o->progress(o->progress_ctx, &(ms_search_progress){r->measured, o->trials,
                                                                   r->best_time, r->original_time,
                                                                   r->original_spread, now() - t0});
        }
    }
    if (b->n > 0) {
        measure(m, o, b, r);
        if (o->progress)
            o->progress(o->progress_ctx,
                        &(ms_search_progress){r->measured, o->trials, r->best_time,
                                              r->original_time, r->original_spread, now() - t0});
    }
    for (int i = 0; i < ns; i++)
        ms_trace_free(sketches[i]);
    free(sketches);
    free(h.data);
    free(b);
}
