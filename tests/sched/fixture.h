/*
 * fixture.h - what the schedule tests share: a kernel parsed from a
 * snippet with a tracer on it, its IR as text, the trace round trip (JSON
 * and text, replayed on a fresh clone, the same IR), and the check that a
 * refused primitive left the state as it was.
 */
#ifndef MS_TESTS_SCHED_FIXTURE_H
#define MS_TESTS_SCHED_FIXTURE_H

#include "testutil.h"

#include <criterion/criterion.h>
#include <stdlib.h>

typedef struct fixture {
    ms_source src;
    ms_diags diags;
    ms_tracer *tr; /* on the first kernel, seed 42 */
} fixture;

fixture *setup_src(const char *text);
/* The same under --fp-model=strict. */
fixture *setup_src_strict(const char *text);
void teardown_fx(fixture *fx);
/* The scheduled kernel's new body (caller frees). */
char *emit_fx(fixture *fx);
/* The emitted kernel, built and run against the original at the tuning
 * sizes and odd ones: within the tolerance, or bit for bit when strict. */
void differential_fx(fixture *fx);
char *ir_of(const ms_func *f);
/* The loops of the named block, as trace variables; returns their count. */
int loops(fixture *fx, const char *block, int *out);
void round_trip(fixture *fx);

/* A primitive that fails must leave the state as it was. */
#define EXPECT_REFUSED(fx, call, want)                                                             \
    do {                                                                                           \
        char *before = ir_of((fx)->tr->s->f);                                                      \
        call;                                                                                      \
        cr_expect_eq((fx)->tr->status, want, "status %d: %s", (fx)->tr->status, (fx)->tr->why);    \
        char *after = ir_of((fx)->tr->s->f);                                                       \
        cr_expect_str_eq(before, after);                                                           \
        free(before);                                                                              \
        free(after);                                                                               \
        (fx)->tr->status = MS_OK;                                                                  \
    } while (0)

#endif
