/*
 * inst.c - the registry of instruction kinds: for each, how it is applied
 * to a schedule state (decoding its operands, calling the primitive,
 * binding its outputs) and how it is printed. The kinds are listed once, in
 * inst.def; adding a primitive adds one row here.
 */
#include "schedule/inst.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const names[] = {
#define X(id, name) name,
#include "schedule/inst.def"
#undef X
};

const char *ms_inst_name(ms_inst_kind k)
{
    return names[k];
}

bool ms_inst_kind_from_name(const char *name, ms_inst_kind *out)
{
    for (int i = 0; i < MS_INST_COUNT; i++)
        if (!strcmp(names[i], name)) {
            *out = (ms_inst_kind)i;
            return true;
        }
    return false;
}

/* The state variable behind an operand that must be a trace variable. */
static int state_rv(ms_tracer *tr, const ms_operand *o, ms_rv_kind kind)
{
    if (o->rv < 0 || o->rv >= tr->map.len || tr->t->rv_kinds.data[o->rv] != kind)
        return -1;
    return tr->map.data[o->rv];
}

/* An integer operand: a literal or an integer variable. */
static bool int_value(ms_tracer *tr, const ms_operand *o, int64_t *v)
{
    if (o->rv < 0) {
        *v = o->lit;
        return true;
    }
    int r = state_rv(tr, o, MS_RV_INT);
    if (r < 0)
        return false;
    *v = tr->s->rvs.data[r].value;
    return true;
}

static ms_status bad(ms_tracer *tr, const char *what)
{
    snprintf(tr->s->why, sizeof tr->s->why, "%s", what);
    return MS_ERR_INPUT;
}

static ms_status apply_get_block(ms_tracer *tr, ms_inst *in)
{
    int b;
    ms_status st = ms_sched_get_block(tr->s, in->str, &b);
    if (st == MS_OK) {
        in->nout = 1;
        in->out[0] = inst_bind(tr, MS_RV_BLOCK, b);
    }
    return st;
}

static ms_status apply_get_loops(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1, out[MS_INST_MAX_OUT];
    int n = MS_INST_MAX_OUT;
    if (b < 0)
        return bad(tr, "get_loops: want one block");
    ms_status st = ms_sched_get_loops(tr->s, b, out, &n);
    if (st == MS_OK) {
        in->nout = n;
        for (int i = 0; i < n; i++)
            in->out[i] = inst_bind(tr, MS_RV_LOOP, out[i]);
    }
    return st;
}

static ms_status apply_get_child_blocks(ms_tracer *tr, ms_inst *in)
{
    int l = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_LOOP) : -1, out[MS_INST_MAX_OUT];
    int n = MS_INST_MAX_OUT;
    if (l < 0)
        return bad(tr, "get_child_blocks: want one loop");
    ms_status st = ms_sched_get_child_blocks(tr->s, l, out, &n);
    if (st == MS_OK) {
        in->nout = n;
        for (int i = 0; i < n; i++)
            in->out[i] = inst_bind(tr, MS_RV_BLOCK, out[i]);
    }
    return st;
}

static ms_status apply_split(ms_tracer *tr, ms_inst *in)
{
    int l = in->nin >= 3 ? state_rv(tr, &in->in[0], MS_RV_LOOP) : -1, out[8];
    int64_t f[8];
    if (l < 0 || in->nin - 1 > 8)
        return bad(tr, "split: want a loop and 2 to 8 factors");
    for (int i = 1; i < in->nin; i++)
        if (!int_value(tr, &in->in[i], &f[i - 1]))
            return bad(tr, "split: a factor is not an integer");
    ms_status st = ms_sched_split(tr->s, l, in->nin - 1, f, out);
    if (st == MS_OK) {
        in->nout = in->nin - 1;
        for (int i = 0; i < in->nout; i++)
            in->out[i] = inst_bind(tr, MS_RV_LOOP, out[i]);
    }
    return st;
}

static bool loops_of(ms_tracer *tr, const ms_inst *in, int from, int *loops)
{
    for (int i = from; i < in->nin; i++)
        if ((loops[i - from] = state_rv(tr, &in->in[i], MS_RV_LOOP)) < 0)
            return false;
    return true;
}

static ms_status apply_fuse(ms_tracer *tr, ms_inst *in)
{
    int loops[MS_INST_MAX_IN], out;
    if (!loops_of(tr, in, 0, loops))
        return bad(tr, "fuse: want loops");
    ms_status st = ms_sched_fuse(tr->s, in->nin, loops, &out);
    if (st == MS_OK) {
        in->nout = 1;
        in->out[0] = inst_bind(tr, MS_RV_LOOP, out);
    }
    return st;
}

static ms_status apply_reorder(ms_tracer *tr, ms_inst *in)
{
    int loops[MS_INST_MAX_IN];
    if (!loops_of(tr, in, 0, loops))
        return bad(tr, "reorder: want loops");
    in->nout = 0;
    return ms_sched_reorder(tr->s, in->nin, loops);
}

typedef ms_status (*loop_prim)(ms_sched *, int);

static ms_status apply_on_loop(ms_tracer *tr, ms_inst *in, loop_prim p, const char *what)
{
    int l = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_LOOP) : -1;
    if (l < 0)
        return bad(tr, what);
    in->nout = 0;
    return p(tr->s, l);
}

static ms_status apply_parallel(ms_tracer *tr, ms_inst *in)
{
    return apply_on_loop(tr, in, ms_sched_parallel, "parallel: want one loop");
}
static ms_status apply_vectorize(ms_tracer *tr, ms_inst *in)
{
    return apply_on_loop(tr, in, ms_sched_vectorize, "vectorize: want one loop");
}
static ms_status apply_unroll(ms_tracer *tr, ms_inst *in)
{
    return apply_on_loop(tr, in, ms_sched_unroll, "unroll: want one loop");
}

static ms_status apply_tensorize(ms_tracer *tr, ms_inst *in)
{
    int l = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_LOOP) : -1;
    if (l < 0 || !in->str[0])
        return bad(tr, "tensorize: want a loop and an intrinsic");
    in->nout = 0;
    return ms_sched_tensorize(tr->s, l, in->str);
}

static ms_status apply_annotate(ms_tracer *tr, ms_inst *in)
{
    int l = in->nin == 2 ? state_rv(tr, &in->in[0], MS_RV_LOOP) : -1;
    int64_t v;
    if (l < 0 || !in->str[0] || !int_value(tr, &in->in[1], &v))
        return bad(tr, "annotate: want a loop, a key and an integer");
    in->nout = 0;
    return ms_sched_annotate(tr->s, l, in->str, v);
}

static ms_status apply_compute_inline(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    if (b < 0)
        return bad(tr, "compute_inline: want one block");
    in->nout = 0;
    return ms_sched_compute_inline(tr->s, b);
}

typedef ms_status (*block_loop_prim)(ms_sched *, int, int, int *);

/* (block, loop) -> a new block */
static ms_status apply_block_loop(ms_tracer *tr, ms_inst *in, block_loop_prim p, const char *what)
{
    int b = in->nin == 2 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    int l = in->nin == 2 ? state_rv(tr, &in->in[1], MS_RV_LOOP) : -1, out;
    if (b < 0 || l < 0)
        return bad(tr, what);
    ms_status st = p(tr->s, b, l, &out);
    if (st == MS_OK) {
        in->nout = 1;
        in->out[0] = inst_bind(tr, MS_RV_BLOCK, out);
    }
    return st;
}

static ms_status apply_decompose_reduction(ms_tracer *tr, ms_inst *in)
{
    return apply_block_loop(tr, in, ms_sched_decompose_reduction,
                            "decompose_reduction: want a block and a loop");
}

static ms_status apply_rfactor(ms_tracer *tr, ms_inst *in)
{
    return apply_block_loop(tr, in, ms_sched_rfactor, "rfactor: want a block and a loop");
}

static ms_status apply_cache_read(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 2 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    int l = in->nin == 2 ? state_rv(tr, &in->in[1], MS_RV_LOOP) : -1, out;
    if (b < 0 || l < 0 || !in->str[0])
        return bad(tr, "cache_read: want a block, a loop and an array");
    ms_status st = ms_sched_cache_read(tr->s, b, l, in->str, &out);
    if (st == MS_OK) {
        in->nout = 1;
        in->out[0] = inst_bind(tr, MS_RV_BLOCK, out);
    }
    return st;
}

typedef ms_status (*move_prim)(ms_sched *, int, int);

static ms_status apply_move(ms_tracer *tr, ms_inst *in, move_prim p, const char *what)
{
    int b = in->nin == 2 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    int l = in->nin == 2 ? state_rv(tr, &in->in[1], MS_RV_LOOP) : -1;
    if (b < 0 || l < 0)
        return bad(tr, what);
    in->nout = 0;
    return p(tr->s, b, l);
}

static ms_status apply_compute_at(ms_tracer *tr, ms_inst *in)
{
    return apply_move(tr, in, ms_sched_compute_at, "compute_at: want a block and a loop");
}

static ms_status apply_reverse_compute_at(ms_tracer *tr, ms_inst *in)
{
    return apply_move(tr, in, ms_sched_reverse_compute_at,
                      "reverse_compute_at: want a block and a loop");
}

static ms_status apply_sample_compute_location(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1, out;
    if (b < 0)
        return bad(tr, "sample_compute_location: want one block");
    int64_t d = in->ndecision == 1 ? in->decision[0] : 0;
    if (in->ndecision > 1)
        return bad(tr, "sample_compute_location: one decision");
    ms_status st =
        ms_sched_sample_compute_location(tr->s, in->ndecision ? NULL : &tr->rng, b, &d, &out);
    if (st != MS_OK)
        return st;
    in->ndecision = 1;
    in->decision[0] = d;
    in->nout = 1;
    in->out[0] = inst_bind(tr, MS_RV_LOOP, out);
    return MS_OK;
}

static ms_status apply_reverse_compute_inline(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    if (b < 0)
        return bad(tr, "reverse_compute_inline: want one block");
    in->nout = 0;
    return ms_sched_reverse_compute_inline(tr->s, b);
}

static ms_status apply_merge_accumulator(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    if (b < 0)
        return bad(tr, "merge_accumulator: want one block");
    in->nout = 0;
    return ms_sched_merge_accumulator(tr->s, b);
}

static ms_status apply_merge_init(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    if (b < 0)
        return bad(tr, "merge_init: want one block");
    in->nout = 0;
    return ms_sched_merge_init(tr->s, b);
}

/* no operands: a property of the whole kernel, set by the driver when the
 * schedule's general path was slower than the original */
static ms_status apply_original_elsewhere(ms_tracer *tr, ms_inst *in)
{
    if (in->nin != 0)
        return bad(tr, "original_elsewhere: takes no operands");
    if (tr->s->f->nhints == 0)
        return bad(tr, "original_elsewhere: the kernel has no tuning sizes");
    in->nout = 0;
    tr->s->f->original_elsewhere = true;
    return MS_OK;
}

static ms_status apply_cache_write(ms_tracer *tr, ms_inst *in)
{
    int b = in->nin == 2 ? state_rv(tr, &in->in[0], MS_RV_BLOCK) : -1;
    int l = in->nin == 2 ? state_rv(tr, &in->in[1], MS_RV_LOOP) : -1, out;
    if (b < 0 || l < 0)
        return bad(tr, "cache_write: want a block, a loop and a scope");
    ms_status st = ms_sched_cache_write(tr->s, b, l, in->str, &out);
    if (st == MS_OK) {
        in->nout = 1;
        in->out[0] = inst_bind(tr, MS_RV_BLOCK, out);
    }
    return st;
}

/* operands: the factors, one per dimension (attr[0] of them), then the
 * permutation; str: the buffer */
static ms_status apply_transform_layout(ms_tracer *tr, ms_inst *in)
{
    int64_t v[MS_INST_MAX_IN];
    int nf = in->nattr == 1 ? (int)in->attr[0] : -1, out;
    if (nf < 1 || nf > in->nin || !in->str[0])
        return bad(tr, "transform_layout: want a buffer, factors and a permutation");
    for (int i = 0; i < in->nin; i++)
        if (!int_value(tr, &in->in[i], &v[i]))
            return bad(tr, "transform_layout: want integers");
    ms_status st = ms_sched_transform_layout(tr->s, in->str, nf, v, in->nin - nf, v + nf, &out);
    if (st == MS_OK) {
        in->nout = 1;
        in->out[0] = inst_bind(tr, MS_RV_BLOCK, out);
    }
    return st;
}

static ms_status apply_sample_perfect_tile(ms_tracer *tr, ms_inst *in)
{
    int l = in->nin == 1 ? state_rv(tr, &in->in[0], MS_RV_LOOP) : -1;
    if (l < 0 || in->nattr != 2 || in->attr[0] < 1 || in->attr[0] > MS_INST_MAX_OUT)
        return bad(tr, "sample_perfect_tile: want a loop, n and max_innermost");
    int n = (int)in->attr[0];
    int64_t f[MS_INST_MAX_OUT];
    if (in->ndecision) {
        /* a recorded (or mutated) decision must still be a perfect tile */
        int64_t ext, prod = 1;
        ms_stmt *L = tr->s->rvs.data[l].stmt;
        if (in->ndecision != n || !L || !ms_expr_eval_hints(tr->s->f, L->loop.extent, &ext))
            return bad(tr, "sample_perfect_tile: the decision does not fit the loop");
        for (int i = 0; i < n; i++)
            prod *= (f[i] = in->decision[i]);
        if (prod != ext || f[n - 1] > in->attr[1])
            return bad(tr, "sample_perfect_tile: the decision is not a perfect tile");
    } else {
        ms_status st = ms_sched_sample_perfect_tile(tr->s, &tr->rng, l, n, (int)in->attr[1], f);
        if (st != MS_OK)
            return st;
        in->ndecision = n;
        memcpy(in->decision, f, sizeof(int64_t) * (size_t)n);
    }
    in->nout = n;
    for (int i = 0; i < n; i++)
        in->out[i] = inst_bind(tr, MS_RV_INT, ms_sched_new_rv(tr->s, MS_RV_INT, NULL, f[i]));
    return MS_OK;
}

static ms_status apply_sample_categorical(ms_tracer *tr, ms_inst *in)
{
    int64_t choice;
    if (in->nattr < 1 || in->nin != 0)
        return bad(tr, "sample_categorical: want candidates");
    if (in->ndecision) {
        bool known = false;
        for (int i = 0; i < in->nattr; i++)
            known = known || in->attr[i] == in->decision[0];
        if (in->ndecision != 1 || !known)
            return bad(tr, "sample_categorical: the decision is not a candidate");
        choice = in->decision[0];
    } else {
        ms_status st =
            ms_sched_sample_categorical(tr->s, &tr->rng, in->nattr, in->attr, in->weight, &choice);
        if (st != MS_OK)
            return st;
        in->ndecision = 1;
        in->decision[0] = choice;
    }
    in->nout = 1;
    in->out[0] = inst_bind(tr, MS_RV_INT, ms_sched_new_rv(tr->s, MS_RV_INT, NULL, choice));
    return MS_OK;
}

const ms_inst_entry ms_inst_table[MS_INST_COUNT] = {
    [MS_INST_GET_BLOCK] = {apply_get_block, false},
    [MS_INST_GET_LOOPS] = {apply_get_loops, false},
    [MS_INST_GET_CHILD_BLOCKS] = {apply_get_child_blocks, false},
    [MS_INST_SPLIT] = {apply_split, false},
    [MS_INST_FUSE] = {apply_fuse, false},
    [MS_INST_REORDER] = {apply_reorder, false},
    [MS_INST_PARALLEL] = {apply_parallel, false},
    [MS_INST_VECTORIZE] = {apply_vectorize, false},
    [MS_INST_UNROLL] = {apply_unroll, false},
    [MS_INST_ANNOTATE] = {apply_annotate, false},
    [MS_INST_COMPUTE_INLINE] = {apply_compute_inline, false},
    [MS_INST_DECOMPOSE_REDUCTION] = {apply_decompose_reduction, false},
    [MS_INST_CACHE_WRITE] = {apply_cache_write, false},
    [MS_INST_TRANSFORM_LAYOUT] = {apply_transform_layout, false},
    [MS_INST_REVERSE_COMPUTE_INLINE] = {apply_reverse_compute_inline, false},
    [MS_INST_RFACTOR] = {apply_rfactor, false},
    [MS_INST_CACHE_READ] = {apply_cache_read, false},
    [MS_INST_COMPUTE_AT] = {apply_compute_at, false},
    [MS_INST_REVERSE_COMPUTE_AT] = {apply_reverse_compute_at, false},
    [MS_INST_MERGE_ACCUMULATOR] = {apply_merge_accumulator, false},
    [MS_INST_MERGE_INIT] = {apply_merge_init, false},
    [MS_INST_TENSORIZE] = {apply_tensorize, false},
    [MS_INST_ORIGINAL_ELSEWHERE] = {apply_original_elsewhere, false},
    [MS_INST_SAMPLE_PERFECT_TILE] = {apply_sample_perfect_tile, true},
    [MS_INST_SAMPLE_CATEGORICAL] = {apply_sample_categorical, true},
    [MS_INST_SAMPLE_COMPUTE_LOCATION] = {apply_sample_compute_location, true},
};
