/*
 * search_test.c - the replay search with a fake measurer whose time is a
 * known function of the schedule (its structural hash) and which fails
 * some candidates on purpose: the same seed gives the same candidates and
 * the same best, the fastest few are kept in order, no schedule is measured twice, failures are
 * counted by cause and the search goes on, the trial budget is kept, and seeds are measured first.
 */
#include "testutil.h"

#include "kernels.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const ms_arch arch2 = TUNE_ARCH2;

typedef struct fake {
    MS_VEC(uint64_t) seen; /* hashes in measuring order */
    int dup_measured;
    bool fail_some;
} fake;

static bool fake_original(void *ctx, double *s, double *spread, char *why, size_t n)
{
    (void)ctx;
    (void)why;
    (void)n;
    *s = 1.0;
    *spread = 0.01;
    return true;
}

static void fake_build(void *ctx, int n, ms_func *const *cands, ms_meas_result *res)
{
    fake *f = ctx;
    for (int i = 0; i < n; i++) {
        uint64_t h = ms_func_hash(cands[i]);
        for (int k = 0; k < f->seen.len; k++)
            f->dup_measured += f->seen.data[k] == h;
        MS_VEC_PUSH(f->seen, h);
        /* a known function of the schedule: its time comes from its hash */
        res[i].seconds = 0.1 + (double)(h % 1000) / 1000.0;
        if (f->fail_some && h % 5 == 0)
            res[i].status = MS_MEAS_BUILD;
    }
}

static void fake_run(void *ctx, int n, ms_meas_result *res)
{
    fake *f = ctx;
    for (int i = 0; i < n; i++)
        if (f->fail_some && res[i].status == MS_MEAS_OK &&
            ((uint64_t)(res[i].seconds * 1e6)) % 7 == 0)
            res[i].status = MS_MEAS_CRASH;
}

static const char gemm_src[] = TUNE_GEMM("gemm", "M=64, N=64, K=64");

static const ms_func *parse_gemm(ms_source *src)
{
    ms_diags d = {0};
    tu_parse_text(gemm_src, src, &d);
    ms_diags_free(&d);
    return src->kernels[0].func;
}

static void run(const ms_func *f, uint64_t seed, int trials, bool fail, fake *fk,
                ms_search_result *r)
{
    *fk = (fake){.fail_some = fail};
    ms_measurer m = {fk, fake_original, fake_build, fake_run, NULL};
    ms_search_opts o = {.trials = trials, .batch = 8, .seed = seed, .arch = &arch2};
    ms_search_replay(f, &o, &m, r);
}

Test(search, same_seed_same_candidates_and_best)
{
    ms_source src;
    const ms_func *f = parse_gemm(&src);
    fake a, b, c;
    ms_search_result ra, rb, rc;
    run(f, 5, 40, false, &a, &ra);
    run(f, 5, 40, false, &b, &rb);
    run(f, 6, 40, false, &c, &rc);
    cr_expect_eq(ra.measured, 40);
    cr_expect_eq(a.seen.len, b.seen.len);
    cr_expect(!memcmp(a.seen.data, b.seen.data, sizeof(uint64_t) * (size_t)a.seen.len),
              "the same seed drew other candidates");
    cr_expect(c.seen.len != a.seen.len ||
                  memcmp(a.seen.data, c.seen.data, sizeof(uint64_t) * (size_t)a.seen.len),
              "another seed drew the same candidates");
    cr_expect_eq(a.dup_measured, 0, "a schedule was measured twice");
    char *ja = ms_trace_to_json(ra.best), *jb = ms_trace_to_json(rb.best);
    cr_expect_str_eq(ja, jb);
    /* the best is the fastest of what was measured */
    double fastest = 1e9;
    for (int i = 0; i < a.seen.len; i++) {
        double t = 0.1 + (double)(a.seen.data[i] % 1000) / 1000.0;
        fastest = t < fastest ? t : fastest;
    }
    cr_expect_float_eq(ra.best_time, fastest, 1e-12);
    /* the fastest few are kept, fastest first, each a distinct schedule */
    double sorted[64];
    int ns = 0;
    for (int i = 0; i < a.seen.len && ns < 64; i++)
        sorted[ns++] = 0.1 + (double)(a.seen.data[i] % 1000) / 1000.0;
    for (int i = 1; i < ns; i++)
        for (int j = i; j > 0 && sorted[j] < sorted[j - 1]; j--) {
            double x = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = x;
        }
    cr_assert_eq(ra.nkept, MS_SEARCH_KEEP);
    cr_expect_eq(ra.best, ra.kept[0]);
    for (int i = 0; i < ra.nkept; i++)
        cr_expect_float_eq(ra.kept_time[i], sorted[i], 1e-12, "kept %d", i);
    free(ja);
    free(jb);
    ms_search_result_free(&ra);
    ms_search_result_free(&rb);
    ms_search_result_free(&rc);
    free(a.seen.data);
    free(b.seen.data);
    free(c.seen.data);
    ms_source_free(&src);
}

Test(search, failures_are_counted_and_the_search_goes_on)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(gemm_src, &src, &d);
    ms_diags_free(&d);
    fake a;
    ms_search_result r;
    run(src.kernels[0].func, 9, 48, true, &a, &r);
    cr_expect_eq(r.measured, 48);
    cr_expect_gt(r.failed[MS_MEAS_BUILD] + r.failed[MS_MEAS_CRASH], 0);
    cr_expect_eq(r.failed[MS_MEAS_OK], 0);
    cr_expect_not_null(r.best, "no best although most candidates ran");
    ms_search_result_free(&r);
    free(a.seen.data);
    ms_source_free(&src);
}

Test(search, a_small_space_runs_dry_without_duplicates)
{
    /* a copy loop: few distinct schedules */
    static const char text[] = "#pragma mscc kernel sizes(N=16)\n"
                               "void cp(int N, const float X[restrict N], float Y[restrict N]) {\n"
                               "    for (int i = 0; i < N; i++)\n"
                               "        Y[i] = X[i];\n"
                               "}\n";
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(text, &src, &d);
    ms_diags_free(&d);
    fake a;
    ms_search_result r;
    run(src.kernels[0].func, 1, 500, false, &a, &r);
    cr_expect_lt(r.measured, 500);
    cr_expect_gt(r.measured, 0);
    cr_expect_eq(a.dup_measured, 0);
    cr_expect_gt(r.duplicates, 0);
    ms_search_result_free(&r);
    free(a.seen.data);
    ms_source_free(&src);
}

Test(search, seeds_are_measured_first)
{
    ms_source src;
    const ms_func *f = parse_gemm(&src);
    fake a;
    ms_search_result r;
    run(f, 3, 24, false, &a, &r);
    /* the best of one search seeds another: measured in its first batch */
    ms_tracer *best = ms_trace_replay(r.best, f, false, 0);
    cr_assert_eq(ms_postproc(best->s), MS_OK);
    uint64_t h = ms_func_hash(best->s->f);
    fake b = {0};
    ms_measurer m = {&b, fake_original, fake_build, fake_run, NULL};
    const ms_trace *seeds[1] = {r.best};
    ms_search_opts o = {
        .trials = 8, .batch = 8, .seed = 99, .arch = &arch2, .seeds = seeds, .nseeds = 1};
    ms_search_result r2;
    ms_search_replay(f, &o, &m, &r2);
    bool first_batch = false;
    for (int i = 0; i < 8 && i < b.seen.len; i++)
        first_batch = first_batch || b.seen.data[i] == h;
    cr_expect(first_batch, "the seed was not measured in the first batch");
    ms_tracer_free(best);
    ms_search_result_free(&r);
    ms_search_result_free(&r2);
    free(a.seen.data);
    free(b.seen.data);
    ms_source_free(&src);
}

/* The fake, and a second timing of the kept ones with its own verdicts:
 * the second kept is now the fastest, the third fails (it passed by
 * chance). */
typedef struct refake {
    fake f; /* first: the fake's callbacks take the same context */
    int calls;
} refake;

static void retime_reversed(void *ctx, int n, ms_func *const *cands, ms_meas_result *res)
{
    (void)cands;
    ((refake *)ctx)->calls++;
    for (int i = 0; i < n; i++) {
        res[i].seconds = i == 1 ? 0.01 : 0.5 + 0.1 * i;
        if (i == 2)
            res[i].status = MS_MEAS_WRONG;
    }
}

Test(search, the_kept_are_timed_again_and_ordered_by_it)
{
    ms_source src;
    const ms_func *f = parse_gemm(&src);
    fake a;
    refake b = {0};
    ms_search_result before, after;
    run(f, 5, 40, false, &a, &before);
    ms_measurer m = {&b, fake_original, fake_build, fake_run, retime_reversed};
    ms_search_opts o = {.trials = 40, .batch = 8, .seed = 5, .arch = &arch2};
    ms_search_replay(f, &o, &m, &after);
    cr_expect_eq(b.calls, 1);
    cr_expect_eq(b.f.seen.len, a.seen.len, "the second timing is not a trial");
    cr_assert_eq(before.nkept, MS_SEARCH_KEEP);
    cr_assert_eq(after.nkept, MS_SEARCH_KEEP - 1, "the failing one stays");
    cr_expect_eq(after.failed[MS_MEAS_WRONG], 1);
    cr_expect_eq(after.measured, 40);
    char *want[3] = {ms_trace_to_json(before.kept[1]), ms_trace_to_json(before.kept[0]),
                     ms_trace_to_json(before.kept[3])};
    /* each with the time the search measured */
    double want_s[3] = {before.kept_time[1], before.kept_time[0], before.kept_time[3]};
    for (int i = 0; i < 3; i++) {
        char *got = ms_trace_to_json(after.kept[i]);
        cr_expect_str_eq(got, want[i], "kept %d", i);
        cr_expect_float_eq(after.kept_time[i], want_s[i], 1e-12, "kept %d", i);
        free(got);
        free(want[i]);
    }
    cr_expect_eq(after.best, after.kept[0]);
    cr_expect_float_eq(after.best_time, before.kept_time[1], 1e-12);
    ms_search_result_free(&before);
    ms_search_result_free(&after);
    free(a.seen.data);
    free(b.f.seen.data);
    ms_source_free(&src);
}

/* A scripted kernel for the task scheduler: its original takes `scale`
 * seconds; each candidate measured is faster than the last while
 * `improving`, else they all take half the original's time. */
typedef struct scripted {
    double scale;
    bool improving;
    int measured;
} scripted;

static bool scripted_original(void *ctx, double *s, double *spread, char *why, size_t n)
{
    (void)why;
    (void)n;
    *s = ((scripted *)ctx)->scale;
    *spread = 0.01;
    return true;
}

static void scripted_build(void *ctx, int n, ms_func *const *cands, ms_meas_result *res)
{
    scripted *s = ctx;
    (void)cands;
    for (int i = 0; i < n; i++, s->measured++)
        res[i].seconds = s->scale * (s->improving ? 1.0 / (2 + s->measured) : 0.5);
}

static void scripted_run(void *ctx, int n, ms_meas_result *res)
{
    (void)ctx;
    (void)n;
    (void)res;
}

/* Two gemm searches on one budget, kernel a of weight wa and original time
 * ta, b of 1 and 1; returns how many each measured. */
static void share(double ta, double wa, bool a_improves, int budget, int *na, int *nb)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(gemm_src, &src, &d);
    ms_diags_free(&d);
    scripted a = {ta, a_improves, 0}, b = {1.0, false, 0};
    ms_measurer ma = {&a, scripted_original, scripted_build, scripted_run, NULL};
    ms_measurer mb = {&b, scripted_original, scripted_build, scripted_run, NULL};
    ms_search_opts o = {.trials = budget, .batch = 8, .seed = 1, .arch = &arch2};
    ms_search *s[2] = {ms_search_start(src.kernels[0].func, &o, &ma),
                       ms_search_start(src.kernels[0].func, &o, &mb)};
    double weight[2] = {wa, 1};
    ms_search_share(2, s, weight, budget, 0);
    for (int i = 0; i < 2; i++) {
        ms_search_result r;
        ms_search_end(s[i], &r);
        ms_search_result_free(&r);
    }
    *na = a.measured;
    *nb = b.measured;
    ms_source_free(&src);
}

Test(search, the_gradient_rule)
{
    double flat[5] = {1, 0.5, 0.5, 0.5, 0.5}, falling[5] = {1, 0.8, 0.7, 0.6, 0.5};
    /* the optimistic part: the best time over the batches so far */
    cr_expect_float_eq(ms_task_gradient(flat, 1, 1), 0.8 * 0.5, 1e-12);
    cr_expect_float_eq(ms_task_gradient(flat, 4, 1), 0.8 * 0.5 / 4, 1e-12);
    /* the recent slope counts once there are three batches to take it over */
    cr_expect_float_eq(ms_task_gradient(falling, 4, 1), 0.2 * 0.1 + 0.8 * 0.5 / 4, 1e-12);
    cr_expect_gt(ms_task_gradient(falling, 4, 1), ms_task_gradient(flat, 4, 1));
    /* the weight scales it */
    cr_expect_float_eq(ms_task_gradient(falling, 4, 3), 3 * ms_task_gradient(falling, 4, 1), 1e-12);
}

Test(search, the_budget_goes_where_the_time_is)
{
    int na, nb;
    /* equal kernels share the budget batch by batch */
    share(1, 1, false, 160, &na, &nb);
    cr_expect_eq(na, 80);
    cr_expect_eq(nb, 80);
    /* called three times as often: three batches for every one of b's */
    share(1, 3, false, 256, &na, &nb);
    cr_expect_eq(na + nb, 256);
    cr_expect(na >= 3 * nb - 16 && na <= 3 * nb + 16, "weight 3: %d and %d measured", na, nb);
    /* four times as slow: four batches for every one of b's */
    share(4, 1, false, 320, &na, &nb);
    cr_expect(na >= 4 * nb - 16 && na <= 4 * nb + 16, "4x the time: %d and %d measured", na, nb);
    /* a budget cut short still reaches both */
    share(1, 1, true, 16, &na, &nb);
    cr_expect_eq(na, 8);
    cr_expect_eq(nb, 8);
}

Test(search, the_weight_clause_is_read)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text("#pragma mscc kernel weight(2.5) sizes(n=64)\n"
                  "void a(int n, float y[restrict n]) { for (int i = 0; i < n; i++) y[i] = 0; }\n"
                  "#pragma mscc kernel sizes(n=64)\n"
                  "void b(int n, float y[restrict n]) { for (int i = 0; i < n; i++) y[i] = 1; }\n",
                  &src, &d);
    cr_expect_eq(d.items.len, 0);
    cr_assert_eq(src.nkernels, 2);
    cr_expect_float_eq(src.kernels[0].weight, 2.5, 1e-12);
    cr_expect_float_eq(src.kernels[1].weight, 1.0, 1e-12);
    ms_diags_free(&d);
    ms_source_free(&src);
}
