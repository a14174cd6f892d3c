/*
 * predict.c - an answer with no measurement (--predict): generations bred
 * under a cost model that earlier runs trained, from a sample of the
 * design space as large as the evolutionary search's, and the candidates
 * the model ranks best among all of them, best first. Nothing is built or
 * run here; the same model and seed give the same candidates.
 */
#include "schedule/search/search.h"

#include <stdlib.h>

int ms_search_predict(const ms_func *f, const ms_arch *arch, ms_cost_model *model, uint64_t seed,
                      int want, ms_trace **out)
{
    if (!model || !ms_cost_model_trained(model))
        return 0;
    ms_search *s = ms_xcalloc(1, sizeof *s);
    s->f = f;
    s->o = (ms_search_opts){.strategy = MS_SEARCH_EVOLUTIONARY, .seed = seed, .arch = arch};
    s->model = model; /* borrowed */
    s->b = ms_xcalloc(1, sizeof *s->b);
    s->nsketches = ms_space_sketches(f, arch, seed, &s->sketches);
    ms_rng_seed(&s->rng, seed);
    int n = 0;
    if (s->nsketches > 0)
        search_breed_pool(s);
    for (int i = 0; i < s->npool; i++) {
        if (n < want)
            out[n++] = s->pool[i];
        else
            ms_trace_free(s->pool[i]);
    }
    /* the pool's traces handed over, the model returned: the rest as any
     * search ends */
    s->npool = 0;
    s->model = NULL;
    ms_search_result r;
    ms_search_end(s, &r);
    ms_search_result_free(&r);
    return n;
}
