/*
 * parallel_vectorize_unroll.c - the function rule applied after the block
 * rules: the outer loops of each nest are fused and run in parallel up to
 * 16 jobs per core (or not at all: a thread team costs more than a small
 * kernel gains, so both are proposed), the innermost loop of each block
 * runs as SIMD where the dependence analysis allows, and an auto-unroll
 * maximum step sampled from {0, 16, 64} is put on each nest's outer loop
 * for the unroll postprocessor (MetaSchedule's auto_unroll_max_step, whose
 * CPU default also has 512: here such a candidate took 5-8 s to compile
 * against 0.4 s, and in 256 trials none came within 1.15x of the best on
 * gemm 1024 or 1.46x on depthwise, medians 2.9x and 18x).
 */
#include "schedule/rules/rules.h"

#include <stdlib.h>

/* A thread team costs microseconds: a nest of fewer iterations (an
 * rfactor's partials set to 0, a bias row) runs serially. */
enum { JOBS_PER_CORE = 16, MAX_BLOCKS = 64, MIN_PARALLEL_ITERS = 4096 };

static bool is_parallel_nest(ms_stmt *const *loops, int n)
{
    for (int i = 0; i < n; i++)
        if (loops[i]->loop.kind == MS_LOOP_PARALLEL)
            return true;
    return false;
}

static bool independent(const ms_loop_info *infos, int n, const ms_stmt *loop)
{
    for (int i = 0; i < n; i++)
        if (infos[i].loop == loop)
            return infos[i].independent;
    return false;
}

/* The outer independent loops of block, fused as far as the job limit
 * allows, run in parallel. */
static void parallelize(const ms_arch *arch, ms_tracer *t, const char *block)
{
    int rv = ms_t_get_block(t, block), l[MS_INST_MAX_OUT];
    int n = ms_t_get_loops(t, rv, l);
    if (n == 0 || ms_tracer_recover(t) != MS_OK)
        return;
    ms_stmt *loops[MS_INST_MAX_OUT];
    for (int i = 0; i < n; i++)
        loops[i] = t->s->rvs.data[t->map.data[l[i]]].stmt;
    if (is_parallel_nest(loops, n))
        return;
    int64_t iters = 1;
    for (int i = 0; i < n && iters < MIN_PARALLEL_ITERS; i++) {
        int64_t e = rule_tuning_extent(t->s->f, loops[i]);
        iters *= e > 0 ? e : MIN_PARALLEL_ITERS; /* unknown: assume it is big */
    }
    if (iters < MIN_PARALLEL_ITERS)
        return;
    ms_loop_info *infos;
    int ni = ms_analyze_loops(t->s->f, &infos);
    int64_t limit = (int64_t)JOBS_PER_CORE * (arch->ncores > 0 ? arch->ncores : 1), jobs = 1;
    int k = 0;
    while (k < n && independent(infos, ni, loops[k])) {
        int64_t e = rule_tuning_extent(t->s->f, loops[k]);
        if (e < 1 || (k > 0 && jobs * e > limit))
            break;
        jobs *= e;
        k++;
    }
    free(infos);
    if (k == 0)
        return;
    int target = k == 1 ? l[0] : ms_t_fuse(t, k, l);
    if (ms_tracer_recover(t) != MS_OK) /* not a perfect nest: the outermost alone */
        target = l[0];
    ms_t_parallel(t, target);
    ms_tracer_recover(t);
}

static void vectorize_innermost(ms_tracer *t, const char *block)
{
    int rv = ms_t_get_block(t, block), l[MS_INST_MAX_OUT];
    int n = ms_t_get_loops(t, rv, l);
    if (n > 0) {
        ms_stmt *inner = t->s->rvs.data[t->map.data[l[n - 1]]].stmt;
        if (inner->loop.kind == MS_LOOP_SERIAL && rule_tuning_extent(t->s->f, inner) >= 2)
            ms_t_vectorize(t, l[n - 1]);
    }
    ms_tracer_recover(t);
}

int ms_rule_parallel_vectorize_unroll(const ms_arch *arch, ms_tracer *tr, const char *block,
                                      ms_tracer **out)
{
    (void)block;
    int np = 0;
    for (int par = 1; par >= 0; par--) {
        ms_tracer *t = ms_tracer_fork(tr);
        const char *names[MAX_BLOCKS];
        int nb = rule_block_names(t->s->f, names, MAX_BLOCKS);
        for (int i = 0; i < nb && par; i++)
            parallelize(arch, t, names[i]);
        bool any_parallel = false;
        for (int i = 0; i < t->t->insts.len; i++)
            any_parallel = any_parallel || t->t->insts.data[i].kind == MS_INST_PARALLEL;
        if (par && !any_parallel) { /* nothing to run in parallel: one proposal */
            ms_tracer_free(t);
            continue;
        }
        for (int i = 0; i < nb; i++)
            vectorize_innermost(t, names[i]);
        static const int64_t steps[] = {0, 16, 64};
        static const double weights[] = {1, 1, 1};
        int step = ms_t_sample_categorical(t, 3, steps, weights);
        ms_stmt *done[MAX_BLOCKS];
        int ndone = 0;
        for (int i = 0; i < nb && step >= 0; i++) {
            int l[MS_INST_MAX_OUT];
            int n = ms_t_get_loops(t, ms_t_get_block(t, names[i]), l);
            ms_stmt *outer = n ? t->s->rvs.data[t->map.data[l[0]]].stmt : NULL;
            bool seen = false;
            for (int k = 0; k < ndone; k++)
                seen = seen || done[k] == outer;
            if (outer && !seen && ndone < MAX_BLOCKS) {
                done[ndone++] = outer;
                ms_t_annotate_op(t, l[0], MS_ANNOT_UNROLL, (ms_operand){step, 0});
            }
            ms_tracer_recover(t);
        }
        if (t->status == MS_OK && np < MS_RULE_MAX_PROPOSALS)
            out[np++] = t;
        else
            ms_tracer_free(t);
    }
    return np;
}
