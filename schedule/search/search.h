/*
 * search.h - the search's state, shared by its strategies inside
 * schedule/search/: replay.c (the batches, measurement, random draws) and
 * evolutionary.c (candidates bred under the cost model).
 */
#ifndef MS_SCHEDULE_SEARCH_H
#define MS_SCHEDULE_SEARCH_H

#include "schedule/schedule.h"

typedef MS_VEC(uint64_t) hashes;

/* One batch under construction: candidates with their traces. */
typedef struct batch {
    ms_tracer *tr[256];
    int n;
} batch;

struct ms_search {
    const ms_func *f;
    ms_search_opts o;
    ms_measurer *m;
    ms_search_result r;
    ms_trace **sketches;
    int nsketches;
    ms_rng rng;
    hashes seen; /* structural hashes of every candidate offered */
    batch *b;
    bool began, done;
    int idle; /* draws in a row that brought nothing new */
    double t0;
    /* the evolutionary strategy: what was measured correct (features
     * row-major, seconds, traces), and the model trained on it */
    float *rows;
    double *row_secs;
    ms_trace **row_traces;
    int nrows, caprows;
    ms_cost_model *model;
    /* the last generations' candidates, best predicted first, served in
     * batches until BREED_EVERY more measurements call for a new model */
    ms_trace **pool;
    int npool, pool_next, pool_rows;
};

/* Adds a finished candidate (postprocessed) to the batch, unless it
 * failed or was offered before; takes tr. */
void search_offer(ms_search *s, ms_tracer *tr);
/* Has a candidate of this structure been offered already? */
bool search_seen(ms_search *s, const ms_func *f);
/* Replays t (its decisions as they are) and finishes it; NULL if refused. */
ms_tracer *search_realize(ms_search *s, const ms_trace *t);
/* A candidate drawn from a random sketch with fresh decisions. */
ms_tracer *search_draw(ms_search *s);
/* Fills the batch up to want with the candidates the cost model ranks
 * best among generations bred from the best measured so far; does
 * nothing until the model can be trained (MS_COST_MIN_SAMPLES rows). */
void search_evolve(ms_search *s, int want);
/* Breeds a new pool under s->model (trained): every candidate of every
 * generation, best predicted first. */
void search_breed_pool(ms_search *s);

#endif
