/*
 * fuzz_pragma.c - libFuzzer target: the `#pragma mscc kernel` clauses
 * (noalias, sizes(...), weight(...), anything else) and the `--sizes`
 * list. The input's first line follows `#pragma mscc kernel` above a
 * fixed kernel, whose file then goes through the `--trials 0` pipeline;
 * the whole input is also read as a `--sizes N=V,...` argument.
 */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

static const char kernel[] = "void k(int N, int M, float A[N][M], const float *restrict b)\n"
                             "{\n"
                             "    for (int i = 0; i < N; i++)\n"
                             "        for (int j = 0; j < M; j++)\n"
                             "            A[i][j] += b[j] * 2;\n"
                             "}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_string(data, size);
    ms_size_hint *hints = NULL;
    const char *why = NULL;
    int n = ms_parse_size_list(text, &hints, &why);
    if (n < 0 && !(why && *why))
        abort();
    for (int i = 0; i < n; i++)
        free((char *)hints[i].name);
    free(hints);

    size_t line = strcspn(text, "\n");
    ms_str c = {0};
    ms_str_add(&c, "#pragma mscc kernel ");
    ms_str_addn(&c, text, line);
    ms_str_add(&c, "\n");
    ms_str_add(&c, kernel);
    fz_pipeline(fz_write("pragma.c", c.buf, c.len), line % 2 == 1, 0, NULL, NULL);
    ms_str_free(&c);
    free(text);
    return 0;
}
