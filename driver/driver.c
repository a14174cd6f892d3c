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
#include <unistd.h>

static void print_ir(const char *what, const char *name, const ms_func *f)
{
    ms_str ir = {0};
    ms_func_print(f, &ir);
    fprintf(stderr, "mscc: %s of '%s':\n%s", what, name, ms_str_cstr(&ir));
    ms_str_free(&ir);
}

/* Where body_comment's lines about the schedule start. */
static const char schedule_lines[] = "; the schedule, replayable with --trace:";

/* The comment atop a tuned body: who made it, under which fp-model when it
 * is not the default, and the schedule itself. */
static char *body_comment(const ms_trace *t, const ms_func *f)
{
    ms_str c = {0}, text = {0};
    ms_str_add(&c, f->fp_strict ? "tuned by mscc " MS_VERSION " (--fp-model=strict)"
                                : "tuned by mscc " MS_VERSION);
    /* the budgets it keeps, said where the code is */
    ms_memory mem = ms_func_memory(f);
    if (f->no_heap || f->max_stack)
        ms_str_addf(&c, "; %s%s%lld bytes of local arrays at the tuning sizes",
                    f->no_heap ? "no heap, " : "", f->max_stack ? "within --max-stack: " : "",
                    (long long)mem.stack);
    if (f->workspace == MS_WS_STATIC && mem.heap)
        ms_str_addf(&c, "; packed copies in %lld bytes of static memory: not reentrant",
                    (long long)mem.packed);
    ms_str_add(&c, schedule_lines);
    ms_trace_print(t, &text);
    for (const char *line = ms_str_cstr(&text); *line;) {
        size_t len = strcspn(line, "\n");
        ms_str_add(&c, "\n     *   ");
        ms_str_addn(&c, line, len);
        line += len + (line[len] == '\n');
    }
    ms_str_add(&c, "\n    ");
    ms_str_free(&text);
    return ms_str_take(&c);
}

char *ms_body_add_note(const char *body, const char *note)
{
    const char *at = strstr(body, schedule_lines);
    MS_ASSERT(at);
    ms_str s = {0};
    ms_str_addn(&s, body, (size_t)(at - body));
    ms_str_addf(&s, "; %s%s", note, at);
    return ms_str_take(&s);
}

char *ms_tune_kernel(const ms_source *src, const ms_kernel *k, const ms_trace *given, bool verbose,
                     ms_trace **used, ms_diags *diags)
{
    return ms_tune_kernel_for(src, k, given, NULL, verbose, false, used, diags);
}

char *ms_tune_kernel_for(const ms_source *src, const ms_kernel *k, const ms_trace *given,
                         const ms_arch *arch, bool verbose, bool sizes_only, ms_trace **used,
                         ms_diags *diags)
{
    *used = NULL;
    if (verbose)
        print_ir("IR", k->name, k->func);
    /* postprocessed as the search measured it: annotations turned into loop
     * kinds, dependences checked */
    ms_tracer *tr = ms_tracer_postproc(given ? ms_trace_replay(given, k->func, false, 0)
                                             : ms_sched_default_trace_for(k->func, arch));
    if (tr->status != MS_OK) {
        ms_diags_add(diags, MS_DIAG_WARNING, k->loc, "kernel '%s' left unchanged: %s: %s", k->name,
                     given ? "the trace does not apply" : "the default schedule failed", tr->why);
        ms_tracer_free(tr);
        return NULL;
    }
    if (verbose)
        print_ir("scheduled IR", k->name, tr->s->f);
    char *comment = body_comment(tr->t, tr->s->f);
    char *orig = ms_kernel_body_text(src, k);
    const char *why = NULL;
    char *body = sizes_only ? ms_emit_body_for_sizes(tr->s->f, k->func, orig, comment, &why)
                            : ms_emit_body(tr->s->f, k->func, orig, comment, &why);
    if (!body)
        ms_diags_add(diags, MS_DIAG_WARNING, k->loc, "kernel '%s' left unchanged: %s", k->name,
                     why);
    free(orig);
    free(comment);
    if (body) {
        *used = tr->t;
        tr->t = NULL;
    }
    ms_tracer_free(tr);
    return body;
}

/* A tuned kernel this much slower than the original is dropped. */
#define SLOWER_MARGIN 1.05

bool ms_check_bodies(const ms_options *o, const ms_source *src, char **bodies, bool sizes_only,
                     ms_diags *diags)
{
    char why[512];
    ms_target *t = ms_options_target(o, true, why, sizeof why);
    if (!t) {
        ms_diags_add(diags, MS_DIAG_ERROR, (ms_loc){0}, "--check: %s", why);
        return false;
    }
    ms_check_result *res = ms_xcalloc((size_t)(src->nkernels ? src->nkernels : 1), sizeof *res);
    char *flags = ms_harness_flags(o);
    /* an emulator's times mean nothing: checked, not timed */
    ms_check_kernels(t, src, bodies, flags, o->jobs,
                     (t->untimed ? 0 : MS_CHECK_TIME) | MS_CHECK_MISALIGNED |
                         (sizes_only ? MS_CHECK_TUNING_ONLY : 0),
                     res);
    /* --multiversion: the dispatch's choice timed, and every variant this
     * CPU runs checked, its choice fixed at build time */
    for (int v = 0; o->multiversion && v < ms_variant_count(); v++) {
        if (!ms_variant_runs_here(v))
            continue;
        ms_check_result *vres =
            ms_xcalloc((size_t)(src->nkernels ? src->nkernels : 1), sizeof *vres);
        ms_str vflags = {0};
        ms_str_addf(&vflags, "%s -DMSCC_VARIANT=%d", flags, v + 1);
        ms_check_kernels(t, src, bodies, ms_str_cstr(&vflags), o->jobs, MS_CHECK_MISALIGNED, vres);
        for (int i = 0; i < src->nkernels; i++)
            if (bodies[i] && res[i].correct && !vres[i].correct) {
                res[i].correct = false;
                res[i].ran = vres[i].ran;
                snprintf(res[i].reason, sizeof res[i].reason, "the %s variant: %s",
                         ms_variant_at(v)->name, vres[i].reason);
            }
        ms_str_free(&vflags);
        free(vres);
    }
    free(flags);
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
        if (r->nfastmath)
            ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                         "kernel '%s': at %d of %d size settings the tuned result is beyond the "
                         "tolerance (relative error %.3g), but only where the original built with "
                         "-ffast-math is too: the kernel is ill-conditioned there, and "
                         "--fp-model=strict keeps every bit",
                         k->name, r->nfastmath, r->nsizes, r->max_err);
        if (t->untimed) {
            printf("%-24s %-8s %6d %12s %12s %8s\n", k->name, "yes", r->nsizes, "-", "-",
                   "untimed");
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

/* The closing table of a search: per kernel, times, speedup, trials and
 * failed candidates by cause. */
/* The peak that a kernel's arithmetic runs against: that of its output's
 * element type. 0: unknown. */
static double peak_of(const ms_func *f, const ms_peak *peak)
{
    for (int i = 0; i < f->nparams; i++) {
        const ms_buffer *b = f->params[i].buf;
        if (b && !b->is_const)
            return b->dtype == MS_DT_F32   ? peak->f32
                   : b->dtype == MS_DT_F64 ? peak->f64
                                           : peak->i32;
    }
    return 0;
}

/* Where a searched kernel's wall time went, and its seconds per trial. */
static void print_phases(const ms_tune_report *r)
{
    if (!r->searched || r->trials <= 0)
        return;
    double total = r->check_secs;
    ms_str line = {0};
    for (int p = 0; p < MS_PHASE_COUNT; p++) {
        total += r->phase_secs[p];
        ms_str_addf(&line, "%s %s %.1f s", p ? "," : "", ms_search_phase_names[p],
                    r->phase_secs[p]);
    }
    fprintf(stderr, "%-20s %.1f s, %.2f s per trial:%s, check %.1f s\n", "", total,
            total / r->trials, ms_str_cstr(&line), r->check_secs);
    ms_str_free(&line);
}

static void print_tune_table(const ms_source *src, const ms_tune_report *reps, const ms_peak *peak)
{
    bool any = false;
    for (int i = 0; i < src->nkernels; i++)
        any = any || reps[i].searched || reps[i].from_db;
    if (!any)
        return;
    fprintf(stderr, "%-20s %12s %12s %8s %8s %6s %7s %s\n", "kernel", "original", "tuned",
            "speedup", "GFLOP/s", "%peak", "trials", "failed");
    for (int i = 0; i < src->nkernels; i++) {
        const ms_tune_report *r = &reps[i];
        if (!r->searched && !r->from_db)
            continue;
        ms_str failed = {0};
        for (int c = 1; c < MS_MEAS_COUNT; c++)
            if (r->failed[c])
                ms_str_addf(&failed, "%s%s %d", failed.len ? ", " : "", ms_meas_status_names[c],
                            r->failed[c]);
        if (r->rejected)
            ms_str_addf(&failed, "%srejected %d", failed.len ? ", " : "", r->rejected);
        if (r->unverified)
            ms_str_addf(&failed, "%sfailed the check %d", failed.len ? ", " : "", r->unverified);
        double tuned = r->kept_original ? r->t_orig : r->t_best;
        char gflops[32] = "-", share[32] = "-";
        double top = peak_of(src->kernels[i].func, peak);
        if (r->ops > 0 && tuned > 0) {
            snprintf(gflops, sizeof gflops, "%.2f", r->ops / tuned * 1e-9);
            if (top > 0)
                snprintf(share, sizeof share, "%.1f%%", 100 * r->ops / tuned * 1e-9 / top);
        }
        fprintf(stderr, "%-20s %9.4g ms %9.4g ms %7.2fx %8s %6s %7d %s%s\n", src->kernels[i].name,
                r->t_orig * 1e3, tuned * 1e3, tuned > 0 ? r->t_orig / tuned : 0.0, gflops, share,
                r->trials, failed.len ? ms_str_cstr(&failed) : "-",
                r->from_db         ? "  (database)"
                : r->kept_original ? "  (original kept)"
                                   : "");
        ms_str_free(&failed);
        print_phases(r);
        if (!r->kept_original && r->t_new_other > 0)
            fprintf(stderr, "%-20s %9.4g ms %9.4g ms %7.2fx  at %s (the general path)\n", "",
                    r->t_orig_other * 1e3, r->t_new_other * 1e3, r->t_orig_other / r->t_new_other,
                    r->other_sizes);
    }
}

/* --print-trace: the traces of the kernels that were tuned, on stdout. */
static void print_traces(const char *form, const ms_source *src, ms_trace *const *used)
{
    const char *names[256];
    ms_trace *ts[256];
    int m = 0;
    for (int i = 0; i < src->nkernels && m < 256; i++)
        if (used[i]) {
            names[m] = src->kernels[i].name;
            ts[m++] = used[i];
        }
    if (!strcmp(form, "json")) {
        char *doc = ms_trace_doc_to_json(m, names, ts);
        printf("%s\n", doc);
        free(doc);
    } else {
        for (int i = 0; i < m; i++) {
            ms_str t = {0};
            ms_trace_print(ts[i], &t);
            printf("# kernel %s\n%s", names[i], ms_str_cstr(&t));
            ms_str_free(&t);
        }
    }
    fflush(stdout);
}

int ms_driver_main(int argc, char **argv)
{
    ms_options o;
    char why[512];
    if (argc >= 2 && !strcmp(argv[1], "db")) {
        if (argc >= 3 && !strcmp(argv[2], "list"))
            return ms_db_list_main(argc - 1, argv + 1);
        if (argc >= 3 && !strcmp(argv[2], "merge"))
            return ms_db_merge_main(argc - 1, argv + 1);
        fprintf(stderr, "mscc: error: 'mscc db' knows two commands: list, merge\n"
                        "usage: mscc db list [DIR]\n       mscc db merge DIR DIR... -o OUT_DIR\n");
        return 1;
    }
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
    if (o.lib) {
        int status = ms_lib_main(&o);
        ms_options_free(&o);
        return status;
    }
    bool to_stdout = !strcmp(o.output, "-");
    if (to_stdout && o.print_trace) {
        fprintf(stderr,
                "mscc: error: --print-trace prints to standard output, which -o - takes\n%s",
                ms_usage);
        ms_options_free(&o);
        return 1;
    }
    if (!to_stdout && (!strcmp(o.input, o.output) || ms_same_file(o.input, o.output))) {
        fprintf(stderr,
                "mscc: error: the output '%s' is the input; mscc never overwrites its input\n%s",
                o.output, ms_usage);
        ms_options_free(&o);
        return 1;
    }
    mscc_result *r = ms_result_new();
    mscc_status st = ms_tune_file(&o, r);
    ms_source *src = &r->src;
    int n = r->n;
    if (st == MSCC_ERR_INPUT && r->parsed) {
        fprintf(stderr, "mscc: error: %s\n", r->message); /* --trace's document */
        mscc_result_free(r);
        ms_options_free(&o);
        return 1;
    }
    if (st == MSCC_ERR_INPUT || st == MSCC_ERR_INTERNAL) {
        ms_print_diags(&r->diags, o.diag_json, o.werror);
        if (!o.diag_json)
            fprintf(stderr, "mscc: no output written\n");
        mscc_result_free(r);
        ms_options_free(&o);
        return st == MSCC_ERR_INTERNAL ? 2 : 1; /* 2: an internal error, as the usage says */
    }
    int status = 0;
    if (st == MSCC_OK && o.check) {
        if (!ms_check_bodies(&o, src, r->bodies, false, &r->diags))
            status = 2;
        ms_result_splice(r); /* without the kernels the check reverted */
        /* a reverted kernel is a warning too: -Werror refuses the run, as before */
        if (ms_diags_have_errors(&r->diags, o.werror))
            st = MSCC_ERR_REFUSED;
    }
    bool refused = st == MSCC_ERR_REFUSED;
    if (refused) {
        status = 1;
    } else if (to_stdout) {
        if (fwrite(r->text, 1, r->len, stdout) != r->len || fflush(stdout) != 0) {
            ms_diags_add(&r->diags, MS_DIAG_ERROR, (ms_loc){0}, "cannot write to standard output");
            status = 1;
        }
    } else if (mscc_emit(r, o.output) != MSCC_OK) {
        ms_diags_add(&r->diags, MS_DIAG_ERROR, (ms_loc){0}, "%s", mscc_result_message(r));
        status = 1;
    }
    if (o.depfile && status != 1) {
        char *dpath = ms_depfile_path(o.output, o.mf);
        if (!ms_depfile_write(&o, r, to_stdout ? "-" : o.output, dpath, why, sizeof why)) {
            ms_diags_add(&r->diags, MS_DIAG_ERROR, (ms_loc){0}, "-MD: %s", why);
            status = 1;
        }
        free(dpath);
    }
    ms_print_diags(&r->diags, o.diag_json, o.werror);
    if (refused && !o.diag_json)
        fprintf(stderr, "mscc: no output written\n");
    if (r->target && !o.quiet) {
        /* measured only by a run that measured anyway: a replay stays fast */
        ms_peak peak = {0};
        ms_tune_peak(r->target, &r->arch, r->db, r->njobs > 0, &peak);
        print_tune_table(src, r->reps, &peak);
    }
    if (o.print_trace && status != 1)
        print_traces(o.print_trace, src, r->used);
    if (!o.quiet && status != 1) {
        int tuned = 0;
        for (int i = 0; i < n; i++)
            tuned += r->bodies[i] != NULL;
        fprintf(stderr, "mscc: %s: %d kernel%s, %d tuned -> %s\n", o.input, n, n == 1 ? "" : "s",
                tuned, to_stdout ? "standard output" : o.output);
    }
    mscc_result_free(r);
    ms_options_free(&o);
    return status;
}
