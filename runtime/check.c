/*
 * check.c - `mscc --check`: for each tuned kernel, build its harness, run it
 * at the tuning sizes and at three other size settings, and time it at the
 * tuning sizes. A build failure, crash, hang or wrong answer is a result,
 * never a crash of mscc. The original runs once per size: the run with
 * arrays past alignment reads back its outputs from the aligned run.
 */
#include "runtime/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RUN_TIMEOUT_S = 300 };

void ms_first_line(const char *path, char *buf, size_t n)
{
    char *text = ms_read_file(path, NULL);
    buf[0] = '\0';
    if (text) {
        char *p = text;
        while (*p == '\n')
            p++;
        snprintf(buf, n, "%.*s", (int)strcspn(p, "\n"), p);
        free(text);
    }
}

static void describe(const ms_proc_result *r, char *buf, size_t n)
{
    if (r->timed_out)
        snprintf(buf, n, "timed out");
    else if (r->signal)
        snprintf(buf, n, "killed by signal %d", r->signal);
    else
        snprintf(buf, n, "exit status %d", r->exit_code);
}

/* The harness at one size with the options given (NULL ones left out),
 * its output in out; false when it cannot run. */
static bool run_at(const ms_target *t, char *exe, char *size, char *const opts[3], const char *out,
                   ms_proc_result *r)
{
    char *argv[6] = {exe, size};
    int n = 2;
    for (int i = 0; i < 3; i++)
        if (opts[i])
            argv[n++] = opts[i];
    argv[n] = NULL;
    return ms_target_run(t, argv, out, NULL, RUN_TIMEOUT_S, 0, r) == 0;
}

/* The default fp-model's oracle for ill-conditioned kernels, at one size:
 * the outputs of the harness as built (original and tuned), judged by the
 * same harness built with -ffast-math, where an element of the tuned
 * result beyond the tolerance passes only if the original moves beyond it
 * too. 1: held, 0: refused (the offending element in why), -1: could not
 * be run. */
int ms_fastmath_oracle(const ms_target *t, const char *flags, const char *src, const char *exe,
                       char *size, char *const opts[2], char *why, size_t why_size)
{
    char fm[4200], log[4200], ref[4200], out[4200], dump[4300], against[4300], extra[4300];
    snprintf(fm, sizeof fm, "%s.fastmath", exe);
    snprintf(log, sizeof log, "%s.fastmath.log", exe);
    snprintf(ref, sizeof ref, "%s.ref", exe);
    snprintf(out, sizeof out, "%s.fastmath.out", exe);
    snprintf(dump, sizeof dump, "--dump=%s", ref);
    snprintf(against, sizeof against, "--against=%s", ref);
    snprintf(extra, sizeof extra, "%s -ffast-math", flags ? flags : "");
    ms_build_job job = {src, fm, log, extra, false, false};
    ms_build_all(t, &job, 1, 1);
    ms_proc_result r;
    int held = -1;
    char *dump_opts[3] = {dump, opts[0], opts[1]}, *against_opts[3] = {against, opts[0], opts[1]};
    if (job.ok && run_at(t, (char *)exe, size, dump_opts, out, &r) &&
        run_at(t, fm, size, against_opts, out, &r) && !r.timed_out && !r.signal &&
        r.exit_code == 0) {
        char *text = ms_read_file(out, NULL);
        const char *line = text ? strstr(text, "oracle ") : NULL;
        held = !line ? -1 : !strncmp(line, "oracle ok", 9);
        if (held == 0)
            snprintf(why, why_size, "%.*s", (int)strcspn(line + 7, "\n"), line + 7);
        free(text);
    }
    return held;
}

static void run_sizes(const ms_target *t, const char *flags, const char *dir, int idx,
                      const ms_kernel *k, unsigned what, ms_check_result *res)
{
    char **sizes;
    int n = ms_check_sizes(k->func, /*nrandom=*/0, /*seed=*/0, &sizes);
    for (; (what & MS_CHECK_TUNING_ONLY) && n > 1; n--) /* the tuning sizes come first */
        free(sizes[n - 1]);
    char exe[4096], out[4096], misalign[] = "--misalign=8", timing[] = "--time";
    snprintf(exe, sizeof exe, "%s/k%d", dir, idx);
    snprintf(out, sizeof out, "%s/k%d.out", dir, idx);
    res->ran = res->correct = true;
    /* every size aligned, then (when asked) every size with arrays 8 bytes
     * past alignment: aligned for every element type, not for vectors; the
     * tuning sizes come first, the second setting is the general path */
    int runs = what & MS_CHECK_MISALIGNED ? 2 * n : n;
    for (int run = 0; run < runs && res->correct; run++) {
        int s = run % n;
        char *shift = run >= n ? misalign : NULL;
        const char *where = run >= n ? " with arrays 8 bytes past alignment" : "";
        ms_proc_result r;
        bool timed =
            (run == 0 && (what & MS_CHECK_TIME)) || (run == 1 && (what & MS_CHECK_TIME_OTHER));
        /* the aligned run keeps the original's outputs for the unaligned one */
        char ref[4200];
        snprintf(ref, sizeof ref, "--ref-%s=%s/k%d.ref%d", run >= n ? "in" : "out", dir, idx, s);
        char *opts[3] = {timed ? timing : NULL, shift, ref};
        if (!run_at(t, exe, sizes[s], opts, out, &r)) {
            snprintf(res->reason, sizeof res->reason, "cannot run the harness");
            res->ran = res->correct = false;
            break;
        }
        char *text = ms_read_file(out, NULL);
        const char *chk = text ? strstr(text, "check ") : NULL;
        double err = 0;
        if (chk && !strncmp(chk, "check ok", 8))
            sscanf(chk + 8, "%lf", &err);
        if (err > res->max_err)
            res->max_err = err;
        const char *tm = text ? strstr(text, "time ") : NULL;
        if (tm && run == 0)
            sscanf(tm + 5, "%lf %lf", &res->t_orig, &res->t_new);
        else if (tm && run == 1 && n > 1) {
            sscanf(tm + 5, "%lf %lf", &res->t_orig_other, &res->t_new_other);
            snprintf(res->other_sizes, sizeof res->other_sizes, "%s", sizes[1]);
        }
        if (r.timed_out || r.signal ||
            (r.exit_code != 0 && !(chk && !strncmp(chk, "check FAIL", 10)))) {
            char how[64];
            describe(&r, how, sizeof how);
            snprintf(res->reason, sizeof res->reason, "harness %s at %s%s", how, sizes[s], where);
            res->ran = res->correct = false;
        } else if (!chk || strncmp(chk, "check ok", 8)) {
            char line[300];
            ms_first_line(out, line, sizeof line);
            double tuned = -1;
            char why[300] = "";
            if (chk)
                sscanf(chk + 10, "%lf", &tuned);
            char src[4096];
            snprintf(src, sizeof src, "%s/k%d.c", dir, idx);
            int held = k->func->fp_strict || !chk
                           ? -1
                           : ms_fastmath_oracle(t, flags, src, exe, sizes[s],
                                                (char *[2]){shift, NULL}, why, sizeof why);
            if (held == 1) {
                res->nfastmath++;
                res->nsizes++;
                if (tuned > res->max_err)
                    res->max_err = tuned;
            } else {
                snprintf(res->reason, sizeof res->reason, "wrong result at %s%s: %s%s%s", sizes[s],
                         where, line, held == 0 ? "; beyond what -ffast-math moves: " : "", why);
                res->correct = false;
            }
        } else {
            res->nsizes++;
        }
        free(text);
    }
    for (int s = 0; s < n; s++)
        free(sizes[s]);
    free(sizes);
}

void ms_check_kernels(const ms_target *t, const ms_source *src, char *const *bodies,
                      const char *flags, int jobs, unsigned what, ms_check_result *results)
{
    char *dir = ms_tempdir_new();
    int n = src->nkernels;
    ms_build_job *bj = ms_xcalloc((size_t)(n ? n : 1), sizeof *bj);
    char(*paths)[3][4200] = ms_xcalloc((size_t)(n ? n : 1), sizeof *paths);
    int *which = ms_xcalloc((size_t)(n ? n : 1), sizeof(int));
    int nb = 0;
    for (int i = 0; i < n; i++) {
        results[i] = (ms_check_result){0};
        if (!bodies[i] || !src->kernels[i].func)
            continue;
        if (!dir) {
            snprintf(results[i].reason, sizeof results[i].reason,
                     "cannot create a temporary folder");
            continue;
        }
        const char *why = NULL;
        char *text = ms_harness_source(src, &src->kernels[i], bodies[i], &why);
        if (!text) {
            snprintf(results[i].reason, sizeof results[i].reason, "no harness: %s", why);
            continue;
        }
        snprintf(paths[i][0], sizeof paths[i][0], "%s/k%d.c", dir, i);
        snprintf(paths[i][1], sizeof paths[i][1], "%s/k%d", dir, i);
        snprintf(paths[i][2], sizeof paths[i][2], "%s/k%d.log", dir, i);
        FILE *f = fopen(paths[i][0], "w");
        if (f) {
            fputs(text, f);
            fclose(f);
        }
        free(text);
        bj[nb] = (ms_build_job){paths[i][0], paths[i][1], paths[i][2], flags, false, false};
        which[nb++] = i;
    }
    ms_build_all(t, bj, nb, jobs);
    for (int b = 0; b < nb; b++) {
        int i = which[b];
        if (!bj[b].ok) {
            char line[300];
            ms_first_line(bj[b].log, line, sizeof line);
            snprintf(results[i].reason, sizeof results[i].reason, "harness does not compile: %s",
                     line);
            continue;
        }
        /* runs one at a time: timings must not share the machine */
        run_sizes(t, flags, dir, i, &src->kernels[i], what, &results[i]);
    }
    free(bj);
    free(paths);
    free(which);
    ms_tempdir_remove(dir);
    free(dir);
}
