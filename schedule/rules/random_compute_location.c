/*
 * random_compute_location.c - the random compute location rule: a block
 * producing a local intermediate that was not inlined is computed at a
 * sampled loop of its readers (or stays where it is), so that what it
 * produces is used while it is still in cache.
 */
#include "schedule/rules/rules.h"

int ms_rule_random_compute_location(const ms_arch *arch, ms_tracer *tr, const char *block,
                                    ms_tracer **out)
{
    (void)arch;
    const ms_stmt *b = rule_find_block(tr->s->f, block);
    /* a cache or partials that a primitive made sit where it put them */
    if (!b || b->block.body->kind != MS_STMT_STORE ||
        b->block.body->store.buf->scope != MS_SCOPE_LOCAL || b->block.body->store.buf->is_cache)
        return 0;
    /* the sketch needs one location that works (a candidate then draws
     * its own): a refused draw is drawn again, not the proposal dropped */
    for (int attempt = 0; attempt < 8; attempt++) {
        ms_tracer *t = ms_tracer_fork(tr);
        for (int k = 0; k < attempt; k++)
            ms_rng_next(&t->rng);
        int rv = ms_t_get_block(t, block);
        int at = ms_t_sample_compute_location(t, rv);
        ms_t_compute_at(t, rv, at);
        if (t->status == MS_OK) {
            out[0] = t;
            return 1;
        }
        ms_tracer_free(t);
    }
    return 0;
}
