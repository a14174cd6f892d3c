/*
 * fuzz_model.c - libFuzzer target: a saved cost model that arrived from
 * another machine (the database folder is copied between them). An input
 * that starts as a saved model does is loaded as it is (the layout and
 * checksum tests); any other is taken as the body, under the header that
 * matches it, so that it reaches XGBoost's parser. A model that loads
 * must score a few candidates; one that does not must say why.
 */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* XGBoost is not instrumented: on an absurd size in a damaged body it
 * meets std::bad_alloc, which its C API turns into an error, as it does
 * in a build without ASan, rather than ASan's abort on a huge malloc. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char magic[] = "mscc-cost-model ";
    ms_str text = {0};
    if (size < sizeof magic - 1 || memcmp(data, magic, sizeof magic - 1) != 0) {
        char head[128];
        ms_cost_model_header((const char *)data, size, head, sizeof head);
        ms_str_add(&text, head);
    }
    ms_str_addn(&text, (const char *)data, size);
    const char *path = fz_write("model.json", text.buf ? text.buf : "", text.len);
    ms_str_free(&text);

    char why[512] = "";
    ms_cost_model *m = ms_cost_model_load(path, 1, why, sizeof why);
    if (!m) {
        if (!why[0])
            abort();
        return 0;
    }
    int nf = ms_feature_count();
    enum { ROWS = 4 };
    float *features = ms_xcalloc((size_t)(ROWS * nf), sizeof(float));
    for (int i = 0; i < ROWS * nf; i++)
        features[i] = (float)((i * 7919) % 101) / 10.0f;
    float out[ROWS];
    ms_cost_model_predict(m, ROWS, features, out);
    free(features);
    ms_cost_model_free(m);
    return 0;
}
