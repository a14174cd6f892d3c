/*
 * default_tensorized.c - the default schedule on a target with
 * micro-kernels (ir/intrin.c): a block shaped like a matrix product is
 * tensorized without measuring anything. Of the design space's sketches,
 * the one that keeps the reduction whole around the micro-kernel (S0 S1
 * S2 R S3, multi_level_tiling.c) is replayed with its tiles chosen from the
 * caches, as BLIS derives its blocking from a configuration: the packed
 * panels of B that a row of micro-tiles sweeps fill at most half of the
 * L2, the rows of A streamed past them a quarter, and the outermost tiles
 * give the thread team up to 16 jobs per core (what
 * parallel_vectorize_unroll fuses), taking factors back from the S2 tiles
 * where it would get fewer than 2. The micro-kernel is the one its ISA
 * marks, else the first whose shape divides the tuning sizes. A sketch
 * qualifies only if every tile it samples is one a micro-kernel shapes
 * and the result passes the postprocessors (--no-heap, the budgets);
 * otherwise, under --fp-model=strict, or where no shape divides, the
 * portable default stays (default_schedule.c). */
#include "schedule/prim/prim.h"
#include "schedule/rules/rules.h"

#include <stdlib.h>
#include <string.h>

enum {
    JOBS_PER_CORE = 16,      /* parallel_vectorize_unroll's limit */
    MIN_JOBS_PER_CORE = 2,   /* fewer: the micro-tiles give some back */
    UNKNOWN_L2 = 256 * 1024, /* hwloc found none: assume a small one */
    MAX_SKETCHES_TRIED = 64,
    MAX_DIMS = 8,
};

/* The tiles of one block, decided at its first sampled tile: for each
 * spatial loop in order, its micro-kernel side (mr, nr or 1) and the S0
 * S1 S2 tiles of the rest. */
typedef struct plan {
    const char *block; /* in the sketch */
    int n, next;
    int64_t side[MAX_DIMS], extent[MAX_DIMS], tiles[MAX_DIMS][3];
} plan;

typedef struct policy {
    const ms_arch *arch;
    bool ok; /* every sampling instruction so far was decided here */
    plan p;
} policy;

/* The block name of the nearest get_block before instruction at. */
static const char *block_before(const ms_trace *t, int at)
{
    for (int i = at - 1; i >= 0; i--)
        if (t->insts.data[i].kind == MS_INST_GET_BLOCK)
            return t->insts.data[i].str;
    return NULL;
}

/* The instruction of t that defines trace variable rv, or NULL. */
static const ms_inst *definer(const ms_trace *t, int at, int rv)
{
    for (int i = at - 1; i >= 0; i--)
        for (int k = 0; k < t->insts.data[i].nout; k++)
            if (t->insts.data[i].out[k] == rv)
                return &t->insts.data[i];
    return NULL;
}

/* The largest divisor of n that is at most cap (at least 1). */
static int64_t divisor_up_to(int64_t n, int64_t cap)
{
    for (int64_t d = cap < n ? cap : n; d > 1; d--)
        if (n % d == 0)
            return d;
    return 1;
}

/* The smallest prime factor of n > 1. */
static int64_t smallest_factor(int64_t n)
{
    for (int64_t d = 2; d * d <= n; d++)
        if (n % d == 0)
            return d;
    return n;
}

/* The spatial loops of block in the function as written, each with its
 * micro-kernel side (nr and mr for rule_product_loops's j and i, as
 * multi_level_tiling.c assigns them; 1 for the others) and its trip
 * count over that side; *reduction: the reduction loops' trip counts
 * multiplied (the micro-kernel's kc). False when a count is unknown. */
static bool read_block(const ms_func *f, const char *block, const ms_intrin *in, plan *p,
                       int64_t *reduction)
{
    ms_tracer *fresh = ms_tracer_new(f, 0);
    const ms_stmt *b = rule_find_block(fresh->s->f, block);
    ms_stmt *around[MS_INST_MAX_OUT];
    int n = b ? prim_enclosing_loops(fresh->s, b, around, MS_INST_MAX_OUT) : 0;
    bool spatial[MS_INST_MAX_OUT];
    int iter_of[MS_INST_MAX_OUT], j_loop, i_loop;
    bool ok = n > 0 && b->block.body->kind == MS_STMT_STORE &&
              rule_classify_loops(b, around, n, spatial, iter_of) &&
              rule_product_loops(b, spatial, iter_of, n, &i_loop, &j_loop);
    *reduction = 1;
    p->n = 0;
    for (int i = 0; ok && i < n; i++) {
        int64_t e = rule_tuning_extent(fresh->s->f, around[i]);
        ok = e > 0 && (spatial[i] ? p->n < MAX_DIMS : true);
        if (!ok || !spatial[i]) {
            *reduction *= ok ? e : 1;
            continue;
        }
        int64_t side = i == i_loop ? in->mr : i == j_loop ? in->nr : 1;
        ok = e % side == 0;
        p->side[p->n] = side;
        p->extent[p->n++] = e / side;
    }
    ms_tracer_free(fresh);
    return ok;
}

/* The tiles: S2 from the caches (B's panels that a row of micro-tiles
 * sweeps in half the L2, A's rows streamed past them in a quarter), S0
 * from the thread team (up to JOBS_PER_CORE jobs per core, outer loops
 * first), S1 the rest; where the team would get fewer than
 * MIN_JOBS_PER_CORE jobs per core, S2 tiles give factors back to S0. */
static void plan_tiles(const ms_arch *arch, const ms_intrin *in, int64_t reduction,
                       int64_t max_innermost, plan *p)
{
    int64_t l2 = arch->l2 > 0 ? arch->l2 : UNKNOWN_L2;
    int64_t cores = arch->ncores > 0 ? arch->ncores : 1;
    int64_t bytes = reduction * ms_dtype_bytes(in->dtype);
    int64_t jobs = 1, most = JOBS_PER_CORE * cores;
    for (int d = 0; d < p->n; d++) {
        int64_t e = p->extent[d], s2 = 1;
        if (p->side[d] == in->nr)
            s2 = divisor_up_to(e, l2 / 2 / (in->nr * bytes));
        else if (p->side[d] == in->mr)
            s2 = divisor_up_to(e, l2 / 4 / (in->mr * bytes));
        s2 = divisor_up_to(s2, max_innermost);
        int64_t s0 = divisor_up_to(e / s2, most / jobs > 0 ? most / jobs : 1);
        jobs *= s0;
        p->tiles[d][0] = s0;
        p->tiles[d][2] = s2;
    }
    while (jobs < MIN_JOBS_PER_CORE * cores) {
        int widest = -1;
        for (int d = 0; d < p->n; d++)
            if (p->tiles[d][2] > 1 && (widest < 0 || p->tiles[d][2] > p->tiles[widest][2]))
                widest = d;
        if (widest < 0)
            break;
        int64_t f = smallest_factor(p->tiles[widest][2]);
        p->tiles[widest][2] /= f;
        p->tiles[widest][0] *= f;
        jobs *= f;
    }
    for (int d = 0; d < p->n; d++)
        p->tiles[d][1] = p->extent[d] / p->tiles[d][0] / p->tiles[d][2];
}

/* A micro-kernel's tile split three ways: S0 S1 S2 around the S3 that is
 * the micro-kernel's side; the block's plan made at its first. */
static bool decide_tile(policy *po, const ms_tracer *tr, const ms_trace *t, int at, ms_inst *in)
{
    const ms_inst *orig = &t->insts.data[at];
    const ms_inst *split = definer(t, at, orig->in[0].rv);
    const ms_intrin *intrin = ms_trace_intrin(t, at + 1);
    const char *block = block_before(t, at);
    /* split(loop, [-1, side]): the side a literal */
    if (!split || split->kind != MS_INST_SPLIT || split->nin != 3 || split->in[2].rv >= 0 ||
        split->out[0] != orig->in[0].rv || !intrin || !block || in->nattr != 2 || in->attr[0] != 3)
        return false;
    plan *p = &po->p;
    if (!p->block || strcmp(p->block, block)) {
        int64_t reduction;
        p->block = block;
        p->next = 0;
        if (!read_block(tr->origin, block, intrin, p, &reduction))
            return false;
        plan_tiles(po->arch, intrin, reduction, in->attr[1], p);
    }
    int64_t extent;
    const ms_stmt *loop = tr->s->rvs.data[tr->map.data[in->in[0].rv]].stmt;
    int d = p->next++;
    if (d >= p->n || !loop || !ms_expr_eval_hints(tr->s->f, loop->loop.extent, &extent) ||
        extent != p->extent[d] || split->in[2].lit != p->side[d])
        return false;
    in->ndecision = 3;
    memcpy(in->decision, p->tiles[d], sizeof p->tiles[d]);
    return true;
}

static void decide(void *ctx, const ms_tracer *tr, const ms_trace *t, int at, ms_inst *in)
{
    policy *p = ctx;
    if (!p->ok)
        return;
    switch (in->kind) {
    case MS_INST_SAMPLE_PERFECT_TILE:
        p->ok = decide_tile(p, tr, t, at, in);
        return;
    case MS_INST_SAMPLE_CATEGORICAL: /* the unroll step: the micro-kernel is unrolled already */
        in->ndecision = 1;
        in->decision[0] = in->attr[0];
        return;
    default: /* a compute location: not a sketch of this kind */
        p->ok = false;
    }
}

/* Does t call a micro-kernel (marked by_default, when preferred)? */
static bool tensorizes(const ms_trace *t, bool preferred)
{
    const ms_intrin *in = ms_trace_intrin(t, 0);
    return in && (in->by_default || !preferred);
}

/* The rules of the sketches, of those the target lists: the ones that
 * decide nothing at random (inlining, which also turns a scalar
 * accumulator into a reduction in the output) but tiling and the thread
 * team's unroll step. */
static char *rules_for(const ms_arch *arch)
{
    static const char *const wanted[] = {"auto_inline", "multi_level_tiling",
                                         "parallel_vectorize_unroll"};
    ms_str s = {0};
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        if (rule_listed(arch->rules, wanted[i]))
            ms_str_addf(&s, "%s%s", s.len ? "," : "", wanted[i]);
    }
    return ms_str_take(&s);
}

/* Does tr pass the postprocessors: the budgets and the heap the function
 * allows (--no-heap refuses a packed copy in the heap; --max-stack a
 * register tile beyond it)? The portable default stays where not. */
static bool finishes(const ms_tracer *tr)
{
    ms_tracer *copy = ms_tracer_postproc(ms_tracer_fork(tr));
    bool ok = copy->status == MS_OK;
    ms_tracer_free(copy);
    return ok;
}

ms_tracer *ms_sched_default_trace_for(const ms_func *f, const ms_arch *arch)
{
    if (!arch || !arch->isa || f->fp_strict)
        return ms_sched_default_trace(f);
    ms_arch a = *arch;
    char *rules = rules_for(arch);
    a.rules = rules;
    ms_trace **sketches;
    int n = ms_space_sketches(f, &a, 0, &sketches);
    ms_tracer *best = NULL;
    for (int pass = 0; pass < 2 && !best; pass++)
        for (int i = 0; i < n && i < MAX_SKETCHES_TRIED && !best; i++) {
            if (!tensorizes(sketches[i], pass == 0))
                continue;
            policy p = {.arch = arch, .ok = true};
            ms_tracer *tr = ms_trace_replay_deciding(sketches[i], f, decide, &p);
            if (p.ok && tr->status == MS_OK && finishes(tr))
                best = tr;
            else
                ms_tracer_free(tr);
        }
    for (int i = 0; i < n; i++)
        ms_trace_free(sketches[i]);
    free(sketches);
    free(rules);
    return best ? best : ms_sched_default_trace(f);
}
