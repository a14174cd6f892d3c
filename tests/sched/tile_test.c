/*
 * tile_test.c - the primitives behind register-tiled kernels: reduction
 * blocks with an init (merged by the frontend), decompose_reduction,
 * cache_write and transform_layout. For each: the IR after, the refusals
 * (right status, state unchanged), the trace round trip, and a
 * differential run of the emitted C against the original at the tuning
 * sizes, at odd sizes and at random ones.
 */
#include "fixture.h"

#include <string.h>

static const char gemm_src[] = "#pragma mscc kernel sizes(M=24, N=40, K=16)\n"
                               "void gemm(int M, int N, int K, const float A[restrict M][K],\n"
                               "          const float B[restrict K][N], float C[restrict M][N]) {\n"
                               "  for (int i = 0; i < M; i++)\n"
                               "    for (int j = 0; j < N; j++) {\n"
                               "      C[i][j] = 0.5f;\n"
                               "      for (int k = 0; k < K; k++) C[i][j] += A[i][k] * B[k][j];\n"
                               "    }\n"
                               "}\n";

/* accumulates into C (no init), over size_t sizes, in double */
static const char acc_src[] =
    "#include <stddef.h>\n"
    "#pragma mscc kernel sizes(M=20, N=24, K=8)\n"
    "void acc(size_t M, size_t N, size_t K, const double A[restrict M][K],\n"
    "         const double B[restrict K][N], double C[restrict M][N]) {\n"
    "  for (size_t i = 0; i < M; i++)\n"
    "    for (size_t j = 0; j < N; j++)\n"
    "      for (size_t k = 0; k < K; k++) C[i][j] += A[i][k] * B[k][j];\n"
    "}\n";

static void split2(fixture *fx, int loop, int64_t inner, int *out)
{
    ms_operand f[2] = {{-1, -1}, {-1, inner}};
    ms_t_split(fx->tr, loop, 2, f, out);
}

Test(tile, frontend_merges_the_init)
{
    fixture *fx = setup_src(gemm_src);
    char *ir = ir_of(fx->tr->s->f);
    const char *init = strstr(ir, "init:\n");
    cr_expect(init && strstr(init, "C[vi][vj] = 0.5f\n"), "%s", ir);
    cr_expect_null(strstr(ir, "block C("), "%s", ir);
    free(ir);
    /* i, j, k: one perfect nest, so k can go outside the tile */
    int l[4], i2[2], j2[2];
    cr_assert_eq(loops(fx, "C_1", l), 3);
    split2(fx, l[0], 4, i2);
    split2(fx, l[1], 8, j2);
    int order[5] = {i2[0], j2[0], l[2], i2[1], j2[1]};
    ms_t_reorder(fx->tr, 5, order);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, init_is_kept_when_the_reduction_is_empty)
{
    /* K = 0: C must still be set to its initial value */
    fixture *fx = setup_src(gemm_src);
    int l[4];
    loops(fx, "C_1", l);
    int order[3] = {l[2], l[0], l[1]};
    ms_t_reorder(fx->tr, 3, order); /* k outermost: the init goes above it */
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *body = emit_fx(fx);
    const char *init = strstr(body, "= 0.5f"), *kloop = strstr(body, "for (int k");
    cr_expect(init && kloop && init < kloop, "%s", body);
    free(body);
    const ms_kernel *k = &fx->src.kernels[0];
    char *orig = ms_kernel_body_text(&fx->src, k);
    const char *why;
    body = ms_emit_body(fx->tr->s->f, k->func, orig, NULL, &why);
    free(orig);
    bool ok;
    char *rep;
    /* random sizes include 1s; the check sizes include odd ones */
    tu_check_bodies(&fx->src, k, &body, 1,
                    "-std=c11 -O1 -Wall -Wextra -Werror -Wno-unknown-pragmas", 8, 5, &ok, &rep);
    cr_expect(ok, "%s", rep);
    free(rep);
    free(body);
    teardown_fx(fx);
}

Test(tile, fuse_refuses_to_mix_spatial_and_reduction_loops_of_an_init_block)
{
    fixture *fx = setup_src(gemm_src);
    int l[4];
    loops(fx, "C_1", l);
    EXPECT_REFUSED(fx, ms_t_fuse(fx->tr, 2, &l[1]), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

Test(tile, decompose_reduction)
{
    fixture *fx = setup_src(gemm_src);
    int l[4], i2[2], j2[2];
    int b = ms_t_get_block(fx->tr, "C_1");
    ms_t_get_loops(fx->tr, b, l);
    split2(fx, l[0], 4, i2);
    split2(fx, l[1], 16, j2); /* 40 = 2.5 x 16: a guard */
    int order[5] = {i2[0], j2[0], l[2], i2[1], j2[1]};
    ms_t_reorder(fx->tr, 5, order);
    ms_t_vectorize(fx->tr, j2[1]);
    int init = ms_t_decompose_reduction(fx->tr, b, l[2]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    cr_assert_geq(init, 0);
    char *ir = ir_of(fx->tr->s->f);
    /* the init nest sits before k, over copies of i_1 and j_1 (SIMD kept),
     * with the spatial guard only */
    const char *at = strstr(ir, "for i_1_init");
    cr_expect(at && strstr(ir, "for j_1_init: int in [0, +16) vectorized"), "%s", ir);
    cr_expect(at && strstr(at, "block C_1_init") && strstr(at, "for k"), "%s", ir);
    cr_expect(strstr(ir, "j_0 * 16 + j_1_init < N {"), "%s", ir);
    cr_expect_null(strstr(ir, " init:\n"), "%s", ir);
    free(ir);
    /* the init is gone now; a loop that does not hold the block is refused */
    EXPECT_REFUSED(fx, ms_t_decompose_reduction(fx->tr, b, l[2]), MS_ERR_ILLEGAL);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);

    /* above a loop that runs the reduction: refused */
    fx = setup_src(gemm_src);
    b = ms_t_get_block(fx->tr, "C_1");
    ms_t_get_loops(fx->tr, b, l);
    int kij[3] = {l[2], l[0], l[1]};
    ms_t_reorder(fx->tr, 3, kij);
    EXPECT_REFUSED(fx, ms_t_decompose_reduction(fx->tr, b, l[0]), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

Test(tile, cache_write_register_tile)
{
    fixture *fx = setup_src(gemm_src);
    int l[4], i2[2], j2[2];
    int b = ms_t_get_block(fx->tr, "C_1");
    ms_t_get_loops(fx->tr, b, l);
    split2(fx, l[0], 4, i2);
    split2(fx, l[1], 16, j2);
    int order[5] = {i2[0], j2[0], l[2], i2[1], j2[1]};
    ms_t_reorder(fx->tr, 5, order);
    /* the reduction must run inside the cached loop */
    EXPECT_REFUSED(fx, ms_t_cache_write(fx->tr, b, l[2], "register"), MS_ERR_ILLEGAL);
    EXPECT_REFUSED(fx, ms_t_cache_write(fx->tr, b, j2[0], "shared"), MS_ERR_INPUT);
    int out = ms_t_cache_write(fx->tr, b, j2[0], "register");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    cr_assert_geq(out, 0);
    ms_t_unroll(fx->tr, i2[1]);
    ms_t_vectorize(fx->tr, j2[1]);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "alloc C_reg: float[4][16]"), "%s", ir);
    cr_expect(strstr(ir, "block C_reg_out"), "%s", ir);
    cr_expect_null(strstr(ir, "block C_reg_in"), "%s", ir); /* the init fills it */
    free(ir);
    /* found by the fuzzer: the init may not leave the cache's scope */
    EXPECT_REFUSED(fx, ms_t_decompose_reduction(fx->tr, b, j2[0]), MS_ERR_ILLEGAL);
    char *body = emit_fx(fx);
    cr_expect(strstr(body, "= fmaf("), "%s", body);
    cr_expect(strstr(body, "_Alignas(64) float C_reg[4][16] = {0};"), "%s", body);
    free(body);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

/* The add-rfactor rule's register: a tile of one element is a scalar, so
 * the loop reducing into it runs as SIMD with a reduction clause (an
 * element of an array cannot be an OpenMP reduction variable). */
Test(tile, cache_write_of_one_element_is_a_scalar)
{
    fixture *fx = setup_src("#pragma mscc kernel sizes(N=3000)\n"
                            "void fdot(int N, const float x[restrict N],\n"
                            "          const float y[restrict N], float out[1]) {\n"
                            "  out[0] = 0.0f;\n"
                            "  for (int i = 0; i < N; i++) out[0] += x[i] * y[i];\n"
                            "}\n");
    int l[2], halves[2];
    int b = ms_t_get_block(fx->tr, "out_1");
    cr_assert_eq(ms_t_get_loops(fx->tr, b, l), 1, "%s", fx->tr->why);
    ms_operand f[2] = {{-1, 8}, {-1, -1}};
    ms_t_split(fx->tr, l[0], 2, f, halves);
    ms_t_rfactor(fx->tr, b, halves[0]);
    ms_t_cache_write(fx->tr, b, halves[0], "register");
    ms_t_parallel(fx->tr, halves[0]);
    ms_t_vectorize(fx->tr, halves[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "alloc out_rf_reg: float\n"), "%s", ir);
    cr_expect(strstr(ir, "vectorized reduce(+: out_rf_reg)"), "%s", ir);
    free(ir);
    char *body = emit_fx(fx);
    cr_expect(strstr(body, "reduction(+:out_rf_reg)"), "%s", body);
    free(body);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, cache_write_copies_in_what_it_accumulates)
{
    fixture *fx = setup_src(acc_src);
    int l[4], j2[2];
    int b = ms_t_get_block(fx->tr, "C");
    ms_t_get_loops(fx->tr, b, l);
    split2(fx, l[1], 8, j2);
    int order[4] = {l[0], j2[0], l[2], j2[1]};
    ms_t_reorder(fx->tr, 4, order);
    ms_t_cache_write(fx->tr, b, j2[0], "local");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "alloc C_local: double[1][8]"), "%s", ir);
    cr_expect(strstr(ir, "block C_local_in"), "%s", ir);
    free(ir);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);

    /* a tile too big for registers, and another block touching C in the loop */
    fx = setup_src(gemm_src);
    b = ms_t_get_block(fx->tr, "C_1");
    ms_t_get_loops(fx->tr, b, l);
    int init = ms_t_decompose_reduction(fx->tr, b, l[0]);
    cr_assert_geq(init, 0);
    EXPECT_REFUSED(fx, ms_t_cache_write(fx->tr, b, l[0], "local"), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

/* Found by the random-kernel fuzzer (rk12): a block under an if leaves
 * elements as they were, so its box is copied in, and the copies take the
 * if's test, touching only elements the block may write. */
Test(tile, cache_write_under_an_if_copies_in_and_keeps_the_test)
{
    fixture *fx = setup_src("#pragma mscc kernel sizes(M=9, N=21)\n"
                            "void guarded(int M, int N, const float x[restrict M][N],\n"
                            "             float y[restrict M + 1][N]) {\n"
                            "  for (int i = 0; i < M; i++)\n"
                            "    for (int j = 0; j < N; j++)\n"
                            "      if (i + j < N && j % 3 != 0) y[i + 1][j] = 2.0f * x[i][j];\n"
                            "}\n");
    int l[2], j2[2];
    int b = ms_t_get_block(fx->tr, "y");
    cr_assert_eq(ms_t_get_loops(fx->tr, b, l), 2, "%s", fx->tr->why);
    split2(fx, l[1], 8, j2);
    ms_t_cache_write(fx->tr, b, j2[0], "register");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "block y_reg_in"), "%s", ir);
    free(ir);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, transform_layout_packs_an_input)
{
    fixture *fx = setup_src(gemm_src);
    int64_t factors[2] = {1, 16}, perm[3] = {1, 0, 2};
    EXPECT_REFUSED(fx, ms_t_transform_layout(fx->tr, "C", 2, factors, 3, perm), MS_ERR_ILLEGAL);
    EXPECT_REFUSED(fx, ms_t_transform_layout(fx->tr, "nope", 2, factors, 3, perm), MS_ERR_INPUT);
    int64_t bad[3] = {0, 0, 2};
    EXPECT_REFUSED(fx, ms_t_transform_layout(fx->tr, "B", 2, factors, 3, bad), MS_ERR_INPUT);
    int pack = ms_t_transform_layout(fx->tr, "B", 2, factors, 3, perm);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    EXPECT_REFUSED(fx, ms_t_transform_layout(fx->tr, "B", 2, factors, 3, perm), MS_ERR_ILLEGAL);
    int pl[4];
    cr_assert_eq(ms_t_get_loops(fx->tr, pack, pl), 3);
    ms_t_parallel(fx->tr, pl[0]);
    /* found by the fuzzer: an unrolled loop keeps its guard (GCC ignores the
     * unroll pragma on a loop whose bound is a min, and says so) */
    ms_t_unroll(fx->tr, pl[2]);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "alloc B_packed: float[(N + 15) / 16][K][16]"), "%s", ir);
    cr_expect(strstr(ir, "B_packed[vj / 16][vk][vj % 16]"), "%s", ir);
    free(ir);
    /* split j by the block size: the subscripts simplify to plain counters */
    int l[4], j2[2];
    loops(fx, "C_1", l);
    split2(fx, l[1], 16, j2);
    char *body = emit_fx(fx);
    cr_expect(strstr(body, "char *B_packed_mem = malloc("), "%s", body);
    cr_expect(strstr(body, "(-(uintptr_t)B_packed_mem & 63)"), "%s", body);
    cr_expect(strstr(body, "free(B_packed_mem);"), "%s", body);
    cr_expect(strstr(body, "B_packed[j_0][k][j_1]"), "%s", body);
    cr_expect(strstr(body, "no memory for packing: the original loops"), "%s", body);
    free(body);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, the_bench_trace_applies_and_is_right)
{
    /* bench/traces/gemm.json on the benchmark's kernel, checked like --check */
    ms_str path = {0};
    ms_str_addf(&path, "%s/bench/traces/gemm.json", tu_src_dir());
    size_t len;
    char *text = ms_read_file(ms_str_cstr(&path), &len);
    cr_assert(text);
    char **names;
    ms_trace **traces;
    const char *why;
    int nt = ms_trace_doc_parse(text, &names, &traces, &why);
    cr_assert_eq(nt, 1, "%s", why);
    free(text);
    ms_source src;
    ms_diags d = {0};
    ms_str_free(&path);
    ms_str_addf(&path, "%s/bench/gemm/gemm.c", tu_src_dir());
    tu_parse_file(ms_str_cstr(&path), &src, &d);
    ms_tracer *tr = ms_trace_replay(traces[0], src.kernels[0].func, false, 0);
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    char *orig = ms_kernel_body_text(&src, &src.kernels[0]);
    char *body = ms_emit_body(tr->s->f, src.kernels[0].func, orig, NULL, &why);
    cr_assert(body, "%s", why);
    /* the hot loop: a register tile updated with fma from plain, contiguous reads */
    cr_expect(strstr(body, "C_reg[i_2][j_2] = fmaf(A[i_0 * 32 + i_1 * 8 + i_2][k_0 * 256 + k_1], "
                           "B_packed[j_0 * 4 + j_1][k_0 * 256 + k_1][j_2], C_reg[i_2][j_2]);"),
              "%s", body);
    bool ok;
    char *rep;
    tu_check_bodies(&src, &src.kernels[0], &body, 1,
                    "-std=c11 -O2 -march=native -fopenmp -Wno-unknown-pragmas", 2, 3, &ok, &rep);
    cr_expect(ok, "%s", rep);
    free(rep);
    free(body);
    free(orig);
    ms_tracer_free(tr);
    ms_trace_free(traces[0]);
    free(names[0]);
    free(names);
    free(traces);
    ms_source_free(&src);
    ms_diags_free(&d);
    ms_str_free(&path);
}

static const char epilogue_src[] =
    "#pragma mscc kernel sizes(M=6, N=40)\n"
    "void bias_relu(int M, int N, const float X[restrict M][N], const float b[restrict N],\n"
    "               float Y[restrict M][N]) {\n"
    "  for (int i = 0; i < M; i++) {\n"
    "    float t[N];\n"
    "    for (int j = 0; j < N; j++) t[j] = X[i][j] + b[j];\n"
    "    for (int j = 0; j < N; j++) Y[i][j] = t[j] > 0.0f ? t[j] : 0.0f;\n"
    "  }\n"
    "}\n";

Test(tile, reverse_compute_inline)
{
    fixture *fx = setup_src(epilogue_src);
    int t = ms_t_get_block(fx->tr, "t");
    /* the producer itself is no epilogue */
    EXPECT_REFUSED(fx, ms_t_reverse_compute_inline(fx->tr, t), MS_ERR_ILLEGAL);
    int y = ms_t_get_block(fx->tr, "Y_1");
    ms_t_reverse_compute_inline(fx->tr, y);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "Y[vi][vj] = X[vi][vj] + b[vj] > 0.0f ? X[vi][vj] + b[vj] : 0.0f"), "%s",
              ir);
    cr_expect(strstr(ir, "block t(vi: S = i, vj: S = j)"), "%s", ir);
    cr_expect_null(strstr(ir, "alloc t"), "%s", ir);
    free(ir);
    int l[4];
    cr_assert_eq(ms_t_get_loops(fx->tr, t, l), 2);
    ms_t_vectorize(fx->tr, l[1]);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);

    /* over fewer elements than the producer writes: refused */
    fx = setup_src("#pragma mscc kernel sizes(N=16)\n"
                   "void g(int N, const float X[restrict N], float Y[restrict N]) {\n"
                   "  float t[16];\n"
                   "  for (int j = 0; j < 16; j++) t[j] = X[j] * 2.0f;\n"
                   "  for (int j = 0; j < 8; j++) Y[j] = t[j] + 1.0f;\n"
                   "}\n");
    y = ms_t_get_block(fx->tr, "Y_1");
    EXPECT_REFUSED(fx, ms_t_reverse_compute_inline(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

static const char matvec_src[] =
    "#pragma mscc kernel sizes(M=12, K=64)\n"
    "void matvec(int M, int K, const double A[restrict M][K], const double x[restrict K],\n"
    "            double y[restrict M]) {\n"
    "  for (int i = 0; i < M; i++) {\n"
    "    y[i] = 1.0;\n"
    "    for (int k = 0; k < K; k++) y[i] += A[i][k] * x[k];\n"
    "  }\n"
    "}\n";

Test(tile, rfactor_makes_the_reduction_vectorisable)
{
    fixture *fx = setup_src(matvec_src);
    int l[4], k2[2];
    int b = ms_t_get_block(fx->tr, "y_1");
    ms_t_get_loops(fx->tr, b, l);
    /* a spatial loop, and a reduction loop of symbolic extent: refused */
    EXPECT_REFUSED(fx, ms_t_rfactor(fx->tr, b, l[0]), MS_ERR_ILLEGAL);
    EXPECT_REFUSED(fx, ms_t_rfactor(fx->tr, b, l[1]), MS_ERR_ILLEGAL);
    /* k in a serial chain: not vectorisable yet */
    split2(fx, l[1], 8, k2);
    EXPECT_REFUSED(fx, ms_t_vectorize(fx->tr, k2[1]), MS_ERR_ILLEGAL);
    int fin = ms_t_rfactor(fx->tr, b, k2[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    cr_assert_geq(fin, 0);
    ms_t_vectorize(fx->tr, k2[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "alloc y_rf: double[8]"), "%s", ir);
    /* the partial is chosen by a block variable of its own, bound to k_1 */
    cr_expect(strstr(ir, "vk: R = k_0 * 8 + k_1, vp: S = k_1)"), "%s", ir);
    cr_expect(strstr(ir, "y_rf[vp] = y_rf[vp] + A[vi][vk] * x[vk]"), "%s", ir);
    cr_expect(strstr(ir, "y[vi] = y[vi] + y_rf[vr]"), "%s", ir);
    free(ir);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

static const char smooth_src[] = "#pragma mscc kernel sizes(M=6, N=24)\n"
                                 "void smooth(int M, int N, const float X[restrict M][N],\n"
                                 "            float Y[restrict M][N]) {\n"
                                 "  for (int i = 0; i < M; i++) {\n"
                                 "    float t[N];\n"
                                 "    for (int j = 0; j < N; j++) t[j] = X[i][j] * 0.5f + 1.0f;\n"
                                 "    for (int j = 1; j < N - 1; j++)\n"
                                 "      Y[i][j] = t[j - 1] + t[j] + t[j + 1];\n"
                                 "  }\n"
                                 "}\n";

Test(tile, compute_at_recomputes_the_window)
{
    fixture *fx = setup_src(smooth_src);
    int t = ms_t_get_block(fx->tr, "t");
    int yl[4];
    cr_assert_eq(loops(fx, "Y_1", yl), 2);
    /* where t could go: the loops around its readers, not around itself */
    int at = ms_t_sample_compute_location(fx->tr, t);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    const ms_inst *last = &fx->tr->t->insts.data[fx->tr->t->insts.len - 1];
    cr_expect(last->ndecision == 1 && last->decision[0] >= -1 && last->decision[0] <= 0);
    (void)at;
    /* the row loop holds t already */
    EXPECT_REFUSED(fx, ms_t_compute_at(fx->tr, t, yl[0]), MS_ERR_ILLEGAL);
    ms_t_compute_at(fx->tr, t, yl[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    /* three elements per j: t[j - 1 .. j + 1], where t exists */
    cr_expect(strstr(ir, "for t_0: int in [0, +3)"), "%s", ir);
    free(ir);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, reverse_compute_at_consumes_each_tile)
{
    fixture *fx = setup_src(epilogue_src);
    int tl[4], j2[2];
    int t = ms_t_get_block(fx->tr, "t");
    ms_t_get_loops(fx->tr, t, tl);
    split2(fx, tl[1], 8, j2);
    int y = ms_t_get_block(fx->tr, "Y_1");
    /* inside the tile, under j_1: the producer is not written as a box there */
    EXPECT_REFUSED(fx, ms_t_reverse_compute_at(fx->tr, y, tl[0]), MS_ERR_ILLEGAL);
    ms_t_reverse_compute_at(fx->tr, y, j2[0]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    const char *tile = strstr(ir, "for j_0");
    cr_expect(tile && strstr(tile, "block t(") && strstr(tile, "block Y_1("), "%s", ir);
    free(ir);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);

    /* under the producer's innermost loop: one element per iteration */
    fx = setup_src(epilogue_src);
    t = ms_t_get_block(fx->tr, "t");
    ms_t_get_loops(fx->tr, t, tl);
    y = ms_t_get_block(fx->tr, "Y_1");
    ms_t_reverse_compute_at(fx->tr, y, tl[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, cache_read_copies_the_window)
{
    fixture *fx = setup_src(gemm_src);
    int l[4], i2[2];
    int b = ms_t_get_block(fx->tr, "C_1");
    ms_t_get_loops(fx->tr, b, l);
    split2(fx, l[0], 4, i2);
    /* per i_0, B is read whole: K x N, sizes not known in advance */
    EXPECT_REFUSED(fx, ms_t_cache_read(fx->tr, b, i2[0], "B"), MS_ERR_ILLEGAL);
    EXPECT_REFUSED(fx, ms_t_cache_read(fx->tr, b, i2[0], "nope"), MS_ERR_INPUT);
    /* C is written, not read, by... it is read and written by the block: refused */
    EXPECT_REFUSED(fx, ms_t_cache_read(fx->tr, b, l[1], "C"), MS_ERR_ILLEGAL);
    /* per k: one element of A and of B */
    int copy = ms_t_cache_read(fx->tr, b, l[2], "A");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    cr_assert_geq(copy, 0);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);

    fx = setup_src(smooth_src);
    int yl[4];
    b = ms_t_get_block(fx->tr, "t");
    int tl[4];
    ms_t_get_loops(fx->tr, b, tl);
    int j2[2];
    split2(fx, tl[1], 8, j2);
    copy = ms_t_cache_read(fx->tr, b, j2[0], "X");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    cr_assert_geq(copy, 0);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "alloc X_local: float[1][8]"), "%s", ir);
    free(ir);
    (void)yl;
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, no_sharing_between_parallel_iterations)
{
    /* rfactor of a reduction loop that is SIMD already (a reduction clause) */
    fixture *fx = setup_src("#pragma mscc kernel sizes(M=4, K=64)\n"
                            "void dot_rows(int M, int K, const double A[restrict M][K],\n"
                            "              const double x[restrict K], double y[restrict M]) {\n"
                            "  for (int i = 0; i < M; i++) {\n"
                            "    double acc = 0.0;\n"
                            "    for (int k = 0; k < K; k++) acc += A[i][k] * x[k];\n"
                            "    y[i] = acc;\n"
                            "  }\n"
                            "}\n");
    int l[4], k2[2];
    int b = ms_t_get_block(fx->tr, "acc_1");
    cr_assert_eq(ms_t_get_loops(fx->tr, b, l), 2);
    split2(fx, l[1], 8, k2);
    ms_t_vectorize(fx->tr, k2[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    EXPECT_REFUSED(fx, ms_t_rfactor(fx->tr, b, k2[1]), MS_ERR_ILLEGAL);
    teardown_fx(fx);

    /* compute_at under a parallel loop whose iterations share the intermediate */
    fx = setup_src(smooth_src);
    int yl[4];
    loops(fx, "Y_1", yl);
    ms_t_parallel(fx->tr, yl[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    int t = ms_t_get_block(fx->tr, "t");
    EXPECT_REFUSED(fx, ms_t_compute_at(fx->tr, t, yl[1]), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

Test(tile, a_cache_copy_moves_with_compute_at)
{
    /* found by the fuzzer: the copy block read through its loop counter, which
     * compute_at then removed */
    fixture *fx =
        setup_src("#pragma mscc kernel sizes(N=40, B=5)\n"
                  "void band(int N, int B, const float x[restrict N], float z[restrict N]) {\n"
                  "  for (int i = 0; i < N; i++)\n"
                  "    for (int j = i; j < (i + B < N ? i + B : N); j++)\n"
                  "      z[j] += x[i] * (float)(j - i + 1);\n"
                  "}\n");
    int l[4];
    int z = ms_t_get_block(fx->tr, "z");
    ms_t_get_loops(fx->tr, z, l);
    int copy = ms_t_cache_read(fx->tr, z, l[0], "x");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    int at = ms_t_sample_compute_location(fx->tr, copy);
    ms_t_compute_at(fx->tr, copy, at);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

/* The (i, j, k) nest of block b tiled 4 x 8 with k outermost of the tile,
 * its init in a nest of its own and a register tile of the output. */
static void register_tile(fixture *fx, int b)
{
    int l[4], i2[2], j2[2];
    cr_assert_eq(ms_t_get_loops(fx->tr, b, l), 3);
    split2(fx, l[0], 4, i2);
    split2(fx, l[1], 8, j2);
    int order[5] = {i2[0], j2[0], l[2], i2[1], j2[1]};
    ms_t_reorder(fx->tr, 5, order);
    ms_t_decompose_reduction(fx->tr, b, i2[0]);
    ms_t_cache_write(fx->tr, b, j2[0], "register");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
}

/* a scalar accumulator, set from a parameter, copied into C; int8 products in int32 */
static const char accum_src[] =
    "#include <stdint.h>\n"
    "#pragma mscc kernel sizes(M=20, N=24, K=12)\n"
    "void mm(int M, int N, int K, int32_t bias, const int8_t A[restrict M][K],\n"
    "        const int8_t B[restrict K][N], int32_t C[restrict M][N]) {\n"
    "  for (int i = 0; i < M; i++)\n"
    "    for (int j = 0; j < N; j++) {\n"
    "      int32_t acc = bias;\n"
    "      for (int k = 0; k < K; k++) acc += (int32_t)A[i][k] * (int32_t)B[k][j];\n"
    "      C[i][j] = acc;\n"
    "    }\n"
    "}\n";

Test(tile, merge_accumulator_accumulates_in_the_output)
{
    fixture *fx = setup_src(accum_src);
    int acc = ms_t_get_block(fx->tr, "acc_1");
    /* the update is no copy */
    EXPECT_REFUSED(fx, ms_t_merge_accumulator(fx->tr, acc), MS_ERR_ILLEGAL);
    int c = ms_t_get_block(fx->tr, "C_2");
    ms_t_merge_accumulator(fx->tr, c);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "block C_2(vi: S = i, vj: S = j, vk: R = k)"), "%s", ir);
    cr_expect(strstr(ir, "C[vi][vj] = bias"), "%s", ir);
    cr_expect(strstr(ir, "C[vi][vj] = C[vi][vj] + (int32_t)A[vi][vk] * (int32_t)B[vk][vj]"), "%s",
              ir);
    cr_expect_null(strstr(ir, "alloc acc"), "%s", ir);
    free(ir);
    /* then tiled like any reduction into the output, with a register tile */
    register_tile(fx, ms_t_get_block(fx->tr, "C_2"));
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, merge_accumulator_refusals)
{
    /* the accumulator is read again after the copy */
    fixture *fx =
        setup_src("#pragma mscc kernel sizes(N=16, K=8)\n"
                  "void g(int N, int K, const float A[restrict N][K], float y[restrict N],\n"
                  "       float z[restrict N]) {\n"
                  "  for (int i = 0; i < N; i++) {\n"
                  "    float acc = 0.0f;\n"
                  "    for (int k = 0; k < K; k++) acc += A[i][k];\n"
                  "    y[i] = acc;\n"
                  "    z[i] = acc * 2.0f;\n"
                  "  }\n"
                  "}\n");
    int y = ms_t_get_block(fx->tr, "y_2");
    EXPECT_REFUSED(fx, ms_t_merge_accumulator(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
    /* another element type: the sum would round differently */
    fx = setup_src("#pragma mscc kernel sizes(N=16, K=8)\n"
                   "void g(int N, int K, const float A[restrict N][K], double y[restrict N]) {\n"
                   "  for (int i = 0; i < N; i++) {\n"
                   "    float acc = 0.0f;\n"
                   "    for (int k = 0; k < K; k++) acc += A[i][k];\n"
                   "    y[i] = acc;\n"
                   "  }\n"
                   "}\n");
    y = ms_t_get_block(fx->tr, "y_2");
    EXPECT_REFUSED(fx, ms_t_merge_accumulator(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
    /* every i writes the same element: not one element per iteration */
    fx = setup_src("#pragma mscc kernel sizes(N=16, K=8)\n"
                   "void g(int N, int K, const float A[restrict N][K], float y[restrict 1]) {\n"
                   "  for (int i = 0; i < N; i++) {\n"
                   "    float acc = 0.0f;\n"
                   "    for (int k = 0; k < K; k++) acc += A[i][k];\n"
                   "    y[0] = acc;\n"
                   "  }\n"
                   "}\n");
    y = ms_t_get_block(fx->tr, "y_2");
    EXPECT_REFUSED(fx, ms_t_merge_accumulator(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

/* a copy that finishes the accumulator (bias, relu) */
static const char finishing_copy_src[] =
    "#pragma mscc kernel sizes(M=20, N=24, K=12)\n"
    "void dr(int M, int N, int K, const float X[restrict M][K], const float W[restrict N][K],\n"
    "        const float bias[restrict N], float Y[restrict M][N]) {\n"
    "  for (int i = 0; i < M; i++)\n"
    "    for (int j = 0; j < N; j++) {\n"
    "      float acc = bias[j];\n"
    "      for (int k = 0; k < K; k++) acc += X[i][k] * W[j][k];\n"
    "      Y[i][j] = acc > 0.0f ? acc : 0.0f;\n"
    "    }\n"
    "}\n";

Test(tile, merge_accumulator_keeps_a_finishing_copy_as_an_epilogue)
{
    fixture *fx = setup_src(finishing_copy_src);
    int y = ms_t_get_block(fx->tr, "Y_2");
    ms_t_merge_accumulator(fx->tr, y);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    /* the reduction accumulates in Y; the copy finishes Y in a nest of its own */
    cr_expect(strstr(ir, "Y[vi][vj] = bias[vj]"), "%s", ir);
    cr_expect(strstr(ir, "Y[vi][vj] = Y[vi][vj] + X[vi][vk] * W[vj][vk]"), "%s", ir);
    cr_expect(strstr(ir, "for i_1: int in [0, +M)"), "%s", ir);
    cr_expect(strstr(ir, "Y[vi][vj] = Y[vi][vj] > 0.0f ? Y[vi][vj] : 0.0f"), "%s", ir);
    cr_expect_null(strstr(ir, "alloc acc"), "%s", ir);
    free(ir);
    round_trip(fx);
    differential_fx(fx);
    /* then tiled with a register tile and W packed transposed; the epilogue
     * stays a pass of its own (reverse_compute_at moves only readers of
     * local arrays) */
    register_tile(fx, ms_t_get_block(fx->tr, "acc_1"));
    ms_operand fac[2] = {{-1, 8}, {-1, 1}};
    int64_t perm[3] = {0, 2, 1};
    ms_t_transform_layout_ops(fx->tr, "W", 2, fac, 3, perm);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(tile, merge_accumulator_refuses_an_epilogue_it_cannot_move)
{
    /* the copy reads the old output: accumulating there would lose it */
    fixture *fx = setup_src("#pragma mscc kernel sizes(N=16, K=8)\n"
                            "void g(int N, int K, float beta, const float A[restrict N][K],\n"
                            "       float y[restrict N]) {\n"
                            "  for (int i = 0; i < N; i++) {\n"
                            "    float acc = 0.0f;\n"
                            "    for (int k = 0; k < K; k++) acc += A[i][k];\n"
                            "    y[i] = acc + beta * y[i];\n"
                            "  }\n"
                            "}\n");
    int y = ms_t_get_block(fx->tr, "y_2");
    EXPECT_REFUSED(fx, ms_t_merge_accumulator(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
    /* the loop around holds another statement: the epilogue cannot leave
     * for a nest of its own without passing it */
    fx = setup_src("#pragma mscc kernel sizes(N=16, K=8)\n"
                   "void g(int N, int K, const float A[restrict N][K], float y[restrict N],\n"
                   "       float z[restrict N]) {\n"
                   "  for (int i = 0; i < N; i++) {\n"
                   "    z[i] = A[i][0];\n"
                   "    float acc = 0.0f;\n"
                   "    for (int k = 0; k < K; k++) acc += A[i][k];\n"
                   "    y[i] = acc * 0.5f;\n"
                   "  }\n"
                   "}\n");
    y = ms_t_get_block(fx->tr, "y_3");
    EXPECT_REFUSED(fx, ms_t_merge_accumulator(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

/* C scaled just before the accumulation, in the same (i, j) iteration */
static const char alpha_beta_src[] =
    "#pragma mscc kernel sizes(M=20, N=24, K=12)\n"
    "void gab(int M, int N, int K, float alpha, float beta, const float A[restrict M][K],\n"
    "         const float B[restrict K][N], float C[restrict M][N]) {\n"
    "  for (int i = 0; i < M; i++)\n"
    "    for (int j = 0; j < N; j++) {\n"
    "      C[i][j] *= beta;\n"
    "      for (int k = 0; k < K; k++) C[i][j] += alpha * A[i][k] * B[k][j];\n"
    "    }\n"
    "}\n";

Test(tile, merge_init_makes_one_nest)
{
    fixture *fx = setup_src(alpha_beta_src);
    int c = ms_t_get_block(fx->tr, "C_1");
    ms_t_merge_init(fx->tr, c);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "init:\n                        C[vi][vj] = C[vi][vj] * beta"), "%s", ir);
    free(ir);
    /* now one nest: tiled with a register tile, k outermost of the tile */
    register_tile(fx, c);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
    /* the scaled element is read by another block in between: refused */
    fx = setup_src("#pragma mscc kernel sizes(M=8, K=8)\n"
                   "void g(int M, int K, const float A[restrict M][K], float y[restrict M],\n"
                   "       float z[restrict M]) {\n"
                   "  for (int i = 0; i < M; i++) {\n"
                   "    y[i] = 1.0f;\n"
                   "    for (int k = 0; k < K; k++) y[i] += A[i][k];\n"
                   "    z[i] = y[i];\n"
                   "  }\n"
                   "}\n");
    int y = ms_t_get_block(fx->tr, "y_1");
    if (fx->tr->status == MS_OK)
        EXPECT_REFUSED(fx, ms_t_merge_init(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
    /* the setting writes another element than the update: refused */
    fx = setup_src("#pragma mscc kernel sizes(M=8, K=8)\n"
                   "void g(int M, int K, const float A[restrict M][K], float y[restrict M + 1]) {\n"
                   "  for (int i = 0; i < M; i++) {\n"
                   "    y[i + 1] = 2.0f;\n"
                   "    for (int k = 0; k < K; k++) y[i] += A[i][k];\n"
                   "  }\n"
                   "}\n");
    y = ms_t_get_block(fx->tr, "y_1");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    EXPECT_REFUSED(fx, ms_t_merge_init(fx->tr, y), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}
