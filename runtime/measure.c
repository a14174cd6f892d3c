/*
 * measure.c - the measurer the search drives: candidates of one kernel
 * emitted as C, several per translation unit (a unit that does not
 * compile is rebuilt one candidate at a time, so a bad candidate loses
 * only itself), built on every core, then run one at a time, each in its
 * own process with a time and memory limit, checked against the
 * original's outputs (computed and timed once, in the first call) before
 * its time counts.
 */
#include "emit/emit.h"
#include "runtime/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    PER_UNIT = 4,   /* candidates per translation unit */
    MAX_BATCH = 256 /* as the search's batches */
};

struct ms_kernel_measurer {
    const ms_target *t;
    const ms_source *src;
    const ms_kernel *k;
    char *flags; /* extra compiler flags (includes, -D, fp) */
    int jobs;
    long long mem_limit;
    char *dir;
    char ref[4200];
    char fast[4200]; /* the -ffast-math original's outputs ("": none) */
    bool fast_tried; /* made when a candidate first fails the tolerance */
    char *orig_body;
    double t_orig;
    double best;               /* the fastest correct candidate so far (0: none) */
    int round;                 /* batches so far: file names stay unique */
    char exe[MAX_BATCH][4200]; /* the executable holding candidate i */
    int slot[MAX_BATCH];       /* its index in that executable */
};

ms_kernel_measurer *ms_kernel_measurer_new(const ms_target *t, const ms_source *src,
                                           const ms_kernel *k, const char *flags, int jobs)
{
    ms_kernel_measurer *m = ms_xcalloc(1, sizeof *m);
    m->t = t;
    m->src = src;
    m->k = k;
    m->flags = ms_xstrdup(flags ? flags : "");
    m->jobs = jobs > 0 ? jobs : (t->npus > 0 ? t->npus : 1);
    const char *lim = getenv("MSCC_MEM_LIMIT_MB");
    m->mem_limit = (lim ? atoll(lim) : 8192) * 1024LL * 1024LL;
    m->dir = ms_tempdir_new();
    m->orig_body = ms_kernel_body_text(src, k);
    return m;
}

void ms_kernel_measurer_free(ms_kernel_measurer *m)
{
    if (!m)
        return;
    ms_tempdir_remove(m->dir);
    free(m->dir);
    free(m->flags);
    free(m->orig_body);
    free(m);
}

/* Classifies a finished run; true when it ran to the end (exit 0). */
static bool classify(const ms_proc_result *r, const char *out, ms_meas_result *res)
{
    if (r->timed_out) {
        res->status = MS_MEAS_TIMEOUT;
        snprintf(res->why, sizeof res->why, "timed out after %.1f s", r->seconds);
        return false;
    }
    if (r->signal) {
        res->status = MS_MEAS_CRASH;
        snprintf(res->why, sizeof res->why, "killed by signal %d", r->signal);
        return false;
    }
    if (r->exit_code == 0)
        return true;
    char line[160];
    ms_first_line(out, line, sizeof line);
    if (r->exit_code == 4 && !strcmp(line, "slow")) {
        res->status = MS_MEAS_SLOW;
        snprintf(res->why, sizeof res->why, "stopped in its first call");
        return false;
    }
    char *text = ms_read_file(out, NULL);
    bool oom = text && strstr(text, "out of memory");
    bool wrong = text && strstr(text, "check FAIL");
    free(text);
    res->status = oom ? MS_MEAS_MEMORY : wrong ? MS_MEAS_WRONG : MS_MEAS_CRASH;
    snprintf(res->why, sizeof res->why, "%s", wrong || oom ? line : "bad exit status");
    if (!wrong && !oom)
        snprintf(res->why, sizeof res->why, "exit status %d", r->exit_code);
    return false;
}

static bool read_time(const char *out, double *t, double *spread)
{
    char *text = ms_read_file(out, NULL);
    const char *p = text ? strstr(text, "time ") : NULL;
    bool ok = p && sscanf(p + 5, "%lf %lf", t, spread) == 2;
    free(text);
    return ok;
}

/* The default fp-model's oracle (as mscc --check applies it): the
 * original's harness built with -ffast-math writes its outputs, against
 * which a candidate's element beyond the tolerance is judged. Without it
 * (it does not build or run) candidates meet the plain tolerance. Made
 * only when a candidate first fails that: most kernels never need it, and
 * it costs a build and a call of the original (5 s for gemm 1024). */
static void fastmath_outputs(ms_kernel_measurer *m)
{
    char src[4200], exe[4200], log[4200], out[4200], flags[4300], ref_arg[4300];
    snprintf(src, sizeof src, "%s/orig.c", m->dir);
    snprintf(exe, sizeof exe, "%s/orig_fast", m->dir);
    snprintf(log, sizeof log, "%s/orig_fast.log", m->dir);
    snprintf(out, sizeof out, "%s/orig_fast.out", m->dir);
    snprintf(flags, sizeof flags, "%s -ffast-math", m->flags);
    ms_build_job job = {src, exe, log, flags, false, false};
    ms_build_all(m->t, &job, 1, 1);
    char fast[4200];
    snprintf(fast, sizeof fast, "%s/fast.bin", m->dir);
    snprintf(ref_arg, sizeof ref_arg, "--ref=%s", fast);
    char *argv[] = {exe, "--cand=-1", ref_arg, "--ref-only", NULL};
    ms_proc_result r;
    ms_meas_result res = {MS_MEAS_OK, 0, ""};
    if (job.ok && ms_target_run(m->t, argv, out, NULL, 600, m->mem_limit, &r) == 0 &&
        classify(&r, out, &res))
        snprintf(m->fast, sizeof m->fast, "%s", fast);
}

static bool measure_original(void *ctx, double *seconds, double *spread, char *why, size_t n)
{
    ms_kernel_measurer *m = ctx;
    if (!m->dir) {
        snprintf(why, n, "cannot create a temporary folder");
        return false;
    }
    /* a unit with the original alone: the reference outputs and its time */
    const char *no_body = "{ }";
    const char *hwhy = NULL;
    char *text = ms_tune_harness_source(m->src, m->k, 1, &no_body, &hwhy);
    if (!text) {
        snprintf(why, n, "no harness: %s", hwhy);
        return false;
    }
    char src[4200], exe[4200], log[4200], out[4200];
    snprintf(src, sizeof src, "%s/orig.c", m->dir);
    snprintf(exe, sizeof exe, "%s/orig", m->dir);
    snprintf(log, sizeof log, "%s/orig.log", m->dir);
    snprintf(out, sizeof out, "%s/orig.out", m->dir);
    snprintf(m->ref, sizeof m->ref, "%s/ref.bin", m->dir);
    FILE *f = fopen(src, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(text);
    ms_build_job job = {src, exe, log, m->flags, false, false};
    ms_build_all(m->t, &job, 1, 1);
    if (!job.ok) {
        char line[160];
        ms_first_line(log, line, sizeof line);
        snprintf(why, n, "the original does not compile in a harness: %s", line);
        return false;
    }
    char ref_arg[4300];
    snprintf(ref_arg, sizeof ref_arg, "--ref=%s", m->ref);
    char *argv[] = {exe, "--cand=-1", ref_arg, "--min-time=0.2", NULL};
    ms_proc_result r;
    ms_meas_result res = {MS_MEAS_OK, 0, ""};
    if (ms_target_run(m->t, argv, out, NULL, 600, m->mem_limit, &r) != 0 ||
        !classify(&r, out, &res) || !read_time(out, seconds, spread)) {
        snprintf(why, n, "the original does not run: %s", res.why[0] ? res.why : "no time");
        return false;
    }
    m->t_orig = *seconds;
    return true;
}

/* Writes candidates idx[0..n) into one unit and names their executable. */
static bool write_unit(ms_kernel_measurer *m, int unit, const int *idx, int n, char **bodies,
                       char *src, char *exe, char *log)
{
    const char *why = NULL;
    const char *b[PER_UNIT];
    for (int i = 0; i < n; i++)
        b[i] = bodies[idx[i]];
    char *text = ms_tune_harness_source(m->src, m->k, n, b, &why);
    snprintf(src, 4200, "%s/r%d_u%d.c", m->dir, m->round, unit);
    snprintf(exe, 4200, "%s/r%d_u%d", m->dir, m->round, unit);
    snprintf(log, 4200, "%s/r%d_u%d.log", m->dir, m->round, unit);
    FILE *f = text ? fopen(src, "w") : NULL;
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    free(text);
    for (int i = 0; i < n; i++) {
        snprintf(m->exe[idx[i]], sizeof m->exe[0], "%s", exe);
        m->slot[idx[i]] = i;
    }
    return f != NULL;
}

/* Under --max-code-size, the candidates ok[0..nok) whose code, as the
 * output would hold it (with the fallbacks a timed candidate leaves out),
 * is within it; the others are marked and never run. Returns how many. */
static int keep_code_size(ms_kernel_measurer *m, int *ok, int nok, ms_func *const *cands,
                          ms_meas_result *res)
{
    int64_t budget = m->k->func->max_code_size;
    if (budget <= 0 || nok == 0)
        return nok;
    char *b[MAX_BATCH];
    int64_t bytes[MAX_BATCH];
    for (int j = 0; j < nok; j++) {
        const char *why = NULL;
        b[j] = ms_emit_body(cands[ok[j]], m->k->func, m->orig_body, NULL, &why);
    }
    ms_code_sizes(m->t, m->src, m->k, nok, (const char *const *)b, m->flags, m->jobs, bytes);
    for (int j = 0; j < nok; j++)
        free(b[j]);
    int kept = 0;
    for (int j = 0; j < nok; j++) {
        ms_meas_result *r = &res[ok[j]];
        if (bytes[j] < 0) {
            r->status = MS_MEAS_BUILD;
            snprintf(r->why, sizeof r->why, "its code size could not be measured");
        } else if (bytes[j] > budget) {
            r->status = MS_MEAS_SIZE;
            snprintf(r->why, sizeof r->why, "%lld bytes of code, beyond --max-code-size %lld",
                     (long long)bytes[j], (long long)budget);
        } else {
            ok[kept++] = ok[j];
        }
    }
    return kept;
}

/* Emits and builds candidates; sized: under --max-code-size, builds their
 * code alone first (the retimed ones were sized when first built). */
static void build_candidates(ms_kernel_measurer *m, int n, ms_func *const *cands,
                             ms_meas_result *res, bool sized)
{
    m->round++;
    char **bodies = ms_xcalloc((size_t)(n ? n : 1), sizeof(char *));
    int ok[MAX_BATCH], nok = 0;
    for (int i = 0; i < n && i < MAX_BATCH; i++) {
        if (res[i].status != MS_MEAS_OK) /* failed before it came here */
            continue;
        const char *why = NULL;
        bodies[i] = ms_emit_candidate(cands[i], m->k->func, m->orig_body, &why);
        if (!bodies[i]) {
            res[i].status = MS_MEAS_EMIT;
            snprintf(res[i].why, sizeof res[i].why, "%s", why ? why : "cannot be emitted");
        } else {
            ok[nok++] = i;
        }
    }
    if (sized)
        nok = keep_code_size(m, ok, nok, cands, res);
    /* first: PER_UNIT candidates per unit; then the members of failed units alone */
    for (int pass = 0; pass < 2 && nok > 0; pass++) {
        int per = pass == 0 ? PER_UNIT : 1, nunits = (nok + per - 1) / per;
        ms_build_job *jobs = ms_xcalloc((size_t)nunits, sizeof *jobs);
        char(*paths)[3][4200] = ms_xcalloc((size_t)nunits, sizeof *paths);
        for (int u = 0; u < nunits; u++) {
            int cnt = nok - u * per < per ? nok - u * per : per;
            write_unit(m, u + pass * MAX_BATCH, &ok[u * per], cnt, bodies, paths[u][0], paths[u][1],
                       paths[u][2]);
            jobs[u] = (ms_build_job){paths[u][0], paths[u][1], paths[u][2], m->flags, false, false};
        }
        ms_build_all(m->t, jobs, nunits, m->jobs);
        int again[MAX_BATCH], nagain = 0;
        for (int u = 0; u < nunits; u++) {
            int cnt = nok - u * per < per ? nok - u * per : per;
            for (int j = 0; j < cnt && !jobs[u].ok; j++) {
                int i = ok[u * per + j];
                if (pass == 0 && cnt > 1) {
                    again[nagain++] = i;
                } else {
                    res[i].status = MS_MEAS_BUILD;
                    ms_first_line(jobs[u].log, res[i].why, sizeof res[i].why);
                }
            }
        }
        free(jobs);
        free(paths);
        memcpy(ok, again, sizeof(int) * (size_t)nagain);
        nok = nagain;
    }
    for (int i = 0; i < n; i++)
        free(bodies[i]);
    free(bodies);
}

/* Runs candidate i of the batch, its output in out: a check run, a
 * warm-up and at least three timed calls, with room for slower ones; a
 * candidate whose check run is 3x slower than the best so far is timed by
 * that run alone (it cannot win), and one still in its first call at
 * abort_after is stopped there. Judged by the oracle once it exists. */
static int run_candidate(ms_kernel_measurer *m, int i, const char *out, double abort_after,
                         ms_proc_result *r)
{
    double bound = m->best > 0 && 10 * m->best < m->t_orig ? 10 * m->best : m->t_orig;
    char ref_arg[4300], cand_arg[32], cutoff_arg[64], abort_arg[64], fast_arg[4300];
    snprintf(ref_arg, sizeof ref_arg, "--ref=%s", m->ref);
    snprintf(cand_arg, sizeof cand_arg, "--cand=%d", m->slot[i]);
    snprintf(cutoff_arg, sizeof cutoff_arg, "--cutoff=%.9g", 3 * m->best);
    snprintf(abort_arg, sizeof abort_arg, "--abort=%.9g", abort_after);
    snprintf(fast_arg, sizeof fast_arg, "--fast=%s", m->fast);
    char *argv[] = {
        m->exe[i], cand_arg, ref_arg, cutoff_arg, abort_arg, m->fast[0] ? fast_arg : NULL, NULL};
    return ms_target_run(m->t, argv, out, NULL, 10 + 30 * bound, m->mem_limit, r);
}

static void run_batch(void *ctx, int n, ms_meas_result *res)
{
    ms_kernel_measurer *m = ctx;
    char out[4200];
    snprintf(out, sizeof out, "%s/cand.out", m->dir);
    for (int i = 0; i < n; i++) {
        if (res[i].status != MS_MEAS_OK)
            continue;
        /* 10x the best and 0.1 s more (starting threads, fresh pages):
         * random draws of gemm 1024 take up to 2 s a call */
        double abort_after = m->best > 0 ? 10 * m->best + 0.1 : 0;
        ms_proc_result r;
        int started = run_candidate(m, i, out, abort_after, &r);
        /* the first candidate beyond the plain tolerance: the oracle is
         * made, and the candidate judged again by it */
        ms_meas_result probe;
        if (started == 0 && !m->fast_tried && !m->k->func->fp_strict &&
            !classify(&r, out, &probe) && probe.status == MS_MEAS_WRONG) {
            m->fast_tried = true;
            fastmath_outputs(m);
            if (m->fast[0])
                started = run_candidate(m, i, out, abort_after, &r);
        }
        double spread;
        if (started != 0) {
            res[i].status = MS_MEAS_CRASH;
            snprintf(res[i].why, sizeof res[i].why, "cannot start");
        } else if (!classify(&r, out, &res[i])) {
            if (res[i].status == MS_MEAS_SLOW)
                res[i].seconds = abort_after;
        } else if (!read_time(out, &res[i].seconds, &spread)) {
            res[i].status = MS_MEAS_CRASH;
            snprintf(res[i].why, sizeof res[i].why, "printed no time");
        } else if (m->best <= 0 || res[i].seconds < m->best) {
            m->best = res[i].seconds;
        }
    }
}

static void build_batch(void *ctx, int n, ms_func *const *cands, ms_meas_result *res)
{
    build_candidates(ctx, n, cands, res, true);
}

/* The fastest few built again and run in turns, RETIME_ROUNDS rounds: a
 * drift of the machine then falls on each of them alike. */
static void retime_batch(void *ctx, int n, ms_func *const *cands, ms_meas_result *res)
{
    enum { RETIME_ROUNDS = 3 };
    n = n < MAX_BATCH ? n : MAX_BATCH;
    build_candidates(ctx, n, cands, res, false);
    double secs[MAX_BATCH][RETIME_ROUNDS];
    for (int round = 0; round < RETIME_ROUNDS; round++) {
        ms_meas_result now[MAX_BATCH];
        memcpy(now, res, sizeof now[0] * (size_t)n);
        run_batch(ctx, n, now);
        for (int i = 0; i < n; i++) {
            if (res[i].status != MS_MEAS_OK)
                continue;
            if (now[i].status != MS_MEAS_OK)
                res[i] = now[i];
            else
                secs[i][round] = now[i].seconds;
        }
    }
    for (int i = 0; i < n; i++) {
        if (res[i].status != MS_MEAS_OK)
            continue;
        double *t = secs[i]; /* sorted in place, for the median */
        for (int a = 1; a < RETIME_ROUNDS; a++)
            for (int b = a; b > 0 && t[b] < t[b - 1]; b--) {
                double x = t[b];
                t[b] = t[b - 1];
                t[b - 1] = x;
            }
        res[i].seconds = t[RETIME_ROUNDS / 2];
    }
}

ms_measurer ms_kernel_measurer_iface(ms_kernel_measurer *m)
{
    return (ms_measurer){m, measure_original, build_batch, run_batch, retime_batch};
}
