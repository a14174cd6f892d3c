/*
 * vmath_test.c - mscc's vector math (ir/vmath.c), each definition as the
 * registry prints it into tuned files: compiled in a SIMD loop with the
 * flags a user may build the output with (no FMA, AVX-512 with FMA in an
 * ISO C mode, -ffast-math), then measured against the correctly rounded
 * result (expf over every float of its range in CI; tanhf and erff, and
 * the other builds, over every 61st unless MSCC_VMATH_EXHAUSTIVE=1) or
 * compared with libm (fmaxf, fminf).
 */
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const ms_vmath *entry(const char *name)
{
    for (int i = 0; i < ms_vmath_count(); i++)
        if (!strcmp(ms_vmath_at(i)->name, name))
            return ms_vmath_at(i);
    cr_assert_fail("%s is not in the registry", name);
    return NULL;
}

/* The registry's definition, in a file of its own with what it includes
 * and the definition it calls. */
static char *definition_file(const char *name)
{
    const ms_vmath *v = entry(name);
    ms_str text = {0};
    ms_str_add(&text, "#include <math.h>\n#include <stdint.h>\n");
    if (v->needs)
        ms_str_add(&text, entry(v->needs)->definition);
    ms_str_add(&text, v->definition);
    char file[128];
    snprintf(file, sizeof file, "%s.h", name);
    char *path = tu_write_temp(file, ms_str_cstr(&text));
    ms_str_free(&text);
    return path;
}

/* Builds checker (tests/vmath/CHECKER.c) for fn against ref with flags,
 * warnings as errors, and runs it with args; its output in *out. */
static int build_and_run(const char *checker, const char *fn, const char *ref, const char *flags,
                         const char *args, char **out)
{
    char *def = definition_file(fn);
    ms_str exe = {0}, log = {0}, cmd = {0};
    ms_str_addf(&exe, "%s.%s.%d", def, checker, (int)strlen(flags));
    ms_str_addf(&log, "%s.log", ms_str_cstr(&exe));
    ms_str_addf(&cmd,
                "cc %s -fopenmp -Wall -Wextra -Werror -DFN=%s -DREF=%s -include %s "
                "%s/tests/vmath/%s.c -o %s -lm > %s 2>&1",
                flags, fn, ref, def, tu_src_dir(), checker, ms_str_cstr(&exe), ms_str_cstr(&log));
    int st = system(ms_str_cstr(&cmd));
    char *msg = ms_read_file(ms_str_cstr(&log), NULL);
    cr_assert_eq(st, 0, "%s\n%s", ms_str_cstr(&cmd), msg ? msg : "");
    free(msg);
    cmd.len = 0;
    ms_str_addf(&cmd, "OMP_NUM_THREADS=2 %s %s > %s 2>&1", ms_str_cstr(&exe), args,
                ms_str_cstr(&log));
    st = system(ms_str_cstr(&cmd));
    *out = ms_read_file(ms_str_cstr(&log), NULL);
    ms_str_free(&exe);
    ms_str_free(&log);
    ms_str_free(&cmd);
    free(def);
    return st;
}

/* The stride over a range: every float with MSCC_VMATH_EXHAUSTIVE=1
 * (scripts/vmath.sh, about 5 minutes on two cores: libm's double tanh and
 * erf, the reference, take 50 s each for [-10, 10]), else the given one. */
static long long stride(long long usual)
{
    const char *e = getenv("MSCC_VMATH_EXHAUSTIVE");
    return e && !strcmp(e, "1") ? 1 : usual;
}

/* fn against ref over every step-th float of [lo, hi] (about count of
 * them in all) and, if specials, the special values: "worst W ulp at X,
 * over 2: K, of N", at most 2 ulp off everywhere. */
static void expect_within_2_ulp(const char *fn, const char *ref, const char *flags, const char *lo,
                                const char *hi, long long step, long long count, bool specials)
{
    char args[128], *out;
    snprintf(args, sizeof args, "%s %s %lld%s", lo, hi, step, specials ? " specials" : "");
    int st = build_and_run("ulp_check", fn, ref, flags, args, &out);
    cr_assert(out);
    const char *w = strstr(out, "worst "), *o = strstr(out, "over 2: "), *c = strstr(out, ", of ");
    cr_assert(w && o && c, "%s", out);
    /* scripts/vmath.sh reports every result */
    if (stride(2) == 1)
        fprintf(stderr, "%s [%s] %s: %s", fn, flags, args, out);
    cr_expect_eq(st, 0, "[%s] special values differ from libm:\n%s", flags, out);
    cr_expect_leq(atoll(w + 6), 2, "[%s %s] %s", flags, args, out);
    cr_expect_eq(atoll(o + 8), 0, "[%s %s] %s", flags, args, out);
    cr_expect_geq(atoll(c + 5), count / step, "[%s %s] too few floats: %s", flags, args, out);
    free(out);
}

/* [-104, 89] is where the result is neither a constant 0 nor inf (2.24e9
 * floats, 2.4e6 of them outside [-87, 88]: denormal and overflowing
 * results); every 257th float beyond, and the special values. Every float
 * of it as the tuning harness builds (-std=c11 -O3 -march=native), every
 * 61st without FMA (in CI). */
static void expect_expf_within_2_ulp(const char *flags, long long step)
{
    expect_within_2_ulp("mscc_expf", "exp", flags, "-104", "89", step, 2239000000LL, true);
    expect_within_2_ulp("mscc_expf", "exp", flags, "-inf", "-104", 257, 1018000000LL, false);
    expect_within_2_ulp("mscc_expf", "exp", flags, "89", "inf", 257, 1020000000LL, false);
}

Test(vmath, expf_with_fma_in_iso_c_is_within_2_ulp_of_every_float, .timeout = 300,
     TU_PLAIN_BUILD_ONLY)
{
    expect_expf_within_2_ulp("-std=c11 -O3 -march=native", 1);
}

Test(vmath, expf_without_fma_is_within_2_ulp, .timeout = 300, TU_PLAIN_BUILD_ONLY)
{
    expect_expf_within_2_ulp("-O2", stride(61));
}

/* -ffast-math reassociates (the two steps of the range reduction must
 * survive it) and flushes denormals: the floats with a normal result. */
Test(vmath, expf_under_fast_math_is_within_2_ulp_where_results_are_normal, .timeout = 300,
     TU_PLAIN_BUILD_ONLY)
{
    expect_within_2_ulp("mscc_expf", "exp", "-O3 -march=native -ffast-math", "-87", "88",
                        stride(61), 2237000000LL, false);
    expect_within_2_ulp("mscc_expf", "exp", "-O2 -ffast-math", "-87", "88", stride(61),
                        2237000000LL, false);
}

/* tanhf and erff: [-10, 10] (beyond, both are +-1 in float), every 257th
 * float beyond, and the special values, with and without FMA and
 * -ffast-math. */
static void expect_activation_within_2_ulp(const char *fn, const char *ref)
{
    static const char *const flags[] = {"-std=c11 -O3 -march=native", "-O2",
                                        "-O3 -march=native -ffast-math", "-O2 -ffast-math"};
    for (int f = 0; f < 4; f++) {
        bool fast = strstr(flags[f], "fast-math");
        expect_within_2_ulp(fn, ref, flags[f], "-10", "10", stride(61), 2168000000LL, !fast);
        expect_within_2_ulp(fn, ref, flags[f], "10", "inf", 257, 1018000000LL, false);
        expect_within_2_ulp(fn, ref, flags[f], "-inf", "-10", 257, 1018000000LL, false);
    }
}

Test(vmath, tanhf_is_within_2_ulp, .timeout = 900, TU_PLAIN_BUILD_ONLY)
{
    expect_activation_within_2_ulp("mscc_tanhf", "tanh");
}

Test(vmath, erff_is_within_2_ulp, .timeout = 900, TU_PLAIN_BUILD_ONLY)
{
    expect_activation_within_2_ulp("mscc_erff", "erf");
}

Test(vmath, fmaxf_and_fminf_agree_with_libm)
{
    static const char *const pairs[][2] = {{"mscc_fmaxf", "fmaxf"}, {"mscc_fminf", "fminf"}};
    static const char *const flags[] = {"-O2", "-std=c11 -O3 -march=native"};
    for (int p = 0; p < 2; p++)
        for (int f = 0; f < 2; f++) {
            char *out;
            int st = build_and_run("pair_check", pairs[p][0], pairs[p][1], flags[f], "", &out);
            cr_expect_eq(st, 0, "%s [%s]: %s", pairs[p][0], flags[f], out ? out : "");
            free(out);
        }
}

/* The registry's contract: a static inline function of the same arity and
 * type as the libm one, warning-free under the strictest flags. */
Test(vmath, every_definition_compiles_cleanly_in_c99_and_c11_with_gcc_and_clang)
{
    for (int i = 0; i < ms_vmath_count(); i++) {
        const ms_vmath *v = ms_vmath_at(i);
        cr_expect_eq(v->dtype, MS_DT_F32);
        char *def = definition_file(v->name);
        ms_str use = {0};
        ms_str_addf(&use, "#include \"%s\"\nfloat use_%s(float a, float b);\n", def, v->name);
        ms_str_addf(&use,
                    "float use_%s(float a, float b)\n{\n    (void)b;\n    return %s(a%s);\n}\n",
                    v->name, v->name, v->nargs == 2 ? ", b" : "");
        char file[128];
        snprintf(file, sizeof file, "use_%s.c", v->name);
        char *src = tu_write_temp(file, ms_str_cstr(&use));
        /* gcc, and clang where it is installed (its -Wall differs) */
        for (int c = 0; c < 2; c++)
            for (int std = 0; std < 2; std++) {
                if (c == 1 && system("command -v clang > /dev/null 2>&1") != 0)
                    continue;
                ms_str cmd = {0};
                ms_str_addf(&cmd,
                            "%s -std=%s -pedantic -Wall -Wextra -Wconversion -Wdouble-promotion "
                            "-Wshadow -Werror -O2 -c %s -o %s.o",
                            c ? "clang" : "cc", std ? "c11" : "c99", src, src);
                cr_expect_eq(system(ms_str_cstr(&cmd)), 0, "%s", ms_str_cstr(&cmd));
                ms_str_free(&cmd);
            }
        free(src);
        free(def);
        ms_str_free(&use);
    }
}
