/*
 * evolution_test.c - the mutators (each changes one decision and the
 * trace still replays; tile sizes keep their product and the innermost
 * bound) and the evolutionary search on a synthetic measurer whose time
 * is a known function of the scheduled code (SIMD width, a thread team, a
 * register tile): once the cost model has 64 measurements, the candidates
 * it picks run faster than random draws (on average: the single best may
 * still come from a lucky draw); the same seed breeds the same
 * candidates; nothing is measured twice.
 */
#include "testutil.h"

#include "kernels.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const ms_arch arch2 = TUNE_ARCH2;

static const char gemm_src[] = TUNE_GEMM("gemm", "M=128, N=96, K=64");

static const ms_func *parse(ms_source *src, const char *text)
{
    ms_diags d = {0};
    tu_parse_text(text, src, &d);
    ms_diags_free(&d);
    return src->kernels[0].func;
}

/* A sampled candidate's trace from sketch k of f's space. */
static ms_trace *sampled(const ms_func *f, int k, uint64_t seed)
{
    ms_trace **sk;
    int n = ms_space_sketches(f, &arch2, 1, &sk);
    ms_tracer *tr = ms_space_sample(f, sk[k % n], seed);
    for (uint64_t again = 1; tr->status != MS_OK && again < 64; again++) {
        ms_tracer_free(tr); /* a draw the postprocessors refuse */
        tr = ms_space_sample(f, sk[k % n], seed + 1000 * again);
    }
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    ms_trace *t = tr->t;
    tr->t = NULL;
    ms_tracer_free(tr);
    for (int i = 0; i < n; i++)
        ms_trace_free(sk[i]);
    free(sk);
    return t;
}

static int mutator_named(const char *name)
{
    for (int i = 0; i < ms_mutator_count(); i++)
        if (!strcmp(ms_mutator_name(i), name))
            return i;
    cr_assert_fail("no mutator %s", name);
    return -1;
}

/* The instructions whose decisions differ between a and b. */
static int changed(const ms_trace *a, const ms_trace *b, int *which)
{
    cr_assert_eq(a->insts.len, b->insts.len);
    int n = 0;
    for (int i = 0; i < a->insts.len; i++) {
        const ms_inst *x = &a->insts.data[i], *y = &b->insts.data[i];
        if (x->ndecision != y->ndecision ||
            memcmp(x->decision, y->decision, sizeof(int64_t) * (size_t)x->ndecision)) {
            *which = i;
            n++;
        }
    }
    return n;
}

Test(evolution, tile_size_mutator_keeps_the_product)
{
    ms_source src;
    const ms_func *f = parse(&src, gemm_src);
    ms_rng rng;
    ms_rng_seed(&rng, 4);
    int tile = mutator_named("tile_size"), done = 0, replayed = 0;
    for (int c = 0; c < 40; c++) {
        ms_trace *t = sampled(f, c, 100 + (uint64_t)c);
        ms_trace *m = ms_mutate_with(tile, t, f, &rng);
        if (m) {
            int at = -1;
            cr_expect_eq(changed(t, m, &at), 1);
            const ms_inst *a = &t->insts.data[at], *b = &m->insts.data[at];
            cr_expect_eq(b->kind, MS_INST_SAMPLE_PERFECT_TILE);
            int64_t pa = 1, pb = 1;
            for (int i = 0; i < a->ndecision; i++)
                pa *= a->decision[i], pb *= b->decision[i];
            cr_expect_eq(pa, pb, "the tiles no longer cover the loop");
            cr_expect_leq(b->decision[b->ndecision - 1], b->attr[1]);
            /* replay checks the rest (a register tile grown too big: refused) */
            ms_tracer *tr = ms_trace_replay(m, f, false, 0);
            replayed += tr->status == MS_OK;
            ms_tracer_free(tr);
            done++;
        }
        ms_trace_free(t);
        ms_trace_free(m);
    }
    cr_expect_gt(done, 30, "only %d traces mutated", done);
    cr_expect_gt(replayed, done / 2, "%d of %d mutated traces replay", replayed, done);
    ms_source_free(&src);
}

Test(evolution, unroll_and_compute_location_mutators)
{
    ms_source src;
    const ms_func *f = parse(&src, gemm_src);
    ms_rng rng;
    ms_rng_seed(&rng, 5);
    ms_trace *t = sampled(f, 0, 7);
    ms_trace *m = ms_mutate_with(mutator_named("unroll"), t, f, &rng);
    cr_assert_not_null(m);
    int at = -1;
    cr_expect_eq(changed(t, m, &at), 1);
    cr_expect_eq(m->insts.data[at].kind, MS_INST_SAMPLE_CATEGORICAL);
    bool listed = false;
    for (int i = 0; i < m->insts.data[at].nattr; i++)
        listed = listed || m->insts.data[at].attr[i] == m->insts.data[at].decision[0];
    cr_expect(listed, "the step is not one of the candidates");
    /* gemm has no producer to move */
    cr_expect_null(ms_mutate_with(mutator_named("compute_location"), t, f, &rng));
    ms_trace_free(m);
    ms_trace_free(t);
    ms_source_free(&src);

    /* a reduction producer read by a consumer: its location moves */
    const ms_func *g = parse(&src, "#pragma mscc kernel sizes(N=64, M=32)\n"
                                   "void k(int N, int M, const float X[restrict N][M],\n"
                                   "       float Y[restrict N]) {\n"
                                   "    float S[N];\n"
                                   "    for (int i = 0; i < N; i++) {\n"
                                   "        S[i] = 0.0f;\n"
                                   "        for (int j = 0; j < M; j++)\n"
                                   "            S[i] += X[i][j];\n"
                                   "    }\n"
                                   "    for (int i = 0; i < N; i++)\n"
                                   "        Y[i] = S[i] * 2.0f;\n"
                                   "}\n");
    int moved = 0;
    for (int c = 0; c < 8; c++) {
        ms_trace *u = sampled(g, c, 9 + (uint64_t)c);
        ms_trace *v = ms_mutate_with(mutator_named("compute_location"), u, g, &rng);
        if (v) {
            cr_expect_eq(changed(u, v, &at), 1);
            cr_expect_eq(v->insts.data[at].kind, MS_INST_SAMPLE_COMPUTE_LOCATION);
            moved++;
        }
        ms_trace_free(u);
        ms_trace_free(v);
    }
    cr_expect_gt(moved, 0);
    ms_source_free(&src);
}

/* How many loops the parallel loops of t fuse, in all (1 each: none
 * fused). */
static int parallel_depth(const ms_trace *t)
{
    int depth = 0;
    for (int i = 0; i < t->insts.len; i++) {
        if (t->insts.data[i].kind != MS_INST_PARALLEL)
            continue;
        int x = t->insts.data[i].in[0].rv;
        for (int j = 0; j < i; j++)
            for (int o = 0; o < t->insts.data[j].nout; o++)
                if (t->insts.data[j].out[o] == x)
                    depth += t->insts.data[j].kind == MS_INST_FUSE ? t->insts.data[j].nin : 1;
    }
    return depth;
}

Test(evolution, parallel_mutator_fuses_one_loop_more_or_fewer, .timeout = 300)
{
    ms_source src;
    const ms_func *f = parse(&src, gemm_src);
    ms_rng rng;
    ms_rng_seed(&rng, 6);
    int par = mutator_named("parallel"), grown = 0, shrunk = 0, nb = 0;
    char *orig = ms_kernel_body_text(&src, &src.kernels[0]), *bodies[12];
    for (int c = 0; c < 60; c++) {
        ms_trace *t = sampled(f, c, 300 + (uint64_t)c);
        int before = parallel_depth(t);
        ms_trace *m = ms_mutate_with(par, t, f, &rng);
        cr_expect(before > 0 || m == NULL, "a trace without a parallel loop mutated");
        if (m) {
            int after = parallel_depth(m);
            cr_expect(after == before + 1 || after == before - 1, "depth %d became %d", before,
                      after);
            ms_tracer *tr = ms_tracer_postproc(ms_trace_replay(m, f, false, 0));
            const char *why = NULL;
            if (tr->status == MS_OK) {
                grown += after > before;
                shrunk += after < before;
                if (nb < 12 && (bodies[nb] = ms_emit_body(tr->s->f, f, orig, NULL, &why)))
                    nb++;
            }
            ms_tracer_free(tr);
        }
        ms_trace_free(t);
        ms_trace_free(m);
    }
    cr_log_info("parallel mutator: %d grown, %d shrunk, %d checked", grown, shrunk, nb);
    cr_expect_gt(grown, 0);
    cr_expect_gt(shrunk, 0);
    /* what replays computes what the original does */
    bool ok[12];
    char *rep[12];
    tu_check_bodies(&src, &src.kernels[0], bodies, nb,
                    "-std=c11 -O1 -march=native -fopenmp -Wall -Wextra -Werror "
                    "-Wno-unknown-pragmas",
                    2, 8, ok, rep);
    for (int b = 0; b < nb; b++) {
        cr_expect(ok[b], "%s\n%s", rep[b], bodies[b]);
        free(rep[b]);
        free(bodies[b]);
    }
    cr_expect_gt(nb, 4);
    free(orig);
    ms_source_free(&src);
}

/* ---- the search on a synthetic measurer ---- */

typedef struct synth {
    MS_VEC(uint64_t) seen;
    MS_VEC(double) times; /* in measuring order */
    int dup_measured;
} synth;

typedef struct shape {
    double lanes;
    bool parallel, cache;
} shape;

static bool look(void *ctx, ms_stmt *s)
{
    shape *sh = ctx;
    if (s->kind == MS_STMT_FOR && s->loop.kind == MS_LOOP_VECTORIZED) {
        int64_t e = 1;
        ms_expr_const_int(s->loop.extent, &e);
        sh->lanes *= (double)e;
    }
    sh->parallel = sh->parallel || (s->kind == MS_STMT_FOR && s->loop.kind == MS_LOOP_PARALLEL);
    sh->cache = sh->cache || (s->kind == MS_STMT_ALLOC && s->alloc.buf->is_cache);
    return true;
}

/* Fastest with 16 SIMD lanes, a thread team and a register tile. */
static double synthetic_seconds(ms_func *f)
{
    shape sh = {1, false, false};
    ms_stmt_visit(f->body, look, &sh);
    return 1e-3 * (1 + fabs(log2(sh.lanes) - 4)) * (sh.parallel ? 0.55 : 1) * (sh.cache ? 0.7 : 1);
}

static bool synth_original(void *ctx, double *s, double *spread, char *why, size_t n)
{
    (void)ctx, (void)why, (void)n;
    *s = 0.01;
    *spread = 0.01;
    return true;
}

static void synth_build(void *ctx, int n, ms_func *const *cands, ms_meas_result *res)
{
    synth *y = ctx;
    for (int i = 0; i < n; i++) {
        uint64_t h = ms_func_hash(cands[i]);
        for (int k = 0; k < y->seen.len; k++)
            y->dup_measured += y->seen.data[k] == h;
        MS_VEC_PUSH(y->seen, h);
        res[i].seconds = synthetic_seconds(cands[i]);
        MS_VEC_PUSH(y->times, res[i].seconds);
    }
}

static void synth_run(void *ctx, int n, ms_meas_result *res)
{
    (void)ctx, (void)n, (void)res;
}

static void search(const ms_func *f, ms_search_strategy how, uint64_t seed, synth *y,
                   ms_search_result *r)
{
    *y = (synth){0};
    ms_measurer m = {y, synth_original, synth_build, synth_run, NULL};
    ms_search_opts o = {.strategy = how, .trials = 192, .batch = 64, .seed = seed, .arch = &arch2};
    ms_search_replay(f, &o, &m, r);
}

static double mean(const synth *y, int from, int to)
{
    double s = 0;
    for (int i = from; i < to; i++)
        s += y->times.data[i];
    return s / (to - from);
}

Test(evolution, the_model_picks_faster_candidates_than_random_draws, .timeout = 300,
     TU_PLAIN_BUILD_ONLY)
{
    ms_source src;
    const ms_func *f = parse(&src, gemm_src);
    for (uint64_t seed = 1; seed <= 2; seed++) {
        synth rep, evo;
        ms_search_result rr, re;
        search(f, MS_SEARCH_REPLAY, seed, &rep, &rr);
        search(f, MS_SEARCH_EVOLUTIONARY, seed, &evo, &re);
        cr_assert_eq(rep.times.len, 192);
        cr_assert_eq(evo.times.len, 192);
        /* the first batch is the same random one; then the model guides */
        cr_expect(!memcmp(rep.seen.data, evo.seen.data, sizeof(uint64_t) * 64));
        double r2 = mean(&rep, 64, 192), e2 = mean(&evo, 64, 192);
        cr_log_info("seed %d: mean synthetic time after 64 trials: replay %.3g, evolutionary %.3g; "
                    "best %.3g vs %.3g",
                    (int)seed, r2, e2, rr.best_time, re.best_time);
        cr_expect_lt(e2, 0.8 * r2, "seed %d: evolutionary %.3g, replay %.3g", (int)seed, e2, r2);
        cr_expect_eq(evo.dup_measured, 0);
        ms_search_result_free(&rr);
        ms_search_result_free(&re);
        free(rep.seen.data), free(rep.times.data), free(evo.times.data);
        /* the same seed and the same measurements: the same candidates */
        synth again;
        ms_search_result ra;
        search(f, MS_SEARCH_EVOLUTIONARY, seed, &again, &ra);
        cr_expect(!memcmp(again.seen.data, evo.seen.data, sizeof(uint64_t) * 192));
        ms_search_result_free(&ra);
        free(again.seen.data), free(again.times.data), free(evo.seen.data);
    }
    ms_source_free(&src);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The synthetic time of a trace replayed on f. */
static double trace_seconds(const ms_func *f, const ms_trace *t)
{
    ms_tracer *tr = ms_tracer_postproc(ms_trace_replay(t, f, false, 0));
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    double s = synthetic_seconds(tr->s->f);
    ms_tracer_free(tr);
    return s;
}

Test(evolution, predict_ranks_a_kernel_the_model_never_saw, .timeout = 300)
{
    ms_source src, other;
    const ms_func *f = parse(&src, gemm_src);
    const ms_func *g = parse(&other, TUNE_GEMM("mm", "M=96, N=80, K=48"));
    /* a model of 400 random draws of f's space, timed synthetically */
    enum { TRAIN = 400 };
    int nf = ms_feature_count(), nt = 0;
    float *feat = ms_xcalloc((size_t)TRAIN * (size_t)nf, sizeof(float)), scores[TRAIN];
    double secs[TRAIN], fastest = 1e9;
    ms_trace **fsk;
    int nfs = ms_space_sketches(f, &arch2, 1, &fsk);
    for (int c = 0; c < 4 * TRAIN && nt < TRAIN; c++) {
        ms_tracer *tr = ms_space_sample(f, fsk[c % nfs], 900 + (uint64_t)c);
        if (tr->status == MS_OK) {
            ms_features_of(tr->s->f, &arch2, feat + (size_t)nt * (size_t)nf);
            secs[nt] = synthetic_seconds(tr->s->f);
            fastest = secs[nt] < fastest ? secs[nt] : fastest;
            nt++;
        }
        ms_tracer_free(tr);
    }
    for (int i = 0; i < nfs; i++)
        ms_trace_free(fsk[i]);
    free(fsk);
    for (int i = 0; i < nt; i++)
        scores[i] = (float)(fastest / secs[i]);
    ms_cost_model *model = ms_cost_model_new(1);
    char why[256];
    cr_assert(ms_cost_model_train(model, nt, feat, scores, why, sizeof why), "%s", why);
    free(feat);
    ms_trace *pick[4];
    int n = ms_search_predict(g, &arch2, model, 7, 4, pick);
    cr_assert_eq(n, 4);
    /* (the same model and seed give the same file: tune_test.c) */
    /* the pick beats three quarters of the random draws of the other
     * kernel's space */
    ms_trace **sk;
    int ns = ms_space_sketches(g, &arch2, 1, &sk);
    double draws[64];
    int nd = 0;
    for (int c = 0; c < 200 && nd < 64; c++) {
        ms_tracer *tr = ms_space_sample(g, sk[c % ns], 500 + (uint64_t)c);
        if (tr->status == MS_OK)
            draws[nd++] = synthetic_seconds(tr->s->f);
        ms_tracer_free(tr);
    }
    qsort(draws, (size_t)nd, sizeof(double), by_value);
    /* over two seeds of the sample, on average (each breeds 2560
     * candidates: slow under ASan) */
    ms_trace *p8[1];
    cr_assert_eq(ms_search_predict(g, &arch2, model, 8, 1, p8), 1);
    double picked = (trace_seconds(g, pick[0]) + trace_seconds(g, p8[0])) / 2;
    ms_trace_free(p8[0]);
    cr_log_info("predicted %.3g on average; random draws: best %.3g, quartile %.3g, median %.3g",
                picked, draws[0], draws[nd / 4], draws[nd / 2]);
    cr_expect_leq(picked, draws[nd / 4], "predicted %.3g, a quarter of the draws %.3g", picked,
                  draws[nd / 4]);
    for (int i = 0; i < n; i++)
        ms_trace_free(pick[i]);
    for (int i = 0; i < ns; i++)
        ms_trace_free(sk[i]);
    free(sk);
    /* no model: nothing */
    cr_expect_eq(ms_search_predict(g, &arch2, NULL, 7, 4, pick), 0);
    ms_cost_model_free(model);
    ms_source_free(&src);
    ms_source_free(&other);
}
