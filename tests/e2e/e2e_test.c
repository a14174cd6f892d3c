/*
 * e2e_test.c - every kernel in tests/e2e/NAME.c is tuned with the default
 * schedule, its harness (original and tuned side by side) is compiled with
 * -Wall -Wextra -Werror, with OpenMP, and without it under AddressSanitizer
 * and UBSan, and run at eight size settings, odd and tiny ones included,
 * with arrays aligned and 8 bytes past alignment; the outputs must agree. A separate
 * test calls kernels with overlapping arrays.
 */
#include "testutil.h"

#include "driver/driver.h"

#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const flag_sets[] = {
    "-std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror -Wno-unknown-pragmas",
    /* no OpenMP: still correct; under AddressSanitizer and UBSan, which
     * stop at an access past an array (a remainder tile, arrays 8 bytes
     * past alignment) or at undefined behaviour */
    "-std=c11 -O1 -Wall -Wextra -Werror -Wno-unknown-pragmas -fsanitize=address,undefined "
    "-fno-sanitize-recover=all",
};

static void check_file(const char *path)
{
    ms_source src;
    ms_diags diags = {0};
    tu_parse_file(path, &src, &diags);
    char **bodies;
    char *out = tu_tune(&src, &bodies, &diags);
    for (int k = 0; k < src.nkernels; k++) {
        const ms_kernel *kn = &src.kernels[k];
        cr_assert(bodies[k] != NULL, "%s: kernel '%s' not tuned:\n%s", path, kn->name,
                  tu_render(&diags));
        /* built with ASan, the tests check mscc itself: the sanitized
         * harnesses are the plain build's (CI runs both in one budget) */
        for (int fs = 0; fs < (TU_SANITIZED ? 1 : 2); fs++) {
            bool ok;
            char *rep;
            tu_check_bodies(&src, kn, &bodies[k], 1, flag_sets[fs], /*nrandom=*/4,
                            (uint64_t)k * 7919 + 17, &ok, &rep);
            cr_expect(ok, "%s: '%s' %s", path, kn->name, rep);
            free(rep);
        }
    }
    for (int k = 0; k < src.nkernels; k++)
        free(bodies[k]);
    free(bodies);
    free(out);
    ms_source_free(&src);
    ms_diags_free(&diags);
}

#define E2E(name)                                                                                  \
    Test(e2e, name, .timeout = 300)                                                                \
    {                                                                                              \
        ms_str p = {0};                                                                            \
        ms_str_addf(&p, "%s/tests/e2e/" #name ".c", tu_src_dir());                                 \
        check_file(ms_str_cstr(&p));                                                               \
        ms_str_free(&p);                                                                           \
    }

E2E(gemm_forms)
E2E(conv)
E2E(rows)
E2E(shapes)
E2E(types)
E2E(alias)
E2E(intermediates)
E2E(loop_forms)
E2E(tensorizable)

/* Overlapping arrays: the tuned kernel must give the original's answer. */
static const char alias_driver[] =
    "#include <stdio.h>\n#include <string.h>\n"
    "#define axpy2d ref_axpy2d\n#define shift_add ref_shift_add\n#define transpose_na ref_t\n"
    "#include \"ORIG\"\n"
    "#undef axpy2d\n#undef shift_add\n#undef transpose_na\n"
    "#define axpy2d new_axpy2d\n#define shift_add new_shift_add\n#define transpose_na new_t\n"
    "#include \"TUNED\"\n"
    "int main(void)\n{\n"
    "    static float a[4096], b[4096];\n"
    "    for (int d = -3; d <= 3; d++) {\n"
    "        for (int i = 0; i < 4096; i++) a[i] = b[i] = (float)((i * 7919) % 101) / 7.0f;\n"
    "        ref_axpy2d(20, 30, 0.5f, (const float (*)[30])(a + 100), (float (*)[30])(a + 100 + "
    "d));\n"
    "        new_axpy2d(20, 30, 0.5f, (const float (*)[30])(b + 100), (float (*)[30])(b + 100 + "
    "d));\n"
    "        if (memcmp(a, b, sizeof a)) { printf(\"axpy2d differs at offset %d\\n\", d); return "
    "1; }\n"
    "        ref_shift_add(999, a + 50, a + 50 + d);\n"
    "        new_shift_add(999, b + 50, b + 50 + d);\n"
    "        if (memcmp(a, b, sizeof a)) { printf(\"shift_add differs at offset %d\\n\", d); "
    "return 1; }\n"
    "    }\n"
    "    printf(\"alias ok\\n\");\n    return 0;\n}\n";

Test(e2e, overlapping_arrays_take_the_original_loops, .timeout = 120)
{
    ms_str orig = {0};
    ms_str_addf(&orig, "%s/tests/e2e/alias.c", tu_src_dir());
    ms_source src;
    ms_diags diags = {0};
    tu_parse_file(ms_str_cstr(&orig), &src, &diags);
    char *out = tu_tune(&src, NULL, &diags);
    char *tuned = tu_write_temp("alias_tuned.c", out);
    ms_str drv = {0};
    const char *d = alias_driver;
    const char *a = strstr(d, "ORIG"), *b = strstr(d, "TUNED");
    ms_str_addn(&drv, d, (size_t)(a - d));
    ms_str_add(&drv, ms_str_cstr(&orig));
    ms_str_addn(&drv, a + 4, (size_t)(b - a - 4));
    ms_str_add(&drv, tuned);
    ms_str_add(&drv, b + 5);
    char *drv_path = tu_write_temp("alias_driver.c", ms_str_cstr(&drv));
    for (int fs = 0; fs < 2; fs++) {
        char exe[4200], log[4200];
        snprintf(exe, sizeof exe, "%s.%d.exe", drv_path, fs);
        snprintf(log, sizeof log, "%s.%d.log", drv_path, fs);
        ms_build_job job = {drv_path, exe, log, flag_sets[fs], false, false};
        ms_target t = {.cc = "cc", .cflags = ""};
        ms_build_all(&t, &job, 1, 1);
        char *l = ms_read_file(log, NULL);
        cr_assert(job.ok, "alias driver does not compile:\n%s", l ? l : "");
        free(l);
        char outp[4300];
        snprintf(outp, sizeof outp, "%s.out", exe);
        char *argv[] = {exe, NULL};
        ms_proc_result r;
        cr_assert_eq(ms_proc_run(argv, outp, NULL, 60, &r), 0);
        char *o = ms_read_file(outp, NULL);
        cr_expect(r.exit_code == 0 && o && strstr(o, "alias ok"), "%s", o ? o : "");
        free(o);
    }
    free(drv_path);
    free(tuned);
    ms_str_free(&drv);
    free(out);
    ms_source_free(&src);
    ms_diags_free(&diags);
    ms_str_free(&orig);
}

/* original_elsewhere: the schedule at the tuning sizes, the user's loops at
 * every other size; correct at both, for every kernel with sizes. */
static void check_original_elsewhere(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/e2e/%s.c", tu_src_dir(), name);
    ms_source src;
    ms_diags diags = {0};
    tu_parse_file(path, &src, &diags);
    int tried = 0;
    for (int k = 0; k < src.nkernels; k++) {
        const ms_kernel *kn = &src.kernels[k];
        ms_tracer *tr = ms_sched_default_trace(kn->func);
        cr_assert_eq(tr->status, MS_OK, "%s: %s", kn->name, tr->why);
        ms_t_original_elsewhere(tr);
        if (kn->func->nhints == 0) { /* nothing to tell the sizes apart by */
            cr_expect_neq(tr->status, MS_OK, "%s: original_elsewhere without sizes", kn->name);
            ms_tracer_free(tr);
            continue;
        }
        cr_assert_eq(tr->status, MS_OK, "%s: %s", kn->name, tr->why);
        ms_trace *used = NULL;
        char *body = ms_tune_kernel(&src, kn, tr->t, false, &used, &diags);
        cr_assert(body, "%s: %s", kn->name, tu_render(&diags));
        cr_expect(strstr(body, "other sizes: the loops as written"), "%s:\n%s", kn->name, body);
        /* the trace says so, and replays to the same body */
        ms_str text = {0};
        ms_trace_print(used, &text);
        cr_expect(strstr(ms_str_cstr(&text), "original_elsewhere"), "%s", ms_str_cstr(&text));
        ms_trace *again = NULL;
        char *body2 = ms_tune_kernel(&src, kn, used, false, &again, &diags);
        cr_expect_str_eq(body2, body);
        bool ok;
        char *rep;
        tu_check_bodies(&src, kn, &body, 1, flag_sets[0], /*nrandom=*/4, (uint64_t)k * 31 + 7, &ok,
                        &rep);
        cr_expect(ok, "%s: '%s' %s", name, kn->name, rep);
        tried++;
        free(rep);
        free(body);
        free(body2);
        ms_str_free(&text);
        ms_trace_free(used);
        ms_trace_free(again);
        ms_tracer_free(tr);
    }
    cr_expect_gt(tried, 0, "%s: no kernel with sizes", name);
    ms_diags_free(&diags);
    ms_source_free(&src);
}

Test(e2e, schedule_at_the_tuning_sizes_only, .timeout = 300)
{
    check_original_elsewhere("gemm_forms");
    check_original_elsewhere("conv");
    check_original_elsewhere("shapes");
}

/* The default schedule of each target with micro-kernels (AVX-512, AVX2,
 * NEON; 2 cores, 1 MiB of L2): every kernel it tensorizes, built and run
 * against the original at the tuning sizes and others (the intrinsics
 * where this CPU has them, the portable version elsewhere). Some must
 * tensorize, or this tests nothing. */
Test(e2e, the_targets_default_tensorizes_and_matches, .timeout = 600)
{
    static const char *const files[] = {"tensorizable", "gemm_forms", "conv", "intermediates"};
    static const char *const isas[] = {"avx512", "avx2", "neon"};
    int tensorized = 0;
    for (size_t fi = 0; fi < sizeof files / sizeof files[0]; fi++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/tests/e2e/%s.c", tu_src_dir(), files[fi]);
        ms_source src;
        ms_diags diags = {0};
        tu_parse_file(path, &src, &diags);
        for (int k = 0; k < src.nkernels; k++)
            for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++) {
                const ms_kernel *kn = &src.kernels[k];
                ms_arch a = {2, 64, 48 << 10, 1 << 20, 32 << 20, NULL, isas[i]};
                ms_tracer *tr = ms_sched_default_trace_for(kn->func, &a);
                cr_assert_eq(tr->status, MS_OK, "%s: %s", kn->name, tr->why);
                bool tensorize = ms_trace_intrin(tr->t, 0) != NULL;
                ms_trace *used = NULL;
                char *body =
                    tensorize ? ms_tune_kernel(&src, kn, tr->t, false, &used, &diags) : NULL;
                ms_tracer_free(tr);
                if (!tensorize)
                    continue;
                cr_assert(body, "%s: %s", kn->name, tu_render(&diags));
                bool ok;
                char *rep;
                tu_check_bodies(&src, kn, &body, 1, flag_sets[0], /*nrandom=*/4,
                                (uint64_t)k * 131 + i, &ok, &rep);
                cr_expect(ok, "%s: '%s' (%s) %s", files[fi], kn->name, isas[i], rep);
                tensorized++;
                free(rep);
                free(body);
                ms_trace_free(used);
            }
        ms_diags_free(&diags);
        ms_source_free(&src);
    }
    printf("e2e: %d kernel defaults tensorized and checked\n", tensorized);
    cr_expect_geq(tensorized, 9, "%d kernels tensorized", tensorized);
}
