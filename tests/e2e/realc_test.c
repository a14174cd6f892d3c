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
