/*
 * add_rfactor.c - the add-rfactor rule (MetaSchedule's AddRFactor): a
 * reduction whose spatial loops give fewer jobs than there are cores (a
 * dot product, the sum of a whole array) keeps partial results, so that
 * the parallel-vectorize-unroll rule finds independent iterations where
 * there were none. Its reduction loops are fused and split in two; the
 * sampled factor (a divisor of the trip count up to 64) is the number of
 * partials: kept per iteration of the outer part (a job each, run in
 * parallel) or of the inner part (a SIMD lane each). Both are proposed
 * beside the block as it was, and the search measures which wins.
 *
 * Sums and products only, as rfactor takes them; floating-point ones not
 * under --fp-model=strict, where rfactor refuses (partials reassociate).
 */
#include "schedule/prim/prim.h"
#include "schedule/rules/rules.h"

enum { MAX_LOOPS = 8, MAX_PARTIALS = 64 };

/* The nest of block: spatial loops outside, then the reduction loops
 * (first at *first_r); the products of their trip counts at the tuning
 * sizes. False when the nest has another form. */
static bool reduction_nest(ms_tracer *tr, const ms_stmt *b, int *n, int *first_r, int64_t *space,
                           int64_t *reduce)
{
    ms_stmt *around[64];
    bool spatial[MAX_LOOPS];
    int iter_of[MAX_LOOPS];
    *n = prim_enclosing_loops(tr->s, b, around, 64);
    if (*n < 1 || *n > MAX_LOOPS || !ms_loop_holds_only(around[0], b) ||
        !rule_classify_loops(b, around, *n, spatial, iter_of))
        return false;
    *first_r = *n;
    *space = *reduce = 1;
    for (int i = 0; i < *n; i++) {
        int64_t e = rule_tuning_extent(tr->s->f, around[i]);
        if (e < 1 || (spatial[i] && *first_r < *n))
            return false; /* unknown trip count, or a spatial loop inside the reduction */
        if (!spatial[i] && *first_r == *n)
            *first_r = i;
        *(spatial[i] ? space : reduce) *= e;
    }
    return *first_r < *n;
}

/* Partials per iteration of the outer (part 0) or the inner (part 1) half
 * of the fused reduction loops, in a fork of tr; NULL when refused. */
static ms_tracer *rfactor_at(ms_tracer *tr, const char *block, int n, int first_r, int part)
{
    ms_tracer *t = ms_tracer_fork(tr);
    int rv = ms_t_get_block(t, block), l[MS_INST_MAX_OUT];
    if (ms_t_get_loops(t, rv, l) != n) {
        ms_tracer_free(t);
        return NULL;
    }
    int r = n - first_r == 1 ? l[first_r] : ms_t_fuse(t, n - first_r, &l[first_r]);
    int fac[2], halves[2];
    ms_t_sample_perfect_tile(t, r, 2, MAX_PARTIALS, fac);
    /* the sampled divisor is the number of partials; the other half follows
     * the trip count, so the general path keeps a constant count too */
    ms_operand by[2] = {{-1, -1}, {-1, -1}};
    by[part] = (ms_operand){fac[1], 0};
    ms_t_split(t, r, 2, by, halves);
    ms_t_rfactor(t, rv, halves[part]);
    /* one partial per job: it is summed in a register, not in memory,
     * where every step would wait for the last one's store */
    if (part == 0)
        ms_t_cache_write(t, rv, halves[0], "register");
    if (t->status != MS_OK) {
        ms_tracer_free(t);
        return NULL;
    }
    return t;
}

int ms_rule_add_rfactor(const ms_arch *arch, ms_tracer *tr, const char *block, ms_tracer **out)
{
    const ms_stmt *b = rule_find_block(tr->s->f, block);
    if (!b || b->block.body->kind != MS_STMT_STORE)
        return 0;
    int n, first_r;
    int64_t space, reduce;
    int cores = arch->ncores > 0 ? arch->ncores : 1;
    /* enough spatial jobs for every core, or too little to reduce to split */
    if (!reduction_nest(tr, b, &n, &first_r, &space, &reduce) || space >= cores ||
        reduce <= 2 * MAX_PARTIALS)
        return 0;
    int np = 0;
    for (int part = 0; part < 2; part++) {
        ms_tracer *t = rfactor_at(tr, block, n, first_r, part);
        if (t)
            out[np++] = t;
    }
    if (np > 0)
        out[np++] = ms_tracer_fork(tr); /* the block as it was */
    return np;
}
