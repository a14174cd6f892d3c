/*
 * tensorize_test.c - the tensorize primitive and the intrinsics it calls:
 * a gemm tiled to a micro-kernel's shape calls it (register tile, packed
 * B or not, tiles the sizes cut run the loops), built and run against the
 * original at the tuning sizes and odd ones, and replayed from its trace;
 * every registry entry, as printed into outputs, computes what its
 * portable version computes, under the ISA it needs and without it (and
 * in --multiversion's form, built with no -march); the
 * primitive refuses what it cannot do and leaves the state as it was.
 */
#include "fixture.h"

#include "driver/driver.h"
#include "emit/emit.h"

#include <stdio.h>
#include <string.h>

static const char *gemm = "#pragma mscc kernel sizes(M=64, N=96, K=40)\n"
                          "void gemm(int M, int N, int K, const float A[restrict M][K],\n"
                          "          const float B[restrict K][N], float C[restrict M][N]) {\n"
                          "  for (int i = 0; i < M; i++)\n"
                          "    for (int j = 0; j < N; j++) {\n"
                          "      C[i][j] = 0.0f;\n"
                          "      for (int k = 0; k < K; k++)\n"
                          "        C[i][j] += A[i][k] * B[k][j];\n"
                          "    }\n}\n";

/* SSRSRS with the innermost tiles mr x nr, a register tile of C, B packed
 * by nr when pack_b; returns the k loop of the inner nest. */
#define LIT(v) ((ms_operand){-1, (v)})

static int tile_gemm(fixture *fx, int mr, int nr, bool pack_b, int *block)
{
    int l[3], a[3], b[3], c[2];
    ms_tracer *tr = fx->tr;
    *block = ms_t_get_block(tr, "C_1");
    cr_assert_geq(*block, 0, "%s", tr->why);
    cr_assert_eq(ms_t_get_loops(tr, *block, l), 3);
    ms_t_split(tr, l[0], 3, (ms_operand[]){LIT(-1), LIT(2), LIT(mr)}, a);
    ms_t_split(tr, l[1], 3, (ms_operand[]){LIT(-1), LIT(1), LIT(nr)}, b);
    ms_t_split(tr, l[2], 2, (ms_operand[]){LIT(-1), LIT(16)}, c);
    ms_t_reorder(tr, 8, (int[]){a[0], b[0], c[0], a[1], b[1], c[1], a[2], b[2]});
    ms_t_decompose_reduction(tr, *block, a[0]);
    ms_t_cache_write(tr, *block, b[1], "register");
    if (pack_b)
        ms_t_transform_layout(tr, "B", 2, (int64_t[]){1, nr}, 3, (int64_t[]){1, 0, 2});
    ms_t_parallel(tr, a[0]);
    cr_assert_eq(tr->status, MS_OK, "%s", tr->why);
    return c[1];
}

Test(tensorize, gemm_tiles_call_the_micro_kernel_and_match_the_original_at_every_size)
{
    const char *shapes[][2] = {{"mscc_f32_avx512_8x32", "8x32"},
                               {"mscc_f32_avx512_4x64", "4x64"},
                               {"mscc_f32_avx2_6x16", "6x16"}};
    for (int s = 0; s < 3; s++)
        for (int pack = s % 2; pack < 2; pack += 2) { /* packed B or not, by turns */
            fixture *fx = setup_src(gemm);
            const ms_intrin *in = ms_intrin_named(shapes[s][0]);
            int block, k = tile_gemm(fx, in->mr, in->nr, pack, &block);
            ms_t_tensorize(fx->tr, k, in->name);
            cr_assert_eq(fx->tr->status, MS_OK, "%s: %s", in->name, fx->tr->why);
            char *body = emit_fx(fx);
            char call[96];
            snprintf(call, sizeof call, "%s(&C_reg[0][0], &A[", in->name);
            cr_expect(strstr(body, call), "%s", body);
            /* a cut tile (M=64 is no multiple of 6) runs the loops as they were */
            cr_expect(strstr(body, "} else {"), "%s", body);
            free(body);
            differential_fx(fx);
            round_trip(fx);
            teardown_fx(fx);
        }
}

Test(tensorize, refuses_what_it_cannot_do_and_leaves_the_state)
{
    fixture *fx = setup_src(gemm);
    int block, k = tile_gemm(fx, 8, 16, false, &block);
    /* a tile of the wrong shape */
    EXPECT_REFUSED(fx, ms_t_tensorize(fx->tr, k, "mscc_f32_avx512_8x32"), MS_ERR_UNSUPPORTED);
    EXPECT_REFUSED(fx, ms_t_tensorize(fx->tr, k, "no_such_kernel"), MS_ERR_INPUT);
    /* not the outermost loop of three */
    int l[8];
    int n = ms_t_get_loops(fx->tr, block, l);
    cr_assert_eq(n, 8);
    EXPECT_REFUSED(fx, ms_t_tensorize(fx->tr, l[6], "mscc_f32_avx512_14x16"), MS_ERR_UNSUPPORTED);
    teardown_fx(fx);

    /* C's rows closer than a tile: C itself, N apart, not a register tile */
    fx = setup_src(gemm);
    block = ms_t_get_block(fx->tr, "C_1");
    int a[3], b[3], c[2];
    ms_t_get_loops(fx->tr, block, l);
    ms_t_split(fx->tr, l[0], 2, (ms_operand[]){LIT(-1), LIT(8)}, a);
    ms_t_split(fx->tr, l[1], 2, (ms_operand[]){LIT(-1), LIT(32)}, b);
    ms_t_split(fx->tr, l[2], 2, (ms_operand[]){LIT(-1), LIT(8)}, c);
    ms_t_reorder(fx->tr, 6, (int[]){a[0], b[0], c[0], c[1], a[1], b[1]});
    ms_t_decompose_reduction(fx->tr, block, a[0]);
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    EXPECT_REFUSED(fx, ms_t_tensorize(fx->tr, c[1], "mscc_f32_avx512_8x32"), MS_ERR_UNSUPPORTED);
    teardown_fx(fx);

    /* fused multiply-adds round as the original does not */
    fx = setup_src_strict(gemm);
    k = tile_gemm(fx, 8, 32, false, &block);
    EXPECT_REFUSED(fx, ms_t_tensorize(fx->tr, k, "mscc_f32_avx512_8x32"), MS_ERR_ILLEGAL);
    teardown_fx(fx);
}

/* Calls entry NAME with odd strides and depths, against the loops. */
static const char *checker =
    "#include <stdio.h>\n#include <stdlib.h>\n"
    "int main(void) {\n"
    "  enum { MR = MR_, NR = NR_, CI = NR_ + 3, AI = 5, AK = 7 * MR_, BK = NR_ + 5 };\n"
    "  static float a[(MR + 1) * AK * 70], b[BK * 70], c[MR * CI], r[MR * CI];\n"
    "  for (int i = 0; i < (int)(sizeof a / sizeof a[0]); i++) a[i] = (float)(i % 13) - 6;\n"
    "  for (int i = 0; i < (int)(sizeof b / sizeof b[0]); i++) b[i] = (float)(i % 7) - 3;\n"
    "  long depths[] = {0, 1, 7, 64};\n"
    "  for (int t = 0; t < 4; t++) {\n"
    "    long kc = depths[t];\n"
    "    for (int i = 0; i < MR * CI; i++) c[i] = r[i] = (float)(i % 5);\n"
    "    NAME(c, a + 1, b + 2, kc, CI, AI, AK, BK);\n"
    "    for (long k = 0; k < kc; k++)\n"
    "      for (int i = 0; i < MR; i++)\n"
    "        for (int j = 0; j < NR; j++)\n"
    "          r[i * CI + j] += a[1 + i * AI + k * AK] * b[2 + k * BK + j];\n"
    "    for (int i = 0; i < MR * CI; i++)\n"
    "      if (c[i] != r[i]) { printf(\"kc %ld: c[%d] %g, want %g\\n\", kc, i, c[i], r[i]);"
    " return 1; }\n"
    "  }\n  return 0;\n}\n";

Test(tensorize, every_intrinsic_computes_what_its_portable_version_does)
{
    /* the ISA's branch where this machine has it, the portable one always */
    const char *flags[] = {"-O2 -march=native", "-O2", "-O3 -march=native -ffast-math"};
    for (int e = 0; e < ms_intrin_count(); e++) {
        const ms_intrin *in = ms_intrin_at(e);
        ms_str text = {0};
        ms_str_addf(&text, "#if %s\n#include <%s>\n#endif\n", ms_intrin_available(in),
                    ms_intrin_header(in));
        ms_intrin_print(in, false, &text);
        ms_str_add(&text, checker);
        char file[96];
        snprintf(file, sizeof file, "%s.c", in->name);
        char *path = tu_write_temp(file, ms_str_cstr(&text));
        for (int f = 0; f < 3; f++) {
            ms_str cmd = {0};
            /* small integers: every order of the sums is exact */
            ms_str_addf(&cmd,
                        "cc -std=c11 -pedantic %s -Wall -Wextra -Werror -Wshadow -Wconversion "
                        "-DNAME=%s -DMR_=%d -DNR_=%d %s -o %s.%d 2>&1 && %s.%d",
                        flags[f], in->name, in->mr, in->nr, path, path, f, path, f);
            FILE *p = popen(ms_str_cstr(&cmd), "r");
            char out[4096] = "";
            size_t got = fread(out, 1, sizeof out - 1, p);
            out[got] = 0;
            cr_expect_eq(pclose(p), 0, "%s %s:\n%s", in->name, flags[f], out);
            ms_str_free(&cmd);
        }
        free(path);
        ms_str_free(&text);
        if (!ms_intrin_multiversioned(in))
            continue;
        /* --multiversion's form: compiled for its ISA by an attribute, in a
         * file built with no -march, run where this CPU has the ISA */
        ms_str mv = {0};
        ms_emit_multiversion_prologue(&mv);
        ms_str_addf(&mv, "#if MSCC_MV_X86\n#include <%s>\n", ms_intrin_header(in));
        ms_intrin_print(in, true, &mv);
        ms_str_add(&mv, checker);
        ms_str_add(&mv, "#else\nint main(void) { return 0; }\n#endif\n");
        snprintf(file, sizeof file, "%s_mv.c", in->name);
        path = tu_write_temp(file, ms_str_cstr(&mv));
        bool runs = ms_isa_runs_here(in->isa);
        ms_str cmd = {0};
        ms_str_addf(&cmd,
                    "cc -std=c11 -pedantic -O2 -Wall -Wextra -Werror -Wshadow -Wconversion "
                    "-DNAME=%s -DMR_=%d -DNR_=%d %s -o %s.mv 2>&1",
                    in->name, in->mr, in->nr, path, path);
        if (runs)
            ms_str_addf(&cmd, " && %s.mv", path);
        FILE *p = popen(ms_str_cstr(&cmd), "r");
        char out[4096] = "";
        size_t got = fread(out, 1, sizeof out - 1, p);
        out[got] = 0;
        cr_expect_eq(pclose(p), 0, "%s --multiversion:\n%s", in->name, out);
        ms_str_free(&cmd);
        free(path);
        ms_str_free(&mv);
    }
}
