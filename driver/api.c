/*
 * api.c - the pipeline from a file to its tuned text, as one call that
 * prints nothing (ms_tune_file), and the public library around it
 * (mscc.h). The command (driver.c) runs the same ms_tune_file, then does
 * its printing and writing.
 */
#include "driver/driver.h"

#include "emit/emit.h"
#include "runtime/runtime.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static mscc_status fail(mscc_result *r, mscc_status s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static mscc_status fail(mscc_result *r, mscc_status s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    r->status = s;
    return s;
}

/* "-I 'DIR' '-DX=1'": the input's folder, then the user's preprocessor
 * flags, quoted for the shell, so that harnesses see the input's includes;
 * -ffp-contract=off under --fp-model=strict. */
char *ms_harness_flags(const ms_options *o)
{
    ms_str s = {0};
    const char *slash = strrchr(o->input, '/');
    ms_str_add(&s, "-I '");
    if (slash)
        ms_str_addn(&s, o->input, (size_t)(slash - o->input) + (slash == o->input));
    else
        ms_str_add(&s, ".");
    ms_str_add(&s, "'");
    /* strict: compilers may not fuse a * b + c differently in the two versions */
    if (o->fp_strict)
        ms_str_add(&s, " -ffp-contract=off");
    for (int i = 0; i < o->clang_args.len; i++) {
        ms_str_add(&s, " '");
        for (const char *c = o->clang_args.data[i]; *c; c++)
            ms_str_add(&s, *c == '\'' ? "'\\''" : (char[]){*c, 0});
        ms_str_add(&s, "'");
    }
    return ms_str_take(&s);
}

ms_target *ms_options_target(const ms_options *o, bool runs, char *why, size_t n)
{
    const ms_target_kind *k = ms_target_kind_named(o->target);
    ms_target *t = ms_target_new(k, o->cc, o->cflags);
    t->omp_threads = o->threads; /* candidates run with the count they are tuned for */
    t->runner = o->runner ? ms_xstrdup(o->runner) : NULL;
    t->untimed = o->untimed;
    t->ldflags = o->ldflags ? ms_xstrdup(o->ldflags) : NULL;
    if (runs && !t->runner && !ms_target_kind_runs_here(k, t)) {
        snprintf(why, n,
                 "this CPU cannot run code built for --target %s (it lacks %s): give "
                 "--trials 0, or a --runner for a machine that can",
                 k->name, k->needs ? k->needs : "its ISA");
        ms_target_free(t);
        return NULL;
    }
    return t;
}

/* The given traces (--trace), by kernel name; false (r's message) when the
 * document cannot be read. */
static bool read_traces(const ms_options *o, mscc_result *r)
{
    if (!o->trace_file)
        return true;
    char *text = ms_read_file(o->trace_file, NULL);
    const char *twhy = "cannot read the file";
    if (text)
        r->ngiven = ms_trace_doc_parse(text, &r->given_names, &r->given, &twhy);
    free(text);
    if (!text || r->ngiven < 0) {
        r->ngiven = 0;
        fail(r, MSCC_ERR_INPUT, "--trace %s: %s", o->trace_file, twhy);
        return false;
    }
    return true;
}

/* The database: always when measuring; with --trials 0 only if it exists. */
static void open_db(const ms_options *o, mscc_result *r, int ntunable)
{
    char *db_dir = ms_db_default_dir(o->db);
    if (ntunable > 0 && (o->trials > 0 || access(db_dir, F_OK) == 0)) {
        char dwhy[512];
        r->db = ms_db_open(db_dir, dwhy, sizeof dwhy);
        if (!r->db)
            ms_diags_add(&r->diags, MS_DIAG_WARNING, (ms_loc){0}, "%s; tuning without it", dwhy);
        const char *const *warns;
        int nw = r->db ? ms_db_warnings(r->db, &warns) : 0;
        for (int w = 0; w < nw; w++)
            ms_diags_add(&r->diags, MS_DIAG_WARNING, (ms_loc){0}, "%s", warns[w]);
    }
    if (o->predict && ntunable > 0 && !r->db)
        ms_diags_add(&r->diags, MS_DIAG_NOTE, (ms_loc){0},
                     "--predict: no tuning database at %s, so no cost model; the default schedule",
                     db_dir);
    free(db_dir);
}

void ms_result_splice(mscc_result *r)
{
    free(r->text);
    /* under --workspace=caller a body comes with its entry points */
    char **with = ms_xcalloc((size_t)(r->n ? r->n : 1), sizeof *with);
    for (int i = 0; i < r->n; i++) {
        const char *why = NULL;
        with[i] =
            r->bodies[i] ? ms_output_body(&r->src, &r->src.kernels[i], r->bodies[i], &why) : NULL;
        MS_ASSERT(with[i] || !r->bodies[i]); /* keep_entry_points said why */
    }
    r->text = ms_emit_splice(r->src.text, r->src.len, r->n, r->begin, r->end, with, &r->len);
    for (int i = 0; i < r->n; i++)
        free(with[i]);
    free(with);
}

/* --workspace=caller: kernel i's entry points can be written, or it
 * stays as written, with a warning. */
static void keep_entry_points(mscc_result *r, int i)
{
    const char *why = NULL;
    char *text = ms_output_body(&r->src, &r->src.kernels[i], r->bodies[i], &why);
    if (!text) {
        ms_diags_add(&r->diags, MS_DIAG_WARNING, r->src.kernels[i].loc,
                     "kernel '%s' left unchanged: %s", r->src.kernels[i].name, why);
        free(r->bodies[i]);
        r->bodies[i] = NULL;
    }
    free(text);
}

/* --max-code-size: kernel i's body, compiled as the output holds it, is
 * within the budget (said in its comment), or the kernel stays as written,
 * with a warning. */
static void keep_code_size(const ms_options *o, mscc_result *r, int i)
{
    const ms_kernel *k = &r->src.kernels[i];
    int64_t bytes;
    ms_code_sizes(r->target, &r->src, k, 1, (const char *const *)&r->bodies[i], r->flags, 1,
                  &bytes);
    if (bytes >= 0 && bytes <= o->max_code_size) {
        char note[128];
        snprintf(note, sizeof note, "%lld bytes of code and constants, within --max-code-size",
                 (long long)bytes);
        char *noted = ms_body_add_note(r->bodies[i], note);
        free(r->bodies[i]);
        r->bodies[i] = noted;
        return;
    }
    if (bytes < 0)
        ms_diags_add(&r->diags, MS_DIAG_WARNING, k->loc,
                     "kernel '%s' left unchanged: --max-code-size: its tuned body did not "
                     "compile with %s",
                     k->name, r->target->cc);
    else
        ms_diags_add(&r->diags, MS_DIAG_WARNING, k->loc,
                     "kernel '%s' left unchanged: its tuned code is %lld bytes, beyond "
                     "--max-code-size %lld",
                     k->name, (long long)bytes, (long long)o->max_code_size);
    free(r->bodies[i]);
    r->bodies[i] = NULL;
    ms_trace_free(r->used[i]);
    r->used[i] = NULL;
}

mscc_status ms_tune_file(const ms_options *o, mscc_result *r)
{
    r->o = o;
    ms_frontend_opts fo = {.path = o->input,
                           .nargs = o->clang_args.len,
                           .args = o->clang_args.data,
                           .nsizes = o->nsizes,
                           .sizes = o->sizes,
                           .fp_strict = o->fp_strict,
                           .nkernel_sizes = o->nkernel_sizes,
                           .kernel_sizes = o->kernel_sizes,
                           .no_heap = o->no_heap,
                           .max_stack = o->max_stack,
                           .max_code_size = o->max_code_size,
                           .workspace = o->workspace};
    int parsed = ms_frontend_parse(&fo, &r->src, &r->diags);
    r->have_src = true;
    if (parsed != 0)
        return fail(r, parsed == 2 ? MSCC_ERR_INTERNAL : MSCC_ERR_INPUT,
                    "%s: no kernel could be read (see the diagnostics)", o->input);
    r->parsed = true;
    if (!read_traces(o, r))
        return r->status;
    int n = r->n = r->src.nkernels;
    int ntunable = 0;
    for (int i = 0; i < n; i++)
        ntunable += r->src.kernels[i].func != NULL;
    size_t cap = (size_t)(n ? n : 1);
    r->reps = ms_xcalloc(cap, sizeof *r->reps);
    r->bodies = ms_xcalloc(cap, sizeof(char *));
    r->used = ms_xcalloc(cap, sizeof(ms_trace *));
    r->begin = ms_xcalloc(cap, sizeof(size_t));
    r->end = ms_xcalloc(cap, sizeof(size_t));
    open_db(o, r, ntunable);
    /* the target even for --trials 0: its micro-kernels shape the default */
    if (ntunable > 0) {
        char why[512];
        r->target = ms_options_target(o, o->trials > 0, why, sizeof why);
        if (!r->target)
            return fail(r, MSCC_ERR_USAGE, "%s", why);
        r->flags = ms_harness_flags(o);
        r->arch = ms_target_arch(r->target, o->threads);
    }
    /* each kernel: its trace (given, or the database's decision), or a search */
    ms_tune_choice *choice = ms_xcalloc(cap, sizeof *choice);
    ms_trace **found = ms_xcalloc(cap, sizeof *found);
    ms_tune_job **jobs = ms_xcalloc(cap, sizeof *jobs);
    int *job_of = ms_xcalloc(cap, sizeof *job_of);
    const ms_trace **given = ms_xcalloc(cap, sizeof *given);
    for (int i = 0; i < n; i++) {
        ms_kernel *k = &r->src.kernels[i];
        r->begin[i] = k->body_begin;
        r->end[i] = k->body_end;
        choice[i] = MS_TUNE_DEFAULT;
        job_of[i] = -1;
        for (int g = 0; g < r->ngiven; g++)
            if (!strcmp(r->given_names[g], k->name))
                given[i] = r->given[g];
        if (k->func && !given[i] && r->target) {
            ms_tune_job *job;
            /* --shard I/N: this run searches kernels I, I+N, ... of the file;
             * the others get what --trials 0 gives them */
            bool mine = o->nshards == 0 || i % o->nshards == o->shard;
            bool listed = !o->sizes_only;
            for (int s = 0; s < o->nsearch_only; s++)
                listed = listed || !strcmp(o->search_only[s], k->name);
            mine = mine && listed;
            choice[i] =
                ms_tune_begin(o, r->target, &r->arch, r->db, &r->src, k, r->flags,
                              mine ? o->trials : 0, &found[i], &r->reps[i], &r->diags, &job);
            if (choice[i] == MS_TUNE_SEARCH) {
                job_of[i] = r->njobs;
                jobs[r->njobs++] = job;
            }
        }
    }
    /* the file's trials shared among its kernels' searches, a batch each in turn */
    if (r->njobs > 0)
        ms_tune_search(r->njobs, jobs, o->trials, o->time_budget);
    for (int i = 0; i < n; i++) {
        ms_kernel *k = &r->src.kernels[i];
        if (job_of[i] >= 0)
            choice[i] = ms_tune_end(jobs[job_of[i]], &found[i]);
        if (choice[i] != MS_TUNE_ORIGINAL && k->func) /* else the original body stays */
            r->bodies[i] = ms_tune_kernel_for(
                &r->src, k, found[i] ? found[i] : given[i], r->target ? &r->arch : NULL,
                o->verbose || getenv("MSCC_DEBUG"), o->sizes_only, &r->used[i], &r->diags);
        if (r->bodies[i] && o->multiversion) {
            char *text = ms_multiversion_text(r, i);
            free(r->bodies[i]);
            r->bodies[i] = text;
        }
        if (r->bodies[i])
            keep_entry_points(r, i);
        if (r->bodies[i] && o->max_code_size > 0)
            keep_code_size(o, r, i);
        ms_trace_free(found[i]);
    }
    if (r->njobs > 0 && r->db) /* the next run, of any kernel, starts from all it measured */
        ms_tune_learn(o, r->target, r->db, &r->diags);
    free(choice);
    free(found);
    free(jobs);
    free(job_of);
    free(given);
    for (int g = 0; g < r->ngiven; g++) {
        bool known = false;
        for (int i = 0; i < n; i++)
            known = known || !strcmp(r->given_names[g], r->src.kernels[i].name);
        if (!known)
            ms_diags_add(&r->diags, MS_DIAG_WARNING, (ms_loc){o->trace_file, 0, 0},
                         "trace for '%s', which is not a kernel of %s", r->given_names[g],
                         o->input);
    }
    ms_result_splice(r);
    /* -Werror: a kernel left unchanged (any warning) fails the run whole */
    if (ms_diags_have_errors(&r->diags, o->werror))
        return fail(r, MSCC_ERR_REFUSED, "-Werror: a kernel was left unchanged (see the warnings)");
    r->status = MSCC_OK;
    return MSCC_OK;
}

mscc_result *ms_result_new(void)
{
    return ms_xcalloc(1, sizeof(mscc_result));
}

/* ---- the public library (mscc.h) ---- */

void mscc_options_init(mscc_options *o)
{
    *o = (mscc_options){0};
    o->struct_size = sizeof *o;
    o->trials = MS_DEFAULT_TRIALS;
}

/* The options struct of the first release: its size is the least a
 * caller passes; the fields added since keep their defaults for it. */
#define FIRST_OPTIONS_SIZE offsetof(mscc_options, workspace)

/* A caller's options as the command's; false (r's message) when wrong. */
static bool to_ms_options(const mscc_options *given, ms_options *o, mscc_result *r)
{
    *o = (ms_options){0};
    if (!given || given->struct_size < FIRST_OPTIONS_SIZE || !given->input) {
        fail(r, MSCC_ERR_USAGE,
             !given || given->struct_size < FIRST_OPTIONS_SIZE
                 ? "the options were not set up by mscc_options_init"
                 : "no input file");
        return false;
    }
    mscc_options known;
    mscc_options_init(&known);
    memcpy(&known, given, given->struct_size < sizeof known ? given->struct_size : sizeof known);
    const mscc_options *u = &known;
    o->input = u->input;
    o->output = "-";
    for (int i = 0; i < u->nclang_args; i++)
        MS_VEC_PUSH(o->clang_args, u->clang_args[i]);
    if (u->sizes && *u->sizes) {
        const char *w;
        ms_size_hint *h;
        int c = ms_parse_size_list(u->sizes, &h, &w);
        if (c < 0) {
            fail(r, MSCC_ERR_USAGE, "bad sizes '%s': %s", u->sizes, w);
            return false;
        }
        o->sizes = h;
        o->nsizes = c;
    }
    if (u->trials < 0 || u->threads < 0 || u->jobs < 0 || u->time_budget < 0 || u->max_stack < 0 ||
        u->max_code_size < 0) {
        fail(r, MSCC_ERR_USAGE,
             "trials, threads, jobs, time_budget, max_stack and max_code_size cannot be negative");
        return false;
    }
    o->cc = u->cc;
    o->cflags = u->cflags;
    o->trace_file = u->trace;
    o->trials = u->trials;
    o->jobs = u->jobs > 0 ? u->jobs : 2;
    o->threads = u->threads;
    o->seed = u->seed;
    o->db = u->db;
    o->time_budget = u->time_budget;
    o->replay = u->replay;
    o->predict = u->predict;
    o->fp_strict = u->fp_strict;
    o->werror = u->werror;
    o->quiet = true; /* no progress lines: the library prints nothing */
    o->target = u->target;
    o->runner = u->runner;
    o->untimed = u->runner_untimed;
    o->no_heap = u->no_heap;
    o->max_stack = u->max_stack;
    o->max_code_size = u->max_code_size;
    char why[1024];
    if (u->workspace && !ms_options_set_workspace(o, u->workspace, why, sizeof why)) {
        fail(r, MSCC_ERR_USAGE, "%s", why);
        return false;
    }
    o->multiversion = u->multiversion;
    /* as the command: its trials given unless left at the default */
    if (!ms_options_check_target(o, u->trials != MS_DEFAULT_TRIALS, why, sizeof why) ||
        !ms_options_check_multiversion(o, why, sizeof why)) {
        fail(r, MSCC_ERR_USAGE, "%s", why);
        return false;
    }
    return true;
}

mscc_status mscc_tune(const mscc_options *u, mscc_result **out)
{
    mscc_result *r = *out = ms_result_new();
    r->own_opts = true;
    if (!to_ms_options(u, &r->opts, r))
        return r->status;
    return ms_tune_file(&r->opts, r);
}

/* A failed write keeps the tuning's status: the text can go elsewhere. */
mscc_status mscc_emit(mscc_result *r, const char *path)
{
    mscc_status tuned = r->status, s = MSCC_OK;
    char why[600];
    if (tuned != MSCC_OK || !r->text)
        s = fail(r, MSCC_ERR_USAGE, "nothing to write: the tuning failed");
    else if (!path || !*path)
        s = fail(r, MSCC_ERR_USAGE, "no output path");
    else if (!strcmp(path, r->o->input) || ms_same_file(path, r->o->input))
        s = fail(r, MSCC_ERR_USAGE, "the output '%s' is the input; mscc never overwrites its input",
                 path);
    else if (ms_write_atomic(path, r->text, r->len, why, sizeof why) != 0)
        s = fail(r, MSCC_ERR_WRITE, "%s", why);
    else
        r->message[0] = '\0';
    r->status = tuned;
    return s;
}

mscc_status mscc_result_status(const mscc_result *r)
{
    return r->status;
}

const char *mscc_result_text(const mscc_result *r, size_t *len)
{
    bool ok = r->status == MSCC_OK && r->text;
    if (len)
        *len = ok ? r->len : 0;
    return ok ? r->text : NULL;
}

const char *mscc_result_message(const mscc_result *r)
{
    return r->message;
}

const char *mscc_result_diagnostics(const mscc_result *r)
{
    mscc_result *w = (mscc_result *)r; /* rendered once, on first asking */
    if (!w->diag_text) {
        ms_str s = {0};
        ms_render_diags(&r->diags, false, r->o ? r->o->werror : false, &s);
        w->diag_text = ms_str_take(&s);
    }
    return w->diag_text;
}

int mscc_result_kernels(const mscc_result *r)
{
    return r->n;
}

const char *mscc_result_kernel_name(const mscc_result *r, int i)
{
    return i >= 0 && i < r->n ? r->src.kernels[i].name : NULL;
}

int mscc_result_kernel_tuned(const mscc_result *r, int i)
{
    return i >= 0 && i < r->n && r->bodies[i] != NULL;
}

void mscc_result_free(mscc_result *r)
{
    if (!r)
        return;
    for (int i = 0; i < r->n; i++) {
        free(r->bodies[i]);
        ms_trace_free(r->used[i]);
    }
    free(r->bodies);
    free(r->used);
    for (int g = 0; g < r->ngiven; g++) {
        free(r->given_names[g]);
        ms_trace_free(r->given[g]);
    }
    free(r->given_names);
    free(r->given);
    free(r->begin);
    free(r->end);
    free(r->text);
    free(r->reps);
    free(r->flags);
    free(r->diag_text);
    ms_target_free(r->target);
    ms_db_close(r->db);
    if (r->have_src)
        ms_source_free(&r->src);
    ms_diags_free(&r->diags);
    if (r->own_opts)
        ms_options_free(&r->opts);
    free(r);
}

const char *mscc_status_string(mscc_status s)
{
    static const char *const names[] = {
        [MSCC_OK] = "ok",
        [MSCC_ERR_USAGE] = "wrong options",
        [MSCC_ERR_INPUT] = "the input cannot be read",
        [MSCC_ERR_REFUSED] = "a kernel was left unchanged under werror",
        [MSCC_ERR_WRITE] = "the output cannot be written",
        [MSCC_ERR_INTERNAL] = "internal error",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown status";
}

const char *mscc_version(void)
{
    return MS_VERSION;
}
