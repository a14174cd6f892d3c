/*
 * default_tensorized_test.c - the default schedule on a target with
 * micro-kernels (schedule/rules/default_tensorized.c): a gemm calls the
 * ISA's preferred micro-kernel with tiles from the caches and the thread
 * team, or the first shape that divides the sizes; built and run against
 * the original at the tuning sizes and odd ones, and replayed from its
 * trace; strict mode, sizes no shape divides, an ISA without micro-kernels,
 * no target and --no-heap (where B's packed copy would need the heap) keep
 * the portable default.
 */
#include "fixture.h"

#include <stdio.h>
#include <string.h>

/* The source of a gemm at those tuning sizes (until the next call). */
static const char *gemm_at(int m, int n, int k)
{
    static char text[1024];
    snprintf(text, sizeof text,
             "#pragma mscc kernel sizes(M=%d, N=%d, K=%d)\n"
             "void gemm(int M, int N, int K, const float A[restrict M][K],\n"
             "          const float B[restrict K][N], float C[restrict M][N]) {\n"
             "  for (int i = 0; i < M; i++)\n"
             "    for (int j = 0; j < N; j++) {\n"
             "      C[i][j] = 0.0f;\n"
             "      for (int k = 0; k < K; k++)\n"
             "        C[i][j] += A[i][k] * B[k][j];\n"
             "    }\n}\n",
             m, n, k);
    return text;
}

/* 2 cores, 1 MiB of L2 per core. */
static ms_arch arch_of(const char *isa)
{
    return (ms_arch){2, 64, 48 * 1024, 1024 * 1024, 32 << 20, NULL, isa};
}

/* The fixture's tracer replaced by the default schedule for arch. */
static void schedule_default(fixture *fx, const ms_arch *arch)
{
    ms_tracer_free(fx->tr);
    fx->tr = ms_tracer_postproc(ms_sched_default_trace_for(fx->src.kernels[0].func, arch));
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
}

static char *trace_text(const ms_trace *t)
{
    ms_str s = {0};
    ms_trace_print(t, &s);
    return ms_str_take(&s);
}

/* The decision of the k-th sample_perfect_tile of t. */
static const int64_t *tile_decision(const ms_trace *t, int k)
{
    for (int i = 0; i < t->insts.len; i++)
        if (t->insts.data[i].kind == MS_INST_SAMPLE_PERFECT_TILE && k-- == 0)
            return t->insts.data[i].decision;
    cr_assert_fail("no sample_perfect_tile number %d", k);
    return NULL;
}

Test(default_tensorized, gemm_calls_the_preferred_micro_kernel_with_tiles_from_the_caches)
{
    fixture *fx = setup_src(gemm_at(64, 96, 40));
    ms_arch a = arch_of("avx512");
    schedule_default(fx, &a);
    char *text = trace_text(fx->tr->t);
    cr_expect(strstr(text, "tensorize(\"mscc_f32_avx512_8x32\""), "%s", text);
    cr_expect(strstr(text, "transform_layout(\"B\""), "%s", text); /* B packed in panels */
    cr_expect(strstr(text, "parallel("), "%s", text);
    /* i: 8 micro-tiles of 8 rows, all in one S2 tile by the caches (8 x 8 x
     * 40 floats are far under a quarter of the L2), then halved twice to
     * give 2 cores 2 jobs each; j: 3 panels of 32, all in S2 */
    const int64_t *i = tile_decision(fx->tr->t, 0), *j = tile_decision(fx->tr->t, 1);
    cr_expect(i[0] == 4 && i[1] == 1 && i[2] == 2, "%s", text);
    cr_expect(j[0] == 1 && j[1] == 1 && j[2] == 3, "%s", text);
    free(text);
    char *body = emit_fx(fx);
    cr_expect(strstr(body, "mscc_f32_avx512_8x32(&C_reg[0][0], &A["), "%s", body);
    free(body);
    differential_fx(fx);
    round_trip(fx);
    teardown_fx(fx);
}

Test(default_tensorized, big_panels_stay_in_half_the_l2_and_the_team_gets_its_jobs)
{
    /* K = 1024: a panel of B is 32 x 1024 floats, 128 KiB; four fill half
     * the L2. A's micro-tile rows are 32 KiB: eight fill a quarter. */
    fixture *fx = setup_src(gemm_at(1024, 1024, 1024));
    ms_arch a = arch_of("avx512");
    schedule_default(fx, &a);
    const int64_t *i = tile_decision(fx->tr->t, 0), *j = tile_decision(fx->tr->t, 1);
    /* i: 128 micro-tiles, 8 in S2, 16 jobs in S0; j: 32 panels, 4 in S2,
     * then 2 more jobs (32 jobs: 16 a core), the rest in S1 */
    cr_expect(i[0] == 16 && i[1] == 1 && i[2] == 8, "%ld %ld %ld", (long)i[0], (long)i[1],
              (long)i[2]);
    cr_expect(j[0] == 2 && j[1] == 4 && j[2] == 4, "%ld %ld %ld", (long)j[0], (long)j[1],
              (long)j[2]);
    teardown_fx(fx);
}

/* The gemm at m x n x k, given the default schedule of isa, calls
 * intrin, and matches the original. */
static void expect_calls(int m, int n, int k, const char *isa, const char *intrin)
{
    fixture *fx = setup_src(gemm_at(m, n, k));
    ms_arch a = arch_of(isa);
    schedule_default(fx, &a);
    char *text = trace_text(fx->tr->t), want[96];
    snprintf(want, sizeof want, "tensorize(\"%s\"", intrin);
    cr_expect(strstr(text, want), "%s", text);
    free(text);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(default_tensorized, another_shape_where_the_preferred_one_does_not_divide)
{
    /* 60 rows: not a multiple of 8 (8x32) nor of 4 with 96 columns of 64
     * (4x64); 6x32 divides */
    expect_calls(60, 96, 33, "avx512", "mscc_f32_avx512_6x32");
}

Test(default_tensorized, avx2_and_neon_take_their_own_micro_kernels)
{
    /* built here, the NEON intrinsics sit behind their feature test: the
     * portable version runs, with the tiles the NEON schedule chose */
    expect_calls(64, 96, 40, "neon", "mscc_f32_neon_8x12");
    expect_calls(48, 96, 21, "avx2", "mscc_f32_avx2_6x16");
}

/* The portable default's trace, as text. */
static char *portable(const ms_func *f)
{
    ms_tracer *tr = ms_sched_default_trace(f);
    char *text = trace_text(tr->t);
    ms_tracer_free(tr);
    return text;
}

Test(default_tensorized, the_portable_default_where_no_micro_kernel_fits)
{
    ms_arch avx512 = arch_of("avx512"), generic = arch_of(NULL);
    struct {
        int m; /* rows: N = 96, K = 40 */
        bool strict, no_heap;
        const ms_arch *arch;
    } cases[] = {
        {63, false, false, &avx512}, /* no shape divides 63 rows */
        {64, true, false, &avx512},  /* strict: the sums in order */
        {64, false, false, &generic},
        {64, false, false, NULL},
        /* --no-heap with the heap's workspace: B's packed copy is refused */
        {64, false, true, &avx512},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *src = gemm_at(cases[c].m, 96, 40);
        fixture *fx = cases[c].strict ? setup_src_strict(src) : setup_src(src);
        fx->src.kernels[0].func->no_heap = cases[c].no_heap;
        const ms_func *f = fx->src.kernels[0].func;
        ms_tracer *tr = ms_sched_default_trace_for(f, cases[c].arch);
        cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
        char *got = trace_text(tr->t), *want = portable(f);
        cr_expect_str_eq(got, want, "case %zu:\n%s\nnot\n%s", c, got, want);
        free(got);
        free(want);
        ms_tracer_free(tr);
        teardown_fx(fx);
    }
}
