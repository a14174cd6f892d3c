/*
 * tune.c - choosing a kernel's schedule by measurement: the tuning
 * database first (the decision recorded for the same key replays without
 * measuring), else a search over the kernel's design space with the
 * runtime's measurer, every measured candidate appended to the database as
 * its batch ends. A schedule is taken only when it beats the original,
 * timed in the same run at the tuning sizes, by more than the original's
 * own timing noise (and at least 3%), and passes the check at other sizes
 * and on unaligned arrays; the decision is recorded. Progress goes to
 * stderr, a bar on a terminal, else one line per batch.
 */
#include "driver/driver.h"

#include "runtime/runtime.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The least gain that counts, whatever the measured noise. */
#define MIN_GAIN 0.03

char *ms_db_default_dir(const char *opt)
{
    ms_str s = {0};
    const char *env = getenv("MSCC_DB"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (opt)
        ms_str_add(&s, opt);
    else if (env && *env)
        ms_str_add(&s, env);
    else if (xdg && *xdg)
        ms_str_addf(&s, "%s/mscc", xdg);
    else
        ms_str_addf(&s, "%s/.cache/mscc", home && *home ? home : ".");
    return ms_str_take(&s);
}

/* The machine part of a database key: CPU, cores and ISA features. */
static void add_target_key(ms_str *s, const ms_target *t)
{
    /* another target's schedules are another machine's: its name and
     * runner say which (a native key stays as it always was) */
    if (strcmp(t->kind->name, "native"))
        ms_str_addf(s, "--target %s, run by %s; ", t->kind->name,
                    t->runner ? t->runner : "this machine");
    ms_str_addf(s, "%s; %d cores, %d pus;%s%s%s", t->cpu, t->ncores, t->npus,
                t->avx2 ? " avx2" : "", t->fma ? " fma" : "", t->avx512f ? " avx512f" : "");
}

/* The same with the compiler and its flags: what a fact of the machine
 * (its peak, its cost model) is measured with. */
static void add_build_key(ms_str *s, const ms_target *t)
{
    add_target_key(s, t);
    ms_str_addf(s, "; %s; %s", t->compiler_id, t->cflags);
}

void ms_tune_key(const ms_target *t, const ms_arch *arch, const ms_kernel *k, ms_db_key *key)
{
    const ms_func *f = k->func;
    ms_str s = {0};
    ms_str_addf(&s, "%016" PRIx64, ms_func_hash(f));
    key->workload = ms_str_take(&s);
    for (int i = 0; i < f->nparams; i++) {
        const ms_var *v = f->params[i].var;
        const ms_size_hint *h = v ? ms_func_hint(f, v->name) : NULL;
        if (h)
            ms_str_addf(&s, "%s%s=%" PRId64, s.len ? "," : "", v->name, h->value);
    }
    key->sizes = ms_str_take(&s);
    add_target_key(&s, t);
    /* a board's budgets make another search space */
    if (f->no_heap)
        ms_str_add(&s, "; budget: no heap");
    if (f->max_stack)
        ms_str_addf(&s, "; budget: stack <= %" PRId64, f->max_stack);
    if (f->max_code_size)
        ms_str_addf(&s, "; budget: code <= %" PRId64, f->max_code_size);
    if (f->workspace != MS_WS_HEAP)
        ms_str_add(&s,
                   f->workspace == MS_WS_STATIC ? "; workspace: static" : "; workspace: caller");
    key->target = ms_str_take(&s);
    key->threads = arch->ncores;
    key->fp_strict = f->fp_strict;
}

void ms_tune_key_free(ms_db_key *key)
{
    free(key->workload);
    free(key->sizes);
    free(key->target);
}

/* The machine's peak for the closing table: kept in the database under the
 * target, compiler, flags and thread count; measured once, and only by a
 * run that measures anyway. False if unknown. */
bool ms_tune_peak(const ms_target *t, const ms_arch *arch, ms_db *db, bool may_measure,
                  ms_peak *out)
{
    static const char *const names[3] = {"peak_f32", "peak_f64", "peak_i32"};
    double *slots[3] = {&out->f32, &out->f64, &out->i32};
    *out = (ms_peak){0};
    ms_str key = {0};
    add_build_key(&key, t);
    ms_str_addf(&key, "; %d threads", arch->ncores);
    bool known = db != NULL;
    for (int i = 0; i < 3 && known; i++)
        known = ms_db_fact(db, ms_str_cstr(&key), names[i], slots[i]);
    char why[256];
    if (!known && may_measure && ms_measure_peak(t, arch->ncores, out, why, sizeof why)) {
        known = true;
        for (int i = 0; i < 3 && db; i++)
            if (!ms_db_put_fact(db, ms_str_cstr(&key), names[i], *slots[i], why, sizeof why))
                break; /* unrecorded: measured again next time */
    }
    ms_str_free(&key);
    return known;
}

/* A file of the database folder kept per machine, compiler and flags:
 * prefix-HASH.suffix. */
static char *build_file(const ms_db *db, const ms_target *t, const char *prefix, const char *suffix)
{
    ms_str key = {0}, path = {0};
    add_build_key(&key, t);
    ms_str_addf(&path, "%s/%s-%016" PRIx64 ".%s", ms_db_dir(db), prefix,
                ms_hash_bytes(MS_HASH_SEED, key.buf, key.len), suffix);
    ms_str_free(&key);
    return ms_str_take(&path);
}

/* The cost model (its feature layout checked when read), and the rows it
 * is trained on. */
static char *model_path(const ms_db *db, const ms_target *t)
{
    return build_file(db, t, "cost-model", "json");
}

char *ms_tune_model_path(const ms_db *db, const ms_target *t)
{
    return model_path(db, t);
}

static char *rows_path(const ms_db *db, const ms_target *t)
{
    return build_file(db, t, "cost-rows", "txt");
}

/* The model earlier runs saved in db for this machine, compiler and flags
 * (*path, the caller frees); NULL with why when there is none (*there
 * false) or it is of another feature layout. */
static ms_cost_model *saved_model(const ms_options *o, const ms_target *t, const ms_db *db,
                                  char **path, bool *there, char *why, size_t n)
{
    *path = model_path(db, t);
    *there = access(*path, F_OK) == 0;
    if (*there)
        return ms_cost_model_load(*path, o->seed, why, n);
    snprintf(why, n, "no cost model of this machine, compiler and flags in %s", ms_db_dir(db));
    return NULL;
}

/* The model earlier runs saved, if it is there and of this feature layout. */
static ms_cost_model *warm_model(const ms_options *o, const ms_target *t, ms_db *db,
                                 const ms_kernel *k, ms_diags *diags)
{
    if (!db || o->replay)
        return NULL;
    char *path, why[512];
    bool there;
    ms_cost_model *m = saved_model(o, t, db, &path, &there, why, sizeof why);
    if (m)
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                     "kernel '%s': the search starts from the cost model of earlier runs (%s)",
                     k->name, path);
    else if (there)
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc, "kernel '%s': %s; the search trains its own",
                     k->name, why);
    free(path);
    return m;
}

/* One kernel's tuning, from its search's start to its decision. */
struct ms_tune_job {
    const ms_options *o;
    const ms_target *t;
    const ms_source *src;
    const ms_kernel *k;
    const char *flags;
    ms_db *db;
    ms_db_key key;
    int budget; /* the file's trials, recorded with the decision */
    int done;   /* candidates measured before, by earlier runs */
    double t_orig, spread;
    ms_diags *diags;
    bool db_failed;
    double ops;
    bool tty, drew; /* a progress bar on a terminal */
    ms_tune_report *rep;
    ms_kernel_measurer *km;
    ms_measurer m;
    ms_search *search;
    const ms_trace *seeds[8];
};

static void on_progress(void *data, const ms_search_progress *p)
{
    ms_tune_job *c = data;
    c->t_orig = p->original;
    c->spread = p->original_spread;
    if (c->o->quiet || p->done == 0)
        return;
    double gflops = c->ops > 0 && p->best > 0 ? c->ops / p->best * 1e-9 : 0;
    double eta = p->elapsed / p->done * (p->total - p->done);
    if (c->tty) { /* one line, redrawn: a bar of 20 */
        char bar[21];
        int filled = p->total > 0 ? 20 * p->done / p->total : 20;
        for (int i = 0; i < 20; i++)
            bar[i] = i < filled ? '#' : '.';
        bar[20] = '\0';
        fprintf(stderr,
                "\rmscc: %s [%s] %d/%d, best %.4g ms (%.2fx, %.1f GFLOP/s), %.0f s, ETA %.0f s ",
                c->k->name, bar, p->done, p->total, p->best * 1e3,
                p->best > 0 ? p->original / p->best : 0.0, gflops, p->elapsed, eta);
        c->drew = true;
        return;
    }
    fprintf(stderr,
            "mscc: %s: %d/%d trials, best %.4g ms (original %.4g ms, %.2fx, %.1f GFLOP/s), %.0f "
            "s, ETA %.0f s\n",
            c->k->name, p->done, p->total, p->best * 1e3, p->original * 1e3,
            p->best > 0 ? p->original / p->best : 0.0, gflops, p->elapsed, eta);
}

/* The batch's correct candidates, and the slow ones by their lower bound,
 * become training rows of the cost model (the others, their time 0 here,
 * are left out). */
static void add_rows(ms_tune_job *c, int n, const ms_meas_result *res, const float *features)
{
    double *secs = ms_xcalloc((size_t)(n ? n : 1), sizeof(double));
    for (int i = 0; i < n; i++)
        secs[i] = ms_meas_timed(res[i].status) ? res[i].seconds : 0;
    ms_str group = {0};
    ms_str_addf(&group, "%s:%s:%d", c->key.workload, c->key.sizes, c->key.threads);
    char *path = rows_path(c->db, c->t), why[512];
    if (!ms_cost_rows_append(path, ms_str_cstr(&group), n, features, secs, why, sizeof why)) {
        c->db_failed = true;
        ms_diags_add(c->diags, MS_DIAG_WARNING, (ms_loc){0}, "%s", why);
    }
    free(path);
    ms_str_free(&group);
    free(secs);
}

static void on_batch(void *data, int n, ms_trace *const *traces, const ms_meas_result *res,
                     const float *features)
{
    ms_tune_job *c = data;
    if (!c->db || c->db_failed)
        return;
    add_rows(c, n, res, features);
    ms_db_record *recs = ms_xcalloc((size_t)(n ? n : 1), sizeof *recs);
    for (int i = 0; i < n; i++)
        recs[i] = (ms_db_record){c->key,
                                 (char *)c->k->name,
                                 c->t->compiler_id,
                                 c->t->cflags,
                                 MS_VERSION,
                                 (char *)ms_meas_status_names[res[i].status],
                                 traces[i],
                                 res[i].seconds,
                                 c->t_orig,
                                 c->spread,
                                 (long long)time(NULL),
                                 0};
    char why[512];
    if (!ms_db_append(c->db, n, recs, why, sizeof why)) {
        c->db_failed = true; /* once: the tuning goes on without it */
        ms_diags_add(c->diags, MS_DIAG_WARNING, (ms_loc){0}, "%s", why);
    }
    free(recs);
}

/* Does best beat the original by more than the noise? */
static bool beats(double best, double orig, double spread)
{
    double margin = spread > MIN_GAIN ? spread : MIN_GAIN;
    return best > 0 && best * (1 + margin) < orig;
}

/* Appends one record for kernel c->k beside the measurements: a decision
 * or a candidate found wrong at other sizes. */
static void record(ms_tune_job *c, const char *status, const ms_trace *trace, double seconds)
{
    ms_trace *empty = trace ? NULL : ms_trace_new();
    if (c->db && !c->db_failed) {
        ms_db_record rec = {c->key,
                            (char *)c->k->name,
                            c->t->compiler_id,
                            c->t->cflags,
                            MS_VERSION,
                            (char *)status,
                            trace ? (ms_trace *)trace : empty,
                            seconds,
                            c->t_orig,
                            c->spread,
                            (long long)time(NULL),
                            c->budget};
        char why[512];
        if (!ms_db_append(c->db, 1, &rec, why, sizeof why)) {
            c->db_failed = true;
            ms_diags_add(c->diags, MS_DIAG_WARNING, (ms_loc){0}, "%s", why);
        }
    }
    ms_trace_free(empty);
}

/* Does trace still replay on k (the database may hold a trace that an
 * older mscc wrote)? why receives the reason when not. */
static bool replays(const ms_kernel *k, const ms_trace *trace, char *why, size_t n)
{
    ms_tracer *tr = ms_tracer_postproc(ms_trace_replay(trace, k->func, false, 0));
    bool ok = tr->status == MS_OK;
    if (!ok)
        snprintf(why, n, "%s", tr->why);
    ms_tracer_free(tr);
    return ok;
}

/* Slower than this many times the original at the second size setting (the
 * general path), a schedule does not ship: a margin over timing noise. */
#define SLOWER_ELSEWHERE 1.25
/* Timings of the general path before a schedule is called slower there: a
 * busy machine only ever adds time, so the fastest ratio counts; one
 * timing taken while another process held a core refused schedules 2x
 * faster than the original (dwconv, on a 2-core machine). */
#define OTHER_TIMINGS 3

/* The check a measured candidate passes before it ships: at the tuning
 * sizes and three other size settings, on aligned arrays and on arrays 8
 * bytes past alignment (the search ran it only at the tuning sizes); at the
 * second setting it is timed too (up to OTHER_TIMINGS times), and must not
 * be clearly slower there. */
static bool verified(const ms_options *o, const ms_target *t, const ms_source *src,
                     const ms_kernel *k, const char *flags, const ms_trace *trace, unsigned what,
                     ms_tune_report *rep, bool *slow_elsewhere, char *why, size_t n)
{
    *slow_elsewhere = false;
    int idx = (int)(k - src->kernels);
    char **bodies = ms_xcalloc((size_t)src->nkernels, sizeof *bodies);
    ms_check_result *res = ms_xcalloc((size_t)src->nkernels, sizeof *res);
    ms_trace *used = NULL;
    ms_diags quiet = {0};
    bodies[idx] = ms_tune_kernel(src, k, trace, false, &used, &quiet);
    bool ok = false;
    if (!bodies[idx]) {
        snprintf(why, n, "%s", quiet.items.len > 0 ? quiet.items.data[0].msg : "it does not emit");
    } else {
        ms_check_kernels(t, src, bodies, flags, o->jobs, what, res);
        const ms_check_result *r = &res[idx];
        ok = r->correct;
        if (!ok)
            snprintf(why, n, "%s", r->reason);
        char other[sizeof r->other_sizes];
        snprintf(other, sizeof other, "%s", r->other_sizes);
        /* the general path: clearly slower than the user's loops there is
         * a regression for every caller at other sizes */
        double t_orig = r->t_orig_other, t_new = r->t_new_other;
        for (int again = 1; ok && (what & MS_CHECK_TIME_OTHER) && t_orig > 0 &&
                            t_new > SLOWER_ELSEWHERE * t_orig && again < OTHER_TIMINGS;
             again++) {
            res[idx] = (ms_check_result){0};
            ms_check_kernels(t, src, bodies, flags, o->jobs, MS_CHECK_TIME_OTHER, res);
            if (!r->correct) {
                ok = false;
                snprintf(why, n, "%s", r->reason);
            } else if (r->t_orig_other > 0 && r->t_new_other / r->t_orig_other < t_new / t_orig)
                t_orig = r->t_orig_other, t_new = r->t_new_other;
        }
        if (ok && t_orig > 0 && t_new > SLOWER_ELSEWHERE * t_orig) {
            ok = false;
            *slow_elsewhere = true;
            snprintf(why, n, "%.2fx slower than the original at %s", t_new / t_orig, other);
        }
        rep->t_orig_other = t_orig;
        rep->t_new_other = t_new;
        snprintf(rep->other_sizes, sizeof rep->other_sizes, "%s", other);
    }
    ms_diags_free(&quiet);
    ms_trace_free(used);
    free(bodies[idx]);
    free(bodies);
    free(res);
    return ok;
}

/* trace followed by original_elsewhere (NULL if it does not apply): the
 * schedule at the tuning sizes, the user's loops at the others. */
static ms_trace *original_elsewhere(const ms_kernel *k, const ms_trace *trace)
{
    ms_tracer *tr = ms_trace_replay(trace, k->func, false, 0);
    if (tr->status == MS_OK)
        ms_t_original_elsewhere(tr);
    ms_trace *t = NULL;
    if (tr->status == MS_OK) {
        t = tr->t;
        tr->t = NULL;
    }
    ms_tracer_free(tr);
    return t;
}

/* --predict: candidates the model ranks best, tried in turn. */
#define PREDICT_TRIES 4

/* --predict: the cost model's pick, checked for correctness (run once
 * beside the original at every size setting, aligned and not), nothing
 * timed; the default schedule without a model. */
static ms_tune_choice predict(const ms_options *o, const ms_target *t, const ms_arch *arch,
                              ms_db *db, const ms_source *src, const ms_kernel *k,
                              const char *flags, ms_trace **out, ms_tune_report *rep,
                              ms_diags *diags)
{
    char *path = NULL, why[512] = "no tuning database";
    bool there;
    ms_cost_model *m = db ? saved_model(o, t, db, &path, &there, why, sizeof why) : NULL;
    if (!m) {
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                     "kernel '%s': --predict: %s (a measured tuning leaves one); the default "
                     "schedule",
                     k->name, why);
        free(path);
        return MS_TUNE_DEFAULT;
    }
    ms_trace *cands[PREDICT_TRIES];
    int n = ms_search_predict(k->func, arch, m, o->seed, PREDICT_TRIES, cands);
    for (int i = 0; i < n; i++) {
        bool slow;
        if (!*out && verified(o, t, src, k, flags, cands[i], MS_CHECK_MISALIGNED, rep, &slow, why,
                              sizeof why)) {
            *out = cands[i];
            continue;
        }
        ms_trace_free(cands[i]);
    }
    if (*out)
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                     "kernel '%s': the schedule the cost model ranks best (%s), checked, not timed",
                     k->name, path);
    else
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                     "kernel '%s': --predict: %s; the default schedule", k->name,
                     n == 0 ? "no candidate to rank"
                            : "the model's best candidates failed the check");
    ms_cost_model_free(m);
    free(path);
    return *out ? MS_TUNE_TRACE : MS_TUNE_DEFAULT;
}

ms_tune_choice ms_tune_begin(const ms_options *o, const ms_target *t, const ms_arch *arch,
                             ms_db *db, const ms_source *src, const ms_kernel *k, const char *flags,
                             int trials, ms_trace **out, ms_tune_report *rep, ms_diags *diags,
                             ms_tune_job **job)
{
    memset(rep, 0, sizeof *rep);
    rep->ops = ms_func_ops(k->func);
    *out = NULL;
    *job = NULL;
    ms_db_key key;
    ms_tune_key(t, arch, k, &key);
    const ms_db_record *hit =
        db ? ms_db_decision(db, &key, t->compiler_id, t->cflags, MS_VERSION) : NULL;
    char why[512];
    if (hit && !strcmp(hit->status, MS_DB_CHOSEN) && !replays(k, hit->trace, why, sizeof why)) {
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                     "kernel '%s': the database's schedule no longer applies (%s); not used",
                     k->name, why);
        hit = NULL;
    }
    if (hit && (trials == 0 || hit->budget >= trials)) {
        /* decided before for this very key, with at least as many trials:
         * the same decision, without measuring */
        rep->from_db = true;
        rep->t_orig = hit->original_seconds;
        rep->t_best = hit->seconds;
        rep->trials = ms_db_trials(db, &key, t->compiler_id, t->cflags, MS_VERSION);
        ms_tune_key_free(&key);
        if (strcmp(hit->status, MS_DB_CHOSEN)) {
            rep->kept_original = true;
            return MS_TUNE_ORIGINAL;
        }
        *out = ms_trace_clone(hit->trace);
        return MS_TUNE_TRACE;
    }
    if (trials == 0) {
        ms_tune_key_free(&key);
        return o->predict ? predict(o, t, arch, db, src, k, flags, out, rep, diags)
                          : MS_TUNE_DEFAULT;
    }
    ms_tune_job *c = ms_xcalloc(1, sizeof *c);
    *c = (ms_tune_job){.o = o,
                       .t = t,
                       .src = src,
                       .k = k,
                       .flags = flags,
                       .db = db,
                       .key = key,
                       .budget = trials,
                       .done =
                           db ? ms_db_trials(db, &key, t->compiler_id, t->cflags, MS_VERSION) : 0,
                       .diags = diags,
                       .ops = rep->ops,
                       .tty = isatty(STDERR_FILENO),
                       .rep = rep};
    /* the best so far (of any machine, compiler or version) measured first */
    int nseeds = db ? ms_db_seeds(db, &c->key, 8, c->seeds) : 0;
    c->km = ms_kernel_measurer_new(t, src, k, flags, o->jobs);
    c->m = ms_fake_measurer_wanted() ? ms_fake_measurer() : ms_kernel_measurer_iface(c->km);
    ms_search_opts so = {.strategy = o->replay ? MS_SEARCH_REPLAY : MS_SEARCH_EVOLUTIONARY,
                         .trials = trials,
                         .batch = 16,
                         .seed = o->seed,
                         .time_budget = o->time_budget,
                         .arch = arch,
                         .seeds = c->seeds,
                         .nseeds = nseeds,
                         .progress = on_progress,
                         .progress_ctx = c,
                         .on_batch = on_batch,
                         .batch_ctx = c,
                         .model = warm_model(o, t, db, k, diags)};
    /* the original's time reaches the records through the first progress call */
    c->search = ms_search_start(k->func, &so, &c->m);
    *job = c;
    return MS_TUNE_SEARCH;
}

void ms_tune_search(int n, ms_tune_job *const *jobs, int trials, double time_budget)
{
    /* what earlier runs measured for these kernels counts (asking for more
     * trials measures the rest), but every kernel gets a batch */
    ms_search **s = ms_xcalloc((size_t)(n > 0 ? n : 1), sizeof *s);
    double *weight = ms_xcalloc((size_t)(n > 0 ? n : 1), sizeof *weight);
    int done = 0;
    for (int i = 0; i < n; i++) {
        s[i] = jobs[i]->search;
        weight[i] = jobs[i]->k->weight;
        done += jobs[i]->done;
    }
    int left = trials - done > 16 * n ? trials - done : 16 * n;
    ms_search_share(n, s, weight, left < trials ? left : trials, time_budget);
    free(weight);
    free(s);
}

ms_tune_choice ms_tune_end(ms_tune_job *c, ms_trace **out)
{
    const ms_kernel *k = c->k;
    ms_tune_report *rep = c->rep;
    ms_diags *diags = c->diags;
    ms_search_result r;
    ms_search_end(c->search, &r);
    ms_kernel_measurer_free(c->km);
    char why[512];
    if (c->drew)
        fputc('\n', stderr);
    *out = NULL;
    rep->searched = true;
    rep->t_orig = r.original_time;
    rep->spread = r.original_spread;
    rep->t_best = r.best_time;
    rep->trials = r.measured + c->done;
    rep->sketches = r.sketches;
    rep->rejected = r.rejected;
    memcpy(rep->failed, r.failed, sizeof rep->failed);
    memcpy(rep->phase_secs, r.phase_secs, sizeof rep->phase_secs);
    double check_start = ms_now();
    if (r.stale_seeds > 0)
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                     "kernel '%s': %d schedule%s of the database no longer appl%s; skipped",
                     k->name, r.stale_seeds, r.stale_seeds == 1 ? "" : "s",
                     r.stale_seeds == 1 ? "ies" : "y");
    if (r.original_time <= 0) {
        ms_diags_add(diags, MS_DIAG_WARNING, k->loc, "kernel '%s' not tuned: %s", k->name,
                     r.original_why);
        rep->searched = false;
    } else {
        /* the fastest that beats the original and passes the check at every
         * size (timed there too, unless the times are a test's) */
        int time_other = ms_fake_measurer_wanted() ? 0 : MS_CHECK_TIME_OTHER;
        for (int i = 0; i < r.nkept && !*out; i++) {
            if (!beats(r.kept_time[i], r.original_time, r.original_spread))
                break;
            bool slow, ok = verified(c->o, c->t, c->src, k, c->flags, r.kept[i],
                                     MS_CHECK_MISALIGNED | time_other, rep, &slow, why, sizeof why);
            /* slower only at other sizes: the schedule serves the tuning sizes */
            ms_trace *only_here = !ok && slow ? original_elsewhere(k, r.kept[i]) : NULL;
            double there = rep->t_orig_other > 0 ? rep->t_new_other / rep->t_orig_other : 0;
            char where[sizeof rep->other_sizes];
            snprintf(where, sizeof where, "%s", rep->other_sizes);
            if (only_here)
                ok = verified(c->o, c->t, c->src, k, c->flags, only_here, MS_CHECK_MISALIGNED, rep,
                              &slow, why, sizeof why);
            if (ok) {
                if (only_here)
                    ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                                 "kernel '%s': the schedule runs at the tuning sizes only; other "
                                 "sizes keep the original loops (the schedule ran %.2fx slower at "
                                 "%s)",
                                 k->name, there, where);
                *out = only_here ? only_here : ms_trace_clone(r.kept[i]);
                rep->t_best = r.kept_time[i];
                record(c, MS_DB_CHOSEN, *out, r.kept_time[i]);
            } else {
                ms_trace_free(only_here);
                rep->unverified++;
                record(c, MS_DB_REFUSED, r.kept[i], 0);
                ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                             "kernel '%s': a schedule %.2fx faster than the original failed the "
                             "check at other sizes (%s); not used",
                             k->name, r.original_time / r.kept_time[i], why);
            }
        }
        if (!*out) {
            rep->kept_original = true;
            record(c, MS_DB_ORIGINAL, r.best, r.best_time);
            if (rep->unverified == 0)
                ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                             "kernel '%s' left unchanged: no schedule among %d measured beat the "
                             "original by more than its timing noise (%.1f%%)",
                             k->name, r.measured,
                             100 * (r.original_spread > MIN_GAIN ? r.original_spread : MIN_GAIN));
            else
                ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                             "kernel '%s' left unchanged: no schedule that beat the original "
                             "passed the check at every size",
                             k->name);
        }
    }
    rep->check_secs = ms_now() - check_start;
    ms_search_result_free(&r);
    ms_tune_key_free(&c->key);
    bool searched = rep->searched;
    free(c);
    return *out ? MS_TUNE_TRACE : searched ? MS_TUNE_ORIGINAL : MS_TUNE_DEFAULT;
}

/* Rows the run's model is trained on: the latest of every kernel. */
#define LEARN_ROWS 20000

void ms_tune_learn(const ms_options *o, const ms_target *t, ms_db *db, ms_diags *diags)
{
    char *rows = rows_path(db, t), *path = model_path(db, t), why[512];
    float *feat, *scores;
    int n = ms_cost_rows_read(rows, LEARN_ROWS, &feat, &scores);
    if (n >= MS_COST_MIN_SAMPLES) {
        ms_cost_model *m = ms_cost_model_new(o->seed);
        if (!ms_cost_model_train(m, n, feat, scores, why, sizeof why) ||
            !ms_cost_model_save(m, path, why, sizeof why))
            ms_diags_add(diags, MS_DIAG_WARNING, (ms_loc){0}, "the cost model: %s", why);
        ms_cost_model_free(m);
    }
    free(feat);
    free(scores);
    free(rows);
    free(path);
}
