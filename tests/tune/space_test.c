/*
 * space_test.c - the design space: what each rule proposes (tiling with a
 * register tile and packing for gemm, inlining of an injective producer,
 * a compute location for a reduction producer, partials for a full
 * reduction (add-rfactor), parallel and serial
 * variants with SIMD and an unroll step), that the hand-written gemm
 * trace is a point of the space, that candidates sampled from it compute
 * what the original does (compiled with -Wall -Wextra -Werror, run at the
 * tuning and odd sizes) in both fp-models, and the unroll postprocessor.
 */
#include "testutil.h"

#include "kernels.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ms_arch arch2 = TUNE_ARCH2;

static const char gemm_src[] = TUNE_GEMM("gemm", "M=64, N=48, K=40");

/* Depthwise 3x3 convolution, NHWC, the input padded. */
#define DW_KERNEL(SIZES)                                                                           \
    "#pragma mscc kernel sizes(" SIZES ")\n"                                                       \
    "void dw(int H, int W, int C, const float In[restrict H + 2][W + 2][C],\n"                     \
    "        const float Wt[restrict 3][3][C], float Out[restrict H][W][C]) {\n"                   \
    "  for (int h = 0; h < H; h++)\n"                                                              \
    "    for (int w = 0; w < W; w++)\n"                                                            \
    "      for (int c = 0; c < C; c++) {\n"                                                        \
    "        Out[h][w][c] = 0.0f;\n"                                                               \
    "        for (int kh = 0; kh < 3; kh++)\n"                                                     \
    "          for (int kw = 0; kw < 3; kw++)\n"                                                   \
    "            Out[h][w][c] += In[h + kh][w + kw][c] * Wt[kh][kw][c];\n"                         \
    "      }\n"                                                                                    \
    "}\n"

/* conv2d NHWC 3x3, the input padded, weights HWIO. */
#define CONV_KERNEL(SIZES)                                                                         \
    "#pragma mscc kernel sizes(" SIZES ")\n"                                                       \
    "void conv(int N, int H, int W, int CI, int CO, const float In[restrict N][H + 2][W + "        \
    "2][CI],\n"                                                                                    \
    "          const float Wt[restrict 3][3][CI][CO], float Out[restrict N][H][W][CO]) {\n"        \
    "  for (int n = 0; n < N; n++)\n"                                                              \
    "    for (int h = 0; h < H; h++)\n"                                                            \
    "      for (int w = 0; w < W; w++)\n"                                                          \
    "        for (int co = 0; co < CO; co++) {\n"                                                  \
    "          Out[n][h][w][co] = 0.0f;\n"                                                         \
    "          for (int kh = 0; kh < 3; kh++)\n"                                                   \
    "            for (int kw = 0; kw < 3; kw++)\n"                                                 \
    "              for (int ci = 0; ci < CI; ci++)\n"                                              \
    "                Out[n][h][w][co] += In[n][h + kh][w + kw][ci] * Wt[kh][kw][ci][co];\n"        \
    "        }\n"                                                                                  \
    "}\n"

/* Compiles and runs each body against the original (at the check sizes
 * and two random ones), expects it right, and frees it; returns nb. */
static int expect_bodies_correct(const ms_source *src, const ms_kernel *k, char **bodies, int nb)
{
    bool ok[16];
    char *rep[16];
    MS_ASSERT(nb <= 16);
    tu_check_bodies(src, k, bodies, nb,
                    "-std=c11 -O1 -march=native -fopenmp -Wall -Wextra -Werror "
                    "-Wno-unknown-pragmas",
                    2, 5, ok, rep);
    for (int b = 0; b < nb; b++) {
        cr_expect(ok[b], "%s: %s\n%s", k->name, rep[b], bodies[b]);
        free(rep[b]);
        free(bodies[b]);
    }
    return nb;
}

/* Does the trace hold an instruction of kind k (with str, if given)? */
static bool has(const ms_trace *t, ms_inst_kind k, const char *str)
{
    for (int i = 0; i < t->insts.len; i++)
        if (t->insts.data[i].kind == k && (!str || !strcmp(t->insts.data[i].str, str)))
            return true;
    return false;
}

static int sketches_for(const char *text, bool strict, const ms_arch *arch, ms_source *src,
                        ms_trace ***out)
{
    ms_diags d = {0};
    char *path = tu_write_temp("space.c", text);
    tu_parse_file_fp(path, strict, src, &d);
    free(path);
    ms_diags_free(&d);
    return ms_space_sketches(src->kernels[0].func, arch, 1, out);
}

static int sketches_of(const char *text, bool strict, ms_source *src, ms_trace ***out)
{
    return sketches_for(text, strict, &arch2, src, out);
}

static void free_sketches(ms_trace **t, int n)
{
    for (int i = 0; i < n; i++)
        ms_trace_free(t[i]);
    free(t);
}

/* The init of a tiled reduction goes just before its first reduction
 * loop (R0), inside the S0 S1 tiles, so that it sets a tile while the tile
 * is in cache rather than the whole output in a nest of its own. */
Test(space, tiling_puts_the_init_before_the_first_reduction_loop)
{
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(gemm_src, false, &src, &sk), checked = 0;
    for (int i = 0; i < n; i++) {
        int r0 = -1, at = -2;
        for (int j = 0; j < sk[i]->insts.len; j++) {
            const ms_inst *in = &sk[i]->insts.data[j];
            if (in->kind == MS_INST_SPLIT && in->nout == 2) /* k: the one reduction */
                r0 = in->out[0];
            if (in->kind == MS_INST_DECOMPOSE_REDUCTION)
                at = in->in[1].rv;
        }
        if (at == -2)
            continue;
        cr_expect_eq(at, r0, "sketch %d: decompose_reduction at variable %d, R0 is %d", i, at, r0);
        checked++;
    }
    cr_expect_gt(checked, 0, "no sketch decomposes the reduction");
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* SSSRS: the reductions whole inside the S2 tiles, and the init left in
 * the block, so that the register tile is filled by the init (Out_reg = 0)
 * instead of zeros written to the output and read back. Depthwise: its
 * 3x3 reduction gains nothing from a split. The candidates compute what
 * the original does, at the tuning and other sizes. */
Test(space, register_tile_can_be_filled_by_the_init, .timeout = 300)
{
    static const char dw[] = DW_KERNEL("H=14, W=12, C=32");
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(dw, false, &src, &sk), nb = 0;
    const ms_kernel *k = &src.kernels[0];
    char *orig = ms_kernel_body_text(&src, k), *bodies[8];
    for (int i = 0; i < n; i++) {
        if (!has(sk[i], MS_INST_CACHE_WRITE, "register") ||
            has(sk[i], MS_INST_DECOMPOSE_REDUCTION, NULL))
            continue;
        for (int seed = 0; seed < 40 && nb < 8; seed++) {
            ms_tracer *tr = ms_space_sample(k->func, sk[i], 100 + (uint64_t)seed);
            const char *why = NULL;
            char *body =
                tr->status == MS_OK ? ms_emit_body(tr->s->f, k->func, orig, NULL, &why) : NULL;
            ms_tracer_free(tr);
            if (!body)
                continue;
            /* zeros go to the register tile only, and it is never read in */
            cr_expect(strstr(body, "Out_reg["), "no register tile:\n%s", body);
            cr_expect(!strstr(body, "] = Out["), "the tile is read in:\n%s", body);
            for (const char *z = strstr(body, "= 0.0f;"); z; z = strstr(z + 1, "= 0.0f;")) {
                const char *line = z;
                while (line > body && line[-1] != '\n')
                    line--;
                while (*line == ' ')
                    line++;
                /* (or in the user's loops, kept for when packing finds no memory) */
                cr_expect(!strncmp(line, "Out_reg[", 8) || !strncmp(line, "Out[h][w][c] = ", 15),
                          "zeros written to the output:\n%s", body);
            }
            bodies[nb++] = body;
            break;
        }
    }
    cr_expect_geq(nb, 2, "%d SSSRS candidates among %d sketches", nb, n);
    expect_bodies_correct(&src, k, bodies, nb);
    free(orig);
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* A proposal is a structure: tiles drawn while proposing it that make a
 * step fail (a register tile too big) are drawn again, not the proposal
 * dropped. Depthwise at 112x112x32 once lost every register tile on seeds
 * 2, 3, 5 and 7 (4 or 6 sketches of 12). */
Test(space, every_proposal_survives_its_first_draw)
{
    static const char dw[] = DW_KERNEL("H=112, W=112, C=32");
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(dw, &src, &d);
    ms_diags_free(&d);
    for (uint64_t seed = 1; seed <= 8; seed++) {
        ms_trace **sk;
        int n = ms_space_sketches(src.kernels[0].func, &arch2, seed, &sk);
        /* 3 tilings x 2 (packing) x 2 (parallel) */
        cr_expect_eq(n, 12, "seed %llu: %d sketches", (unsigned long long)seed, n);
        free_sketches(sk, n);
    }
    ms_source_free(&src);
}

Test(space, gemm_tiling_proposes_register_tile_and_packing)
{
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(gemm_src, false, &src, &sk);
    /* 3 (SSRSRS with a register tile or not, SSSRS with one) x 2 (packing
     * or not) x 2 (parallel or not) */
    cr_expect_eq(n, 12, "%d sketches", n);
    int cached = 0, packed = 0, parallel = 0, decomposed = 0;
    for (int i = 0; i < n; i++) {
        cr_expect(has(sk[i], MS_INST_SAMPLE_PERFECT_TILE, NULL));
        cr_expect(has(sk[i], MS_INST_REORDER, NULL));
        cr_expect(has(sk[i], MS_INST_VECTORIZE, NULL));
        cr_expect(has(sk[i], MS_INST_ANNOTATE, NULL));
        decomposed += has(sk[i], MS_INST_DECOMPOSE_REDUCTION, NULL);
        cached += has(sk[i], MS_INST_CACHE_WRITE, "register");
        packed += has(sk[i], MS_INST_TRANSFORM_LAYOUT, "B");
        parallel += has(sk[i], MS_INST_PARALLEL, NULL);
    }
    cr_expect_eq(decomposed, 8);
    cr_expect_eq(cached, 8);
    cr_expect_eq(packed, 6);
    cr_expect_eq(parallel, 6);
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* The sketches of text on an AVX-512 target with intrinsics: those that
 * tensorize with each of the nwant shapes (register tile and packing in
 * each) and no other, nt of them; two candidates of each, calling the
 * micro-kernel and computing what the original does at the tuning sizes
 * and others (where tiles are cut, the loops run). None under strict. */
static void expect_tensorized(const char *text, const char *const *want, int nwant, int nt_want)
{
    ms_arch avx512 = arch2;
    avx512.isa = "avx512";
    ms_source src;
    ms_trace **sk;
    int n = sketches_for(text, false, &avx512, &src, &sk), nt = 0, nb = 0;
    const ms_kernel *k = &src.kernels[0];
    char *orig = ms_kernel_body_text(&src, k), *bodies[8];
    for (int w = 0; w < nwant; w++) {
        int i = 0;
        while (i < n && !has(sk[i], MS_INST_TENSORIZE, want[w]))
            i++;
        cr_assert_lt(i, n, "no sketch calls %s", want[w]);
        cr_expect(has(sk[i], MS_INST_CACHE_WRITE, "register"));
        cr_expect(has(sk[i], MS_INST_TRANSFORM_LAYOUT, NULL));
        for (int seed = 0; seed < 2 && nb < 8; seed++) {
            ms_tracer *tr = ms_space_sample(k->func, sk[i], 7 + (uint64_t)seed);
            const char *why = NULL;
            char *body =
                tr->status == MS_OK ? ms_emit_body(tr->s->f, k->func, orig, NULL, &why) : NULL;
            cr_expect(body, "%s: %s", want[w], tr->status == MS_OK ? why : tr->why);
            ms_tracer_free(tr);
            if (!body)
                continue;
            char call[64];
            snprintf(call, sizeof call, "%s(&", want[w]);
            cr_expect(strstr(body, call), "%s", body);
            bodies[nb++] = body;
        }
    }
    for (int i = 0; i < n; i++)
        nt += has(sk[i], MS_INST_TENSORIZE, NULL);
    cr_expect_eq(nt, nt_want, "%d tensorized sketches", nt);
    src.kernels[0].func->fp_strict = true;
    ms_trace **sks;
    int ns = ms_space_sketches(k->func, &avx512, 1, &sks);
    for (int i = 0; i < ns; i++)
        cr_expect_not(has(sks[i], MS_INST_TENSORIZE, NULL));
    src.kernels[0].func->fp_strict = false;
    free_sketches(sks, ns);
    expect_bodies_correct(&src, k, bodies, nb);
    free(orig);
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* A matrix product whose sizes the shapes divide: 4x64 and 8x32 divide
 * 64 x 64, 6x32, 12x32 and 14x16 do not; 2 shapes x 2 structures (SSRSRS,
 * SSSRS) x 2 (parallel or not). */
Test(space, gemm_on_a_target_with_intrinsics_is_tensorized, .timeout = 300)
{
    static const char gemm64[] = TUNE_GEMM("gemm", "M=64, N=64, K=40");
    const char *want[] = {"mscc_f32_avx512_4x64", "mscc_f32_avx512_8x32"};
    expect_tensorized(gemm64, want, 2, 2 * 2 * 2);
}

/* A convolution NHWC: i is w, j is co, k is ci; the other tiles of the
 * call's nest (n, h, kh, kw) are 1. Only 8x32 divides W=8 x CO=32. */
Test(space, convolution_on_a_target_with_intrinsics_is_tensorized, .timeout = 300)
{
    static const char conv[] = CONV_KERNEL("N=1, H=5, W=8, CI=7, CO=32");
    const char *want[] = {"mscc_f32_avx512_8x32"};
    expect_tensorized(conv, want, 1, 2 * 2);
}

/* A transposed operand (W[j][k]: its last subscript the reduction) is
 * packed to W'[j/f][k][f]; a scalar accumulator finished by a relu is
 * merged first, so the product tiles at all. */
Test(space, transposed_operand_is_packed_after_the_accumulator_merges)
{
    static const char dense[] =
        "#pragma mscc kernel sizes(M=64, N=48, K=40)\n"
        "void dr(int M, int N, int K, const float X[restrict M][K],\n"
        "        const float W[restrict N][K], const float bias[restrict N],\n"
        "        float Y[restrict M][N]) {\n"
        "  for (int i = 0; i < M; i++)\n"
        "    for (int j = 0; j < N; j++) {\n"
        "      float acc = bias[j];\n"
        "      for (int k = 0; k < K; k++) acc += X[i][k] * W[j][k];\n"
        "      Y[i][j] = acc > 0.0f ? acc : 0.0f;\n"
        "    }\n"
        "}\n";
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(dense, false, &src, &sk);
    int merged = 0, packed = 0, other = 0;
    for (int i = 0; i < n; i++) {
        merged += has(sk[i], MS_INST_MERGE_ACCUMULATOR, NULL);
        packed += has(sk[i], MS_INST_TRANSFORM_LAYOUT, "W");
        other += has(sk[i], MS_INST_TRANSFORM_LAYOUT, "X");
        for (int k = 0; k < sk[i]->insts.len; k++) {
            const ms_inst *in = &sk[i]->insts.data[k];
            if (in->kind != MS_INST_TRANSFORM_LAYOUT)
                continue;
            /* W[N][K] split along N, the inner part last */
            cr_expect_eq(in->nin, 2 + 3, "%d operands", in->nin);
            cr_expect(in->in[0].rv >= 0, "the factor is the sampled tile");
            cr_expect_eq(in->in[1].lit, 1);
            cr_expect(in->in[2].lit == 0 && in->in[3].lit == 2 && in->in[4].lit == 1,
                      "perm %lld %lld %lld", (long long)in->in[2].lit, (long long)in->in[3].lit,
                      (long long)in->in[4].lit);
        }
    }
    cr_expect_eq(merged, n, "%d of %d sketches merge the accumulator", merged, n);
    cr_expect_eq(packed, n / 2, "%d of %d sketches pack W", packed, n);
    cr_expect_eq(other, 0);
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* A convolution's seven loops become 22 after tiling (4 x 4 spatial, 3 x 2
 * reduction): every one of them is reordered (reorder once took 16 at most,
 * and the rule silently proposed nothing for convolutions). */
Test(space, convolution_nest_is_tiled)
{
    static const char conv[] = CONV_KERNEL("N=2, H=14, W=14, CI=16, CO=32");
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(conv, false, &src, &sk);
    int tiled = 0;
    for (int i = 0; i < n; i++)
        tiled += has(sk[i], MS_INST_REORDER, NULL) && has(sk[i], MS_INST_SAMPLE_PERFECT_TILE, NULL);
    cr_expect_gt(tiled, 0, "no tiled sketch among %d", n);
    free_sketches(sk, n);
    ms_source_free(&src);
}

Test(space, strict_keeps_reductions_whole)
{
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(gemm_src, true, &src, &sk);
    cr_expect_gt(n, 0);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < sk[i]->insts.len; k++) {
            const ms_inst *in = &sk[i]->insts.data[k];
            /* only the two spatial loops are tiled: the k loop stays whole */
            if (in->kind == MS_INST_SAMPLE_PERFECT_TILE)
                cr_expect_eq(in->attr[0], 4, "a reduction loop was split under strict");
            cr_expect_neq(in->kind, MS_INST_RFACTOR);
        }
    free_sketches(sk, n);
    ms_source_free(&src);
}

Test(space, injective_producer_is_inlined_and_reduction_producer_placed)
{
    static const char text[] =
        "#pragma mscc kernel sizes(N=64, M=32)\n"
        "void k(int N, int M, const float X[restrict N][M], float Y[restrict N]) {\n"
        "    float T[N][M];\n"
        "    float S[N];\n"
        "    for (int i = 0; i < N; i++)\n"
        "        for (int j = 0; j < M; j++)\n"
        "            T[i][j] = X[i][j] * 2.0f;\n"
        "    for (int i = 0; i < N; i++) {\n"
        "        S[i] = 0.0f;\n"
        "        for (int j = 0; j < M; j++)\n"
        "            S[i] += T[i][j];\n"
        "    }\n"
        "    for (int i = 0; i < N; i++)\n"
        "        Y[i] = S[i] + 1.0f;\n"
        "}\n";
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(text, false, &src, &sk);
    cr_assert_gt(n, 0);
    for (int i = 0; i < n; i++) {
        cr_expect(has(sk[i], MS_INST_COMPUTE_INLINE, NULL) ||
                      has(sk[i], MS_INST_REVERSE_COMPUTE_INLINE, NULL),
                  "the injective producer T was not inlined");
    }
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* A full reduction (no spatial loop to share among the cores): the
 * add-rfactor rule proposes partials per job (summed in a register) and
 * per SIMD lane beside the reduction as it is; not for floats under
 * strict, nor where the spatial loops already give every core work. */
static const char full_reductions[] =
    "#pragma mscc kernel sizes(N=3000)\n"
    "void fdot(int N, const float x[restrict N], const float y[restrict N], float out[1]) {\n"
    "    float s = 0.0f;\n"
    "    for (int i = 0; i < N; i++)\n"
    "        s += x[i] * y[i];\n"
    "    out[0] = s;\n"
    "}\n"
    "#pragma mscc kernel sizes(M=30, N=50)\n"
    "void itotal(int M, int N, const int A[restrict M][N], long long out[1]) {\n"
    "    out[0] = 0;\n"
    "    for (int i = 0; i < M; i++)\n"
    "        for (int j = 0; j < N; j++)\n"
    "            out[0] += A[i][j];\n"
    "}\n";

static void count_rfactor(const ms_func *f, int *n, int *rf, int *rf_reg)
{
    ms_trace **sk;
    *n = ms_space_sketches(f, &arch2, 1, &sk);
    *rf = *rf_reg = 0;
    for (int i = 0; i < *n; i++) {
        *rf += has(sk[i], MS_INST_RFACTOR, NULL);
        *rf_reg += has(sk[i], MS_INST_RFACTOR, NULL) && has(sk[i], MS_INST_CACHE_WRITE, "register");
    }
    free_sketches(sk, *n);
}

Test(space, full_reduction_gets_partials)
{
    for (int strict = 0; strict < 2; strict++) {
        ms_source src;
        ms_diags d = {0};
        char *path = tu_write_temp("full.c", full_reductions);
        tu_parse_file_fp(path, strict, &src, &d);
        free(path);
        ms_diags_free(&d);
        cr_assert_eq(src.nkernels, 2);
        for (int k = 0; k < 2; k++) {
            int n, rf, rf_reg;
            count_rfactor(src.kernels[k].func, &n, &rf, &rf_reg);
            bool want = !(strict && k == 0); /* float partials reassociate */
            /* per job (with its register) and per lane, beside the unchanged block */
            cr_expect_eq(rf > 0, want, "%s strict=%d: %d of %d sketches with rfactor",
                         src.kernels[k].name, strict, rf, n);
            cr_expect_eq(rf_reg > 0, want, "%s strict=%d: %d with a register partial",
                         src.kernels[k].name, strict, rf_reg);
            cr_expect(rf < n, "%s: no sketch keeps the reduction as it is", src.kernels[k].name);
        }
        ms_source_free(&src);
    }
    /* gemm's spatial loops give every core work: no partials */
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(gemm_src, false, &src, &sk);
    for (int i = 0; i < n; i++)
        cr_expect(!has(sk[i], MS_INST_RFACTOR, NULL));
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* Every sketch of the full reductions, sampled several times, computes
 * what the original does (the sizes include odd ones and 1). */
Test(space, full_reduction_candidates_are_correct, .timeout = 300)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(full_reductions, &src, &d);
    ms_diags_free(&d);
    int checked = 0, with_rfactor = 0;
    for (int k = 0; k < src.nkernels; k++) {
        const ms_kernel *kn = &src.kernels[k];
        ms_trace **sk;
        int ns = ms_space_sketches(kn->func, &arch2, 5, &sk);
        char *orig = ms_kernel_body_text(&src, kn);
        char *bodies[16];
        int nb = 0;
        for (int c = 0; c < 2 * ns && nb < 16; c++) {
            ms_tracer *tr = ms_space_sample(kn->func, sk[c % ns], 77 + (uint64_t)c);
            const char *why = NULL;
            cr_expect_eq(tr->status, MS_OK, "%s: %s", kn->name, tr->why);
            if (tr->status == MS_OK &&
                (bodies[nb] = ms_emit_body(tr->s->f, kn->func, orig, NULL, &why))) {
                with_rfactor += has(tr->t, MS_INST_RFACTOR, NULL);
                nb++;
            }
            ms_tracer_free(tr);
        }
        checked += expect_bodies_correct(&src, kn, bodies, nb);
        free(orig);
        free_sketches(sk, ns);
    }
    cr_expect_gt(with_rfactor, 4, "only %d of %d candidates with partials", with_rfactor, checked);
    ms_source_free(&src);
}

/* The target's rule list decides which rules shape the space. */
Test(space, the_target_lists_the_rules)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(gemm_src, &src, &d);
    ms_diags_free(&d);
    ms_arch only = arch2;
    only.rules = "auto_inline,parallel_vectorize_unroll";
    ms_trace **sk;
    int n = ms_space_sketches(src.kernels[0].func, &only, 1, &sk);
    cr_expect_eq(n, 2, "%d sketches (parallel or not)", n);
    for (int i = 0; i < n; i++)
        cr_expect(!has(sk[i], MS_INST_SAMPLE_PERFECT_TILE, NULL), "tiled without the tiling rule");
    free_sketches(sk, n);
    only.rules = "multi_level_tiling";
    n = ms_space_sketches(src.kernels[0].func, &only, 1, &sk);
    cr_expect_eq(n, 6, "%d sketches (register tile, packing, SSSRS)", n);
    for (int i = 0; i < n; i++)
        cr_expect(!has(sk[i], MS_INST_VECTORIZE, NULL) && has(sk[i], MS_INST_REORDER, NULL));
    free_sketches(sk, n);
    ms_source_free(&src);
}

/* The loop structure of bench/traces/gemm.json is a point of the space:
 * a sketch with the same schedule-changing instructions, whose tiles can
 * be set to the hand trace's (up to unit factors) and still replays. */
Test(space, hand_trace_is_a_point_of_the_gemm_space)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/bench/traces/gemm.json", tu_src_dir());
    char *doc = ms_read_file(path, NULL);
    cr_assert(doc);
    char **names;
    ms_trace **hand;
    const char *why;
    int nh = ms_trace_doc_parse(doc, &names, &hand, &why);
    cr_assert_eq(nh, 1, "%s", why);
    static const char big[] = TUNE_GEMM("gemm", "M=256, N=256, K=256");
    ms_source src;
    ms_trace **sk;
    int n = sketches_of(big, false, &src, &sk);
    static const ms_inst_kind kinds[] = {
        MS_INST_SPLIT,       MS_INST_REORDER,          MS_INST_DECOMPOSE_REDUCTION,
        MS_INST_CACHE_WRITE, MS_INST_TRANSFORM_LAYOUT, MS_INST_PARALLEL,
        MS_INST_VECTORIZE};
    int found = -1;
    for (int i = 0; i < n && found < 0; i++) {
        bool all = true;
        for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
            all = all && has(hand[0], kinds[k], NULL) == has(sk[i], kinds[k], NULL);
        if (all)
            found = i;
    }
    cr_assert_geq(found, 0, "no sketch has the hand trace's instructions");
    /* the hand trace's tiles: i 32x4x8 (1 as the unit level), j 8x4x32, k 16x16
     * (its 256 over the innermost bound of 64 becomes 16x16) */
    ms_trace *t = ms_trace_clone(sk[found]);
    static const int64_t ti[] = {8, 1, 4, 8}, tj[] = {2, 1, 4, 32}, tk[] = {16, 16};
    const int64_t *want[] = {ti, tj, tk};
    int which = 0;
    for (int i = 0; i < t->insts.len && which < 3; i++)
        if (t->insts.data[i].kind == MS_INST_SAMPLE_PERFECT_TILE) {
            cr_expect(ms_trace_set_decision(t, i, which < 2 ? 4 : 2, want[which]));
            which++;
        }
    cr_expect_eq(which, 3);
    ms_tracer *tr = ms_trace_replay(t, src.kernels[0].func, false, 0);
    cr_expect_eq(tr->status, MS_OK, "%s", tr->why);
    ms_tracer_free(tr);
    ms_trace_free(t);
    free_sketches(sk, n);
    ms_trace_free(hand[0]);
    free(hand);
    free(names[0]);
    free(names);
    free(doc);
    ms_source_free(&src);
}

/* Candidates sampled from the space of every kernel of a test folder
 * compute what the original does. */
static void sampled_candidates_are_correct(const char *folder, bool strict, int per_kernel,
                                           uint64_t seed)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/%s", tu_src_dir(), folder);
    char **files = tu_list(dir, ".c");
    int checked = 0, failed = 0;
    for (int fi = 0; files[fi]; fi++) {
        if (strstr(files[fi], "_test.c"))
            continue;
        ms_source src;
        ms_diags d = {0};
        tu_parse_file_fp(files[fi], strict, &src, &d);
        ms_diags_free(&d);
        for (int ki = 0; ki < src.nkernels; ki++) {
            const ms_kernel *k = &src.kernels[ki];
            if (!k->func)
                continue;
            ms_trace **sk;
            int ns = ms_space_sketches(k->func, &arch2, seed, &sk);
            char *bodies[16];
            int nb = 0;
            char *orig = ms_kernel_body_text(&src, k);
            for (int c = 0; c < per_kernel; c++) {
                ms_tracer *tr = ms_space_sample(k->func, sk[(c + ki) % ns], seed * 131 + c);
                const char *why = NULL;
                if (tr->status == MS_OK &&
                    (bodies[nb] = ms_emit_body(tr->s->f, k->func, orig, NULL, &why)))
                    nb++;
                ms_tracer_free(tr);
            }
            bool ok[16];
            char *rep[16];
            char flags[8192];
            snprintf(flags, sizeof flags,
                     "-std=c11 -O1 -march=native -fopenmp -Wall -Wextra -Werror "
                     "-Wno-unknown-pragmas -I%s%s",
                     dir, strict ? " -ffp-contract=off" : "");
            tu_check_bulk(&src, k, bodies, nb, flags, seed, ok, rep);
            for (int b = 0; b < nb; b++) {
                checked++;
                if (!ok[b]) {
                    failed++;
                    cr_expect(ok[b], "%s: kernel %s: %s\n%s", files[fi], k->name, rep[b],
                              bodies[b]);
                }
                free(rep[b]);
                free(bodies[b]);
            }
            free(orig);
            free_sketches(sk, ns);
        }
        ms_source_free(&src);
    }
    tu_free_list(files);
    cr_expect_gt(checked, 20, "only %d candidates checked", checked);
    cr_log_info("%d sampled candidates checked, %d failed", checked, failed);
}

Test(space, sampled_candidates_compute_what_the_original_does, .timeout = 900)
{
    sampled_candidates_are_correct("e2e", false, 3, 11);
}

Test(space, sampled_candidates_strict_keep_every_bit, .timeout = 900)
{
    sampled_candidates_are_correct("e2e", true, 2, 12);
}

/* the C89 style of numerical suites: scalar accumulators, downward loops */
Test(space, sampled_candidates_of_real_c_kernels, .timeout = 900)
{
    sampled_candidates_are_correct("realc", false, 2, 13);
}

Test(space, unroll_postprocessor_unrolls_within_the_step)
{
    ms_source src;
    ms_diags d = {0};
    tu_parse_text(gemm_src, &src, &d);
    ms_diags_free(&d);
    ms_tracer *tr = ms_tracer_new(src.kernels[0].func, 1);
    int b = ms_t_get_block(tr, "C_1"), l[4];
    int n = ms_t_get_loops(tr, b, l);
    cr_assert_eq(n, 3);
    int f[2];
    ms_operand ops[2] = {{-1, -1}, {-1, 4}};
    ms_t_split(tr, l[2], 2, ops, f);
    ms_t_annotate(tr, l[0], "unroll_max_step", 16);
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    cr_assert_eq(ms_postproc(tr->s), MS_OK);
    /* the inner k loop (4 iterations of one statement) fits in 16; the rest do not */
    ms_stmt *inner = tr->s->rvs.data[tr->map.data[f[1]]].stmt;
    ms_stmt *outer = tr->s->rvs.data[tr->map.data[f[0]]].stmt;
    cr_expect_eq(inner->loop.kind, MS_LOOP_UNROLLED);
    cr_expect_eq(outer->loop.kind, MS_LOOP_SERIAL);
    ms_tracer_free(tr);
    ms_source_free(&src);
}

static const char vmath_src[] =
    "#include <math.h>\n"
    "#pragma mscc kernel sizes(M = 8, N = 40)\n"
    "void k(int M, int N, const float X[restrict M][N], float Y[restrict M][N],\n"
    "       float Z[restrict M][N], float R[restrict M])\n"
    "{\n"
    "    for (int i = 0; i < M; i++)\n"
    "        for (int j = 0; j < N; j++)\n"
    "            Y[i][j] = expf(X[i][j]);\n"
    "    for (int i = 0; i < M; i++)\n"
    "        for (int j = 0; j < N; j++)\n"
    "            Z[i][j] = expf(X[i][j]);\n"
    "    for (int i = 0; i < M; i++) {\n"
    "        float mx = X[i][0];\n"
    "        for (int j = 1; j < N; j++)\n"
    "            mx = fmaxf(mx, X[i][j]);\n"
    "        R[i] = mx;\n"
    "    }\n"
    "}\n";

/* Y's inner loop made SIMD (and the max's, where reductions may be
 * reordered), Z's left serial; postprocessed. Returns the IR text. */
static char *vmath_postprocessed(bool strict, ms_status *st)
{
    char *path = tu_write_temp("vmath.c", vmath_src);
    ms_source src;
    ms_diags d = {0};
    tu_parse_file_fp(path, strict, &src, &d);
    ms_diags_free(&d);
    ms_tracer *tr = ms_tracer_new(src.kernels[0].func, 1);
    int l[4];
    ms_t_get_loops(tr, ms_t_get_block(tr, "Y"), l);
    ms_t_vectorize(tr, l[1]);
    if (!strict) {
        cr_assert_eq(ms_t_get_loops(tr, ms_t_get_block(tr, "mx_3"), l), 2);
        ms_t_vectorize(tr, l[1]);
    }
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    *st = ms_postproc(tr->s);
    ms_str ir = {0};
    ms_func_print(tr->s->f, &ir);
    ms_tracer_free(tr);
    ms_source_free(&src);
    free(path);
    return ms_str_take(&ir);
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

Test(space, postprocessor_gives_simd_loops_the_vector_math)
{
    ms_status st;
    char *ir = vmath_postprocessed(false, &st);
    /* the max stays a reduction that SIMD may reorder */
    cr_assert_eq(st, MS_OK);
    cr_expect_eq(count(ir, "mscc_expf("), 1, "%s", ir);
    cr_expect_eq(count(ir, " expf("), 1, "the serial loop keeps libm's:\n%s", ir);
    cr_expect_eq(count(ir, "mscc_fmaxf("), 1, "%s", ir);
    free(ir);
}

Test(space, strict_keeps_libm_in_simd_loops)
{
    ms_status st;
    char *ir = vmath_postprocessed(true, &st);
    cr_assert_eq(st, MS_OK);
    cr_expect_eq(count(ir, "mscc_"), 0, "%s", ir);
    free(ir);
}
