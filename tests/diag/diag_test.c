/*
 * diag_test.c - every tests/diag/NAME.c: the diagnostics mscc gives must
 * equal NAME.err, and a rejected kernel must come out byte for byte.
 * MSCC_UPDATE_GOLDEN=1 rewrites the .err files.
 */
#include "testutil.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(diag, every_case)
{
    ms_str dir = {0};
    ms_str_addf(&dir, "%s/tests/diag", tu_src_dir());
    char **cases = tu_list(ms_str_cstr(&dir), ".c");
    int n = 0;
    for (char **c = cases; *c; c++) {
        if (strstr(*c, "_test.c"))
            continue;
        n++;
        ms_source src;
        ms_diags diags = {0};
        tu_parse_file(*c, &src, &diags);
        char **bodies;
        char *out = tu_tune(&src, &bodies, &diags);
        char *text = tu_render(&diags);
        if (strstr(*c, "if0"))
            cr_expect_eq(src.nkernels, 0, "%s: a pragma in a comment or #if 0 counted", *c);
        else
            cr_expect(diags.items.len > 0, "%s: no diagnostic", *c);
        ms_str err = {0};
        ms_str_addn(&err, *c, strlen(*c) - 2);
        ms_str_add(&err, ".err");
        tu_golden(ms_str_cstr(&err), text);
        /* nothing rejected may change */
        for (int k = 0; k < src.nkernels; k++)
            cr_expect(src.kernels[k].func == NULL || bodies[k] != NULL);
        bool all_rejected = true;
        for (int k = 0; k < src.nkernels; k++)
            all_rejected = all_rejected && bodies[k] == NULL;
        if (all_rejected)
            cr_expect_str_eq(out, src.text, "%s: a rejected kernel changed", *c);
        for (int k = 0; k < src.nkernels; k++)
            free(bodies[k]);
        free(bodies);
        free(text);
        free(out);
        ms_str_free(&err);
        ms_source_free(&src);
        ms_diags_free(&diags);
    }
    cr_assert(n >= 20, "only %d diagnostic cases", n);
    tu_free_list(cases);
    ms_str_free(&dir);
}
