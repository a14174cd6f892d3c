/*
 * trace.c - the tracer (a schedule state plus the trace being recorded),
 * the traced API the rules and tests use, and replay: the same program of
 * instructions run on a fresh clone, with the recorded or with new
 * decisions.
 */
#include "schedule/inst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ms_trace *ms_trace_new(void)
{
    return ms_xcalloc(1, sizeof(ms_trace));
}

void ms_trace_free(ms_trace *t)
{
    if (!t)
        return;
    free(t->insts.data);
    free(t->rv_kinds.data);
    free(t);
}

ms_trace *ms_trace_clone(const ms_trace *t)
{
    ms_trace *c = ms_trace_new();
    for (int i = 0; i < t->insts.len; i++)
        MS_VEC_PUSH(c->insts, t->insts.data[i]);
    for (int i = 0; i < t->rv_kinds.len; i++)
        MS_VEC_PUSH(c->rv_kinds, t->rv_kinds.data[i]);
    return c;
}

bool ms_trace_set_decision(ms_trace *t, int inst, int n, const int64_t *decision)
{
    if (inst < 0 || inst >= t->insts.len || n < 0 || n > MS_INST_MAX_OUT)
        return false;
    ms_inst *in = &t->insts.data[inst];
    if (in->kind != MS_INST_SAMPLE_PERFECT_TILE && in->kind != MS_INST_SAMPLE_CATEGORICAL &&
        in->kind != MS_INST_SAMPLE_COMPUTE_LOCATION)
        return false;
    in->ndecision = n;
    memcpy(in->decision, decision, sizeof(int64_t) * (size_t)n);
    return true;
}

ms_tracer *ms_tracer_new(const ms_func *f, uint64_t seed)
{
    ms_tracer *tr = ms_xcalloc(1, sizeof *tr);
    tr->origin = f;
    tr->s = ms_sched_new(f);
    tr->t = ms_trace_new();
    ms_rng_seed(&tr->rng, seed);
    return tr;
}

void ms_tracer_free(ms_tracer *tr)
{
    if (!tr)
        return;
    ms_sched_free(tr->s);
    ms_trace_free(tr->t);
    free(tr->map.data);
    free(tr);
}

int inst_bind(ms_tracer *tr, ms_rv_kind kind, int rv)
{
    MS_VEC_PUSH(tr->t->rv_kinds, kind);
    MS_VEC_PUSH(tr->map, rv);
    return tr->map.len - 1;
}

ms_status ms_tracer_apply(ms_tracer *tr, ms_inst *inst)
{
    if (tr->status != MS_OK)
        return tr->status;
    int kinds_before = tr->t->rv_kinds.len;
    ms_status st = ms_inst_table[inst->kind].apply(tr, inst);
    if (st != MS_OK) {
        /* outputs bound before the failure are dropped with it */
        tr->t->rv_kinds.len = tr->map.len = kinds_before;
        tr->status = st;
        snprintf(tr->why, sizeof tr->why, "%s", tr->s->why);
        return st;
    }
    MS_VEC_PUSH(tr->t->insts, *inst);
    return MS_OK;
}

ms_tracer *ms_tracer_fork(const ms_tracer *tr)
{
    if (tr->status != MS_OK)
        return NULL;
    ms_tracer *copy = ms_trace_replay(tr->t, tr->origin, /*resample=*/false, 0);
    MS_ASSERT(copy->status == MS_OK); /* it applied once, on the same function */
    copy->rng = tr->rng;
    return copy;
}

ms_status ms_tracer_recover(ms_tracer *tr)
{
    ms_status st = tr->status;
    tr->status = MS_OK;
    tr->why[0] = '\0';
    return st;
}

int64_t ms_tracer_int(const ms_tracer *tr, int rv)
{
    MS_ASSERT(rv >= 0 && rv < tr->map.len && tr->t->rv_kinds.data[rv] == MS_RV_INT);
    return tr->s->rvs.data[tr->map.data[rv]].value;
}

/* ---- the traced API ---- */

static ms_inst make(ms_inst_kind k)
{
    ms_inst in;
    memset(&in, 0, sizeof in);
    in.kind = k;
    return in;
}

static ms_operand rv_op(int rv)
{
    return (ms_operand){rv, 0};
}

int ms_t_get_block(ms_tracer *tr, const char *name)
{
    ms_inst in = make(MS_INST_GET_BLOCK);
    snprintf(in.str, sizeof in.str, "%s", name);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

int ms_t_get_loops(ms_tracer *tr, int block, int *out)
{
    ms_inst in = make(MS_INST_GET_LOOPS);
    in.nin = 1;
    in.in[0] = rv_op(block);
    if (ms_tracer_apply(tr, &in) != MS_OK)
        return 0;
    memcpy(out, in.out, sizeof(int) * (size_t)in.nout);
    return in.nout;
}

void ms_t_split(ms_tracer *tr, int loop, int n, const ms_operand *factors, int *out)
{
    ms_inst in = make(MS_INST_SPLIT);
    in.nin = 1 + n;
    in.in[0] = rv_op(loop);
    memcpy(&in.in[1], factors, sizeof(ms_operand) * (size_t)n);
    bool ok = n <= 8 && ms_tracer_apply(tr, &in) == MS_OK;
    for (int i = 0; i < n; i++)
        out[i] = ok ? in.out[i] : -1;
}

int ms_t_fuse(ms_tracer *tr, int n, const int *loops)
{
    ms_inst in = make(MS_INST_FUSE);
    in.nin = n;
    for (int i = 0; i < n; i++)
        in.in[i] = rv_op(loops[i]);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

void ms_t_reorder(ms_tracer *tr, int n, const int *loops)
{
    ms_inst in = make(MS_INST_REORDER);
    in.nin = n;
    for (int i = 0; i < n; i++)
        in.in[i] = rv_op(loops[i]);
    ms_tracer_apply(tr, &in);
}

static void on_loop(ms_tracer *tr, ms_inst_kind k, int loop)
{
    ms_inst in = make(k);
    in.nin = 1;
    in.in[0] = rv_op(loop);
    ms_tracer_apply(tr, &in);
}

void ms_t_parallel(ms_tracer *tr, int loop)
{
    on_loop(tr, MS_INST_PARALLEL, loop);
}
void ms_t_vectorize(ms_tracer *tr, int loop)
{
    on_loop(tr, MS_INST_VECTORIZE, loop);
}
void ms_t_unroll(ms_tracer *tr, int loop)
{
    on_loop(tr, MS_INST_UNROLL, loop);
}

void ms_t_compute_inline(ms_tracer *tr, int block)
{
    ms_inst in = make(MS_INST_COMPUTE_INLINE);
    in.nin = 1;
    in.in[0] = rv_op(block);
    ms_tracer_apply(tr, &in);
}

int ms_t_decompose_reduction(ms_tracer *tr, int block, int loop)
{
    ms_inst in = make(MS_INST_DECOMPOSE_REDUCTION);
    in.nin = 2;
    in.in[0] = rv_op(block);
    in.in[1] = rv_op(loop);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

void ms_t_reverse_compute_inline(ms_tracer *tr, int block)
{
    ms_inst in = make(MS_INST_REVERSE_COMPUTE_INLINE);
    in.nin = 1;
    in.in[0] = rv_op(block);
    ms_tracer_apply(tr, &in);
}

void ms_t_merge_accumulator(ms_tracer *tr, int block)
{
    ms_inst in = make(MS_INST_MERGE_ACCUMULATOR);
    in.nin = 1;
    in.in[0] = rv_op(block);
    ms_tracer_apply(tr, &in);
}

void ms_t_merge_init(ms_tracer *tr, int block)
{
    ms_inst in = make(MS_INST_MERGE_INIT);
    in.nin = 1;
    in.in[0] = rv_op(block);
    ms_tracer_apply(tr, &in);
}

void ms_t_original_elsewhere(ms_tracer *tr)
{
    ms_inst in = make(MS_INST_ORIGINAL_ELSEWHERE);
    ms_tracer_apply(tr, &in);
}

int ms_t_rfactor(ms_tracer *tr, int block, int loop)
{
    ms_inst in = make(MS_INST_RFACTOR);
    in.nin = 2;
    in.in[0] = rv_op(block);
    in.in[1] = rv_op(loop);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

int ms_t_cache_read(ms_tracer *tr, int block, int loop, const char *buf)
{
    ms_inst in = make(MS_INST_CACHE_READ);
    in.nin = 2;
    in.in[0] = rv_op(block);
    in.in[1] = rv_op(loop);
    snprintf(in.str, sizeof in.str, "%s", buf);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

static void block_at_loop(ms_tracer *tr, ms_inst_kind k, int block, int loop)
{
    ms_inst in = make(k);
    in.nin = 2;
    in.in[0] = rv_op(block);
    in.in[1] = rv_op(loop);
    ms_tracer_apply(tr, &in);
}

void ms_t_compute_at(ms_tracer *tr, int block, int loop)
{
    block_at_loop(tr, MS_INST_COMPUTE_AT, block, loop);
}

void ms_t_reverse_compute_at(ms_tracer *tr, int block, int loop)
{
    block_at_loop(tr, MS_INST_REVERSE_COMPUTE_AT, block, loop);
}

int ms_t_sample_compute_location(ms_tracer *tr, int block)
{
    ms_inst in = make(MS_INST_SAMPLE_COMPUTE_LOCATION);
    in.nin = 1;
    in.in[0] = rv_op(block);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

int ms_t_cache_write(ms_tracer *tr, int block, int loop, const char *scope)
{
    ms_inst in = make(MS_INST_CACHE_WRITE);
    in.nin = 2;
    in.in[0] = rv_op(block);
    in.in[1] = rv_op(loop);
    snprintf(in.str, sizeof in.str, "%s", scope);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

void ms_t_tensorize(ms_tracer *tr, int loop, const char *intrin)
{
    ms_inst in = make(MS_INST_TENSORIZE);
    in.nin = 1;
    in.in[0] = rv_op(loop);
    snprintf(in.str, sizeof in.str, "%s", intrin);
    ms_tracer_apply(tr, &in);
}

int ms_t_transform_layout(ms_tracer *tr, const char *buf, int nf, const int64_t *factors, int np,
                          const int64_t *perm)
{
    ms_operand ops[MS_INST_MAX_IN];
    for (int i = 0; i < nf && i < MS_INST_MAX_IN; i++)
        ops[i] = (ms_operand){-1, factors[i]};
    return ms_t_transform_layout_ops(tr, buf, nf, ops, np, perm);
}

int ms_t_transform_layout_ops(ms_tracer *tr, const char *buf, int nf, const ms_operand *factors,
                              int np, const int64_t *perm)
{
    ms_inst in = make(MS_INST_TRANSFORM_LAYOUT);
    if (tr->status != MS_OK)
        return -1;
    if (nf + np > MS_INST_MAX_IN) {
        tr->status = MS_ERR_INPUT;
        snprintf(tr->why, sizeof tr->why, "transform_layout: too many dimensions");
        return -1;
    }
    in.nin = nf + np;
    for (int i = 0; i < nf; i++)
        in.in[i] = factors[i];
    for (int i = 0; i < np; i++)
        in.in[nf + i] = (ms_operand){-1, perm[i]};
    in.nattr = 1;
    in.attr[0] = nf;
    snprintf(in.str, sizeof in.str, "%s", buf);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

void ms_t_annotate(ms_tracer *tr, int loop, const char *key, int64_t value)
{
    ms_t_annotate_op(tr, loop, key, (ms_operand){-1, value});
}

void ms_t_annotate_op(ms_tracer *tr, int loop, const char *key, ms_operand value)
{
    ms_inst in = make(MS_INST_ANNOTATE);
    in.nin = 2;
    in.in[0] = rv_op(loop);
    in.in[1] = value;
    snprintf(in.str, sizeof in.str, "%s", key);
    ms_tracer_apply(tr, &in);
}

void ms_t_sample_perfect_tile(ms_tracer *tr, int loop, int n, int max_innermost, int *out)
{
    ms_inst in = make(MS_INST_SAMPLE_PERFECT_TILE);
    in.nin = 1;
    in.in[0] = rv_op(loop);
    in.nattr = 2;
    in.attr[0] = n;
    in.attr[1] = max_innermost;
    bool ok = n <= MS_INST_MAX_OUT && ms_tracer_apply(tr, &in) == MS_OK;
    for (int i = 0; i < n; i++)
        out[i] = ok ? in.out[i] : -1;
}

int ms_t_sample_categorical(ms_tracer *tr, int n, const int64_t *candidates, const double *weights)
{
    ms_inst in = make(MS_INST_SAMPLE_CATEGORICAL);
    if (n > MS_INST_MAX_IN)
        n = MS_INST_MAX_IN;
    in.nattr = n;
    memcpy(in.attr, candidates, sizeof(int64_t) * (size_t)n);
    memcpy(in.weight, weights, sizeof(double) * (size_t)n);
    return ms_tracer_apply(tr, &in) == MS_OK ? in.out[0] : -1;
}

const ms_intrin *ms_trace_intrin(const ms_trace *t, int from)
{
    for (int i = from < 0 ? 0 : from; t && i < t->insts.len; i++)
        if (t->insts.data[i].kind == MS_INST_TENSORIZE)
            return ms_intrin_named(t->insts.data[i].str);
    return NULL;
}

/* ---- replay ---- */

/* Where get_loops finds one loop fewer or more than the trace recorded,
 * realign says the second loop went or came (a mutation fused one more or
 * one fewer outer loop): the others keep their names, the one gone is
 * undefined to what follows. */
static ms_tracer *replay(const ms_trace *t, const ms_func *f, bool resample, uint64_t seed,
                         bool realign, ms_decide_fn decide, void *decide_ctx)
{
    ms_tracer *tr = ms_tracer_new(f, seed);
    int *remap = ms_xmalloc(sizeof(int) * (size_t)(t->rv_kinds.len + 1));
    for (int i = 0; i <= t->rv_kinds.len; i++)
        remap[i] = -1;
    for (int i = 0; i < t->insts.len && tr->status == MS_OK; i++) {
        ms_inst in = t->insts.data[i];
        bool defined = true;
        for (int k = 0; k < in.nin; k++)
            if (in.in[k].rv >= 0) {
                int old = in.in[k].rv;
                in.in[k].rv = old < t->rv_kinds.len ? remap[old] : -1;
                defined = defined && in.in[k].rv >= 0;
            }
        if (!defined) {
            tr->status = MS_ERR_INPUT;
            snprintf(tr->why, sizeof tr->why, "%s uses a variable the trace never defined",
                     ms_inst_name(in.kind));
            break;
        }
        if (resample && ms_inst_table[in.kind].samples)
            in.ndecision = 0;
        if (decide && ms_inst_table[in.kind].samples)
            decide(decide_ctx, tr, t, i, &in);
        int old_out[MS_INST_MAX_OUT], nold = in.nout;
        memcpy(old_out, in.out, sizeof old_out);
        in.nout = 0;
        if (ms_tracer_apply(tr, &in) != MS_OK)
            break;
        int shift = in.nout - nold;
        if (realign && in.kind == MS_INST_GET_LOOPS && (shift == 1 || shift == -1) &&
            in.nout >= 1 && nold >= 1) {
            remap[old_out[0]] = in.out[0];
            if (shift < 0)
                remap[old_out[1]] = -1;
            for (int k = shift < 0 ? 2 : 1; k < nold; k++)
                remap[old_out[k]] = in.out[k + shift];
            continue;
        }
        if (in.nout != nold) {
            tr->status = MS_ERR_INPUT;
            snprintf(tr->why, sizeof tr->why, "%s gave %d results, the trace has %d",
                     ms_inst_name(in.kind), in.nout, nold);
            break;
        }
        for (int k = 0; k < nold; k++)
            remap[old_out[k]] = in.out[k];
    }
    free(remap);
    return tr;
}

ms_tracer *ms_trace_replay(const ms_trace *t, const ms_func *f, bool resample, uint64_t seed)
{
    return replay(t, f, resample, seed, false, NULL, NULL);
}

ms_tracer *ms_trace_replay_deciding(const ms_trace *t, const ms_func *f, ms_decide_fn decide,
                                    void *ctx)
{
    return replay(t, f, false, 0, false, decide, ctx);
}

ms_tracer *ms_trace_replay_realigned(const ms_trace *t, const ms_func *f)
{
    return replay(t, f, false, 0, true, NULL, NULL);
}
