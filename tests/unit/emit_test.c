/*
 * emit_test.c - splicing, and the emitted structure for typical kernels:
 * pragmas guarded by _OPENMP, reductions, the overlap check.
 */
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(emit, splice_replaces_only_given_ranges)
{
    const char *text = "aaa{bbb}ccc{ddd}eee";
    size_t b[2] = {3, 11}, e[2] = {8, 16}, len;
    char *with[2] = {"{X}", NULL};
    char *out = ms_emit_splice(text, strlen(text), 2, b, e, with, &len);
    cr_assert_str_eq(out, "aaa{X}ccc{ddd}eee");
    cr_assert_eq(len, strlen(out));
    free(out);
}

static char *tune_text(const char *code)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(code, &src, &d);
    char *out = tu_tune(&src, NULL, &d);
    ms_source_free(&src);
    ms_diags_free(&d);
    return out;
}

Test(emit, pragmas_are_guarded_and_reductions_declared)
{
    char *out =
        tune_text("#pragma mscc kernel sizes(M=512, N=512)\n"
                  "void k(int M, int N, const float X[restrict M][N], float y[restrict M]) {\n"
                  "  for (int i = 0; i < M; i++) {\n"
                  "    float s = 0;\n"
                  "    for (int j = 0; j < N; j++) s += X[i][j];\n"
                  "    y[i] = s;\n  }\n}\n");
    cr_assert(strstr(out, "#if defined(_OPENMP)\n        #pragma omp parallel for "
                          "if(!omp_in_parallel())\n#endif\n"),
              "%s", out);
    cr_assert(strstr(out, "    if (M == 512 && N == 512) {\n"), "%s", out);
    cr_assert(strstr(out, "for (int i = 0; i < 512; i++) {"), "%s", out);
    cr_assert(strstr(out, "for (int i = 0; i < M; i++) {"), "%s", out);
    cr_assert(strstr(out, "#pragma omp simd reduction(+:s)"), "%s", out);
    cr_assert(strstr(out, "float s = 0;"), "%s", out);
    cr_assert(strstr(out, "s += X[i][j];"), "%s", out);
    cr_assert_null(strstr(out, "mscc_overlap"));
    free(out);
}

Test(emit, arrays_that_may_overlap_are_checked)
{
    char *out = tune_text("#pragma mscc kernel sizes(n=100000)\n"
                          "void k(long n, const float *x, float *y) {\n"
                          "  for (long i = 0; i < n; i++) y[i] = 2 * x[i];\n}\n");
    cr_assert(strstr(out, "const int mscc_overlap ="), "%s", out);
    /* one range per array, then the pair; a length held at 0 or more (a
     * pointer before an array is undefined) */
    cr_assert(strstr(out, "const char *const mscc_x_begin = (const char *)x, *const mscc_x_end =\n"
                          "        mscc_x_begin + sizeof(float) * (n > 0 ? n : 0);\n"),
              "%s", out);
    cr_assert(strstr(out, "mscc_y_begin + sizeof(float) * (n > 0 ? n : 0);\n"), "%s", out);
    cr_assert(strstr(out, "const int mscc_overlap =\n"
                          "        (mscc_y_begin < mscc_x_end && mscc_x_begin < mscc_y_end);\n"),
              "%s", out);
    cr_assert(strstr(out, "/* the arrays overlap: the original loops, in their order */\n"
                          "  for (long i = 0; i < n; i++) y[i] = 2 * x[i];\n}"),
              "%s", out);
    free(out);
}

Test(emit, noalias_clause_removes_the_check)
{
    char *out = tune_text("#pragma mscc kernel noalias sizes(n=100000)\n"
                          "void k(long n, const float *x, float *y) {\n"
                          "  for (long i = 0; i < n; i++) y[i] = 2 * x[i];\n}\n");
    cr_assert_null(strstr(out, "mscc_overlap"), "%s", out);
    cr_assert(strstr(out, "#pragma omp parallel for simd"), "%s", out);
    free(out);
}

Test(emit, small_work_stays_serial)
{
    char *out = tune_text("#pragma mscc kernel sizes(n=100)\n"
                          "void k(int n, float y[restrict n]) {\n"
                          "  for (int i = 0; i < n; i++) y[i] = 0;\n}\n");
    cr_assert_null(strstr(out, "parallel"), "%s", out);
    cr_assert(strstr(out, "#pragma omp simd"), "%s", out);
    free(out);
}
