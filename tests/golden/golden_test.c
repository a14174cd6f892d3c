/*
 * golden_test.c - every tests/golden/NAME.c through the frontend, the
 * default schedule and the emitter: NAME.ir holds the IR before and after
 * scheduling, NAME.out.c the whole output file. MSCC_UPDATE_GOLDEN=1
 * rewrites them; review the diff like code.
 */
#include "testutil.h"

#include "driver/driver.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static char *with_suffix(const char *path, const char *suffix)
{
    ms_str s = {0};
    ms_str_addn(&s, path, strlen(path) - 2); /* drop ".c" */
    ms_str_add(&s, suffix);
    return ms_str_take(&s);
}

Test(golden, every_case)
{
    ms_str dir = {0};
    ms_str_addf(&dir, "%s/tests/golden", tu_src_dir());
    char **cases = tu_list(ms_str_cstr(&dir), ".c");
    int n = 0;
    for (char **c = cases; *c; c++) {
        if (strstr(*c, ".out.c") || strstr(*c, "_test.c"))
            continue;
        n++;
        ms_source src;
        ms_diags diags = {0};
        tu_parse_file(*c, &src, &diags);
        ms_str ir = {0};
        for (int k = 0; k < src.nkernels; k++)
            if (src.kernels[k].func)
                ms_func_print(src.kernels[k].func, &ir);
        char *out = tu_tune(&src, NULL, &diags);
        for (int k = 0; k < src.nkernels; k++)
            if (src.kernels[k].func) {
                ms_tracer *tr = ms_sched_default_trace(src.kernels[k].func);
                ms_str_addf(&ir, "// the default schedule of %s\n", src.kernels[k].name);
                ms_trace_print(tr->t, &ir);
                ms_str_add(&ir, "// after it\n");
                ms_func_print(tr->s->f, &ir);
                ms_tracer_free(tr);
            }
        char *ir_path = with_suffix(*c, ".ir"), *out_path = with_suffix(*c, ".out.c");
        tu_golden(ir_path, ms_str_cstr(&ir));
        tu_golden(out_path, out);
        free(ir_path);
        free(out_path);
        free(out);
        ms_str_free(&ir);
        ms_source_free(&src);
        ms_diags_free(&diags);
    }
    cr_assert(n >= 5, "only %d golden cases found", n);
    tu_free_list(cases);
    ms_str_free(&dir);
}

/* NAME.trace.json beside NAME.c: the kernels scheduled by hand traces,
 * emitted to NAME.traced.out.c. */
Test(golden, hand_traces)
{
    ms_str dir = {0};
    ms_str_addf(&dir, "%s/tests/golden", tu_src_dir());
    char **traces = tu_list(ms_str_cstr(&dir), ".trace.json");
    int n = 0;
    for (char **t = traces; *t; t++, n++) {
        ms_str base = {0};
        ms_str_addn(&base, *t, strlen(*t) - strlen(".trace.json"));
        ms_str c = {0}, out_path = {0};
        ms_str_addf(&c, "%s.c", ms_str_cstr(&base));
        ms_str_addf(&out_path, "%s.traced.out.c", ms_str_cstr(&base));
        char *doc = ms_read_file(*t, NULL);
        char **names;
        ms_trace **ts;
        const char *why;
        int nt = ms_trace_doc_parse(doc, &names, &ts, &why);
        cr_assert(nt >= 0, "%s: %s", *t, why);
        ms_source src;
        ms_diags diags = {0};
        tu_parse_file(ms_str_cstr(&c), &src, &diags);
        int k = src.nkernels;
        char **bodies = ms_xcalloc((size_t)k, sizeof(char *));
        size_t *b = ms_xcalloc((size_t)k, sizeof(size_t)),
               *e = ms_xcalloc((size_t)k, sizeof(size_t));
        for (int i = 0; i < k; i++) {
            b[i] = src.kernels[i].body_begin;
            e[i] = src.kernels[i].body_end;
            for (int j = 0; j < nt; j++)
                if (!strcmp(names[j], src.kernels[i].name)) {
                    ms_trace *used;
                    bodies[i] = ms_tune_kernel(&src, &src.kernels[i], ts[j], false, &used, &diags);
                    cr_expect(bodies[i], "%s: %s", src.kernels[i].name, tu_render(&diags));
                    ms_trace_free(used);
                }
        }
        size_t len;
        char *out = ms_emit_splice(src.text, src.len, k, b, e, bodies, &len);
        tu_golden(ms_str_cstr(&out_path), out);
        for (int i = 0; i < k; i++)
            free(bodies[i]);
        for (int j = 0; j < nt; j++) {
            free(names[j]);
            ms_trace_free(ts[j]);
        }
        free(names);
        free(ts);
        free(bodies);
        free(b);
        free(e);
        free(out);
        free(doc);
        ms_source_free(&src);
        ms_diags_free(&diags);
        ms_str_free(&base);
        ms_str_free(&c);
        ms_str_free(&out_path);
    }
    cr_assert(n >= 1);
    tu_free_list(traces);
    ms_str_free(&dir);
}

Test(golden, output_is_deterministic)
{
    ms_str path = {0};
    ms_str_addf(&path, "%s/tests/golden/gemm.c", tu_src_dir());
    char *outs[2];
    for (int r = 0; r < 2; r++) {
        ms_source src;
        ms_diags diags = {0};
        tu_parse_file(ms_str_cstr(&path), &src, &diags);
        outs[r] = tu_tune(&src, NULL, &diags);
        ms_source_free(&src);
        ms_diags_free(&diags);
    }
    cr_assert_str_eq(outs[0], outs[1]);
    free(outs[0]);
    free(outs[1]);
    ms_str_free(&path);
}

Test(golden, text_outside_kernels_is_kept_byte_for_byte)
{
    ms_str dir = {0};
    ms_str_addf(&dir, "%s/tests/golden", tu_src_dir());
    char **cases = tu_list(ms_str_cstr(&dir), ".c");
    for (char **c = cases; *c; c++) {
        if (strstr(*c, ".out.c") || strstr(*c, "_test.c"))
            continue;
        ms_source src;
        ms_diags diags = {0};
        tu_parse_file(*c, &src, &diags);
        char *out = tu_tune(&src, NULL, &diags);
        /* the includes mscc adds come first, each line saying so (or guarding one) */
        size_t in_at = 0, out_at = 0;
        while (strncmp(out + out_at, src.text, strcspn(src.text, "\n") + 1)) {
            size_t len = strcspn(out + out_at, "\n");
            if (!strncmp(out + out_at, MS_VMATH_BEGIN "\n", len + 1)) {
                const char *end = strstr(out + out_at, "\n" MS_VMATH_END "\n");
                cr_assert(end, "%s: the vector math has no end line", *c);
                out_at = (size_t)(end - out) + strlen(MS_VMATH_END) + 2;
                continue;
            }
            const char *mark = strstr(out + out_at, "added by mscc");
            cr_assert(len > 0 && ((mark && mark < out + out_at + len) ||
                                  !strncmp(out + out_at, "#if defined(_OPENMP)\n", len + 1) ||
                                  !strncmp(out + out_at, "#endif\n", len + 1)),
                      "%s: a line before the input's first: %.*s", *c, (int)len, out + out_at);
            out_at += len + 1;
        }
        /* walk both texts: the gaps between kernel bodies must match exactly */
        for (int k = 0; k <= src.nkernels; k++) {
            size_t stop = k < src.nkernels ? src.kernels[k].body_begin : src.len;
            size_t gap = stop - in_at;
            cr_assert(strncmp(src.text + in_at, out + out_at, gap) == 0,
                      "%s: text before kernel %d changed", *c, k);
            out_at += gap;
            if (k == src.nkernels)
                break;
            /* skip the new body: it ends at the matching brace at column 0 */
            const char *end = strstr(out + out_at, "\n}");
            cr_assert(end != NULL);
            out_at = (size_t)(end - out) + 2;
            in_at = src.kernels[k].body_end;
        }
        cr_assert_eq(strlen(out + out_at), 0u);
        free(out);
        ms_source_free(&src);
        ms_diags_free(&diags);
    }
    tu_free_list(cases);
    ms_str_free(&dir);
}
