/*
 * check_test.c - the differential check every schedule test trusts
 * (tu_check_bodies: one harness, all of its runs in one process, a failing
 * body run again alone for its report) must tell each wrong body from the
 * right ones beside it, however the body goes wrong.
 */
#include "fixture.h"

#include <string.h>

static const char axpy_src[] = "#pragma mscc kernel sizes(n=100)\n"
                               "void axpy(int n, float a, const float x[restrict n],\n"
                               "          float y[restrict n]) {\n"
                               "  for (int i = 0; i < n; i++) y[i] += a * x[i];\n"
                               "}\n";

Test(check, each_wrong_body_is_told_from_the_right_ones)
{
    fixture *fx = setup_src(axpy_src);
    char *bodies[] = {
        "{ for (int i = 0; i < n; i++) y[i] += a * x[i]; }",
        /* a wrong value, at every size but 0 */
        "{ for (int i = 0; i < n; i++) y[i] += a * x[i]; if (n > 0) y[n - 1] += 1.0f; }",
        "{ for (int i = 0; i < n; i++) y[i] += a * x[i]; }",
        /* a crash */
        "{ for (int i = 0; i < n; i++) y[i] += a * x[i]; if (n > 2) abort(); }",
        /* the run ends before it is checked, with a status of success */
        "{ for (int i = 0; i < n; i++) y[i] += a * x[i]; if (n > 2) exit(0); }",
        /* the last element left out: the remainder a tile forgets */
        "{ for (int i = 0; i + 1 < n; i++) y[i] += a * x[i]; }",
    };
    enum { N = sizeof bodies / sizeof bodies[0] };
    bool ok[N];
    char *rep[N];
    tu_check_bodies(&fx->src, &fx->src.kernels[0], bodies, N,
                    "-std=c11 -O1 -Wall -Wextra -Werror -Wno-unknown-pragmas", 1, 7, ok, rep);
    bool want[N] = {true, false, true, false, false, false};
    for (int i = 0; i < N; i++) {
        cr_expect_eq(ok[i], want[i], "body %d: %s", i, rep[i]);
        cr_expect_eq(rep[i][0] != '\0', !want[i], "body %d reported: '%s'", i, rep[i]);
        free(rep[i]);
    }
    teardown_fx(fx);
}
