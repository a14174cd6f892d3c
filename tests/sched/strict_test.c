/*
 * strict_test.c - --fp-model=strict in the schedule: primitives that would
 * reassociate a float reduction refuse (rfactor, a vector or parallel
 * reduction, a reorder that changes the order of an element's terms),
 * the rest still apply, and what they emit computes every bit as the
 * original does (-ffp-contract=off, exact comparison). Also the
 * regressions the fuzzer found on loops that may be empty.
 */
#include "fixture.h"

#include <string.h>

static const char dot_src[] = "#pragma mscc kernel sizes(n=1000)\n"
                              "void dot(int n, const float x[restrict n],\n"
                              "         const float y[restrict n], float out[restrict 1]) {\n"
                              "  float s = 0.0f;\n"
                              "  for (int i = 0; i < n; i++) s += x[i] * y[i];\n"
                              "  out[0] = s;\n"
                              "}\n";

static const char gemm_src[] = "#pragma mscc kernel sizes(M=24, N=40, K=33)\n"
                               "void g(int M, int N, int K, const float A[restrict M][K],\n"
                               "       const float B[restrict K][N], float C[restrict M][N]) {\n"
                               "  for (int i = 0; i < M; i++)\n"
                               "    for (int j = 0; j < N; j++) {\n"
                               "      C[i][j] = 0.0f;\n"
                               "      for (int k = 0; k < K; k++) C[i][j] += A[i][k] * B[k][j];\n"
                               "    }\n"
                               "}\n";

Test(strict, no_vector_or_parallel_float_reduction)
{
    fixture *fx = setup_src_strict(dot_src);
    int l[4];
    loops(fx, "s_1", l);
    EXPECT_REFUSED(fx, ms_t_vectorize(fx->tr, l[0]), MS_ERR_ILLEGAL);
    EXPECT_REFUSED(fx, ms_t_parallel(fx->tr, l[0]), MS_ERR_ILLEGAL);
    int parts[2];
    ms_operand f2[2] = {{-1, -1}, {-1, 8}};
    ms_t_split(fx->tr, l[0], 2, f2, parts);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    int b = ms_t_get_block(fx->tr, "s_1");
    EXPECT_REFUSED(fx, ms_t_rfactor(fx->tr, b, parts[1]), MS_ERR_ILLEGAL);
    differential_fx(fx);
    teardown_fx(fx);

    /* the default mode takes all three */
    fx = setup_src(dot_src);
    loops(fx, "s_1", l);
    ms_t_vectorize(fx->tr, l[0]);
    cr_expect_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    teardown_fx(fx);
}

Test(strict, default_schedule_keeps_sums_in_order)
{
    ms_source src;
    ms_diags diags = {0};
    char *p = tu_write_temp("strict_dot.c", dot_src);
    tu_parse_file_fp(p, true, &src, &diags);
    char **bodies;
    char *out = tu_tune(&src, &bodies, &diags);
    cr_assert(bodies[0]);
    cr_expect_null(strstr(bodies[0], "reduction("), "%s", bodies[0]);
    free(bodies[0]);
    free(bodies);
    free(out);
    ms_source_free(&src);
    ms_diags_free(&diags);
    free(p);
}

Test(strict, tiles_keep_the_order_of_each_sum)
{
    fixture *fx = setup_src_strict(gemm_src);
    int l[8];
    loops(fx, "C_1", l); /* i, j, k */
    int jp[2], kp[2];
    ms_operand f2[2] = {{-1, -1}, {-1, 8}};
    ms_t_split(fx->tr, l[1], 2, f2, jp);
    ms_t_split(fx->tr, l[2], 2, f2, kp);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    /* k1 above k0 would add each element's terms in another order */
    int back[2] = {kp[1], kp[0]};
    EXPECT_REFUSED(fx, ms_t_reorder(fx->tr, 2, back), MS_ERR_ILLEGAL);
    /* the k loops between spatial ones: each C[i][j] still adds k = 0, 1, 2 ... */
    int order[5] = {l[0], jp[0], kp[0], kp[1], jp[1]};
    ms_t_reorder(fx->tr, 5, order);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    /* a register tile of C: accumulated in order, and without fma */
    int b = ms_t_get_block(fx->tr, "C_1");
    ms_t_cache_write(fx->tr, b, jp[0], "register");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *body = emit_fx(fx);
    cr_expect_null(strstr(body, "fma"), "%s", body);
    free(body);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(strict, band_elements_chosen_by_the_reduction_loop_stay_in_order)
{
    /* z[j] gathers x[i] for i = j - B + 1 .. j: the i loop both sums and picks the element */
    fixture *fx = setup_src_strict("#pragma mscc kernel sizes(N=60, B=7)\n"
                                   "void band(int N, int B, const float x[restrict N],\n"
                                   "          float z[restrict N]) {\n"
                                   "  for (int i = 0; i < N; i++)\n"
                                   "    for (int j = i; j < (i + B < N ? i + B : N); j++)\n"
                                   "      z[j] += x[i] * (float)(j - i + 1);\n"
                                   "}\n");
    int l[4];
    loops(fx, "z", l);
    int parts[3];
    ms_operand f3[3] = {{-1, 3}, {-1, 2}, {-1, -1}};
    ms_t_split(fx->tr, l[1], 3, f3, parts);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    loops(fx, "z", l);
    int swap[2] = {l[1], l[0]};
    EXPECT_REFUSED(fx, ms_t_reorder(fx->tr, 2, swap), MS_ERR_ILLEGAL);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(strict, fusing_loops_that_may_be_empty)
{
    /* n = 1: both extents are -1, and their product must not make one iteration */
    fixture *fx = setup_src("#pragma mscc kernel sizes(n=20)\n"
                            "void k(int n, double A[restrict 30][30]) {\n"
                            "  for (int i = 1; i <= n - 2; i++)\n"
                            "    for (int j = 1; j <= n - 2; j++)\n"
                            "      A[i][j] = 0.5 * A[i][j] + 1.0;\n"
                            "}\n");
    int l[4];
    loops(fx, "A", l);
    int fused = ms_t_fuse(fx->tr, 2, l);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    /* GCC ignores (and -Werror refuses) an unroll pragma on a loop whose
     * bound is a ?: as a whole: the guard is a factor of the product */
    ms_t_unroll(fx->tr, fused);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *body = emit_fx(fx);
    bool ok;
    char *rep;
    tu_check_bodies(&fx->src, &fx->src.kernels[0], &body, 1,
                    "-std=c11 -O1 -Wall -Wextra -Werror -Wno-unknown-pragmas", 0, 1, &ok, &rep);
    cr_expect(ok, "%s", rep);
    free(rep);
    free(body);
    teardown_fx(fx);
}

Test(strict, cache_read_of_unsigned_subscripts_compiles_cleanly)
{
    fixture *fx = setup_src("#include <stddef.h>\n"
                            "#pragma mscc kernel sizes(M=20, N=24, K=16)\n"
                            "void g(size_t M, size_t N, size_t K, const double A[restrict M][K],\n"
                            "       const double B[restrict K][N], double C[restrict M][N]) {\n"
                            "  for (size_t i = 0; i < M; i++)\n"
                            "    for (size_t j = 0; j < N; j++) {\n"
                            "      double acc = 0;\n"
                            "      for (size_t k = 0; k < K; k++) acc += A[i][k] * B[k][j];\n"
                            "      C[i][j] += acc;\n"
                            "    }\n"
                            "}\n");
    int l[4];
    int n = loops(fx, "acc_1", l);
    int b = ms_t_get_block(fx->tr, "acc_1");
    ms_t_cache_read(fx->tr, b, l[n - 1], "A");
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *body = emit_fx(fx);
    bool ok;
    char *rep;
    tu_check_bodies(&fx->src, &fx->src.kernels[0], &body, 1,
                    "-std=c11 -O1 -Wall -Wextra -Werror -Wno-unknown-pragmas", 2, 5, &ok, &rep);
    cr_expect(ok, "%s\n%s", rep, body);
    free(rep);
    free(body);
    teardown_fx(fx);
}

Test(strict, rfactor_of_an_rfactored_block_is_refused)
{
    /* the partial's slot is the block's own variable: a second rfactor over
     * the same loop sees a spatial use and refuses (it once emitted a read
     * of a counter outside its loop) */
    fixture *fx =
        setup_src("#pragma mscc kernel sizes(n=40)\n"
                  "void mvt(int n, double x1[restrict n], const double A[restrict n][n],\n"
                  "         const double y_1[restrict n]) {\n"
                  "  for (int i = 0; i < n; i++)\n"
                  "    for (int j = 0; j < n; j++) x1[i] = x1[i] + A[i][j] * y_1[j];\n"
                  "}\n");
    int l[4], parts[2];
    loops(fx, "x1", l);
    ms_operand f2[2] = {{-1, -1}, {-1, 8}};
    ms_t_split(fx->tr, l[1], 2, f2, parts);
    int b = ms_t_get_block(fx->tr, "x1");
    ms_t_rfactor(fx->tr, b, parts[1]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    b = ms_t_get_block(fx->tr, "x1");
    EXPECT_REFUSED(fx, ms_t_rfactor(fx->tr, b, parts[1]), MS_ERR_ILLEGAL);
    differential_fx(fx);
    teardown_fx(fx);
}
