/*
 * fixture.c - the schedule tests' shared set-up (see fixture.h).
 */
#include "fixture.h"

#include <string.h>

fixture *setup_src(const char *text)
{
    fixture *fx = ms_xcalloc(1, sizeof *fx);
    tu_parse_text(text, &fx->src, &fx->diags);
    cr_assert(fx->src.kernels[0].func);
    fx->tr = ms_tracer_new(fx->src.kernels[0].func, 42);
    return fx;
}

fixture *setup_src_strict(const char *text)
{
    fixture *fx = setup_src(text);
    ms_tracer_free(fx->tr);
    fx->src.kernels[0].func->fp_strict = true;
    fx->tr = ms_tracer_new(fx->src.kernels[0].func, 42);
    return fx;
}

char *emit_fx(fixture *fx)
{
    const ms_kernel *k = &fx->src.kernels[0];
    char *orig = ms_kernel_body_text(&fx->src, k);
    const char *why = NULL;
    char *body = ms_emit_body(fx->tr->s->f, k->func, orig, NULL, &why);
    cr_assert(body, "%s", why);
    free(orig);
    return body;
}

void differential_fx(fixture *fx)
{
    char *body = emit_fx(fx);
    bool ok;
    char *rep;
    bool strict = fx->src.kernels[0].func->fp_strict;
    tu_check_bodies(&fx->src, &fx->src.kernels[0], &body, 1,
                    strict ? "-std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror "
                             "-Wno-unknown-pragmas -ffp-contract=off"
                           : "-std=c11 -O2 -march=native -fopenmp -Wall -Wextra -Werror "
                             "-Wno-unknown-pragmas",
                    6, 99, &ok, &rep);
    cr_expect(ok, "%s\n%s", rep, body);
    free(rep);
    free(body);
}

void teardown_fx(fixture *fx)
{
    ms_tracer_free(fx->tr);
    ms_source_free(&fx->src);
    ms_diags_free(&fx->diags);
    free(fx);
}

char *ir_of(const ms_func *f)
{
    ms_str s = {0};
    ms_func_print(f, &s);
    return ms_str_take(&s);
}

/* The loops of block name, as trace variables. */
int loops(fixture *fx, const char *block, int *out)
{
    int b = ms_t_get_block(fx->tr, block);
    return ms_t_get_loops(fx->tr, b, out);
}

/* Replays the trace through JSON and through its text: same IR. */
void round_trip(fixture *fx)
{
    cr_assert_eq(fx->tr->status, MS_OK, "%s", fx->tr->why);
    char *json = ms_trace_to_json(fx->tr->t);
    const char *why;
    ms_trace *back = ms_trace_from_json(json, &why);
    cr_assert(back, "%s", why);
    char *json2 = ms_trace_to_json(back);
    cr_expect_str_eq(json, json2);
    ms_str t1 = {0}, t2 = {0};
    ms_trace_print(fx->tr->t, &t1);
    ms_trace_print(back, &t2);
    cr_expect_str_eq(ms_str_cstr(&t1), ms_str_cstr(&t2));
    /* and through the text script: the same script, the same IR */
    ms_trace *back_text = ms_trace_from_text(ms_str_cstr(&t1), &why);
    cr_assert(back_text, "%s:\n%s", why, ms_str_cstr(&t1));
    ms_str t3 = {0};
    ms_trace_print(back_text, &t3);
    cr_expect_str_eq(ms_str_cstr(&t1), ms_str_cstr(&t3));
    for (int pass = 0; pass < 2; pass++) {
        ms_tracer *re = ms_trace_replay(pass ? back_text : back, fx->src.kernels[0].func, false, 0);
        cr_assert_eq(re->status, MS_OK, "%s", re->why);
        char *a = ir_of(fx->tr->s->f), *b = ir_of(re->s->f);
        cr_expect_str_eq(a, b);
        free(a);
        free(b);
        ms_tracer_free(re);
    }
    ms_str_free(&t3);
    ms_trace_free(back_text);
    free(json);
    free(json2);
    ms_str_free(&t1);
    ms_str_free(&t2);
    ms_trace_free(back);
}
