/*
 * tune.c - choosing a kernel's schedule by measurement: the tuning
 * database first (a record for the same key replays without measuring),
 * else a search over the kernel's design space with the runtime's
 * measurer, every measured candidate appended to the database as its batch
 * ends. A schedule is taken only when it beats the original, timed in the
 * same run at the tuning sizes, by more than the original's own timing
 * noise (and at least 3%). Progress goes to stderr, one line per batch.
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
    ms_str_addf(&s, "%s; %d cores, %d pus;%s%s%s", t->cpu, t->ncores, t->npus,
                t->avx2 ? " avx2" : "", t->fma ? " fma" : "", t->avx512f ? " avx512f" : "");
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

typedef struct tune_ctx {
    const ms_options *o;
    const ms_target *t;
    const ms_kernel *k;
    ms_db *db;
    const ms_db_key *key;
    double t_orig, spread;
    ms_diags *diags;
    bool db_failed;
    double ops;
    bool tty, drew; /* a progress bar on a terminal */
} tune_ctx;

static void on_progress(void *data, const ms_search_progress *p)
{
    tune_ctx *c = data;
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

static void on_batch(void *data, int n, ms_trace *const *traces, const ms_meas_result *res)
{
    tune_ctx *c = data;
    if (!c->db || c->db_failed)
        return;
    ms_db_record *recs = ms_xcalloc((size_t)(n ? n : 1), sizeof *recs);
    for (int i = 0; i < n; i++)
        recs[i] = (ms_db_record){
            *c->key,      (char *)c->k->name,   c->t->compiler_id,
            c->t->cflags, MS_VERSION,           (char *)ms_meas_status_names[res[i].status],
            traces[i],    res[i].seconds,       c->t_orig,
            c->spread,    (long long)time(NULL)};
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

ms_tune_choice ms_tune_choose(const ms_options *o, const ms_target *t, const ms_arch *arch,
                              ms_db *db, const ms_source *src, const ms_kernel *k,
                              const char *flags, int trials, ms_trace **out, ms_tune_report *rep,
                              ms_diags *diags)
{
    memset(rep, 0, sizeof *rep);
    rep->ops = ms_func_ops(k->func);
    *out = NULL;
    ms_db_key key;
    ms_tune_key(t, arch, k, &key);
    const ms_db_record *hit =
        db ? ms_db_best(db, &key, t->compiler_id, t->cflags, MS_VERSION) : NULL;
    if (hit) {
        /* tuned before for this very key: the same decision, without measuring */
        rep->from_db = true;
        rep->t_orig = hit->original_seconds;
        rep->t_best = hit->seconds;
        ms_tune_key_free(&key);
        if (!beats(hit->seconds, hit->original_seconds, hit->original_spread)) {
            rep->kept_original = true;
            return MS_TUNE_ORIGINAL;
        }
        *out = ms_trace_clone(hit->trace);
        return MS_TUNE_TRACE;
    }
    if (trials == 0) {
        ms_tune_key_free(&key);
        return MS_TUNE_DEFAULT;
    }
    const ms_trace *seeds[8];
    int nseeds = db ? ms_db_seeds(db, &key, 8, seeds) : 0;
    ms_kernel_measurer *km = ms_kernel_measurer_new(t, src, k, flags, o->jobs);
    ms_measurer m = ms_kernel_measurer_iface(km);
    tune_ctx c = {o, t, k, db, &key, 0, 0, diags, false, rep->ops, isatty(STDERR_FILENO), false};
    ms_search_opts so = {.trials = trials,
                         .batch = 16,
                         .seed = o->seed,
                         .time_budget = o->time_budget,
                         .arch = arch,
                         .seeds = seeds,
                         .nseeds = nseeds,
                         .progress = on_progress,
                         .progress_ctx = &c,
                         .on_batch = on_batch,
                         .batch_ctx = &c};
    ms_search_result r;
    /* the original's time reaches the records through the first progress call */
    ms_search_replay(k->func, &so, &m, &r);
    ms_kernel_measurer_free(km);
    if (c.drew)
        fputc('\n', stderr);
    ms_tune_key_free(&key);
    rep->searched = true;
    rep->t_orig = r.original_time;
    rep->spread = r.original_spread;
    rep->t_best = r.best_time;
    rep->trials = r.measured;
    rep->sketches = r.sketches;
    rep->rejected = r.rejected;
    memcpy(rep->failed, r.failed, sizeof rep->failed);
    if (r.original_time <= 0) {
        ms_diags_add(diags, MS_DIAG_WARNING, k->loc, "kernel '%s' not tuned: %s", k->name,
                     r.original_why);
        ms_trace_free(r.best);
        return MS_TUNE_DEFAULT;
    }
    if (!r.best || !beats(r.best_time, r.original_time, r.original_spread)) {
        rep->kept_original = true;
        ms_diags_add(diags, MS_DIAG_NOTE, k->loc,
                     "kernel '%s' left unchanged: no schedule among %d measured beat the original "
                     "by more than its timing noise (%.1f%%)",
                     k->name, r.measured,
                     100 * (r.original_spread > MIN_GAIN ? r.original_spread : MIN_GAIN));
        ms_trace_free(r.best);
        return MS_TUNE_ORIGINAL;
    }
    *out = r.best;
    return MS_TUNE_TRACE;
}
