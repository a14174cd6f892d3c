/*
 * analysis_test.c - the dependence analysis and bounds, on kernels parsed
 * from C: which loops are independent, which carry scalar reductions, and
 * which must stay serial.
 */
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

typedef struct analysed {
    ms_source src;
    ms_diags diags;
    ms_loop_info *infos;
    int n;
} analysed;

static analysed *analyse(const char *text)
{
    analysed *a = ms_xcalloc(1, sizeof *a);
    tu_parse_text(text, &a->src, &a->diags);
    cr_assert_eq(a->src.nkernels, 1);
    cr_assert(a->src.kernels[0].func != NULL, "rejected: %s", tu_render(&a->diags));
    a->n = ms_analyze_loops(a->src.kernels[0].func, &a->infos);
    return a;
}

static void done(analysed *a)
{
    free(a->infos);
    ms_source_free(&a->src);
    ms_diags_free(&a->diags);
    free(a);
}

#define LOOP(a, v) tu_loop((a)->infos, (a)->n, v)

Test(analysis, gemm_spatial_loops_independent_reduction_not)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int M, int N, int K, const float A[restrict M][K],\n"
                          "       const float B[restrict K][N], float C[restrict M][N]) {\n"
                          "  for (int i = 0; i < M; i++)\n"
                          "    for (int j = 0; j < N; j++) {\n"
                          "      C[i][j] = 0;\n"
                          "      for (int k = 0; k < K; k++) C[i][j] += A[i][k] * B[k][j];\n"
                          "    }\n}\n");
    cr_assert(LOOP(a, "i")->independent);
    cr_assert(LOOP(a, "j")->independent);
    cr_assert_not(LOOP(a, "k")->independent);
    cr_assert_not(LOOP(a, "k")->reducible); /* an array element, not a scalar */
    cr_assert(LOOP(a, "i")->has_inner_loop);
    cr_assert_not(LOOP(a, "k")->has_inner_loop);
    done(a);
}

static bool named_k(const ms_stmt *loop, void *ctx)
{
    (void)ctx;
    return !strcmp(loop->loop.var->name, "k");
}

Test(analysis, the_loops_asked_about_get_the_same_answers_alone)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int M, int N, int K, const float A[restrict M][K],\n"
                          "       const float B[restrict K][N], float C[restrict M][N]) {\n"
                          "  for (int i = 0; i < M; i++)\n"
                          "    for (int j = 0; j < N; j++) {\n"
                          "      float s = 0;\n"
                          "      for (int k = 0; k < K; k++) s += A[i][k] * B[k][j];\n"
                          "      C[i][j] = s;\n"
                          "    }\n}\n");
    ms_loop_info *only;
    int n = ms_analyze_loops_where(a->src.kernels[0].func, named_k, NULL, &only);
    cr_assert_eq(n, 1);
    const ms_loop_info *all = LOOP(a, "k");
    cr_expect_eq(only[0].loop, all->loop);
    cr_expect_eq(only[0].depth, all->depth);
    cr_expect_eq(only[0].independent, all->independent);
    cr_expect_eq(only[0].reducible, all->reducible);
    cr_expect(only[0].reducible && only[0].nred == 1, "the scalar sum over k");
    cr_expect_eq(only[0].nred, all->nred);
    cr_expect_eq(only[0].has_inner_loop, all->has_inner_loop);
    free(only);
    done(a);
}

Test(analysis, linearised_subscripts_are_separated_by_their_stride)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int M, int N, const float *restrict X, float *restrict Y) {\n"
                          "  for (int i = 0; i < M; i++)\n"
                          "    for (int j = 0; j < N; j++) Y[i * N + j] = X[i * N + j] * 2;\n}\n");
    cr_assert(LOOP(a, "i")->independent);
    cr_assert(LOOP(a, "j")->independent);
    done(a);
}

Test(analysis, overlapping_rows_are_a_dependence)
{
    /* row i writes Y[i*N .. i*N+N], row i+1 starts at (i+1)*N - 1: they overlap */
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int M, int N, float *restrict Y) {\n"
                          "  for (int i = 0; i < M; i++)\n"
                          "    for (int j = 0; j <= N; j++) Y[i * N + j] = Y[i * N + j] + 1;\n}\n");
    cr_assert_not(LOOP(a, "i")->independent);
    cr_assert(LOOP(a, "j")->independent);
    done(a);
}

Test(analysis, recurrence_and_skewed_access)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int N, float x[restrict N], float y[restrict N]) {\n"
                          "  for (int i = 1; i < N; i++) x[i] = x[i - 1] + y[i];\n"
                          "  for (int k = 0; k < N; k++)\n"
                          "    for (int l = 0; l < N - k; l++) y[k + l] = 0;\n}\n");
    cr_assert_not(LOOP(a, "i")->independent);
    cr_assert_not(LOOP(a, "i")->reducible);
    cr_assert_not(LOOP(a, "k")->independent); /* k+l hits the same element twice */
    cr_assert(LOOP(a, "l")->independent);
    done(a);
}

Test(analysis, scalar_reductions_and_private_locals)
{
    analysed *a =
        analyse("#include <math.h>\n#pragma mscc kernel\n"
                "void g(int M, int N, const float X[restrict M][N], float out[restrict M]) {\n"
                "  for (int i = 0; i < M; i++) {\n"
                "    float s = 0, m = X[i][0];\n"
                "    for (int j = 0; j < N; j++) s += X[i][j];\n"
                "    for (int q = 0; q < N; q++) m = fmaxf(m, X[i][q]);\n"
                "    out[i] = s + m;\n  }\n}\n");
    cr_assert(LOOP(a, "i")->independent); /* s and m live inside i */
    const ms_loop_info *j = LOOP(a, "j"), *q = LOOP(a, "q");
    cr_assert(j->reducible);
    cr_assert_eq(j->nred, 1);
    cr_assert_eq(j->red[0].op, MS_RED_ADD);
    cr_assert_eq(q->red[0].op, MS_RED_MAX);
    done(a);
}

Test(analysis, scalar_read_elsewhere_is_not_a_reduction)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int N, const float x[restrict N], float y[restrict N]) {\n"
                          "  float s = 0;\n"
                          "  for (int i = 0; i < N; i++) { s += x[i]; y[i] = s; }\n}\n");
    cr_assert_not(LOOP(a, "i")->reducible);
    done(a);
}

Test(analysis, local_array_shared_by_iterations)
{
    analysed *a =
        analyse("#pragma mscc kernel\n"
                "void g(int M, const float X[restrict M][16], float Y[restrict M][16]) {\n"
                "  float t[16];\n"
                "  for (int i = 0; i < M; i++) {\n"
                "    for (int j = 0; j < 16; j++) Y[i][j] = t[15 - j];\n" /* last row's t */
                "    for (int j = 0; j < 16; j++) t[j] = X[i][j];\n  }\n}\n");
    cr_assert_not(LOOP(a, "i")->independent);
    done(a);
}

Test(analysis, ranges_and_extents)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int N, int W, const float *restrict x, float *restrict y) {\n"
                          "  for (int i = 0; i < N; i++)\n"
                          "    for (int j = 0; j <= i; j++) y[i * W + j] = x[2 * i + j + 3];\n}\n");
    ms_func *f = a->src.kernels[0].func;
    ms_str s = {0};
    ms_expr_print(ms_buffer_extent(f, f->params[2].buf), &s);
    cr_assert_str_eq(ms_str_cstr(&s), "N * 3 + 1"); /* 2(N-1) + (N-1) + 3 + 1 */
    ms_str_free(&s);
    ms_expr_print(ms_buffer_extent(f, f->params[3].buf), &s);
    cr_assert_str_eq(ms_str_cstr(&s), "N * W + N - W");
    ms_str_free(&s);
    done(a);
}

Test(analysis, normalised_loops_keep_their_dependences)
{
    /* x[i] reads x[i + 1], written one iteration earlier going down: serial;
     * the same loop going up only reads ahead of its writes: also serial
     * (a write after read); a downward copy between arrays: independent */
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int n, double *restrict x, double *restrict y) {\n"
                          "  int i, k;\n"
                          "  for (i = n - 2; i >= 0; i--) x[i] = x[i] - 0.5 * x[i + 1];\n"
                          "  for (k = n; k-- > 0;) y[k] = 2.0 * y[k];\n}\n");
    cr_assert_not(LOOP(a, "i_t")->independent);
    cr_assert(LOOP(a, "k_t")->independent);
    done(a);
}

Test(analysis, ranges_see_through_min_and_max_bounds)
{
    /* j < min(i + B, N) stays below N (the branch without a counter), and
     * j >= max(i - B, 0) stays at or above 0 */
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void band(int N, int B, const float *x, float *z, float *w) {\n"
                          "  for (int i = 0; i < N; i++)\n"
                          "    for (int j = i; j < (i + B < N ? i + B : N); j++)\n"
                          "      z[j] += x[i];\n"
                          "  for (int i = 0; i < N; i++)\n"
                          "    for (int j = (i - B > 0 ? i - B : 0); j <= i; j++)\n"
                          "      w[i] += x[j];\n}\n");
    ms_func *f = a->src.kernels[0].func;
    ms_str s = {0};
    ms_expr_print(ms_buffer_extent(f, f->params[3].buf), &s);
    cr_assert_str_eq(ms_str_cstr(&s), "N");
    ms_str_free(&s);
    ms_expr_print(ms_buffer_extent(f, f->params[2].buf), &s);
    cr_assert_str_eq(ms_str_cstr(&s), "N");
    ms_str_free(&s);
    done(a);
}

/* The shape a pointer parameter was given, as the IR prints it. */
static char *shape_of(analysed *a, int param)
{
    ms_str s = {0};
    const ms_buffer *b = a->src.kernels[0].func->params[param].buf;
    for (int d = 0; d < b->ndim; d++) {
        ms_str_add(&s, "[");
        if (b->shape[d])
            ms_expr_print(b->shape[d], &s);
        else
            ms_str_add(&s, "?");
        ms_str_add(&s, "]");
    }
    return ms_str_take(&s);
}

Test(delinearize, recovers_dimensions_when_provably_in_bounds)
{
    analysed *a =
        analyse("#pragma mscc kernel\n"
                "void g(int C, int H, int W, int N, const float *restrict in,\n"
                "       const float *restrict k3, float *restrict out, float *restrict t) {\n"
                "  for (int c = 0; c < C; c++)\n"
                "    for (int h = 0; h < H; h++)\n"
                "      for (int w = 0; w < W; w++) {\n"
                "        out[(c * H + h) * W + w] = in[(c * H + h) * W + w];\n"
                "        for (int q = 0; q < 3; q++) t[(c + 1) * 3 + q] = k3[w * 3 + q];\n"
                "      }\n}\n");
    char *s = shape_of(a, 4);
    cr_expect_str_eq(s, "[?][H][W]");
    free(s);
    s = shape_of(a, 6);
    cr_expect_str_eq(s, "[?][H][W]");
    free(s);
    s = shape_of(a, 5);
    cr_expect_str_eq(s, "[?][3]");
    free(s);
    s = shape_of(a, 7);
    cr_expect_str_eq(s, "[?][3]");
    free(s);
    /* and it prints back exactly as a linear subscript */
    ms_str ir = {0};
    ms_func_print(a->src.kernels[0].func, &ir);
    cr_expect(strstr(ms_str_cstr(&ir), "out[(vc * H + vh) * W + vw] = in[(vc * H + vh) * W + vw]"),
              "%s", ms_str_cstr(&ir));
    cr_expect(strstr(ms_str_cstr(&ir), "t[(vc + 1) * 3 + vq]"), "%s", ms_str_cstr(&ir));
    ms_str_free(&ir);
    done(a);
}

Test(delinearize, keeps_one_dimension_when_an_index_may_cross_a_row)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int M, int N, const float *restrict x, float *restrict y,\n"
                          "       float *restrict z) {\n"
                          "  for (int i = 0; i < M; i++)\n"
                          "    for (int j = 0; j < N; j++) {\n"
                          "      y[i * N + j + 1] = x[i * N + j];\n" /* j + 1 reaches N */
                          "      int jj = j - 1;\n"
                          "      if (jj >= 0) z[i * N + jj] = 0;\n" /* -1 before the guard */
                          "    }\n}\n");
    char *s = shape_of(a, 3);
    cr_expect_str_eq(s, "[?]");
    free(s);
    s = shape_of(a, 4);
    cr_expect_str_eq(s, "[?]");
    free(s);
    s = shape_of(a, 2); /* x itself is fine */
    cr_expect_str_eq(s, "[?][N]");
    free(s);
    done(a);
}

Test(analysis, hash_ignores_names)
{
    analysed *a = analyse("#pragma mscc kernel\nvoid g(int M, float x[restrict M]) {\n"
                          "  for (int i = 0; i < M; i++) x[i] = x[i] * 2;\n}\n");
    analysed *b = analyse("#pragma mscc kernel\nvoid h(int Q, float y[restrict Q]) {\n"
                          "  for (int t = 0; t < Q; t++) y[t] = y[t] * 2;\n}\n");
    analysed *c = analyse("#pragma mscc kernel\nvoid h(int Q, float y[restrict Q]) {\n"
                          "  for (int t = 0; t < Q; t++) y[t] = y[t] * 3;\n}\n");
    uint64_t ha = ms_func_hash(a->src.kernels[0].func), hb = ms_func_hash(b->src.kernels[0].func);
    cr_expect_eq(ha, hb);
    cr_expect_neq(ha, ms_func_hash(c->src.kernels[0].func));
    done(a);
    done(b);
    done(c);
}

/* Where the declaration of t ended up, as the IR prints it. */
static bool alloc_inside_loop(analysed *a)
{
    ms_str ir = {0};
    ms_func_print(a->src.kernels[0].func, &ir);
    const char *loop = strstr(ms_str_cstr(&ir), "for i:");
    const char *decl = strstr(ms_str_cstr(&ir), "alloc t:");
    bool inside = loop && decl && decl > loop;
    ms_str_free(&ir);
    return inside;
}

Test(sink, private_scratch_moves_into_the_loop)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int M, const float X[restrict M][8], float Y[restrict M][8]) {\n"
                          "  float t[8];\n"
                          "  for (int i = 0; i < M; i++) {\n"
                          "    for (int j = 0; j < 8; j++) t[j] = X[i][j] * 2;\n"
                          "    for (int j = 0; j < 8; j++) Y[i][j] = t[7 - j];\n  }\n}\n");
    cr_expect(alloc_inside_loop(a));
    free(a->infos);
    a->n = ms_analyze_loops(a->src.kernels[0].func, &a->infos);
    cr_expect(LOOP(a, "i")->independent);
    done(a);
}

Test(sink, carried_or_partial_scratch_stays)
{
    const char *cases[] = {
        /* only part of t is written before it is read */
        "#pragma mscc kernel\nvoid g(int M, const float X[restrict M][8], float Y[restrict M][8]) "
        "{\n"
        "  float t[8];\n  for (int i = 0; i < M; i++) {\n"
        "    for (int j = 1; j < 8; j++) t[j] = X[i][j];\n"
        "    for (int j = 0; j < 8; j++) Y[i][j] = t[j];\n  }\n}\n",
        /* read before written: the previous row flows in */
        "#pragma mscc kernel\nvoid g(int M, const float X[restrict M][8], float Y[restrict M][8]) "
        "{\n"
        "  float t[8];\n  for (int i = 0; i < M; i++) {\n"
        "    for (int j = 0; j < 8; j++) Y[i][j] = t[j];\n"
        "    for (int j = 0; j < 8; j++) t[j] = X[i][j];\n  }\n}\n",
        /* used after the loop */
        "#pragma mscc kernel\nvoid g(int M, const float X[restrict M][8], float Y[restrict M][8]) "
        "{\n"
        "  float t[8];\n  for (int i = 0; i < M; i++)\n"
        "    for (int j = 0; j < 8; j++) t[j] = X[i][j];\n"
        "  for (int j = 0; j < 8; j++) Y[0][j] = t[j];\n}\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        analysed *a = analyse(cases[i]);
        cr_expect_not(alloc_inside_loop(a), "case %zu moved", i);
        done(a);
    }
}

/* Interval arithmetic over constant loops sees through the / and % that
 * fused counters carry, with C's truncation for negative dividends. */
Test(analysis, constant_ranges_through_quotients_and_remainders)
{
    analysed *a = analyse("#pragma mscc kernel\n"
                          "void g(int N, float *restrict y) {\n"
                          "  for (int f = 0; f < 35; f++)\n"
                          "    for (int x = 0; x < 8; x++)\n"
                          "      for (int t = 0; t < f + 1; t++)\n"
                          "        y[f * 8 + x] += (float)t;\n"
                          "  for (int i = 0; i < N; i++) y[i] = 0;\n}\n");
    ms_func *fn = a->src.kernels[0].func;
    ms_stmt *loops[3] = {LOOP(a, "f")->loop, LOOP(a, "x")->loop, LOOP(a, "t")->loop};
    ms_expr *f = ms_var_ref(fn, loops[0]->loop.var), *x = ms_var_ref(fn, loops[1]->loop.var);
    ms_expr *t = ms_var_ref(fn, loops[2]->loop.var);
#define B(op, l, r) ms_binary(fn, MS_BIN_##op, l, r)
#define I(v) ms_int(fn, v)
    struct {
        ms_expr *e;
        int64_t lo, hi;
    } cases[] = {
        {B(ADD, B(MUL, B(DIV, f, I(5)), I(4)), x), 0, 31}, /* f / 5 * 4 + x */
        {B(ADD, B(MUL, B(MOD, f, I(5)), I(8)), x), 0, 39}, /* f % 5 * 8 + x */
        {B(MOD, B(ADD, x, I(3)), I(16)), 3, 10},           /* no wrap: exact */
        {B(MOD, f, I(8)), 0, 7},                           /* wraps */
        {B(DIV, B(SUB, f, I(40)), I(8)), -5, 0},           /* -40 / 8 .. -6 / 8 */
        {B(MOD, B(SUB, f, I(40)), I(8)), -7, 0},
        {B(SUB, I(3), B(MUL, x, x)), -46, 3},
        {t, 0, 34}, /* triangular: t < f + 1 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t lo, hi;
        cr_assert(ms_expr_const_range(cases[i].e, 3, loops, &lo, &hi), "case %zu", i);
        cr_expect(lo == cases[i].lo && hi == cases[i].hi, "case %zu: [%lld, %lld]", i,
                  (long long)lo, (long long)hi);
    }
    /* a size parameter, or a counter out of scope, has no constant range */
    int64_t lo, hi;
    ms_expr *n = ms_var_ref(fn, fn->params[0].var);
    cr_expect_not(ms_expr_const_range(B(ADD, x, n), 3, loops, &lo, &hi));
    cr_expect_not(ms_expr_const_range(t, 2, loops, &lo, &hi));
    cr_expect_not(ms_expr_const_range(B(DIV, f, x), 3, loops, &lo, &hi));
#undef B
#undef I
    done(a);
}
