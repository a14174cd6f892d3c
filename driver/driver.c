/*
 * driver.c - the mscc command: read options, parse the file, schedule and
 * emit each kernel, optionally check every tuned kernel against its
 * original, and write the result atomically. Diagnostics are collected by
 * the layers and printed here, and only here.
 */
#include "driver/driver.h"

#include "emit/emit.h"
#include "frontend/frontend.h"
#include "runtime/runtime.h"
#include "schedule/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_diags(ms_diags *d)
{
    ms_str s = {0};
    ms_diags_render(d, &s);
    fputs(ms_str_cstr(&s), stderr);
    ms_str_free(&s);
    ms_diags_free(d);
}

/* Names the loops the schedule marked, for the comment atop the body. */
static void describe_loops(const ms_stmt *s, ms_str *par, ms_str *simd)
{
    switch (s->kind) {
    case MS_STMT_SEQ:
        for (int i = 0; i < s->seq.n; i++)
            describe_loops(s->seq.items[i], par, simd);
        return;
    case MS_STMT_FOR:
        if (s->loop.kind == MS_LOOP_PARALLEL)
            ms_str_addf(par, "%s%s", par->len ? ", " : "", s->loop.var->name);
        if (s->loop.kind == MS_LOOP_VECTORIZED || s->loop.parallel_simd)
            ms_str_addf(simd, "%s%s", simd->len ? ", " : "", s->loop.var->name);
        describe_loops(s->loop.body, par, simd);
        return;
    case MS_STMT_IF:
        describe_loops(s->if_.then_s, par, simd);
        if (s->if_.else_s)
            describe_loops(s->if_.else_s, par, simd);
        return;
    case MS_STMT_BLOCK:
    case MS_STMT_STORE:
    case MS_STMT_ALLOC:
        return;
    }
}

static char *tune_kernel(const ms_source *src, ms_kernel *k, bool verbose, ms_diags *diags)
{
    ms_func *f = k->func;
    if (verbose) {
        ms_str ir = {0};
        ms_func_print(f, &ir);
        fprintf(stderr, "mscc: IR of '%s':\n%s", k->name, ms_str_cstr(&ir));
        ms_str_free(&ir);
    }
    ms_sched_default(f);
    if (verbose) {
        ms_str ir = {0};
        ms_func_print(f, &ir);
        fprintf(stderr, "mscc: scheduled IR of '%s':\n%s", k->name, ms_str_cstr(&ir));
        ms_str_free(&ir);
    }
    ms_str comment = {0}, par = {0}, simd = {0};
    describe_loops(f->body, &par, &simd);
    ms_str_addf(&comment, "tuned by mscc " MS_VERSION ", default schedule: parallel %s; simd %s",
                par.len ? ms_str_cstr(&par) : "none", simd.len ? ms_str_cstr(&simd) : "none");
    char *orig = ms_xmalloc(k->body_end - k->body_begin + 1);
    memcpy(orig, src->text + k->body_begin, k->body_end - k->body_begin);
    orig[k->body_end - k->body_begin] = '\0';
    const char *why = NULL;
    char *body = ms_emit_body(f, orig, ms_str_cstr(&comment), &why);
    if (!body)
        ms_diags_add(diags, MS_DIAG_WARNING, k->loc, "kernel '%s' left unchanged: %s", k->name,
                     why);
    free(orig);
    ms_str_free(&comment);
    ms_str_free(&par);
    ms_str_free(&simd);
    return body;
}

/* A tuned kernel this much slower than the original is dropped. */
#define SLOWER_MARGIN 1.05

/* Prints the --check table; reverts kernels that failed. Returns true if all passed. */
static bool run_check(const ms_options *o, const ms_source *src, char **bodies, ms_diags *diags)
{
    ms_target *t = ms_target_new(o->cc, o->cflags);
    ms_check_result *res = ms_xcalloc((size_t)(src->nkernels ? src->nkernels : 1), sizeof *res);
    ms_check_kernels(t, src, bodies, o->jobs, res);
    bool all_ok = true;
    if (!o->quiet) {
        ms_str d = {0};
        ms_target_describe(t, &d);
        printf("target: %s\n", ms_str_cstr(&d));
        ms_str_free(&d);
    }
    printf("%-24s %-8s %6s %12s %12s %8s\n", "kernel", "correct", "sizes", "original", "tuned",
           "speedup");
    for (int i = 0; i < src->nkernels; i++) {
        const ms_kernel *k = &src->kernels[i];
        if (!bodies[i]) {
            printf("%-24s %-8s %6s %12s %12s %8s\n", k->name, "-", "-", "-", "-", "unchanged");
            continue;
        }
        const ms_check_result *r = &res[i];
        if (!r->correct) {
            all_ok = false;
            printf("%-24s %-8s %6d %12s %12s %8s\n", k->name, r->ran ? "NO" : "ERROR", r->nsizes,
                   "-", "-", "-");
            ms_diags_add(diags, MS_DIAG_WARNING, k->loc,
                         "kernel '%s' left unchanged: the check failed: %s", k->name, r->reason);
            free(bodies[i]);
            bodies[i] = NULL;
            continue;
        }
        bool slower = r->t_new > r->t_orig * SLOWER_MARGIN;
        printf("%-24s %-8s %6d %9.4g ms %9.4g ms %7.2fx%s\n", k->name, "yes", r->nsizes,
               r->t_orig * 1e3, r->t_new * 1e3, r->t_new > 0 ? r->t_orig / r->t_new : 0.0,
               slower ? "  (slower: original kept)" : "");
        if (slower) {
            /* measured, not guessed: a tuned kernel that loses is not worth having */
            ms_diags_add(
                diags, MS_DIAG_NOTE, k->loc,
                "kernel '%s' left unchanged: the tuned version was slower at the tuning sizes",
                k->name);
            free(bodies[i]);
            bodies[i] = NULL;
        }
    }
    fflush(stdout); /* the table before the diagnostics that follow on stderr */
    free(res);
    ms_target_free(t);
    return all_ok;
}

int ms_driver_main(int argc, char **argv)
{
    ms_options o;
    char why[512];
    if (ms_options_parse(argc, argv, &o, why, sizeof why) != 0) {
        fprintf(stderr, "mscc: error: %s\n%s", why, ms_usage);
        ms_options_free(&o);
        return 1;
    }
    if (o.help || o.version) {
        if (o.version)
            printf("mscc " MS_VERSION "\n");
        else
            fputs(ms_usage, stdout);
        ms_options_free(&o);
        return 0;
    }
    if (!strcmp(o.input, o.output) || ms_same_file(o.input, o.output)) {
        fprintf(stderr,
                "mscc: error: the output '%s' is the input; mscc never overwrites its input\n%s",
                o.output, ms_usage);
        ms_options_free(&o);
        return 1;
    }
    ms_frontend_opts fo = {o.input, o.clang_args.len, o.clang_args.data, o.nsizes, o.sizes};
    ms_source src;
    ms_diags diags = {0};
    if (ms_frontend_parse(&fo, &src, &diags) != 0) {
        print_diags(&diags);
        fprintf(stderr, "mscc: no output written\n");
        ms_options_free(&o);
        return 1;
    }
    int n = src.nkernels;
    char **bodies = ms_xcalloc((size_t)(n ? n : 1), sizeof(char *));
    size_t *begin = ms_xcalloc((size_t)(n ? n : 1), sizeof(size_t));
    size_t *end = ms_xcalloc((size_t)(n ? n : 1), sizeof(size_t));
    for (int i = 0; i < n; i++) {
        ms_kernel *k = &src.kernels[i];
        begin[i] = k->body_begin;
        end[i] = k->body_end;
        if (k->func)
            bodies[i] = tune_kernel(&src, k, o.verbose || getenv("MSCC_DEBUG"), &diags);
    }
    int status = 0;
    if (o.check && !run_check(&o, &src, bodies, &diags))
        status = 2;
    size_t len;
    char *text = ms_emit_splice(src.text, src.len, n, begin, end, bodies, &len);
    if (ms_write_atomic(o.output, text, len, why, sizeof why) != 0) {
        ms_diags_add(&diags, MS_DIAG_ERROR, (ms_loc){0}, "%s", why);
        status = 1;
    }
    print_diags(&diags);
    if (!o.quiet && status != 1) {
        int tuned = 0;
        for (int i = 0; i < n; i++)
            tuned += bodies[i] != NULL;
        fprintf(stderr, "mscc: %s: %d kernel%s, %d tuned -> %s\n", o.input, n, n == 1 ? "" : "s",
                tuned, o.output);
    }
    for (int i = 0; i < n; i++)
        free(bodies[i]);
    free(bodies);
    free(begin);
    free(end);
    free(text);
    ms_source_free(&src);
    ms_options_free(&o);
    return status;
}
