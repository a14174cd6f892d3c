/*
 * model_test.c - the XGBoost cost model on a synthetic measurer whose time
 * is a known function of the schedule (the innermost tile's width, SIMD,
 * a thread team, packing, a register tile, the unroll step): trained on
 * candidates sampled from the gemm space, it ranks held-out candidates
 * (pairwise accuracy >= 0.8); random scores before 64 measurements; saved
 * and loaded with the feature layout's version, another layout refused.
 */
#include "testutil.h"

#include "kernels.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ms_arch arch2 = TUNE_ARCH2;

static const char gemm_src[] = TUNE_GEMM("gemm", "M=128, N=96, K=64");

static bool has(const ms_trace *t, ms_inst_kind k)
{
    for (int i = 0; i < t->insts.len; i++)
        if (t->insts.data[i].kind == k)
            return true;
    return false;
}

/* The synthetic time: best with a 16-wide innermost tile of j, faster in
 * parallel, packed, register-tiled, unrolled up to 64 statements. */
static double synthetic_seconds(const ms_trace *t)
{
    int tiles = 0;
    double width = 1, step = 0;
    for (int i = 0; i < t->insts.len; i++) {
        const ms_inst *in = &t->insts.data[i];
        if (in->kind == MS_INST_SAMPLE_PERFECT_TILE && ++tiles == 2) /* j's four tiles */
            width = (double)in->decision[in->ndecision - 1];
        if (in->kind == MS_INST_SAMPLE_CATEGORICAL)
            step = (double)in->decision[0];
    }
    double s = 1 + fabs(log2(width) - 4);
    s *= has(t, MS_INST_PARALLEL) ? 0.55 : 1;
    s *= has(t, MS_INST_TRANSFORM_LAYOUT) ? 0.8 : 1;
    s *= has(t, MS_INST_CACHE_WRITE) ? 0.7 : 1;
    s *= step == 64 ? 0.85 : step == 512 ? 1.1 : 1;
    return 1e-3 * s;
}

/* n candidates of the gemm space: features (row-major) and synthetic times. */
static int sample(int n, uint64_t seed, float *feat, double *secs)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(gemm_src, &src, &d);
    ms_diags_free(&d);
    ms_trace **sk;
    int ns = ms_space_sketches(src.kernels[0].func, &arch2, seed, &sk);
    int got = 0;
    for (int c = 0; got < n && c < 4 * n; c++) {
        ms_tracer *tr = ms_space_sample(src.kernels[0].func, sk[c % ns], seed * 7919 + (uint64_t)c);
        if (tr->status == MS_OK) {
            ms_features_of(tr->s->f, &arch2, feat + (size_t)got * (size_t)ms_feature_count());
            secs[got++] = synthetic_seconds(tr->t);
        }
        ms_tracer_free(tr);
    }
    for (int i = 0; i < ns; i++)
        ms_trace_free(sk[i]);
    free(sk);
    ms_source_free(&src);
    return got;
}

/* Share of pairs with different times that the scores order rightly. */
static double pairwise_accuracy(int n, const double *secs, const float *score)
{
    long right = 0, pairs = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            if (fabs(secs[i] - secs[j]) < 1e-12)
                continue;
            pairs++;
            right += (secs[i] < secs[j]) == (score[i] > score[j]);
        }
    return pairs ? (double)right / (double)pairs : 0;
}

static void normalise(int n, const double *secs, float *scores)
{
    double best = secs[0];
    for (int i = 1; i < n; i++)
        best = secs[i] < best ? secs[i] : best;
    for (int i = 0; i < n; i++)
        scores[i] = (float)(best / secs[i]);
}

enum { TRAIN = 240, HELD = 120 };

Test(model, ranks_held_out_candidates_of_a_synthetic_measurer, .timeout = 120)
{
    int nf = ms_feature_count();
    float *feat = calloc((size_t)(TRAIN + HELD) * (size_t)nf, sizeof(float));
    double secs[TRAIN + HELD];
    float scores[TRAIN + HELD], pred[HELD];
    int n = sample(TRAIN + HELD, 3, feat, secs);
    cr_assert_eq(n, TRAIN + HELD);
    normalise(TRAIN, secs, scores);
    ms_cost_model *m = ms_cost_model_new(1);
    char why[512];
    cr_expect(!ms_cost_model_train(m, MS_COST_MIN_SAMPLES - 1, feat, scores, why, sizeof why));
    cr_expect(!ms_cost_model_trained(m), "trained on %d rows", MS_COST_MIN_SAMPLES - 1);
    /* untrained: random scores, about half the pairs right */
    ms_cost_model_predict(m, HELD, feat + (size_t)TRAIN * (size_t)nf, pred);
    double chance = pairwise_accuracy(HELD, secs + TRAIN, pred);
    cr_expect(chance > 0.3 && chance < 0.7, "untrained accuracy %.3f", chance);
    cr_assert(ms_cost_model_train(m, TRAIN, feat, scores, why, sizeof why), "%s", why);
    cr_expect_eq(ms_cost_model_samples(m), TRAIN);
    ms_cost_model_predict(m, HELD, feat + (size_t)TRAIN * (size_t)nf, pred);
    double acc = pairwise_accuracy(HELD, secs + TRAIN, pred);
    cr_log_info("pairwise ranking accuracy on %d held-out candidates: %.3f (untrained %.3f)", HELD,
                acc, chance);
    cr_expect_geq(acc, 0.8, "pairwise ranking accuracy %.3f", acc);
    /* the same rows, the same model */
    ms_cost_model *again = ms_cost_model_new(2);
    float pred2[HELD];
    cr_assert(ms_cost_model_train(again, TRAIN, feat, scores, why, sizeof why), "%s", why);
    ms_cost_model_predict(again, HELD, feat + (size_t)TRAIN * (size_t)nf, pred2);
    cr_expect(!memcmp(pred, pred2, sizeof pred));
    ms_cost_model_free(again);
    ms_cost_model_free(m);
    free(feat);
}

Test(model, saved_with_its_feature_layout, .timeout = 120)
{
    int nf = ms_feature_count();
    float *feat = calloc((size_t)TRAIN * (size_t)nf, sizeof(float));
    double secs[TRAIN];
    float scores[TRAIN], a[TRAIN], b[TRAIN];
    cr_assert_eq(sample(TRAIN, 5, feat, secs), TRAIN);
    normalise(TRAIN, secs, scores);
    ms_cost_model *m = ms_cost_model_new(1);
    char why[512], path[4200];
    cr_expect(!ms_cost_model_save(m, "/nonexistent/x", why, sizeof why)); /* untrained */
    cr_assert(ms_cost_model_train(m, TRAIN, feat, scores, why, sizeof why), "%s", why);
    char *dir = ms_tempdir_new();
    snprintf(path, sizeof path, "%s/cost_model.json", dir);
    cr_assert(ms_cost_model_save(m, path, why, sizeof why), "%s", why);
    ms_cost_model *l = ms_cost_model_load(path, 1, why, sizeof why);
    cr_assert_not_null(l, "%s", why);
    cr_expect(ms_cost_model_trained(l));
    ms_cost_model_predict(m, TRAIN, feat, a);
    ms_cost_model_predict(l, TRAIN, feat, b);
    cr_expect(!memcmp(a, b, sizeof a), "the loaded model predicts otherwise");
    ms_cost_model_free(l);
    /* a damaged model (one digit changed, as a bad copy might) is refused
     * before XGBoost reads it */
    char *text = ms_read_file(path, NULL);
    cr_assert_not_null(text);
    char *nl = strchr(text, '\n');
    char *digit = strpbrk(nl, "123456789");
    cr_assert_not_null(digit);
    *digit = *digit == '9' ? '1' : (char)(*digit + 1);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    cr_expect_null(ms_cost_model_load(path, 1, why, sizeof why));
    cr_expect(strstr(why, "is damaged"), "%s", why);
    /* another layout's model is refused, not misread */
    f = fopen(path, "w");
    fprintf(f, "mscc-cost-model features-v0 width 7%s", nl);
    fclose(f);
    free(text);
    cr_expect_null(ms_cost_model_load(path, 1, why, sizeof why));
    cr_expect(strstr(why, "another feature layout"), "%s", why);
    snprintf(path, sizeof path, "%s/absent.json", dir);
    cr_expect_null(ms_cost_model_load(path, 1, why, sizeof why));
    ms_tempdir_remove(dir);
    free(dir);
    ms_cost_model_free(m);
    free(feat);
}

/* A model whose checksum is right but whose trees XGBoost's predictor
 * would follow out of bounds (or whose parameters were edited) is refused
 * before XGBoost reads it; the edits are those the fuzz target found. */
Test(model, a_model_xgboost_would_misread_is_refused, .timeout = 120)
{
    int nf = ms_feature_count();
    float *feat = calloc((size_t)TRAIN * (size_t)nf, sizeof(float));
    double secs[TRAIN];
    float scores[TRAIN];
    cr_assert_eq(sample(TRAIN, 5, feat, secs), TRAIN);
    normalise(TRAIN, secs, scores);
    ms_cost_model *m = ms_cost_model_new(1);
    char why[512], path[4200];
    cr_assert(ms_cost_model_train(m, TRAIN, feat, scores, why, sizeof why), "%s", why);
    char *dir = ms_tempdir_new();
    snprintf(path, sizeof path, "%s/cost_model.json", dir);
    cr_assert(ms_cost_model_save(m, path, why, sizeof why), "%s", why);
    char *text = ms_read_file(path, NULL);
    const char *body = strchr(text, '\n') + 1;
    cr_expect(ms_cost_model_json_ok(body, strlen(body), nf, why, sizeof why), "%s", why);
    const char *edits[][2] = {
        {"\"num_parallel_tree\":\"1\"", "\"num_parallel_tree\":\"4\""},
        {"\"left_children\":[1,", "\"left_children\":[9999,"},
        {"\"left_children\":[1,", "\"left_children\":[0,"},
        {"\"split_indices\":[", "\"split_indices\":[100000,"},
        {"\"num_feature\":\"", "\"num_feature\":\"1"},
        {"\"num_trees\":\"", "\"num_trees\":\"9"},
    };
    for (size_t e = 0; e < sizeof edits / sizeof *edits; e++) {
        const char *at = strstr(body, edits[e][0]);
        cr_assert_not_null(at, "the saved model has no %s", edits[e][0]);
        ms_str b = {0};
        ms_str_addn(&b, body, (size_t)(at - body));
        ms_str_add(&b, edits[e][1]);
        ms_str_add(&b, at + strlen(edits[e][0]));
        char head[128];
        ms_cost_model_header(b.buf, b.len, head, sizeof head);
        FILE *f = fopen(path, "w");
        fputs(head, f);
        fputs(b.buf, f);
        fclose(f);
        cr_expect_null(ms_cost_model_load(path, 1, why, sizeof why), "edit %zu loaded", e);
        cr_expect(strstr(why, "not a model mscc writes"), "edit %zu: %s", e, why);
        ms_str_free(&b);
    }
    free(text);
    ms_tempdir_remove(dir);
    free(dir);
    ms_cost_model_free(m);
    free(feat);
}
