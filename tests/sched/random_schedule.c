/*
 * random_schedule.c - random schedules, their emission and the shrinking
 * of a failing trace (see random_schedule.h).
 */
#include "random_schedule.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

typedef struct names {
    MS_VEC(const char *) v;
} names;

static bool collect_block(void *ctx, ms_stmt *s)
{
    names *out = ctx;
    if (s->kind == MS_STMT_BLOCK)
        MS_VEC_PUSH(out->v, s->block.name);
    return true;
}

/* A random blocked layout of a random array parameter. */
static void random_layout(ms_tracer *tr, ms_rng *r)
{
    const ms_func *f = tr->s->f;
    ms_buffer *cands[16];
    int n = 0;
    for (int i = 0; i < f->nparams && n < 16; i++)
        if (f->params[i].buf && f->params[i].buf->ndim >= 1 && f->params[i].buf->ndim <= 4)
            cands[n++] = f->params[i].buf;
    if (!n)
        return;
    ms_buffer *b = cands[ms_rng_range(r, 0, n)];
    static const int64_t choices[] = {1, 1, 2, 3, 4, 8, 16};
    int64_t factors[4], perm[8];
    int nnew = 0;
    for (int d = 0; d < b->ndim; d++) {
        factors[d] = choices[ms_rng_range(r, 0, 7)];
        nnew += factors[d] == 1 ? 1 : 2;
    }
    for (int i = 0; i < nnew; i++)
        perm[i] = i;
    for (int i = nnew - 1; i > 0; i--) {
        int j = (int)ms_rng_range(r, 0, i + 1);
        int64_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    ms_t_transform_layout(tr, b->name, b->ndim, factors, nnew, perm);
}

/* Which of the three loops l plays i, j and k for block b (k outside C's
 * subscripts, j in its last one), or a random guess when none fits. */
static void guess_roles(ms_tracer *tr, ms_rng *r, int b, const int *l, int *i, int *j, int *k)
{
    ms_stmt *B = tr->s->rvs.data[tr->map.data[b]].stmt;
    ms_stmt *st = ms_block_realize(tr->s->f, B);
    *i = *j = *k = -1;
    for (int m = 0; m < 3 && st->kind == MS_STMT_STORE && st->store.nidx > 0; m++) {
        const ms_var *v = tr->s->rvs.data[tr->map.data[l[m]]].stmt->loop.var;
        bool in_c = false;
        for (int d = 0; d < st->store.nidx; d++)
            in_c = in_c || ms_expr_uses_var(st->store.idx[d], v);
        int *role = !in_c ? k : ms_expr_uses_var(st->store.idx[st->store.nidx - 1], v) ? j : i;
        *role = *role < 0 ? l[m] : -2;
    }
    if (*i >= 0 && *j >= 0 && *k >= 0)
        return;
    bool swap = ms_rng_range(r, 0, 2);
    *i = l[swap];
    *j = l[!swap];
    *k = l[2];
}

/* Three loops of block b tiled to a random intrinsic's shape, the init
 * decomposed, a register tile (mostly), and the inner nest tensorized;
 * any step may be refused, the later ones then mostly are too. */
static void random_tensorize(ms_tracer *tr, ms_rng *r, int b, const int *l)
{
    const ms_intrin *in = ms_intrin_at((int)ms_rng_range(r, 0, ms_intrin_count()));
    int li, lj, lk, i[2], j[2], k[2];
    guess_roles(tr, r, b, l, &li, &lj, &lk);
    ms_t_split(tr, li, 2, (ms_operand[]){{-1, -1}, {-1, in->mr}}, i);
    ms_t_split(tr, lj, 2, (ms_operand[]){{-1, -1}, {-1, in->nr}}, j);
    ms_t_split(tr, lk, 2, (ms_operand[]){{-1, -1}, {-1, ms_rng_range(r, 1, 9)}}, k);
    if (tr->status != MS_OK)
        return;
    ms_t_reorder(tr, 6, (int[]){i[0], j[0], k[0], k[1], i[1], j[1]});
    tr->status = MS_OK;
    /* an init left in the block makes tensorize refuse it */
    ms_t_decompose_reduction(tr, b, i[0]);
    tr->status = MS_OK;
    /* C's rows a tile apart: a register tile, mostly */
    if (ms_rng_range(r, 0, 4))
        ms_t_cache_write(tr, b, j[0], "register");
    tr->status = MS_OK;
    ms_t_tensorize(tr, k[1], in->name);
}

/* Random steps; a refused step leaves the state as it was and is skipped. */
void rs_random_schedule(ms_tracer *tr, ms_rng *r, int steps)
{
    names blocks = {0};
    for (int step = 0; step < steps; step++) {
        /* blocks come and go (caches, inits, packing): look again each step */
        blocks.v.len = 0;
        ms_stmt_visit(tr->s->f->body, collect_block, &blocks);
        if (!blocks.v.len)
            break;
        int b = ms_t_get_block(tr, blocks.v.data[ms_rng_range(r, 0, blocks.v.len)]);
        int l[MS_INST_MAX_OUT];
        int n = b < 0 ? 0 : ms_t_get_loops(tr, b, l);
        if (n == 0) {
            tr->status = MS_OK;
            continue;
        }
        int pick = (int)ms_rng_range(r, 0, n);
        switch (ms_rng_range(r, 0, 21)) {
        case 0:
        case 1: { /* split by sampled perfect tiles, or by literal factors */
            int parts = (int)ms_rng_range(r, 2, 4), f[4], out[4];
            ms_operand ops[4];
            if (ms_rng_range(r, 0, 2)) {
                ms_t_sample_perfect_tile(tr, l[pick], parts, (int)ms_rng_range(r, 1, 17), f);
                for (int i = 0; i < parts; i++)
                    ops[i] = (ms_operand){f[i], 0};
                if (tr->status != MS_OK)
                    break;
            } else {
                for (int i = 0; i < parts; i++)
                    ops[i] = (ms_operand){-1, ms_rng_range(r, 1, 6)};
                ops[ms_rng_range(r, 0, parts)].lit = -1;
            }
            ms_t_split(tr, l[pick], parts, ops, out);
            break;
        }
        case 2:
            if (pick + 1 < n)
                ms_t_fuse(tr, 2, &l[pick]);
            break;
        case 3:
            if (pick + 1 < n) {
                int other = (int)ms_rng_range(r, pick + 1, n);
                int order[2] = {l[other], l[pick]};
                ms_t_reorder(tr, 2, order);
            }
            break;
        case 4:
            ms_t_parallel(tr, l[pick]);
            break;
        case 5:
        case 6:
            ms_t_vectorize(tr, l[pick]);
            break;
        case 7:
            ms_t_unroll(tr, l[pick]);
            break;
        case 8:
            ms_t_compute_inline(tr, b);
            break;
        case 9:
            ms_t_decompose_reduction(tr, b, l[pick]);
            break;
        case 10:
            ms_t_cache_write(tr, b, l[pick], ms_rng_range(r, 0, 2) ? "local" : "register");
            break;
        case 11:
            random_layout(tr, r);
            break;
        case 12: { /* rfactor wants a constant extent: split off a small inner loop first */
            ms_t_rfactor(tr, b, l[pick]);
            if (tr->status == MS_OK)
                break;
            tr->status = MS_OK;
            int parts[2];
            ms_operand f2[2] = {{-1, -1}, {-1, ms_rng_range(r, 2, 9)}};
            ms_t_split(tr, l[pick], 2, f2, parts);
            if (tr->status == MS_OK)
                ms_t_rfactor(tr, b, parts[1]);
            break;
        }
        case 13:
            ms_t_reverse_compute_inline(tr, b);
            break;
        case 14: { /* cache a random array read by the block */
            const ms_func *f = tr->s->f;
            int k = (int)ms_rng_range(r, 0, f->nparams);
            if (f->params[k].buf)
                ms_t_cache_read(tr, b, l[pick], f->params[k].buf->name);
            break;
        }
        case 15: {
            int at = ms_t_sample_compute_location(tr, b);
            if (at >= 0)
                ms_t_compute_at(tr, b, at);
            break;
        }
        case 16: { /* under a loop of another block: the first that takes it */
            int first = (int)ms_rng_range(r, 0, blocks.v.len);
            bool done = false;
            for (int k = 0; k < blocks.v.len && !done; k++) {
                int other = ms_t_get_block(tr, blocks.v.data[(first + k) % blocks.v.len]);
                int ol[MS_INST_MAX_OUT];
                int on = other < 0 ? 0 : ms_t_get_loops(tr, other, ol);
                for (int m = 0; m < on && !done; m++) {
                    tr->status = MS_OK;
                    ms_t_reverse_compute_at(tr, b, ol[(m + pick) % on]);
                    done = tr->status == MS_OK;
                }
                tr->status = MS_OK;
            }
            break;
        }
        case 17: /* a loop of its own nest: mostly refused, which must leave it as it was */
            ms_t_compute_at(tr, b, l[pick]);
            break;
        case 18: /* a scalar accumulator's copy: mostly refused */
            ms_t_merge_accumulator(tr, b);
            break;
        case 19: /* the setting of what b accumulates: mostly refused */
            ms_t_merge_init(tr, b);
            break;
        case 20:
            if (n >= 3)
                random_tensorize(tr, r, b, &l[n - 3]);
            break;
        }
        tr->status = MS_OK; /* refused: nothing was recorded or changed */
    }
    free(blocks.v.data);
}

void rs_expect_text_round_trip(const ms_trace *t)
{
    ms_str a = {0}, b = {0};
    ms_trace_print(t, &a);
    const char *why;
    ms_trace *back = ms_trace_from_text(ms_str_cstr(&a), &why);
    cr_expect(back, "the printed trace does not read back: %s\n%s", why, ms_str_cstr(&a));
    if (back) {
        ms_trace_print(back, &b);
        cr_expect_str_eq(ms_str_cstr(&a), ms_str_cstr(&b));
    }
    ms_trace_free(back);
    ms_str_free(&a);
    ms_str_free(&b);
}

char *rs_emit(const ms_source *src, const ms_kernel *k, const ms_func *scheduled)
{
    char *orig = ms_kernel_body_text(src, k);
    const char *why = NULL;
    char *body = ms_emit_body((ms_func *)scheduled, k->func, orig, "fuzzed schedule", &why);
    cr_assert(body, "emit failed: %s", why);
    free(orig);
    return body;
}

bool rs_still_fails(const ms_source *src, const ms_kernel *k, const ms_trace *t, const char *flags,
                    uint64_t seed)
{
    ms_tracer *tr = ms_trace_replay(t, k->func, false, 0);
    bool fails = false;
    /* a shrunk kernel that mscc cannot emit (an array it can no longer
     * bound) has lost the failure, and must not stop the campaign */
    char *orig = ms_kernel_body_text(src, k);
    const char *why = NULL;
    char *body =
        tr->status == MS_OK ? ms_emit_body(tr->s->f, k->func, orig, "fuzzed schedule", &why) : NULL;
    free(orig);
    if (body) {
        bool ok;
        char *rep;
        tu_check_bodies(src, k, &body, 1, flags, 1, seed, &ok, &rep);
        fails = !ok;
        free(rep);
        free(body);
    }
    ms_tracer_free(tr);
    return fails;
}

ms_trace *rs_shrink(const ms_source *src, const ms_kernel *k, const ms_trace *t, const char *flags,
                    uint64_t seed)
{
    ms_trace *cur = ms_trace_new();
    for (int i = 0; i < t->insts.len; i++)
        MS_VEC_PUSH(cur->insts, t->insts.data[i]);
    for (int i = 0; i < t->rv_kinds.len; i++)
        MS_VEC_PUSH(cur->rv_kinds, t->rv_kinds.data[i]);
    for (int i = cur->insts.len - 1; i >= 0; i--) {
        ms_inst saved = cur->insts.data[i];
        /* an instruction whose results are used later stays */
        bool used = false;
        for (int j = i + 1; j < cur->insts.len && !used; j++)
            for (int a = 0; a < cur->insts.data[j].nin; a++)
                for (int o = 0; o < saved.nout; o++)
                    used = used || cur->insts.data[j].in[a].rv == saved.out[o];
        if (used)
            continue;
        memmove(&cur->insts.data[i], &cur->insts.data[i + 1],
                sizeof(ms_inst) * (size_t)(cur->insts.len - i - 1));
        cur->insts.len--;
        if (rs_still_fails(src, k, cur, flags, seed))
            continue;
        /* needed: put it back */
        MS_VEC_PUSH(cur->insts, saved);
        memmove(&cur->insts.data[i + 1], &cur->insts.data[i],
                sizeof(ms_inst) * (size_t)(cur->insts.len - i - 1));
        cur->insts.data[i] = saved;
    }
    return cur;
}
