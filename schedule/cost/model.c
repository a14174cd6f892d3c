/*
 * model.c - the learned cost model: gradient-boosted trees (XGBoost,
 * through its C API) from a candidate's features (features.c) to its
 * normalised throughput (the best time measured for its workload over its
 * own, in (0, 1]). Retrained from scratch as batches arrive (a few
 * thousand rows train in well under a second); until it has seen
 * MS_COST_MIN_SAMPLES measurements it scores at random, as MetaSchedule
 * does. Saved as one file: a header line naming the feature layout's
 * version and width, then XGBoost's JSON, so a model of another layout is
 * refused (and retrained), never misread.
 */
#include "schedule/schedule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* XGBoost's header declares XGBGetLastError() without (void) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <xgboost/c_api.h>
#pragma GCC diagnostic pop

enum { ROUNDS = 60 };

struct ms_cost_model {
    BoosterHandle booster; /* NULL until trained */
    ms_rng rng;            /* the scores of an untrained model */
    int nsamples;          /* rows of the last training */
};

/* MetaSchedule's XGBoost settings, one thread so that the same data
 * gives the same trees. */
static const char *const params[][2] = {
    {"booster", "gbtree"},   {"objective", "reg:squarederror"},
    {"max_depth", "10"},     {"eta", "0.2"},
    {"gamma", "0.001"},      {"min_child_weight", "0"},
    {"tree_method", "hist"}, {"nthread", "1"},
    {"seed", "0"},           {"verbosity", "0"},
};

static bool failed(int rc, char *why, size_t why_size, const char *what)
{
    if (rc == 0)
        return false;
    snprintf(why, why_size, "%s: %s", what, XGBGetLastError());
    return true;
}

ms_cost_model *ms_cost_model_new(uint64_t seed)
{
    ms_cost_model *m = ms_xcalloc(1, sizeof *m);
    ms_rng_seed(&m->rng, seed);
    return m;
}

void ms_cost_model_free(ms_cost_model *m)
{
    if (!m)
        return;
    if (m->booster)
        XGBoosterFree(m->booster);
    free(m);
}

bool ms_cost_model_trained(const ms_cost_model *m)
{
    return m->booster != NULL;
}

int ms_cost_model_samples(const ms_cost_model *m)
{
    return m->nsamples;
}

static BoosterHandle new_booster(DMatrixHandle train, char *why, size_t why_size)
{
    BoosterHandle b = NULL;
    if (failed(XGBoosterCreate(train ? &train : NULL, train ? 1 : 0, &b), why, why_size,
               "XGBoost cannot create a model"))
        return NULL;
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++)
        if (failed(XGBoosterSetParam(b, params[i][0], params[i][1]), why, why_size,
                   "XGBoost refuses a parameter")) {
            XGBoosterFree(b);
            return NULL;
        }
    return b;
}

bool ms_cost_model_train(ms_cost_model *m, int n, const float *features, const float *scores,
                         char *why, size_t why_size)
{
    if (n < MS_COST_MIN_SAMPLES) {
        snprintf(why, why_size, "%d measurements: a model wants %d", n, MS_COST_MIN_SAMPLES);
        return false;
    }
    DMatrixHandle d = NULL;
    if (failed(
            XGDMatrixCreateFromMat(features, (bst_ulong)n, (bst_ulong)ms_feature_count(), NAN, &d),
            why, why_size, "XGBoost cannot take the features"))
        return false;
    bool ok = !failed(XGDMatrixSetFloatInfo(d, "label", scores, (bst_ulong)n), why, why_size,
                      "XGBoost cannot take the scores");
    BoosterHandle b = ok ? new_booster(d, why, why_size) : NULL;
    for (int r = 0; b && r < ROUNDS; r++)
        if (failed(XGBoosterUpdateOneIter(b, r, d), why, why_size, "XGBoost training failed")) {
            XGBoosterFree(b);
            b = NULL;
        }
    XGDMatrixFree(d);
    if (!b)
        return false;
    if (m->booster)
        XGBoosterFree(m->booster);
    m->booster = b;
    m->nsamples = n;
    return true;
}

void ms_cost_model_predict(ms_cost_model *m, int n, const float *features, float *out)
{
    DMatrixHandle d = NULL;
    bst_ulong len = 0;
    const float *res = NULL;
    if (m->booster && n > 0 &&
        XGDMatrixCreateFromMat(features, (bst_ulong)n, (bst_ulong)ms_feature_count(), NAN, &d) ==
            0) {
        if (XGBoosterPredict(m->booster, d, 0, 0, 0, &len, &res) != 0 || len != (bst_ulong)n)
            res = NULL;
        for (int i = 0; res && i < n; i++)
            out[i] = res[i];
        XGDMatrixFree(d);
        if (res)
            return;
    }
    /* untrained (or XGBoost failed): any order is as good as another */
    for (int i = 0; i < n; i++)
        out[i] = (float)(ms_rng_next(&m->rng) >> 40) / (float)(1 << 24);
}

/* The header line of a saved model: the layout it was trained on, then a
 * checksum of the rest (FNV-1a, 64 bits), since database folders travel
 * between machines and a damaged model must be retrained, not misread or
 * handed to XGBoost's parser. */
static void layout(char *buf, size_t n)
{
    snprintf(buf, n, "mscc-cost-model features-v%d width %d", MS_FEATURE_VERSION,
             ms_feature_count());
}

static uint64_t checksum(const char *body, size_t len)
{
    return ms_hash_bytes(0xcbf29ce484222325ULL, body, len);
}

void ms_cost_model_header(const char *body, size_t len, char *buf, size_t n)
{
    char head[96];
    layout(head, sizeof head);
    snprintf(buf, n, "%s check %016llx\n", head, (unsigned long long)checksum(body, len));
}

bool ms_cost_model_save(const ms_cost_model *m, const char *path, char *why, size_t why_size)
{
    if (!m->booster) {
        snprintf(why, why_size, "the model is not trained");
        return false;
    }
    bst_ulong len = 0;
    const char *json = NULL;
    if (failed(XGBoosterSaveModelToBuffer(m->booster, "{\"format\": \"json\"}", &len, &json), why,
               why_size, "XGBoost cannot save the model"))
        return false;
    char head[128];
    ms_cost_model_header(json, (size_t)len, head, sizeof head);
    ms_str text = {0};
    ms_str_add(&text, head);
    ms_str_addn(&text, json, (size_t)len);
    /* a reader never sees half a model: written beside, then renamed */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(text.buf, 1, text.len, f) == text.len;
    ok = f && fclose(f) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        remove(tmp);
        snprintf(why, why_size, "cannot write %s", path);
    }
    ms_str_free(&text);
    return ok;
}

ms_cost_model *ms_cost_model_load(const char *path, uint64_t seed, char *why, size_t why_size)
{
    size_t size = 0;
    char *text = ms_read_file(path, &size);
    if (!text) {
        snprintf(why, why_size, "no model at %s", path);
        return NULL;
    }
    char head[96], sum[32], bad[200];
    layout(head, sizeof head);
    size_t lay = strlen(head);
    const char *nl = memchr(text, '\n', size);
    size_t off = nl ? (size_t)(nl - text) + 1 : size;
    bool same_layout =
        size > lay && strncmp(text, head, lay) == 0 && (text[lay] == ' ' || text[lay] == '\n');
    snprintf(sum, sizeof sum, " check %016llx\n",
             (unsigned long long)checksum(text + off, size - off));
    bool intact = same_layout && off - lay == strlen(sum) && !memcmp(text + lay, sum, off - lay);
    ms_cost_model *m = NULL;
    if (!same_layout) {
        snprintf(why, why_size, "%s was trained on another feature layout (want '%s')", path, head);
    } else if (!intact) {
        snprintf(why, why_size, "%s %s", path,
                 off == lay + 1 ? "has no checksum (an older mscc saved it)"
                                : "is damaged (its checksum does not match its contents)");
    } else if (!ms_cost_model_json_ok(text + off, size - off, ms_feature_count(), bad,
                                      sizeof bad)) {
        snprintf(why, why_size, "%s is not a model mscc writes: %s", path, bad);
    } else {
        BoosterHandle b = new_booster(NULL, why, why_size);
        if (b && failed(XGBoosterLoadModelFromBuffer(b, text + off, (bst_ulong)(size - off)), why,
                        why_size, "XGBoost cannot read the model")) {
            XGBoosterFree(b);
            b = NULL;
        }
        if (b) {
            m = ms_cost_model_new(seed);
            m->booster = b;
        }
    }
    free(text);
    return m;
}
