/*
 * features_test.c - the cost model's features on hand-built nests: the
 * table (names unique, one meaning each), the counts, strides and
 * footprints of a gemm as written, and how a schedule moves them (SIMD,
 * parallel jobs per thread, thread teams, a register tile).
 */
#include "testutil.h"

#include "kernels.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ms_arch arch2 = TUNE_ARCH2;

static const char gemm_src[] = TUNE_GEMM("gemm", "M=64, N=48, K=40");

/* Feature by name. */
static float get(const float *v, const char *name)
{
    for (int i = 0; i < ms_feature_count(); i++) {
        char n[96];
        const char *meaning;
        ms_feature_doc(i, n, sizeof n, &meaning);
        if (!strcmp(n, name))
            return v[i];
    }
    cr_assert_fail("no feature %s", name);
    return 0;
}

static float lg(double x)
{
    return (float)log2(1 + x);
}

#define EXPECT_NEAR(v, name, want)                                                                 \
    cr_expect(fabs((double)get(v, name) - (double)(want)) < 1e-4, "%s = %g, want %g", name,        \
              (double)get(v, name), (double)(want))

Test(features, the_table_names_each_feature_once)
{
    int n = ms_feature_count();
    cr_assert_gt(n, 50);
    char(*names)[96] = calloc((size_t)n, sizeof *names);
    for (int i = 0; i < n; i++) {
        const char *meaning = NULL;
        ms_feature_doc(i, names[i], sizeof names[i], &meaning);
        cr_expect(meaning && *meaning, "%s has no meaning", names[i]);
        for (int j = 0; j < i; j++)
            cr_expect_str_neq(names[i], names[j]);
    }
    free(names);
}

static ms_tracer *gemm_tracer(ms_source *src)
{
    ms_diags d = {0};
    tu_parse_text(gemm_src, src, &d);
    ms_diags_free(&d);
    return ms_tracer_new(src->kernels[0].func, 1);
}

Test(features, a_gemm_as_written)
{
    ms_source src;
    ms_tracer *tr = gemm_tracer(&src);
    float *v = calloc((size_t)ms_feature_count(), sizeof(float));
    ms_features_of(tr->s->f, &arch2, v);
    double execs = 64.0 * 48 * 40;
    EXPECT_NEAR(v, "stores", lg(2)); /* the init and the update */
    EXPECT_NEAR(v, "flops", lg(2 * execs));
    EXPECT_NEAR(v, "thread_teams", 0);
    EXPECT_NEAR(v, "threads", 2);
    /* the heaviest store is the update, under i, j, k */
    EXPECT_NEAR(v, "s0.execs", lg(execs));
    EXPECT_NEAR(v, "s0.float_mul", lg(execs));
    EXPECT_NEAR(v, "s0.float_addsub", lg(execs));
    EXPECT_NEAR(v, "s0.float_div", 0);
    EXPECT_NEAR(v, "s0.loops", 3);
    EXPECT_NEAR(v, "s0.inner_extent", lg(40));
    EXPECT_NEAR(v, "s0.vector_lanes", lg(1));
    EXPECT_NEAR(v, "s0.parallel_jobs", lg(1));
    EXPECT_NEAR(v, "s0.jobs_per_thread", 0);
    EXPECT_NEAR(v, "s0.balance", 1);
    /* C[i][j] stays put along k; A[i][k] runs along it; B[k][j] jumps rows */
    EXPECT_NEAR(v, "s0.write.invariant", 1);
    EXPECT_NEAR(v, "s0.write.bytes_nest", lg(64 * 48 * 4));
    EXPECT_NEAR(v, "s0.write.reuse", lg(40));
    EXPECT_NEAR(v, "s0.read1.contiguous", 1); /* A: 10240 bytes, the largest read */
    EXPECT_NEAR(v, "s0.read1.stride", lg(1));
    EXPECT_NEAR(v, "s0.read1.bytes_inner", lg(40 * 4));
    EXPECT_NEAR(v, "s0.read1.bytes_nest", lg(64 * 40 * 4));
    EXPECT_NEAR(v, "s0.read1.lines_nest", lg(64 * 40 * 4 / 64.0));
    EXPECT_NEAR(v, "s0.read1.reuse", lg(48));
    EXPECT_NEAR(v, "s0.read2.stride", lg(48)); /* B */
    EXPECT_NEAR(v, "s0.read2.contiguous", 0);
    EXPECT_NEAR(v, "s0.read2.bytes_nest", lg(40 * 48 * 4));
    /* the init: C[i][j] = 0 under i, j */
    EXPECT_NEAR(v, "s1.execs", lg(64 * 48));
    EXPECT_NEAR(v, "s1.write.contiguous", 1);
    EXPECT_NEAR(v, "s2.execs", 0); /* no third store: zeros */
    free(v);
    ms_tracer_free(tr);
    ms_source_free(&src);
}

Test(features, a_schedule_moves_them)
{
    ms_source src;
    ms_tracer *tr = gemm_tracer(&src);
    float *before = calloc((size_t)ms_feature_count(), sizeof(float));
    float *v = calloc((size_t)ms_feature_count(), sizeof(float));
    ms_features_of(tr->s->f, &arch2, before);
    /* i parallel; k outside j; j split by 16, the inner part SIMD */
    int b = ms_t_get_block(tr, "C_1"), l[3], j2[2];
    cr_assert_eq(ms_t_get_loops(tr, b, l), 3);
    ms_t_decompose_reduction(tr, b, l[0]);
    ms_operand f[2] = {{-1, -1}, {-1, 16}};
    ms_t_split(tr, l[1], 2, f, j2);
    int order[4] = {l[0], l[2], j2[0], j2[1]};
    ms_t_reorder(tr, 4, order);
    ms_t_vectorize(tr, j2[1]);
    ms_t_parallel(tr, l[0]);
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    ms_features_of(tr->s->f, &arch2, v);
    EXPECT_NEAR(v, "s0.loops", 4);
    EXPECT_NEAR(v, "s0.vector_lanes", lg(16));
    EXPECT_NEAR(v, "s0.vector_inner", 1);
    EXPECT_NEAR(v, "s0.vector_reduces", 0);
    EXPECT_NEAR(v, "s0.parallel_jobs", lg(64));
    EXPECT_NEAR(v, "s0.jobs_per_thread", 32);
    EXPECT_NEAR(v, "s0.balance", 1);
    EXPECT_NEAR(v, "thread_teams", lg(1)); /* the init nest runs serially */
    /* now C and B run along the SIMD loop, and A stays put */
    EXPECT_NEAR(v, "s0.write.contiguous", 1);
    EXPECT_NEAR(v, "s0.read1.invariant", 1); /* A: still the largest read */
    EXPECT_NEAR(v, "s0.read2.contiguous", 1);
    EXPECT_NEAR(v, "s0.read2.bytes_inner", lg(16 * 4));
    cr_expect(memcmp(before, v, sizeof(float) * (size_t)ms_feature_count()) != 0);
    free(before);
    free(v);
    ms_tracer_free(tr);
    ms_source_free(&src);
}

/* A parallel loop inside a serial one starts a team per trip, and 3 jobs
 * on 2 threads keep them busy 3/4 of the time. */
Test(features, thread_teams_and_balance)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text("#pragma mscc kernel sizes(M=10, N=3)\n"
                  "void add(int M, int N, const float A[restrict M][N], float B[restrict M][N]) {\n"
                  "    for (int i = 0; i < M; i++)\n"
                  "        for (int j = 0; j < N; j++)\n"
                  "            B[i][j] = A[i][j] * 2.0f;\n"
                  "}\n",
                  &src, &d);
    ms_diags_free(&d);
    ms_tracer *tr = ms_tracer_new(src.kernels[0].func, 1);
    int l[2];
    cr_assert_eq(ms_t_get_loops(tr, ms_t_get_block(tr, "B"), l), 2);
    ms_t_parallel(tr, l[1]);
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    float *v = calloc((size_t)ms_feature_count(), sizeof(float));
    ms_features_of(tr->s->f, &arch2, v);
    EXPECT_NEAR(v, "thread_teams", lg(10));
    EXPECT_NEAR(v, "s0.jobs_per_thread", 1.5);
    EXPECT_NEAR(v, "s0.balance", 0.75);
    EXPECT_NEAR(v, "s0.float_mul", lg(30));
    free(v);
    ms_tracer_free(tr);
    ms_source_free(&src);
}
