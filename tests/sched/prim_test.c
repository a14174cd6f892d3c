/*
 * prim_test.c - each schedule primitive: the IR it produces, the illegal
 * uses it refuses (with the right status, leaving the state unchanged), and
 * the trace round trip (JSON and text, replayed on a fresh clone, same IR).
 */
#include "fixture.h"

#include <string.h>

static const char gemm_src[] = "#pragma mscc kernel sizes(M=64, N=48, K=32)\n"
                               "void gemm(int M, int N, int K, const float A[restrict M][K],\n"
                               "          const float B[restrict K][N], float C[restrict M][N]) {\n"
                               "  for (int i = 0; i < M; i++)\n"
                               "    for (int j = 0; j < N; j++) {\n"
                               "      C[i][j] = 0;\n"
                               "      for (int k = 0; k < K; k++) C[i][j] += A[i][k] * B[k][j];\n"
                               "    }\n"
                               "}\n";

static const char scan_src[] = "#pragma mscc kernel sizes(N=40)\n"
                               "void scan(int N, float s[restrict N]) {\n"
                               "  for (int i = 1; i < N; i++)\n"
                               "    for (int j = 0; j < 4; j++) s[i] += s[i - 1] * (float)j;\n"
                               "}\n";

Test(sched, get_block_and_loops)
{
    fixture *fx = setup_src(gemm_src);
    int l[8];
    cr_assert_eq(loops(fx, "C_1", l), 3);
    /* "C[i][j] = 0" became C_1's init: no block of its own */
    EXPECT_REFUSED(fx, ms_t_get_block(fx->tr, "C"), MS_ERR_INPUT);
    EXPECT_REFUSED(fx, ms_t_get_block(fx->tr, "nope"), MS_ERR_INPUT);
    round_trip(fx);
    teardown_fx(fx);
}

Test(sched, split_symbolic_extent_gets_a_guard)
{
    fixture *fx = setup_src(gemm_src);
    int l[8], parts[2];
    loops(fx, "C_1", l);
    ms_operand f[2] = {{-1, -1}, {-1, 16}};
    ms_t_split(fx->tr, l[0], 2, f, parts);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "for i_0: int in [0, +(M + 15) / 16) serial {"), "%s", ir);
    cr_expect(strstr(ir, "for i_1: int in [0, +16) serial {"), "%s", ir);
    cr_expect(strstr(ir, "where i_0 * 16 + i_1 < M {"), "%s", ir);
    cr_expect(strstr(ir, "block C_1(vi: S = i_0 * 16 + i_1, vj: S = j, vk: R = k)"), "%s", ir);
    free(ir);
    round_trip(fx);
    teardown_fx(fx);
}

/* A triangular loop (j <= i) splits with a fixed inner factor, but an
 * inferred inner factor would follow i and tie j's variable to it. */
Test(sched, split_of_a_triangular_loop)
{
    fixture *fx = setup_src("#pragma mscc kernel sizes(N=45)\n"
                            "void trmv(int N, const double L[restrict N][N],\n"
                            "          const double x[restrict N], double y[restrict N]) {\n"
                            "  for (int i = 0; i < N; i++) {\n"
                            "    y[i] = 0;\n"
                            "    for (int j = 0; j <= i; j++) y[i] += L[i][j] * x[j];\n"
                            "  }\n"
                            "}\n");
    int l[8], parts[2];
    loops(fx, "y_1", l);
    ms_operand inner_inferred[2] = {{-1, 2}, {-1, -1}};
    EXPECT_REFUSED(fx, ms_t_split(fx->tr, l[1], 2, inner_inferred, parts), MS_ERR_ILLEGAL);
    ms_operand inner_fixed[2] = {{-1, -1}, {-1, 4}};
    ms_t_split(fx->tr, l[1], 2, inner_fixed, parts);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    round_trip(fx);
    teardown_fx(fx);
}

/* A fused loop's extent (M * (N > 0 ? N : 0)) is no polynomial but
 * follows no counter: an inferred inner factor is fine there. */
Test(sched, split_of_a_fused_loop_infers_the_inner_factor)
{
    fixture *fx =
        setup_src("#pragma mscc kernel sizes(M=30, N=50)\n"
                  "void total(int M, int N, const int A[restrict M][N], long long o[1]) {\n"
                  "  o[0] = 0;\n"
                  "  for (int i = 0; i < M; i++)\n"
                  "    for (int j = 0; j < N; j++) o[0] += A[i][j];\n"
                  "}\n");
    int l[8], parts[2];
    loops(fx, "o_1", l);
    int fused = ms_t_fuse(fx->tr, 2, l);
    ms_operand inner_inferred[2] = {{-1, 6}, {-1, -1}};
    ms_t_split(fx->tr, fused, 2, inner_inferred, parts);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    round_trip(fx);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(sched, split_constant_extent)
{
    fixture *fx = setup_src(scan_src);
    int l[8], parts[2];
    loops(fx, "s", l);
    ms_operand ok[2] = {{-1, 2}, {-1, 2}};
    ms_t_split(fx->tr, l[1], 2, ok, parts);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "for j_0: int in [0, +2)"), "%s", ir);
    cr_expect_null(strstr(ir, "where"), "%s", ir); /* 2 * 2 == 4: no guard */
    free(ir);
    int m[8];
    loops(fx, "s", m);
    ms_operand few[2] = {{-1, 1}, {-1, 1}};
    int p2[2];
    EXPECT_REFUSED(fx, ms_t_split(fx->tr, m[1], 2, few, p2), MS_ERR_ILLEGAL);
    ms_operand zero[2] = {{-1, 0}, {-1, 4}};
    EXPECT_REFUSED(fx, ms_t_split(fx->tr, m[1], 2, zero, p2), MS_ERR_INPUT);
    round_trip(fx);
    teardown_fx(fx);
}

Test(sched, fuse_and_its_limits)
{
    fixture *fx = setup_src(gemm_src);
    int l[8];
    loops(fx, "C_1", l);
    /* i's body is j alone, j's body is not k alone */
    EXPECT_REFUSED(fx, ms_t_fuse(fx->tr, 2, &l[1]), MS_ERR_ILLEGAL);
    int f = ms_t_fuse(fx->tr, 2, l);
    cr_assert(f >= 0, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    /* two empty loops must not make a product that runs */
    cr_expect(strstr(ir, "for i_j_fused: int in [0, +M * (N > 0 ? N : 0))"), "%s", ir);
    cr_expect(strstr(ir, "vi: S = i_j_fused / N, vj: S = i_j_fused % N"), "%s", ir);
    free(ir);
    ms_t_parallel(fx->tr, f); /* fused from independent loops: still parallel */
    cr_expect_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    round_trip(fx);
    teardown_fx(fx);
}

Test(sched, reorder_legal_and_illegal)
{
    fixture *fx = setup_src("#pragma mscc kernel sizes(M=16, N=16, K=16)\n"
                            "void g(int M, int N, int K, const float A[restrict M][K],\n"
                            "       const float B[restrict K][N], float C[restrict M][N]) {\n"
                            "  for (int i = 0; i < M; i++)\n"
                            "    for (int j = 0; j < N; j++)\n"
                            "      for (int k = 0; k < K; k++) C[i][j] += A[i][k] * B[k][j];\n"
                            "}\n");
    int l[8];
    loops(fx, "C", l);
    int order[3] = {l[2], l[0], l[1]};
    ms_t_reorder(fx->tr, 3, order);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "for k: int in [0, +K) serial {\n        for i: int"), "%s", ir);
    free(ir);
    round_trip(fx);
    teardown_fx(fx);

    fx = setup_src(scan_src);
    loops(fx, "s", l);
    int swap[2] = {l[1], l[0]};
    EXPECT_REFUSED(fx, ms_t_reorder(fx->tr, 2, swap), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

Test(sched, parallel_vectorize_unroll_annotate)
{
    fixture *fx = setup_src(gemm_src);
    int l[8];
    loops(fx, "C_1", l);
    EXPECT_REFUSED(fx, ms_t_parallel(fx->tr, l[2]), MS_ERR_ILLEGAL); /* the reduction */
    ms_t_parallel(fx->tr, l[0]);
    cr_expect_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    EXPECT_REFUSED(fx, ms_t_parallel(fx->tr, l[1]), MS_ERR_ILLEGAL); /* nested */
    ms_t_vectorize(fx->tr, l[1]);
    ms_t_unroll(fx->tr, l[2]);
    cr_expect_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    EXPECT_REFUSED(fx, ms_t_unroll(fx->tr, l[2]), MS_ERR_ILLEGAL);
    ms_t_annotate(fx->tr, l[2], "mscc.note", 7);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "for i: int in [0, +M) parallel {"), "%s", ir);
    cr_expect(strstr(ir, "for j: int in [0, +N) vectorized {"), "%s", ir);
    cr_expect(strstr(ir, "for k: int in [0, +K) unrolled mscc.note=7 {"), "%s", ir);
    free(ir);
    round_trip(fx);
    teardown_fx(fx);

    fx = setup_src(scan_src);
    loops(fx, "s", l);
    EXPECT_REFUSED(fx, ms_t_vectorize(fx->tr, l[0]), MS_ERR_ILLEGAL); /* the recurrence */
    teardown_fx(fx);
}

Test(sched, sampling_is_deterministic_and_perfect)
{
    for (int seed = 0; seed < 50; seed++) {
        fixture *a = setup_src(gemm_src), *b = setup_src(gemm_src);
        ms_rng_seed(&a->tr->rng, (uint64_t)seed);
        ms_rng_seed(&b->tr->rng, (uint64_t)seed);
        int la[8], lb[8], fa[3], fb[3];
        loops(a, "C_1", la);
        loops(b, "C_1", lb);
        ms_t_sample_perfect_tile(a->tr, la[0], 3, 8, fa);
        ms_t_sample_perfect_tile(b->tr, lb[0], 3, 8, fb);
        int64_t prod = 1;
        for (int i = 0; i < 3; i++) {
            cr_assert_eq(ms_tracer_int(a->tr, fa[i]), ms_tracer_int(b->tr, fb[i]));
            prod *= ms_tracer_int(a->tr, fa[i]);
        }
        cr_assert_eq(prod, 64);
        cr_assert_leq(ms_tracer_int(a->tr, fa[2]), 8);
        int64_t cand[3] = {0, 16, 64};
        double w[3] = {1, 2, 3};
        int c = ms_t_sample_categorical(a->tr, 3, cand, w);
        int64_t v = ms_tracer_int(a->tr, c);
        cr_assert(v == 0 || v == 16 || v == 64);
        ms_operand f[3] = {{fa[0], 0}, {fa[1], 0}, {fa[2], 0}};
        int parts[3];
        ms_t_split(a->tr, la[0], 3, f, parts);
        round_trip(a);
        teardown_fx(a);
        teardown_fx(b);
    }
}

Test(sched, replay_with_new_decisions)
{
    fixture *fx = setup_src(gemm_src);
    int l[8], f[2], parts[2];
    loops(fx, "C_1", l);
    ms_t_sample_perfect_tile(fx->tr, l[1], 2, 16, f);
    ms_operand ops[2] = {{f[0], 0}, {f[1], 0}};
    ms_t_split(fx->tr, l[1], 2, ops, parts);
    bool differ = false;
    for (uint64_t seed = 1; seed < 20; seed++) {
        ms_tracer *re = ms_trace_replay(fx->tr->t, fx->src.kernels[0].func, true, seed);
        cr_assert_eq(re->status, MS_OK, "%s", re->why);
        differ |= re->t->insts.data[2].decision[1] != fx->tr->t->insts.data[2].decision[1];
        ms_tracer_free(re);
    }
    cr_expect(differ, "new seeds never changed the decision");
    teardown_fx(fx);
}

Test(sched, bad_json_is_refused_with_a_reason)
{
    const char *cases[] = {
        "[]",
        "{\"mscc_trace\": 2, \"insts\": []}",
        "{\"mscc_trace\": 1, \"insts\": [{\"kind\": \"teleport\"}]}",
        "{\"mscc_trace\": 1, \"insts\": [{\"kind\": \"parallel\", \"in\": [\"l3\"]}]}",
        ("{\"mscc_trace\": 1, \"insts\": [{\"kind\": \"get_block\", \"str\": \"C\", \"out\": "
         "[\"b0\", \"b0\"]}]}"),
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *why = NULL;
        ms_trace *t = ms_trace_from_json(cases[i], &why);
        cr_expect_null(t, "case %zu accepted", i);
        cr_expect(why && *why, "case %zu: no reason", i);
        ms_trace_free(t);
    }
}

/* The text form reads back: each argument form ms_trace_print writes, a
 * line pasted from a tuned body's comment, and what it must refuse. */
Test(sched, text_traces_read_back)
{
    const char *script =
        "b0 = get_block(\"C_1\")\n"
        "l1, l2, l3 = get_loops(b0)\n"
        "v4, v5 = sample_perfect_tile(l1, n=2, max_innermost=16)  # decision: [4, 16]\n"
        "l6, l7 = split(l1, factors=[v4, v5])\n"
        "l8, l9 = split(l2, factors=[-1, 8])\n"
        "b10 = transform_layout(\"B\", factors=[1, 32], perm=[1, 0, 2])\n"
        "v11 = sample_categorical([0, 16, 64], weights=[1, 0.5, 0.25])  # decision: [64]\n"
        "annotate(l8, \"unroll_max_step\", v11)\n"
        "parallel(l6)\n";
    const char *why;
    ms_trace *t = ms_trace_from_text(script, &why);
    cr_assert(t, "%s", why);
    ms_str back = {0};
    ms_trace_print(t, &back);
    cr_expect_str_eq(ms_str_cstr(&back), script);
    ms_str_free(&back);
    ms_trace_free(t);
    /* from the comment atop a tuned body, with a comment line of its own */
    t = ms_trace_from_text("     *   # the default schedule\n     *   b0 = get_block(\"y\")\n"
                           "     *   l1 = get_loops(b0)\n     *   vectorize(l1)\n",
                           &why);
    cr_assert(t, "%s", why);
    cr_expect_eq(t->insts.len, 3);
    ms_trace_free(t);
    const char *bad[] = {
        "teleport(l1)\n",
        "parallel(l3)\n",
        "b0 = get_block(\"C\"\n",
        "b0, b0 = get_loops(b1)\n",
        "b0 = get_block(\"C\") extra\n",
        "b0 = get_block(\"C\")  # note\n",
        "l1 = parallel(factors=[1])\n",
        "v0 = sample_categorical([1, 2], weights=[1])\n",
        "l1, l2 = split(l0, factors=[99999999999999999999])\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        t = ms_trace_from_text(bad[i], &why);
        cr_expect_null(t, "case %zu accepted: %s", i, bad[i]);
        cr_expect(t || (why && *why), "case %zu: no reason", i);
        ms_trace_free(t);
    }
}

Test(sched, specialize_and_peel_tiles)
{
    fixture *fx = setup_src(gemm_src); /* M = 64 */
    int l[8], parts[2];
    loops(fx, "C_1", l);
    ms_operand f16[2] = {{-1, -1}, {-1, 16}};
    ms_t_split(fx->tr, l[0], 2, f16, parts);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    /* at M = 64 the tiles are full: the guard goes */
    ms_func *spec = ms_func_specialize(fx->tr->s->f);
    char *ir = ir_of(spec);
    cr_expect(strstr(ir, "for i_0: int in [0, +4) serial {"), "%s", ir);
    cr_expect_null(strstr(ir, "where"), "%s", ir);
    free(ir);
    ms_func_free(spec);
    /* for any M: full tiles without the guard, then the last tile with it */
    ms_func *peeled = ms_func_peel_tiles(fx->tr->s->f);
    ir = ir_of(peeled);
    cr_expect(strstr(ir, "for i_0: int in [0, +M / 16) serial {\n        for i_1: int in [0, +16) "
                         "serial {\n            for j:"),
              "%s", ir);
    cr_expect(strstr(ir, "for i_0: int in [M / 16, +(M + 15) / 16 - M / 16) serial {"), "%s", ir);
    cr_expect(strstr(ir, "where i_0 * 16 + i_1 < M {"), "%s", ir);
    free(ir);
    ms_func_free(peeled);
    teardown_fx(fx);

    /* 64 is not a multiple of 24: the specialised copy keeps its guard */
    fx = setup_src(gemm_src);
    loops(fx, "C_1", l);
    ms_operand f24[2] = {{-1, -1}, {-1, 24}};
    ms_t_split(fx->tr, l[0], 2, f24, parts);
    spec = ms_func_specialize(fx->tr->s->f);
    ir = ir_of(spec);
    cr_expect(strstr(ir, "for i_0: int in [0, +3) serial {"), "%s", ir);
    cr_expect(strstr(ir, "where i_0 * 24 + i_1 < 64 {"), "%s", ir);
    free(ir);
    ms_func_free(spec);
    teardown_fx(fx);
}

/* Found by the random-kernel fuzzer (rk94): a loop fused with one that is
 * empty at the tuning sizes divided by a constant 0 there, which gcc
 * refuses (-Werror=div-by-zero); the specialised copy drops loops that
 * never run. */
Test(sched, specialize_drops_loops_that_never_run)
{
    fixture *fx =
        setup_src("#pragma mscc kernel sizes(N = 1, M = 6)\n"
                  "void empty_inner(int N, int M, float A[restrict M + 2][N + 2]) {\n"
                  "  for (int j = M - 1; j >= 0; j--)\n"
                  "    for (int k = N - 1; k > 0; k -= 2) A[j + 2][k] = A[j][N - 1 - k];\n"
                  "}\n");
    int l[2];
    cr_assert_eq(loops(fx, "A", l), 2);
    ms_t_fuse(fx->tr, 2, l);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    ms_func *spec = ms_func_specialize(fx->tr->s->f);
    char *ir = ir_of(spec);
    cr_expect_null(strstr(ir, "for "), "%s", ir);
    free(ir);
    ms_func_free(spec);
    differential_fx(fx);
    teardown_fx(fx);
}

Test(sched, compute_inline)
{
    fixture *fx =
        setup_src("#pragma mscc kernel sizes(M=16)\n"
                  "void g(int M, const float X[restrict M][8], float Y[restrict M][8]) {\n"
                  "  for (int i = 0; i < M; i++) {\n"
                  "    float t[8];\n"
                  "    for (int j = 0; j < 8; j++) t[j] = X[i][j] * 2.0f;\n"
                  "    for (int j = 0; j < 8; j++) Y[i][j] = t[7 - j] + t[j];\n"
                  "  }\n}\n");
    int b = ms_t_get_block(fx->tr, "t");
    ms_t_compute_inline(fx->tr, b);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *ir = ir_of(fx->tr->s->f);
    cr_expect(strstr(ir, "Y[vi][vj] = X[vi][7 - vj] * 2.0f + X[vi][vj] * 2.0f"), "%s", ir);
    cr_expect_null(strstr(ir, "alloc t"), "%s", ir);
    cr_expect_null(strstr(ir, "block t"), "%s", ir);
    free(ir);
    round_trip(fx);
    teardown_fx(fx);

    /* an output, and a value that reads what the kernel writes: refused */
    fx = setup_src(gemm_src);
    b = ms_t_get_block(fx->tr, "C_1");
    EXPECT_REFUSED(fx, ms_t_compute_inline(fx->tr, b), MS_ERR_ILLEGAL);
    teardown_fx(fx);
    fx = setup_src("#pragma mscc kernel sizes(M=16)\n"
                   "void g(int M, float X[restrict M][8], float Y[restrict M][8]) {\n"
                   "  for (int i = 0; i < M; i++) {\n"
                   "    float t[8];\n"
                   "    for (int j = 0; j < 8; j++) t[j] = X[i][j];\n"
                   "    for (int j = 0; j < 8; j++) X[i][j] = 0;\n"
                   "    for (int j = 0; j < 8; j++) Y[i][j] = t[j];\n"
                   "  }\n}\n");
    b = ms_t_get_block(fx->tr, "t");
    EXPECT_REFUSED(fx, ms_t_compute_inline(fx->tr, b), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

Test(sched, guarded_scalar_initialisation_stays_guarded)
{
    fixture *fx = setup_src("#pragma mscc kernel sizes(M=10)\n"
                            "void g(int M, const float X[restrict M][8], float y[restrict M]) {\n"
                            "  for (int i = 0; i < M; i++) {\n"
                            "    float mx = X[i][0];\n"
                            "    for (int j = 1; j < 8; j++) mx = mx > X[i][j] ? mx : X[i][j];\n"
                            "    y[i] = mx;\n  }\n}\n");
    int l[8], parts[2];
    loops(fx, "mx", l);
    ms_operand f4[2] = {{-1, -1}, {-1, 4}};
    ms_t_split(fx->tr, l[0], 2, f4, parts); /* 10 is not a multiple of 4 */
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    const ms_kernel *k = &fx->src.kernels[0];
    char *orig = ms_kernel_body_text(&fx->src, k);
    const char *why;
    char *body = ms_emit_body(fx->tr->s->f, k->func, orig, NULL, &why);
    cr_assert(body, "%s", why);
    /* X[i][0] may be past the end in the last tile: read unguarded only in the
     * full tiles (once), guarded in the last tile and at the tuning sizes */
    int unguarded = 0;
    for (const char *p = body; (p = strstr(p, "float mx = X")); p++)
        unguarded++;
    cr_expect_eq(unguarded, 1, "%s", body);
    cr_expect(strstr(body, "float mx = 0;"), "%s", body);
    free(body);
    free(orig);
    teardown_fx(fx);
}
