/*
 * testutil.c - see testutil.h.
 */
#include "testutil.h"

#include "driver/driver.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tu_src_dir(void)
{
    const char *s = getenv("MSCC_SRC");
    return s ? s : ".";
}

const char *tu_mscc(void)
{
    const char *s = getenv("MSCC_BIN");
    return s ? s : "build/mscc";
}

char *tu_write_temp(const char *name, const char *text)
{
    static char *dir;
    if (!dir)
        dir = ms_tempdir_new();
    cr_assert(dir != NULL);
    ms_str p = {0};
    ms_str_addf(&p, "%s/%s", dir, name);
    FILE *f = fopen(ms_str_cstr(&p), "w");
    cr_assert(f != NULL);
    fputs(text, f);
    fclose(f);
    return ms_str_take(&p);
}

void tu_parse_file(const char *path, ms_source *src, ms_diags *diags)
{
    tu_parse_file_fp(path, false, src, diags);
}

void tu_parse_file_fp(const char *path, bool fp_strict, ms_source *src, ms_diags *diags)
{
    ms_frontend_opts o = {path, 0, NULL, 0, NULL, fp_strict};
    int rc = ms_frontend_parse(&o, src, diags);
    if (rc != 0) {
        char *d = tu_render(diags);
        cr_assert_fail("%s is not valid C:\n%s", path, d);
    }
}

void tu_parse_text(const char *text, ms_source *src, ms_diags *diags)
{
    char *p = tu_write_temp("snippet.c", text);
    tu_parse_file(p, src, diags);
    free(p);
}

char *tu_tune(ms_source *src, char ***bodies_out, ms_diags *diags)
{
    int n = src->nkernels;
    char **bodies = ms_xcalloc((size_t)(n ? n : 1), sizeof(char *));
    size_t *b = ms_xcalloc((size_t)(n ? n : 1), sizeof(size_t));
    size_t *e = ms_xcalloc((size_t)(n ? n : 1), sizeof(size_t));
    for (int i = 0; i < n; i++) {
        ms_kernel *k = &src->kernels[i];
        b[i] = k->body_begin;
        e[i] = k->body_end;
        if (!k->func)
            continue;
        ms_trace *used;
        bodies[i] = ms_tune_kernel(src, k, NULL, false, &used, diags);
        ms_trace_free(used);
    }
    size_t len;
    char *out = ms_emit_splice(src->text, src->len, n, b, e, bodies, &len);
    free(b);
    free(e);
    if (bodies_out)
        *bodies_out = bodies;
    else {
        for (int i = 0; i < n; i++)
            free(bodies[i]);
        free(bodies);
    }
    return out;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **tu_list(const char *dir, const char *suffix)
{
    MS_VEC(char *) v = {0};
    DIR *d = opendir(dir);
    cr_assert(d != NULL, "cannot open %s", dir);
    struct dirent *ent;
    size_t sl = strlen(suffix);
    while ((ent = readdir(d))) {
        size_t l = strlen(ent->d_name);
        if (l > sl && !strcmp(ent->d_name + l - sl, suffix)) {
            ms_str p = {0};
            ms_str_addf(&p, "%s/%s", dir, ent->d_name);
            MS_VEC_PUSH(v, ms_str_take(&p));
        }
    }
    closedir(d);
    qsort(v.data, (size_t)v.len, sizeof(char *), cmp_str);
    MS_VEC_PUSH(v, NULL);
    return v.data;
}

void tu_free_list(char **list)
{
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}

void tu_golden(const char *path, const char *text)
{
    const char *up = getenv("MSCC_UPDATE_GOLDEN");
    if (up && *up == '1') {
        FILE *f = fopen(path, "w");
        cr_assert(f != NULL);
        fputs(text, f);
        fclose(f);
        return;
    }
    char *want = ms_read_file(path, NULL);
    cr_assert(want != NULL, "missing golden file %s (run with MSCC_UPDATE_GOLDEN=1)", path);
    cr_expect_str_eq(text, want, "%s differs from the output; got:\n%s", path, text);
    free(want);
}

const ms_loop_info *tu_loop(const ms_loop_info *infos, int n, const char *var)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(infos[i].loop->loop.var->name, var))
            return &infos[i];
    cr_assert_fail("no loop over '%s'", var);
    return NULL;
}

char *tu_render(const ms_diags *d)
{
    ms_str s = {0};
    for (int i = 0; i < d->items.len; i++) {
        const ms_diag *g = &d->items.data[i];
        const char *f = g->loc.file ? strrchr(g->loc.file, '/') : NULL;
        f = f ? f + 1 : (g->loc.file ? g->loc.file : "");
        ms_str_addf(&s, "%s:%d:%d: %s: %s\n", f, g->loc.line, g->loc.col,
                    g->level == MS_DIAG_ERROR     ? "error"
                    : g->level == MS_DIAG_WARNING ? "warning"
                                                  : "note",
                    g->msg);
    }
    return ms_str_take(&s);
}

/* Is clang there to check the emitted C with (scripts/setup.sh installs it)? */
static bool have_clang(void)
{
    static int known = -1;
    if (known < 0) {
        char *argv[] = {"clang", "--version", NULL};
        ms_proc_result r;
        known = ms_proc_run(argv, NULL, NULL, 30, &r) == 0 && !r.timed_out && r.exit_code == 0;
    }
    return known == 1;
}

void tu_check_bodies(const ms_source *src, const ms_kernel *k, char *const *bodies, int n,
                     const char *flags, int nrandom, uint64_t seed, bool *ok, char **report)
{
    char *dir = ms_tempdir_new();
    cr_assert(dir);
    ms_build_job *jobs = ms_xcalloc((size_t)(n ? n : 1), sizeof *jobs);
    char(*paths)[3][4200] = ms_xcalloc((size_t)(n ? n : 1), sizeof *paths);
    for (int i = 0; i < n; i++) {
        ok[i] = false;
        const char *why = NULL;
        char *h = ms_harness_source(src, k, bodies[i], &why);
        cr_assert(h, "no harness for '%s': %s", k->name, why);
        snprintf(paths[i][0], sizeof paths[i][0], "%s/h%d.c", dir, i);
        snprintf(paths[i][1], sizeof paths[i][1], "%s/h%d", dir, i);
        snprintf(paths[i][2], sizeof paths[i][2], "%s/h%d.log", dir, i);
        FILE *f = fopen(paths[i][0], "w");
        cr_assert(f);
        fputs(h, f);
        fclose(f);
        free(h);
        jobs[i] = (ms_build_job){paths[i][0], paths[i][1], paths[i][2], flags, false};
    }
    ms_target t = {.cc = "cc", .cflags = ""};
    ms_build_all(&t, jobs, n, 2);
    /* the emitted C meets the same bar with clang: its warnings too */
    bool *clang_ok = ms_xcalloc((size_t)(n ? n : 1), sizeof *clang_ok);
    char(*clang_logs)[4300] = ms_xcalloc((size_t)(n ? n : 1), sizeof *clang_logs);
    if (have_clang()) {
        ms_build_job *cj = ms_xcalloc((size_t)(n ? n : 1), sizeof *cj);
        ms_str cf = {0};
        ms_str_addf(&cf, "%s -fsyntax-only -Wno-unused-command-line-argument", flags);
        for (int i = 0; i < n; i++) {
            snprintf(clang_logs[i], sizeof clang_logs[i], "%s.clang.log", paths[i][1]);
            cj[i] =
                (ms_build_job){paths[i][0], "/dev/null", clang_logs[i], ms_str_cstr(&cf), false};
        }
        ms_target ct = {.cc = "clang", .cflags = ""};
        ms_build_all(&ct, cj, n, 2);
        for (int i = 0; i < n; i++)
            clang_ok[i] = cj[i].ok;
        ms_str_free(&cf);
        free(cj);
    } else {
        for (int i = 0; i < n; i++)
            clang_ok[i] = true;
    }
    char **sizes;
    int ns = ms_check_sizes(k->func, nrandom, seed, &sizes);
    for (int i = 0; i < n; i++) {
        ms_str rep = {0};
        if (!jobs[i].ok) {
            char *l = ms_read_file(paths[i][2], NULL);
            ms_str_addf(&rep, "does not compile with %s:\n%s", flags, l ? l : "");
            free(l);
        }
        if (jobs[i].ok && !clang_ok[i]) {
            char *l = ms_read_file(clang_logs[i], NULL);
            ms_str_addf(&rep, "does not compile with clang %s:\n%s", flags, l ? l : "");
            free(l);
        }
        for (int s = 0; s < ns && jobs[i].ok && !rep.len; s++) {
            char outp[4300];
            snprintf(outp, sizeof outp, "%s.out", paths[i][1]);
            char *argv[] = {paths[i][1], sizes[s], NULL};
            ms_proc_result r;
            cr_assert_eq(ms_proc_run(argv, outp, NULL, 60, &r), 0);
            char *o = ms_read_file(outp, NULL);
            if (r.timed_out || r.signal || r.exit_code || !o || !strstr(o, "check ok"))
                ms_str_addf(&rep, "at %s (%s%s, signal %d, exit %d): %s", sizes[s], flags,
                            r.timed_out ? ", timed out" : "", r.signal, r.exit_code,
                            o ? o : "(no output)");
            free(o);
        }
        ok[i] = jobs[i].ok && !rep.len;
        report[i] = ms_str_take(&rep);
    }
    for (int s = 0; s < ns; s++)
        free(sizes[s]);
    free(sizes);
    free(jobs);
    free(paths);
    free(clang_ok);
    free(clang_logs);
    ms_tempdir_remove(dir);
    free(dir);
}

void tu_check_bulk(const ms_source *src, const ms_kernel *k, char *const *bodies, int n,
                   const char *flags, uint64_t seed, bool *ok, char **report)
{
    if (!TU_SANITIZED) {
        tu_check_bodies(src, k, bodies, n, flags, 1, seed, ok, report);
        return;
    }
    for (int i = 0; i < n; i++) {
        ok[i] = true;
        report[i] = NULL;
    }
}
