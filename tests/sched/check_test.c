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

/* Under clang's AddressSanitizer as under gcc's, an array ends where its
 * block does, so that a read one past it stops the run (clang has no
 * __SANITIZE_ADDRESS__ before version 15: the harness asks __has_feature). */
Test(check, clang_address_sanitizer_catches_a_read_one_past_the_end)
{
    if (!tu_have_clang())
        cr_skip_test("no clang");
    fixture *fx = setup_src(axpy_src);
    char *bodies[] = {
        "{ for (int i = 0; i < n; i++) y[i] += a * x[i]; }",
        "{ float t = 0; for (int i = 0; i <= n; i++) t += x[i]; (void)t;\n"
        "  for (int i = 0; i < n; i++) y[i] += a * x[i]; }",
    };
    bool ok[2];
    char *rep[2];
    tu_cc = "clang";
    tu_check_bodies(&fx->src, &fx->src.kernels[0], bodies, 2,
                    "-std=c11 -O0 -Wall -Wextra -Werror -Wno-unknown-pragmas "
                    "-fsanitize=address,undefined -fno-sanitize-recover=all",
                    1, 7, ok, rep);
    tu_cc = NULL;
    cr_expect(ok[0], "%s", rep[0]);
    cr_expect_not(ok[1], "a read past x was not caught");
    cr_expect(strstr(rep[1], "AddressSanitizer"), "%s", rep[1]);
    for (int i = 0; i < 2; i++)
        free(rep[i]);
    teardown_fx(fx);
}
