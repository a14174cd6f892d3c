/*
 * cli_test.c - the mscc command as a user meets it: exit statuses, error
 * messages, no output on invalid C, the input never written, atomic output,
 * --check, and traces printed by --print-trace=json replaying to the same
 * output with --trace.
 */
#include "testutil.h"

#include "driver/driver.h"
#include "emit/emit.h"

#include <cJSON.h>
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct run {
    int status;
    char *out, *err;
} run;

/* mscc with up to 6 arguments (NULL ends them): status, stdout, stderr */
static run mscc6(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5,
                 const char *a6)
{
    static int n;
    char o[64], e[64];
    snprintf(o, sizeof o, "cli_out_%d.txt", n);
    snprintf(e, sizeof e, "cli_err_%d.txt", n++);
    char *op = tu_write_temp(o, ""), *ep = tu_write_temp(e, "");
    char *argv[] = {(char *)tu_mscc(), (char *)a1, (char *)a2, (char *)a3,
                    (char *)a4,        (char *)a5, (char *)a6, NULL};
    ms_proc_result r;
    cr_assert_eq(ms_proc_run(argv, op, ep, 300, &r), 0);
    run res = {r.timed_out || r.signal ? -1 : r.exit_code, ms_read_file(op, NULL),
               ms_read_file(ep, NULL)};
    free(op);
    free(ep);
    return res;
}

static run mscc(const char *a1, const char *a2, const char *a3, const char *a4, const char *a5)
{
    return mscc6(a1, a2, a3, a4, a5, NULL);
}

static void done(run *r)
{
    free(r->out);
    free(r->err);
}

static const char kernel[] = "// a user's file\n#include <stddef.h>\n"
                             "#pragma mscc kernel sizes(n=300000)\n"
                             "void scale(size_t n, const float *restrict x, float *restrict y) {\n"
                             "    for (size_t i = 0; i < n; i++) y[i] = 3.0f * x[i];\n}\n";

/* A driver's gemm inputs at M x N x K (size setting s) and the reference R ... */
#define GEMM_INPUTS_AND_REFERENCE                                                                  \
    "        float *A = malloc(sizeof(float) * M * K), *B = malloc(sizeof(float) * K * N);\n"      \
    "        float *C = malloc(sizeof(float) * M * N), *R = malloc(sizeof(float) * M * N);\n"      \
    "        for (int i = 0; i < M * K; i++) A[i] = (float)((i * 7 + s) % 13) - 6.0f;\n"           \
    "        for (int i = 0; i < K * N; i++) B[i] = (float)((i * 5 + s) % 11) - 5.0f;\n"           \
    "        for (int i = 0; i < M; i++)\n"                                                        \
    "            for (int j = 0; j < N; j++) {\n"                                                  \
    "                float acc = 0.0f;\n"                                                          \
    "                for (int k = 0; k < K; k++) acc += A[i * K + k] * B[k * N + j];\n"            \
    "                R[i * N + j] = acc;\n"                                                        \
    "            }\n"

/* ... then C, after the kernel's call, against R; small integers: every
 * order of the sums is exact */
#define GEMM_COMPARE_AND_FREE                                                                      \
    "        for (int i = 0; i < M * N; i++)\n"                                                    \
    "            if (C[i] != R[i]) {\n"                                                            \
    "                printf(\"%d x %d x %d: C[%d] = %g, not %g\\n\", M, N, K, i, C[i], R[i]);\n"   \
    "                return 1;\n"                                                                  \
    "            }\n"                                                                              \
    "        free(A), free(B), free(C), free(R);\n"

static bool exists(const char *p)
{
    FILE *f = fopen(p, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

Test(cli, usage_errors_exit_1_with_a_reason)
{
    run r = mscc("--bogus", NULL, NULL, NULL, NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "mscc: error: unknown option '--bogus'"), "%s", r.err);
    cr_expect(strstr(r.err, "usage: mscc"), "%s", r.err);
    done(&r);
    r = mscc("x.c", NULL, NULL, NULL, NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "no output file"), "%s", r.err);
    done(&r);
    r = mscc("--version", NULL, NULL, NULL, NULL);
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "mscc 0."), "%s", r.out);
    done(&r);
}

Test(cli, input_is_never_the_output)
{
    char *in = tu_write_temp("same.c", kernel);
    run r = mscc(in, "-o", in, NULL, NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "is the input"), "%s", r.err);
    char *after = ms_read_file(in, NULL);
    cr_expect_str_eq(after, kernel);
    free(after);
    done(&r);
    free(in);
}

Test(cli, invalid_c_is_an_error_and_writes_nothing)
{
    char *in = tu_write_temp(
        "bad.c", "#pragma mscc kernel\nvoid k(int n) { for (int i = 0; i < n; i++) x = ; }\n");
    char *out = tu_write_temp("bad.out.c", "");
    remove(out);
    run r = mscc(in, "-o", out, NULL, NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "bad.c:2:"), "%s", r.err);
    cr_expect(strstr(r.err, "error:"), "%s", r.err);
    cr_expect_not(exists(out));
    done(&r);
    r = mscc("/nonexistent/in.c", "-o", out, NULL, NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "cannot read"), "%s", r.err);
    done(&r);
    free(in);
    free(out);
}

/* A crash inside libclang (forced by clang's own debug pragma) is ours:
 * an internal error, exit 2, and no output, never a partial file. */
Test(cli, a_crash_inside_libclang_is_an_internal_error)
{
    char *in = tu_write_temp("crash.c", "#pragma clang __debug parser_crash\n"
                                        "#pragma mscc kernel\n"
                                        "void k(int n, float *a) { for (int i = 0; i < n; i++) "
                                        "a[i] = 0; }\n");
    char *out = tu_write_temp("crash.out.c", "");
    remove(out);
    /* what libclang held when it crashed is never freed: under ASan, LSan
     * would report it at exit and change the status */
    setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
    run r = mscc(in, "-o", out, "--trials", "0");
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "internal error: libclang crashed"), "%s", r.err);
    cr_expect(strstr(r.err, "no output written"), "%s", r.err);
    cr_expect_not(exists(out));
    done(&r);
    free(in);
    free(out);
}

/* A trace copied as the database records it (one trace, no kernel name):
 * an error that says how to name its kernel, and no output. */
Test(cli, a_trace_without_its_kernel_name_is_explained)
{
    char *in = tu_write_temp("bare.c", kernel);
    char *t = tu_write_temp("bare.json", "{\"mscc_trace\": 1, \"insts\": []}");
    char *out = tu_write_temp("bare.out.c", "");
    remove(out);
    run r = mscc(in, "-o", out, "--trace", t);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "one trace, not keyed by kernel name"), "%s", r.err);
    cr_expect_not(exists(out));
    done(&r);
    free(in);
    free(t);
    free(out);
}

/* A kernel may be named mscc_trace: its keyed document is no single
 * trace (the trace fuzz target: the text "# kernel mscc_trace" written as
 * JSON read back as one trace), in either form. */
Test(cli, a_kernel_named_mscc_trace_takes_its_traces)
{
    char *in = tu_write_temp("mt.c", "#pragma mscc kernel sizes(N = 8)\n"
                                     "void mscc_trace(int N, float C[N])\n"
                                     "{\n"
                                     "    for (int i = 0; i < N; i++)\n"
                                     "        C[i] = 1.0f;\n"
                                     "}\n");
    char *text = tu_write_temp("mt.txt", "# kernel mscc_trace\nb0 = get_block(\"C\")\n");
    char *out = tu_write_temp("mt.out.c", "");
    run r = mscc6(in, "-o", out, "--trace", text, "--print-trace=json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"mscc_trace\":\t{"), "%s", r.out);
    char *json = tu_write_temp("mt.json", r.out);
    done(&r);
    r = mscc(in, "-o", out, "--trace", json);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "1 kernel, 1 tuned"), "%s", r.err);
    done(&r);
    free(in);
    free(text);
    free(json);
    free(out);
}

Test(cli, rejected_kernel_is_copied_with_a_warning)
{
    const char *text = "#pragma mscc kernel sizes(n=8)\n"
                       "void k(int n, float y[restrict n]) {\n"
                       "    for (int i = 0; i < n; i++) { if (y[i] > 0) break; y[i] = 1; }\n}\n";
    char *in = tu_write_temp("rej.c", text);
    char *out = tu_write_temp("rej.out.c", "");
    run r = mscc(in, "-o", out, NULL, NULL);
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.err, "rej.c:3:49: warning: kernel 'k' left unchanged: 'break' statement"),
              "%s", r.err);
    char *got = ms_read_file(out, NULL);
    cr_expect_str_eq(got, text);
    free(got);
    done(&r);
    free(in);
    free(out);
}

/* A refused kernel's warning as gcc prints one: the source line, and a
 * caret under the construct (tabs kept, so that it lines up). */
Test(cli, a_warning_shows_the_line_and_a_caret)
{
    char *in = tu_write_temp("caret.c", "#pragma mscc kernel sizes(n=8)\n"
                                        "void k(int n, float y[restrict n]) {\n"
                                        "    for (int i = 0; i < n; i++) {\n"
                                        "\tif (y[i] > 0) break; y[i] = 1; }\n}\n");
    char *out = tu_write_temp("caret.out.c", "");
    run r = mscc(in, "-o", out, "--trials", "0");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.err, "caret.c:4:16: warning: kernel 'k' left unchanged: 'break' statement\n"
                            "    4 | \tif (y[i] > 0) break; y[i] = 1; }\n"
                            "      | \t              ^\n"),
              "%s", r.err);
    done(&r);
    free(in);
    free(out);
}

/* -Werror: a refused kernel is an error; nothing is written. */
Test(cli, werror_makes_a_refused_kernel_an_error)
{
    char *in = tu_write_temp("werr.c", "#pragma mscc kernel sizes(n=8)\n"
                                       "void k(int n, float y[restrict n]) {\n"
                                       "    for (int i = 0; i < n; i++) { if (y[i] > 0) break; }\n"
                                       "}\n");
    char *out = tu_write_temp("werr.out.c", "");
    remove(out);
    run r = mscc6(in, "-o", out, "--trials", "0", "-Werror");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "error: kernel 'k' left unchanged: 'break' statement [-Werror]"), "%s",
              r.err);
    cr_expect(strstr(r.err, "no output written"), "%s", r.err);
    cr_expect_not(exists(out));
    done(&r);
    /* without the refusal, -Werror changes nothing */
    char *good = tu_write_temp("werr_ok.c", kernel);
    r = mscc6(good, "-o", out, "--trials", "0", "-Werror");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(exists(out));
    done(&r);
    free(good);
    free(in);
    free(out);
}

/* -fdiagnostics-format=json: stderr is gcc's JSON array, alone. */
Test(cli, json_diagnostics_are_gccs_schema)
{
    char *in = tu_write_temp("json.c", "#pragma mscc kernel sizes(n=8)\n"
                                       "void k(int n, float y[restrict n]) {\n"
                                       "    for (int i = 0; i < n; i++) { if (y[i] > 0) break; }\n"
                                       "}\n");
    char *out = tu_write_temp("json.out.c", "");
    run r = mscc6(in, "-o", out, "--trials", "0", "-fdiagnostics-format=json");
    cr_expect_eq(r.status, 0);
    cJSON *all = cJSON_Parse(r.err);
    cr_assert(cJSON_IsArray(all), "not a JSON array: %s", r.err);
    cr_assert_eq(cJSON_GetArraySize(all), 1, "%s", r.err);
    cJSON *d = cJSON_GetArrayItem(all, 0);
    cr_expect_str_eq(cJSON_GetObjectItem(d, "kind")->valuestring, "warning");
    cr_expect(strstr(cJSON_GetObjectItem(d, "message")->valuestring, "'break' statement"));
    cJSON *caret =
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(d, "locations"), 0), "caret");
    cr_assert_not_null(caret, "%s", r.err);
    cr_expect(strstr(cJSON_GetObjectItem(caret, "file")->valuestring, "json.c"));
    cr_expect_eq(cJSON_GetObjectItem(caret, "line")->valueint, 3);
    cr_expect_eq(cJSON_GetObjectItem(caret, "column")->valueint, 49);
    cJSON_Delete(all);
    done(&r);
    free(in);
    free(out);
}

/* -o -: the whole file on standard output, no file written. */
Test(cli, dash_output_is_standard_output)
{
    char *in = tu_write_temp("stdout.c", kernel);
    run r = mscc(in, "-o", "-", "--trials", "0");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "// a user's file\n#include <stddef.h>\n"), "%s", r.out);
    cr_expect(strstr(r.out, "tuned by mscc"), "%s", r.out);
    cr_expect(strstr(r.err, "-> standard output"), "%s", r.err);
    cr_expect_not(exists("-"));
    done(&r);
    r = mscc6(in, "-o", "-", "--trials", "0", "--print-trace=json");
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "which -o - takes"), "%s", r.err);
    done(&r);
    free(in);
}

/* -MD: a make depfile naming the input, its includes and the project's
 * database; -MF moves it; misuses are errors. */
Test(cli, md_writes_a_depfile, .timeout = 120)
{
    char *hdr = tu_write_temp("dep header.h", "#define SCALE 3.0f\n");
    char *in = tu_write_temp("dep.c", "#include \"dep header.h\"\n"
                                      "#pragma mscc kernel sizes(n=1000)\n"
                                      "void scale(int n, const float *restrict x, float *restrict "
                                      "y) {\n"
                                      "    for (int i = 0; i < n; i++) y[i] = SCALE * x[i];\n}\n");
    char *out = tu_write_temp("dep.out.c", "");
    char *d = tu_write_temp("dep.out.d", "");
    remove(d);
    run r = mscc6(in, "-o", out, "--trials", "0", "-MD");
    cr_expect_eq(r.status, 0, "%s", r.err);
    char *text = ms_read_file(d, NULL);
    cr_assert_not_null(text, "no depfile at %s", d);
    cr_expect(strstr(text, "dep.out.c:"), "%s", text);
    cr_expect(strstr(text, "/dep.c"), "%s", text);
    cr_expect(strstr(text, "dep\\ header.h"), "the include, its space escaped: %s", text);
    cr_expect_not(strstr(text, "records.jsonl"), "no database was named: %s", text);
    free(text);
    done(&r);
    /* a named database that decided is named too */
    char *db = tu_write_temp("depdb", "");
    remove(db);
    char dbopt[4300], mf[4300];
    snprintf(dbopt, sizeof dbopt, "--db=%s", db);
    snprintf(mf, sizeof mf, "-MF=%s.mf", d);
    r = mscc6(in, "-o", out, "--trials=2", dbopt, "-MD");
    cr_expect_eq(r.status, 0, "%s", r.err);
    done(&r);
    r = mscc6(in, "-o", out, dbopt, "-MD", mf);
    cr_expect_eq(r.status, 0, "%s", r.err);
    char mfpath[4300];
    snprintf(mfpath, sizeof mfpath, "%s.mf", d);
    text = ms_read_file(mfpath, NULL);
    cr_assert_not_null(text, "no depfile at %s", mfpath);
    cr_expect(strstr(text, "depdb/records.jsonl"), "%s", text);
    free(text);
    done(&r);
    r = mscc(in, "-o", out, "-MF", mfpath);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "-MF names the depfile of -MD"), "%s", r.err);
    done(&r);
    r = mscc(in, "-o", "-", "-MD", NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "needs -MF"), "%s", r.err);
    done(&r);
    free(db);
    free(hdr);
    free(in);
    free(out);
    free(d);
}

/* `mscc db merge`: a usage error without -o; two folders merged into a
 * third, which then lists (the merge itself: db::merge_keeps_history...). */
Test(cli, db_merge_command_line)
{
    run r = mscc("db", "merge", "/tmp", NULL, NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "usage: mscc db merge"), "%s", r.err);
    done(&r);
    char *a = ms_tempdir_new(), *b = ms_tempdir_new(), *c = ms_tempdir_new();
    char out[4200];
    snprintf(out, sizeof out, "%s/m", c);
    r = mscc6("db", "merge", a, b, "-o", out);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "0 records from 2 folders"), "%s", r.err);
    done(&r);
    r = mscc6("db", "merge", a, "-o", a, NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "is an input"), "%s", r.err);
    done(&r);
    ms_tempdir_remove(a);
    ms_tempdir_remove(b);
    ms_tempdir_remove(c);
    free(a);
    free(b);
    free(c);
}

Test(cli, output_is_written_whole_and_leaves_no_temporary)
{
    char *in = tu_write_temp("ok.c", kernel);
    char *out = tu_write_temp("ok.out.c", "old contents");
    run r = mscc(in, "-o", out, "-q", NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    char *got = ms_read_file(out, NULL);
    cr_expect(strstr(got, "// a user's file\n#include <stddef.h>\n#pragma mscc kernel"), "%s", got);
    cr_expect(strstr(got, "#pragma omp parallel for simd"), "%s", got);
    free(got);
    done(&r);
    /* no ok.out.c.mscc-XXXXXX left beside it */
    char *dir = ms_xstrdup(out);
    *strrchr(dir, '/') = '\0';
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        cr_expect_null(strstr(e->d_name, ".mscc-"), "left behind: %s", e->d_name);
    closedir(d);
    free(dir);
    free(in);
    free(out);
}

Test(cli, check_prints_a_table_and_passes, .timeout = 300)
{
    char *in = tu_write_temp("chk.c", kernel);
    char *out = tu_write_temp("chk.out.c", "");
    run r = mscc(in, "-o", out, "--check", "--sizes=n=1001");
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "kernel "), "%s", r.out);
    cr_expect(strstr(r.out, "scale "), "%s", r.out);
    cr_expect(strstr(r.out, " yes "), "%s", r.out);
    done(&r);
    free(in);
    free(out);
}

/* --trials 0 for a target with micro-kernels: the gemm calls the ISA's
 * (nothing measured), and --check runs it against the original at the
 * tuning sizes and others where this CPU can; for a target without, the
 * portable default. */
Test(cli, no_trials_tensorize_a_matrix_product_for_the_target, .timeout = 300)
{
    ms_str in = {0};
    ms_str_addf(&in, "%s/examples/gemm.c", tu_src_dir());
    char *out = tu_write_temp("dt.out.c", "");
    __builtin_cpu_init();
    bool avx512 = __builtin_cpu_supports("avx512f");
    run r = mscc6(ms_str_cstr(&in), "-o", out, "--trials=0", "--target=x86-64-v4",
                  avx512 ? "--check" : "-q");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(!avx512 || strstr(r.out, " yes "), "%s", r.out);
    done(&r);
    char *text = ms_read_file(out, NULL);
    cr_expect(strstr(text, "tensorize(\"mscc_f32_avx512_8x32\""), "%s", text);
    cr_expect(strstr(text, "mscc_f32_avx512_8x32(&C_reg[0][0]"), "%s", text);
    free(text);
    r = mscc(ms_str_cstr(&in), "-o", out, "--trials=0", "--target=generic");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    done(&r);
    text = ms_read_file(out, NULL);
    cr_expect(!strstr(text, "tensorize("), "%s", text);
    free(text);
    free(out);
    ms_str_free(&in);
}

/* --multiversion: a variant per x86-64 ISA level, each scheduled for its
 * own (tests/e2e/tensorizable.c's kernels call AVX-512's and AVX2's
 * micro-kernels) and checked by --check where this CPU runs it; the file
 * builds with no -march under -Wall -Wextra -Werror and runs right
 * through the dispatch and through each variant it can run, fixed by
 * MSCC_VARIANT; it builds with -march=native, with Clang without OpenMP,
 * and for aarch64 (the portable variant alone) where its compiler is. */
Test(cli, multiversion_holds_a_variant_per_isa_and_each_matches, .timeout = 300)
{
    ms_str in = {0};
    ms_str_addf(&in, "%s/tests/e2e/tensorizable.c", tu_src_dir());
    char *out = tu_write_temp("mv.out.c", "");
    run r = mscc6(ms_str_cstr(&in), "-o", out, "--trials=0", "--multiversion", "--check");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, "gemm_nn ") && strstr(r.out, "batched ") && !strstr(r.out, " NO "),
              "%s", r.out);
    cr_expect(!strstr(r.err, "warning"), "%s", r.err);
    done(&r);
    char *text = ms_read_file(out, NULL);
    static const char *const want[] = {"MSCC_MV_AVX512 static void gemm_nn_avx512(",
                                       "MSCC_MV_AVX2 static void gemm_nn_avx2(",
                                       "static void gemm_nn_generic(",
                                       "mscc_f32_avx512_8x32(&C_reg",
                                       "mscc_f32_avx2_6x16(&C_reg",
                                       "__builtin_cpu_supports(\"avx512f\")",
                                       "__atomic_store_n(&variant, v, __ATOMIC_RELAXED);"};
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++)
        cr_expect(strstr(text, want[w]), "no '%s' in\n%s", want[w], text);
    free(text);
    static const char driver[] =
        "#include <stdio.h>\n#include <stdlib.h>\n"
        "void gemm_nn(int M, int N, int K, const float A[restrict M][K],\n"
        "             const float B[restrict K][N], float C[restrict M][N]);\n"
        "int main(void)\n{\n"
        "    static const int sizes[][3] = {{48, 96, 33}, {37, 53, 29}, {130, 100, 70}};\n"
        "    for (int s = 0; s < 3; s++) {\n"
        "        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];\n" GEMM_INPUTS_AND_REFERENCE
        "        gemm_nn(M, N, K, (const float (*)[K])A, (const float (*)[N])B, (float "
        "(*)[N])C);\n" GEMM_COMPARE_AND_FREE "    }\n"
        "    return 0;\n}\n";
    char *drv = tu_write_temp("mv_driver.c", driver);
    const char *w = "-std=c11 -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas";
    char cmd[9000];
    /* 0: the dispatch's choice; v + 1: variant v, where this CPU runs it */
    for (int v = -1; v < ms_variant_count(); v++) {
        if (v >= 0 && !ms_variant_runs_here(v))
            continue;
        snprintf(cmd, sizeof cmd,
                 "cc %s -fopenmp -DMSCC_VARIANT=%d '%s' '%s' -o '%s.exe' && '%s.exe'", w, v + 1,
                 out, drv, out, out);
        if (v < 0) /* no MSCC_VARIANT */
            snprintf(cmd, sizeof cmd, "cc %s -fopenmp '%s' '%s' -o '%s.exe' && '%s.exe'", w, out,
                     drv, out, out);
        cr_expect_eq(system(cmd), 0, "%s", cmd);
    }
    snprintf(cmd, sizeof cmd, "cc %s -march=native -fopenmp -c '%s' -o '%s.o'", w, out, out);
    cr_expect_eq(system(cmd), 0, "%s", cmd);
    if (system("command -v clang-19 >/dev/null") == 0) {
        snprintf(cmd, sizeof cmd, "clang-19 %s '%s' '%s' -o '%s.exe' && '%s.exe'", w, out, drv, out,
                 out);
        cr_expect_eq(system(cmd), 0, "%s", cmd);
    }
    if (system("command -v aarch64-linux-gnu-gcc >/dev/null") == 0) {
        snprintf(cmd, sizeof cmd, "aarch64-linux-gnu-gcc %s -fopenmp -c '%s' -o '%s.o'", w, out,
                 out);
        cr_expect_eq(system(cmd), 0, "%s", cmd);
    }
    free(drv);
    free(out);
    ms_str_free(&in);
}

Test(cli, strict_fp_model_keeps_sums_in_order_and_checks_every_bit, .timeout = 300)
{
    char *in = tu_write_temp("dot.c", "#pragma mscc kernel sizes(n=100000)\n"
                                      "void dot(int n, const float *restrict x,\n"
                                      "         const float *restrict y, float *restrict s) {\n"
                                      "    float acc = 0.0f;\n"
                                      "    for (int i = 0; i < n; i++) acc += x[i] * y[i];\n"
                                      "    s[0] = acc;\n}\n");
    char *out = tu_write_temp("dot.out.c", "");
    /* every bit checked; the output may be the original when the timing on
     * a loaded machine calls the schedule slower, so it is read from a run
     * without --check */
    run r = mscc(in, "-o", out, "--check", "--fp-model=strict");
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, " yes "), "%s", r.out);
    done(&r);
    r = mscc(in, "-o", out, "--fp-model=strict", NULL);
    cr_expect_eq(r.status, 0, "%s", r.err);
    char *text = ms_read_file(out, NULL);
    cr_expect(strstr(text, "tuned by mscc " MS_VERSION " (--fp-model=strict)"), "%s", text);
    cr_expect_null(strstr(text, "reduction("), "%s", text);
    free(text);
    done(&r);
    /* the default model vectorises the sum */
    r = mscc(in, "-o", out, "--fp-model", "reassoc");
    cr_expect_eq(r.status, 0, "%s", r.err);
    text = ms_read_file(out, NULL);
    cr_expect(strstr(text, "reduction(+:acc)"), "%s", text);
    free(text);
    done(&r);
    free(in);
    free(out);
}

/* mscc IN -o A [--trace GIVEN] --print-trace=FORM > t; mscc IN -o B --trace t:
 * B is A, byte for byte, for the JSON form and the text form. */
static void compose_as(const char *in, const char *given, const char *form)
{
    char *a = tu_write_temp("compose_a.c", ""), *b = tu_write_temp("compose_b.c", "");
    run r1 =
        given ? mscc6(in, "-o", a, "--trace", given, form) : mscc6(in, "-o", a, form, NULL, NULL);
    cr_assert_eq(r1.status, 0, "%s: %s", in, r1.err);
    char *t = tu_write_temp(strstr(form, "json") ? "compose.json" : "compose.txt", r1.out);
    run r2 = mscc6(in, "-o", b, "--trace", t, NULL);
    cr_assert_eq(r2.status, 0, "%s %s: %s", in, form, r2.err);
    char *ta = ms_read_file(a, NULL), *tb = ms_read_file(b, NULL);
    cr_expect(ta && tb && !strcmp(ta, tb), "%s: --trace of the traces printed by %s differs", in,
              form);
    free(ta);
    free(tb);
    free(t);
    free(a);
    free(b);
    done(&r1);
    done(&r2);
}

static void compose(const char *in, const char *given)
{
    compose_as(in, given, "--print-trace=json");
    compose_as(in, given, "--print-trace=text");
}

/* A bad trace inside a document, JSON or text: an error that says what is
 * wrong, no output (the JSON one freed the document's names twice). */
Test(cli, a_bad_trace_in_a_document_is_an_error)
{
    static const char *const docs[][2] = {
        {"bad_doc.json", "{\"scale\": {\"mscc_trace\": 2}}"},
        {"bad_doc.txt", "# kernel scale\nb0 = get_block(\"y\"\n"},
        {"bad_doc2.txt", "b0 = get_block(\"y\")\n"},
        {"bad_doc3.txt", "# kernel scale\nl1 = get_loops(b0)\n"},
    };
    static const char *const says[] = {"schema version 1", "want ','", "# kernel NAME",
                                       "used before it is defined"};
    char *in = tu_write_temp("bad_doc.c", kernel);
    char *out = tu_write_temp("bad_doc.out.c", "");
    for (int i = 0; i < 4; i++) {
        remove(out);
        char *t = tu_write_temp(docs[i][0], docs[i][1]);
        run r = mscc(in, "-o", out, "--trace", t);
        cr_expect_eq(r.status, 1, "%s: %s", docs[i][0], r.err);
        cr_expect(strstr(r.err, says[i]), "%s: %s", docs[i][0], r.err);
        cr_expect_not(exists(out));
        done(&r);
        free(t);
    }
    free(in);
    free(out);
}

Test(cli, printed_traces_replay_to_the_same_output, .timeout = 300)
{
    static const char *const dirs[] = {"tests/e2e", "tests/golden"};
    int n = 0;
    for (int d = 0; d < 2; d++) {
        ms_str dir = {0};
        ms_str_addf(&dir, "%s/%s", tu_src_dir(), dirs[d]);
        char **files = tu_list(ms_str_cstr(&dir), ".c");
        for (char **f = files; *f; f++)
            if (!strstr(*f, "_test.c") && !strstr(*f, ".out.c")) {
                compose(*f, NULL);
                n++;
            }
        tu_free_list(files);
        ms_str_free(&dir);
    }
    cr_expect_geq(n, 10);
    /* a hand trace with every tiling primitive, printed back and replayed */
    ms_str c = {0}, t = {0};
    ms_str_addf(&c, "%s/tests/golden/fused.c", tu_src_dir());
    ms_str_addf(&t, "%s/tests/golden/fused.trace.json", tu_src_dir());
    compose(ms_str_cstr(&c), ms_str_cstr(&t));
    ms_str_free(&c);
    ms_str_free(&t);
}

/* A file with code of its own: a constructor, main, a helper, an old-style
 * definition; each leaves a mark and aborts if it ever runs. */
static const char own_code[] =
    "// a user's file with code that mscc must never run\n"
    "#include <stddef.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
    "static void leave_mark(const char *what)\n{\n"
    "    FILE *f = fopen(MARK, \"a\");\n"
    "    if (f) {\n        fputs(what, f);\n        fclose(f);\n    }\n"
    "    abort();\n}\n"
    "__attribute__((constructor)) static void at_load(void) { leave_mark(\"constructor\\n\"); }\n"
    "static int helper(int x) { leave_mark(\"helper\\n\"); return x + 1; }\n"
    "int old_style(a, b) int a; int b; { leave_mark(\"old style\\n\"); return a + b; }\n"
    "#pragma mscc kernel sizes(n=300000)\n"
    "void scale(size_t n, const float *restrict x, float *restrict y) {\n"
    "    for (size_t i = 0; i < n; i++) y[i] = 3.0f * x[i];\n}\n"
    "int main(void) { leave_mark(\"main\\n\"); return helper(old_style(1, 2)); }\n";

Test(cli, of_the_users_file_only_the_kernel_runs, .timeout = 300)
{
    char *mark = tu_write_temp("own_code.mark", "");
    remove(mark);
    ms_str text = {0};
    ms_str_addf(&text, "#define MARK \"%s\"\n%s", mark, own_code);
    char *in = tu_write_temp("own_code.c", ms_str_cstr(&text));
    char *out = tu_write_temp("own_code.out.c", "");
    /* the search's harness (four candidates measured), then the check's
     * (the default schedule at four size settings) */
    char *db = tu_write_temp("own_code.db", "");
    remove(db);
    ms_str db_opt = {0};
    ms_str_addf(&db_opt, "--db=%s", db);
    run r = mscc6(in, "-o", out, "--trials=4", ms_str_cstr(&db_opt), "-v");
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    /* whether a candidate beat the original is the machine's to say */
    cr_expect(strstr(r.err, "4/4 trials"), "nothing measured:\n%s%s", r.out, r.err);
    done(&r);
    r = mscc6(in, "-o", out, "--trials=0", "--db=/nonexistent/own_code.db", "--check");
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(strstr(r.out, " yes "), "not tuned and checked:\n%s%s", r.out, r.err);
    char *marks = ms_read_file(mark, NULL);
    cr_expect(!marks, "the file's own code ran in mscc's harness: %s", marks);
    free(marks);
    /* the output keeps that code: it is the user's */
    char *text_out = ms_read_file(out, NULL);
    cr_expect(text_out && strstr(text_out, "leave_mark(\"constructor\\n\")"));
    free(text_out);
    done(&r);
    ms_str_free(&text);
    free(in);
    free(out);
    free(mark);
    free(db);
    ms_str_free(&db_opt);
}

/* A board's budgets: a schedule beyond them is refused as an illegal one
 * (the trace does not apply, the kernel stays as written, with the reason);
 * within them, the tuned body says what it uses. */
/* The read-only bytes of an object as readelf lists its sections (the
 * allocated ones not written, NOBITS aside): an account of the object's
 * size made apart from mscc's libelf. */
static long long readelf_image_bytes(const char *obj)
{
    char cmd[4300], line[512];
    snprintf(cmd, sizeof cmd, "readelf -SW '%s' | sed -n 's/^ *\\[ *[0-9]*\\] //p'", obj);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    long long sum = 0;
    while (fgets(line, sizeof line, p)) {
        char name[128], type[64], flags[16];
        unsigned long long addr, off, size;
        unsigned es;
        if (sscanf(line, "%127s %63s %llx %llx %llx %x %15s", name, type, &addr, &off, &size, &es,
                   flags) == 7 &&
            strcmp(type, "NOBITS") && strchr(flags, 'A') && !strchr(flags, 'W'))
            sum += (long long)size;
    }
    cr_assert_eq(pclose(p), 0);
    return sum;
}

/* --max-code-size: the tuned body's code, built as the output holds it,
 * is measured; a schedule beyond the budget leaves the kernel as written,
 * one within it says its size, and the size is the object's. */
Test(cli, code_size_budget_is_measured_and_kept, .timeout = 300)
{
    ms_str in = {0}, trace = {0};
    ms_str_addf(&in, "%s/bench/gemm/gemm.c", tu_src_dir());
    ms_str_addf(&trace, "--trace=%s/bench/traces/gemm.json", tu_src_dir());
    char *out = tu_write_temp("code_size.out.c", "");
    run r = mscc6(ms_str_cstr(&in), "-o", out, ms_str_cstr(&trace), "--target=generic",
                  "--max-code-size=200");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.err, "warning: kernel 'gemm' left unchanged: its tuned code is "), "%s",
              r.err);
    cr_expect(strstr(r.err, " bytes, beyond --max-code-size 200"), "%s", r.err);
    char *text = ms_read_file(out, NULL);
    cr_expect(text && !strstr(text, "tuned by mscc"), "%s", text);
    free(text);
    done(&r);
    r = mscc6(ms_str_cstr(&in), "-o", out, ms_str_cstr(&trace), "--target=generic",
              "--max-code-size=1000000");
    cr_expect_eq(r.status, 0, "%s", r.err);
    done(&r);
    text = ms_read_file(out, NULL);
    cr_assert(text);
    const char *note = strstr(text, "tuned by mscc");
    long long said = -1;
    cr_assert(note && sscanf(strchr(note, ';') + 1,
                             " %lld bytes of code and constants, within "
                             "--max-code-size;",
                             &said) == 1,
              "%s", text);
    free(text);
    /* the output is the kernel alone: its object is the kernel's code, as
     * generic's compiler flags build it */
    char cmd[8600], obj[4200];
    snprintf(obj, sizeof obj, "%s.o", out);
    snprintf(cmd, sizeof cmd, "cc -O3 -fopenmp -c '%s' -o '%s'", out, obj);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    cr_expect_eq(said, readelf_image_bytes(obj), "said %lld", said);
    cr_expect_gt(said, 200);
    remove(obj);
    r = mscc6(ms_str_cstr(&in), "-o", out, "--max-code-size", "0", NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "--max-code-size wants a number of bytes >= 1"), "%s", r.err);
    done(&r);
    ms_str_free(&in);
    ms_str_free(&trace);
    free(out);
}

/* A driver's lines for gemm at M x N x K (set s): inputs of small
 * integers, so that every order of the sums is exact, and R, a plain
 * triple loop's result. */
/* --workspace=static: the gemm hand trace packs B into a static array
 * sized at the tuning sizes (512), so --no-heap keeps it; the body says
 * it is not reentrant. Built and run against a plain triple loop at the
 * tuning sizes, twice (the room is reused), at smaller and odd sizes,
 * and beyond the room (600: the original loops run). */
Test(cli, a_static_workspace_packs_without_the_heap, .timeout = 300)
{
    ms_str in = {0}, trace = {0};
    ms_str_addf(&in, "%s/bench/gemm/gemm.c", tu_src_dir());
    ms_str_addf(&trace, "--trace=%s/bench/traces/gemm.json", tu_src_dir());
    char *out = tu_write_temp("ws_static.c", "");
    run r =
        mscc6(ms_str_cstr(&in), "-o", out, ms_str_cstr(&trace), "--workspace=static", "--no-heap");
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    char *text = ms_read_file(out, NULL);
    cr_assert(text);
    cr_expect(strstr(text, "static char mscc_ws["), "%s", text);
    cr_expect(strstr(text, "bytes of static memory: not reentrant"), "%s", text);
    cr_expect_not(strstr(text, "malloc("), "%s", text);
    free(text);
    static const char driver[] =
        "#include <math.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
        "void gemm(int M, int N, int K, const float A[restrict M][K],\n"
        "          const float B[restrict K][N], float C[restrict M][N]);\n"
        "int main(void)\n{\n"
        "    static const int sizes[][3] = {{512, 512, 512}, {512, 512, 512}, {64, 48, 32},\n"
        "                                   {37, 53, 29}, {600, 520, 610}};\n"
        "    for (int s = 0; s < 5; s++) {\n"
        "        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];\n" GEMM_INPUTS_AND_REFERENCE
        "        gemm(M, N, K, (const float (*)[K])A, (const float (*)[N])B, (float "
        "(*)[N])C);\n" GEMM_COMPARE_AND_FREE "    }\n"
        "    return 0;\n}\n";
    char *drv = tu_write_temp("ws_driver.c", driver);
    char cmd[9000];
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror -Wno-unknown-pragmas "
             "'%s' '%s' -o '%s.exe' -lm "
             "&& '%s.exe'",
             out, drv, out, out);
    cr_expect_eq(system(cmd), 0, "%s", cmd);
    free(drv);
    ms_str_free(&in);
    ms_str_free(&trace);
    free(out);
}

/* --workspace=caller: the gemm hand trace packs B into the memory its
 * caller gives gemm_ws (gemm_ws_size bytes, here 1 byte past malloc's
 * alignment); gemm keeps its prototype and packs on the heap, or under
 * --no-heap runs the loops as written. Each entry point is run against a
 * plain triple loop at the tuning sizes, smaller, odd and larger sizes; a
 * static kernel gets static entry points (its size function inline: no
 * warning where it is not called); a schedule that packs nothing
 * needs no workspace (gemm_ws_size 0). Built with -Wall -Wextra -Werror. */
Test(cli, a_caller_workspace_adds_entry_points_beside_the_kernel, .timeout = 300)
{
    ms_str in = {0}, trace = {0};
    ms_str_addf(&in, "%s/bench/gemm/gemm.c", tu_src_dir());
    ms_str_addf(&trace, "--trace=%s/bench/traces/gemm.json", tu_src_dir());
    static const char driver[] =
        "#include <math.h>\n#include <stddef.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
        "void gemm(int M, int N, int K, const float A[restrict M][K],\n"
        "          const float B[restrict K][N], float C[restrict M][N]);\n"
        "void gemm_ws(int M, int N, int K, const float A[restrict M][K],\n"
        "          const float B[restrict K][N], float C[restrict M][N], void *ws);\n"
        "size_t gemm_ws_size(int M, int N, int K);\n"
        "int main(int argc, char **argv)\n{\n"
        "    (void)argv;\n"
        "    static const int sizes[][3] = {{512, 512, 512}, {64, 48, 32}, {37, 53, 29},\n"
        "                                   {600, 520, 610}};\n"
        "    for (int s = 0; s < 4; s++)\n"
        "        for (int way = 0; way < 3; way++) {\n"
        "        int M = sizes[s][0], N = sizes[s][1], K = sizes[s][2];\n"
        "        size_t need = gemm_ws_size(M, N, K);\n"
        "        if (argc > 1 ? need != 0 : need < (size_t)K * (size_t)N * sizeof(float)) {\n"
        "            printf(\"gemm_ws_size(%d, %d, %d) = %zu\\n\", M, N, K, need);\n"
        "            return 1;\n"
        "        }\n"
        "        char *ws = malloc(need + 1);\n" GEMM_INPUTS_AND_REFERENCE "        if (way == 0)\n"
        "            gemm_ws(M, N, K, (const float (*)[K])A, (const float (*)[N])B,\n"
        "                    (float (*)[N])C, ws + 1);\n"
        "        else if (way == 1)\n"
        "            gemm_ws(M, N, K, (const float (*)[K])A, (const float (*)[N])B,\n"
        "                    (float (*)[N])C, NULL);\n"
        "        else\n"
        "            gemm(M, N, K, (const float (*)[K])A, (const float (*)[N])B, (float "
        "(*)[N])C);\n"
        "        for (int i = 0; i < M * N; i++)\n"
        "            if (C[i] != R[i]) {\n" /* small integers: every order is exact */
        "                printf(\"way %d, %d x %d x %d: C[%d] = %g, not %g\\n\", way, M, N, K, i,\n"
        "                       C[i], R[i]);\n"
        "                return 1;\n"
        "            }\n"
        "        free(A), free(B), free(C), free(R), free(ws);\n"
        "    }\n"
        "    return 0;\n}\n";
    char *drv = tu_write_temp("ws_caller_driver.c", driver);
    /* the trace with the heap, the trace under --no-heap, no trace and no
     * micro-kernel (the portable default: nothing packed) */
    static const char *const driver_arg[] = {"", "", "nopack"};
    static const char *const last_arg[] = {"-q", "--no-heap", "--target=generic"};
    for (int v = 0; v < 3; v++) {
        char *out = tu_write_temp("ws_caller.c", "");
        run r = mscc6(ms_str_cstr(&in), "-o", out, v < 2 ? ms_str_cstr(&trace) : "--trials=0",
                      "--workspace=caller", last_arg[v]);
        cr_assert_eq(r.status, 0, "%s", r.err);
        done(&r);
        char *text = ms_read_file(out, NULL);
        cr_assert(text);
        cr_expect(strstr(text, "size_t gemm_ws_size(int M, int N, int K)\n{"), "%s", text);
        cr_expect(strstr(text, "float C[restrict M][N], void *mscc_ws)\n{"), "%s", text);
        cr_expect(strstr(text, "    gemm_ws(M, N, K, A, B, C, NULL);\n}"), "%s", text);
        cr_expect_eq(strstr(text, "malloc(") == NULL, v > 0, "%s", text);
        cr_expect_eq(strstr(text, "return 0; /* nothing packed */") != NULL, v == 2, "%s", text);
        free(text);
        char cmd[9000];
        snprintf(cmd, sizeof cmd,
                 "cc -std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror "
                 "-Wno-unknown-pragmas '%s' '%s' -o '%s.exe' -lm && '%s.exe' %s",
                 out, drv, out, out, driver_arg[v]);
        cr_expect_eq(system(cmd), 0, "%s (variant %d)", cmd, v);
        free(out);
    }
    /* a static kernel's entry points are static too */
    char *src = tu_write_temp("ws_static_kernel.c",
                              "#pragma mscc kernel sizes(n=64)\n"
                              "static void scale(int n, float a[restrict n])\n{\n"
                              "    for (int i = 0; i < n; i++)\n        a[i] *= 2.0f;\n}\n"
                              "void run(int n, float a[n]) { scale(n, a); }\n");
    char *out = tu_write_temp("ws_static_kernel.out.c", "");
    run r = mscc(src, "-o", out, "--workspace=caller", "-q");
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    char *text = ms_read_file(out, NULL);
    cr_assert(text);
    cr_expect(strstr(text, "static inline size_t scale_ws_size(int n)"), "%s", text);
    cr_expect(strstr(text, "static void scale_ws(int n, float a[restrict n], void *mscc_ws)"), "%s",
              text);
    free(text);
    char cmd[9000];
    snprintf(cmd, sizeof cmd,
             "cc -std=c11 -O2 -fopenmp -Wall -Wextra -Werror -Wno-unknown-pragmas -c '%s' -o "
             "'%s.o'",
             out, out);
    cr_expect_eq(system(cmd), 0, "%s", cmd);
    free(src);
    free(out);
    free(drv);
    ms_str_free(&in);
    ms_str_free(&trace);
}

Test(cli, budgets_refuse_a_schedule_beyond_them)
{
    ms_str in = {0}, trace = {0};
    ms_str_addf(&in, "%s/bench/gemm/gemm.c", tu_src_dir());
    ms_str_addf(&trace, "%s/bench/traces/gemm.json", tu_src_dir());
    char *out = tu_write_temp("budget.out.c", "");
    /* the budget option (none: the trace packs B with malloc), what it says */
    static const char *const opt[] = {"--no-heap", "--max-stack=100", "--max-stack=100000", NULL};
    static const char *const says[] = {"--no-heap: it copies 'B_packed' to the heap",
                                       "--max-stack 100: its local arrays take 1024 bytes",
                                       "within --max-stack: 1024 bytes of local arrays", "malloc("};
    for (int i = 0; i < 4; i++) {
        run r = mscc6(ms_str_cstr(&in), "-o", out, "--trace", ms_str_cstr(&trace), opt[i]);
        cr_expect_eq(r.status, 0, "%d: %s", i, r.err);
        char *text = ms_read_file(out, NULL);
        cr_assert(text);
        bool refused = i < 2;
        cr_expect(strstr(refused ? r.err : text, says[i]), "%d: %s", i, refused ? r.err : text);
        cr_expect_eq(strstr(text, "tuned by mscc") == NULL, refused, "%d", i);
        free(text);
        done(&r);
    }
    run r = mscc6(ms_str_cstr(&in), "-o", out, "--max-stack", "0", NULL);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.err, "--max-stack wants a number of bytes >= 1"), "%s", r.err);
    done(&r);
    ms_str_free(&in);
    ms_str_free(&trace);
    free(out);
}
