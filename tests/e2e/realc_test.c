/*
 * realc_test.c - numerical C as it is commonly written (tests/realc: C89
 * counters, downward loops, chained assignments, macro-spelled arrays,
 * sizes from fixed array extents), in both floating-point models. Every
 * kernel must be tuned, and the tuned file must agree with the original
 * at the tuning sizes and odd ones: within the tolerance under
 * --fp-model=reassoc, bit for bit under --fp-model=strict (built, as the
 * README says, with -ffp-contract=off).
 */
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static const char *const base_flags[] = {
    "-std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror -Wno-unknown-pragmas",
    "-std=c11 -O1 -Wall -Wextra -Werror -Wno-unknown-pragmas", /* no OpenMP */
};

static void check_realc(const char *name, bool strict)
{
    ms_str path = {0}, dir = {0};
    ms_str_addf(&dir, "%s/tests/realc", tu_src_dir());
    ms_str_addf(&path, "%s/%s.c", ms_str_cstr(&dir), name);
    ms_source src;
    ms_diags diags = {0};
    tu_parse_file_fp(ms_str_cstr(&path), strict, &src, &diags);
    char **bodies;
    char *out = tu_tune(&src, &bodies, &diags);
    cr_assert(src.nkernels > 0);
    for (int k = 0; k < src.nkernels; k++) {
        const ms_kernel *kn = &src.kernels[k];
        cr_assert(bodies[k] != NULL, "%s: kernel '%s' not tuned:\n%s", name, kn->name,
                  tu_render(&diags));
        if (strict)
            cr_expect(!strstr(bodies[k], "reduction(") && !strstr(bodies[k], "fma"),
                      "%s: '%s' reassociates or fuses under --fp-model=strict:\n%s", name, kn->name,
                      bodies[k]);
        for (int fs = 0; fs < 2; fs++) {
            ms_str flags = {0};
            ms_str_addf(&flags, "%s -I%s%s", base_flags[fs], ms_str_cstr(&dir),
                        strict ? " -ffp-contract=off" : "");
            bool ok;
            char *rep;
            tu_check_bodies(&src, kn, &bodies[k], 1, ms_str_cstr(&flags), /*nrandom=*/3,
                            (uint64_t)k * 104729 + 3, &ok, &rep);
            cr_expect(ok, "%s (%s): '%s' %s", name, strict ? "strict" : "reassoc", kn->name, rep);
            free(rep);
            ms_str_free(&flags);
        }
    }
    for (int k = 0; k < src.nkernels; k++)
        free(bodies[k]);
    free(bodies);
    free(out);
    ms_source_free(&src);
    ms_diags_free(&diags);
    ms_str_free(&path);
    ms_str_free(&dir);
}

#define REALC(name)                                                                                \
    Test(realc, name##_reassoc, .timeout = 600)                                                    \
    {                                                                                              \
        check_realc(#name, false);                                                                 \
    }                                                                                              \
    Test(realc, name##_strict, .timeout = 600)                                                     \
    {                                                                                              \
        check_realc(#name, true);                                                                  \
    }

REALC(blas)
REALC(linalg)
REALC(solvers)
REALC(solvers2)
REALC(stencils)
REALC(stencils2)

/* --check's oracle for ill-conditioned kernels in the default model: a
 * tuned result beyond the tolerance passes when the original built with
 * -ffast-math moves as much, and only then. */
static void check_illcond(bool strict, const char *edit_from, const char *edit_to, bool want_ok)
{
    ms_str path = {0};
    ms_str_addf(&path, "%s/tests/illcond/gramschmidt.c", tu_src_dir());
    ms_source src;
    ms_diags diags = {0};
    tu_parse_file_fp(ms_str_cstr(&path), strict, &src, &diags);
    char **bodies;
    char *out = tu_tune(&src, &bodies, &diags);
    cr_assert(bodies[0], "%s", tu_render(&diags));
    if (edit_from) { /* a wrong kernel, to see the oracle refuse it */
        char *at = strstr(bodies[0], edit_from);
        cr_assert(at, "%s", bodies[0]);
        ms_str e = {0};
        ms_str_addn(&e, bodies[0], (size_t)(at - bodies[0]));
        ms_str_add(&e, edit_to);
        ms_str_add(&e, at + strlen(edit_from));
        free(bodies[0]);
        bodies[0] = ms_str_take(&e);
    }
    ms_target *t = ms_target_new(NULL, NULL, NULL);
    ms_check_result res;
    ms_check_kernels(t, &src, bodies, strict ? "-ffp-contract=off" : NULL, 1, MS_CHECK_MISALIGNED,
                     &res);
    cr_expect_eq(res.correct, want_ok, "%s", res.reason);
    if (!strict && want_ok)
        cr_expect_gt(res.nfastmath, 0, "the tolerance alone passed an ill-conditioned kernel");
    if (strict)
        cr_expect_eq(res.nfastmath, 0);
    if (!want_ok)
        cr_expect(strstr(res.reason, "beyond what -ffast-math moves"), "%s", res.reason);
    ms_target_free(t);
    free(bodies[0]);
    free(bodies);
    free(out);
    ms_source_free(&src);
    ms_diags_free(&diags);
    ms_str_free(&path);
}

Test(realc, ill_conditioned_within_fastmath, .timeout = 300)
{
    check_illcond(false, NULL, NULL, true);
}

Test(realc, ill_conditioned_exact_when_strict, .timeout = 300)
{
    check_illcond(true, NULL, NULL, true);
}

Test(realc, ill_conditioned_but_wrong_is_refused, .timeout = 300)
{
    check_illcond(false, "R[k][k] = sqrt(nrm);", "R[k][k] = sqrt(nrm) * 1.001;", false);
}
