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

void tu_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f != NULL, "%s", path);
    fputs(text, f);
    fclose(f);
}

char *tu_write_temp(const char *name, const char *text)
{
    static char *dir;
    if (!dir)
        dir = ms_tempdir_new();
    cr_assert(dir != NULL);
    ms_str p = {0};
    ms_str_addf(&p, "%s/%s", dir, name);
    tu_write_file(ms_str_cstr(&p), text);
    return ms_str_take(&p);
}

int tu_env_int(const char *name, int dflt)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : dflt;
}

void tu_parse_file(const char *path, ms_source *src, ms_diags *diags)
{
    tu_parse_file_fp(path, false, src, diags);
}

void tu_parse_file_fp(const char *path, bool fp_strict, ms_source *src, ms_diags *diags)
{
    ms_frontend_opts o = {.path = path, .fp_strict = fp_strict};
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

bool tu_have_clang(void)
{
    static int known = -1;
    if (known < 0) {
        char *argv[] = {"clang", "--version", NULL};
        ms_proc_result r;
        known = ms_proc_run(argv, NULL, NULL, 30, &r) == 0 && !r.timed_out && r.exit_code == 0;
    }
    return known == 1;
}

bool tu_zero_sizes;
const char *tu_cc;

/* The check sizes of k (tu_zero_sizes: and every size at 0). */
static int check_sizes(const ms_kernel *k, int nrandom, uint64_t seed, char ***out)
{
    char **sizes;
    int ns = ms_check_sizes(k->func, nrandom, seed, &sizes);
    if (tu_zero_sizes && ns > 0) { /* "M=5,N=7" as "M=0,N=0" */
        ms_str z = {0};
        for (const char *c = sizes[0]; *c; c++) {
            if (*c == '=') {
                ms_str_add(&z, "=0");
                c += strspn(c + 1, "0123456789-");
            } else {
                ms_str_addn(&z, c, 1);
            }
        }
        sizes = ms_xrealloc(sizes, sizeof(char *) * (size_t)(ns + 1));
        sizes[ns++] = ms_str_take(&z);
    }
    *out = sizes;
    return ns;
}

/* Runs harness exe (built from src) with option opt (NULL: none) at every
 * size, with arrays aligned and then 8 bytes past alignment; what went
 * wrong goes to rep. A miss that the -ffast-math oracle allows is the
 * driver's to take, and passes. */
static void run_sizes(const char *src, const char *exe, char *opt, const ms_kernel *k,
                      const char *flags, char **sizes, int ns, ms_str *rep)
{
    ms_target t = {.cc = (char *)(tu_cc ? tu_cc : "cc"), .cflags = ""};
    char misalign[] = "--misalign=8";
    for (int run = 0; run < 2 * ns && !rep->len; run++) {
        int s = run % ns;
        char *shift = run >= ns ? misalign : NULL;
        char outp[4300], errp[4300];
        snprintf(outp, sizeof outp, "%s.out", exe);
        snprintf(errp, sizeof errp, "%s.err", exe);
        char *argv[] = {(char *)exe, sizes[s], opt ? opt : shift, opt ? shift : NULL, NULL};
        ms_proc_result r;
        cr_assert_eq(ms_proc_run(argv, outp, errp, 60, &r), 0);
        char *o = ms_read_file(outp, NULL);
        char why[300] = "";
        char *opts[2] = {opt, shift};
        if (!r.timed_out && !r.signal && o && strstr(o, "check FAIL") && !k->func->fp_strict &&
            ms_fastmath_oracle(&t, flags, src, exe, sizes[s], opts, why, sizeof why) == 1) {
            free(o);
            continue;
        }
        if (r.timed_out || r.signal || r.exit_code || !o || !strstr(o, "check ok")) {
            char *e = ms_read_file(errp, NULL); /* a sanitizer's report */
            ms_str_addf(rep, "at %s%s (%s%s, signal %d, exit %d): %s%.3000s", sizes[s],
                        shift ? " with arrays 8 bytes past alignment" : "", flags,
                        r.timed_out ? ", timed out" : "", r.signal, r.exit_code,
                        o ? o : "(no output)", e ? e : "");
            free(e);
        }
        free(o);
    }
}

/* Builds src into exe with gcc (and checks it with clang where there is
 * one); the failing compiler's log goes to rep. */
static bool build_harness(const char *src, const char *exe, const char *flags, ms_str *rep)
{
    char log[4300], clog[4300];
    snprintf(log, sizeof log, "%s.log", exe);
    snprintf(clog, sizeof clog, "%s.clang.log", exe);
    ms_build_job job = {src, exe, log, flags, false, false};
    const char *job_cc = tu_cc ? tu_cc : "cc";
    ms_target t = {.cc = (char *)job_cc, .cflags = ""};
    ms_build_all(&t, &job, 1, 1);
    const char *bad = job.ok ? NULL : log;
    if (job.ok && tu_have_clang() && strcmp(job_cc, "clang")) {
        ms_str cf = {0};
        ms_str_addf(&cf, "%s -fsyntax-only -Wno-unused-command-line-argument", flags);
        ms_build_job cj = {src, "/dev/null", clog, ms_str_cstr(&cf), false, false};
        ms_target ct = {.cc = "clang", .cflags = ""};
        ms_build_all(&ct, &cj, 1, 1);
        ms_str_free(&cf);
        bad = cj.ok ? NULL : clog;
    }
    if (bad && rep) {
        char *l = ms_read_file(bad, NULL);
        ms_str_addf(rep, "does not compile with %s %s:\n%s", bad == clog ? "clang" : job_cc, flags,
                    l ? l : "");
        free(l);
    }
    return !bad;
}

/* The check harness's main renamed, and a main that runs each group of
 * arguments (groups ended by "--"; without any, the arguments are one run
 * in this process, as before) as the old main in a forked child:
 * one process start for all of a harness's runs, where a start under ASan
 * costs more than most runs, and each run still alone with its statics,
 * its exit and its crash. After each run it prints "mscc-run R: S", S the
 * child's status (0: exited 0). */
static char *batch_source(const char *harness)
{
    static const char head[] = "int main(int argc, char **argv)\n{\n";
    const char *at = NULL;
    for (const char *p = strstr(harness, head); p; p = strstr(p + 1, head))
        at = p; /* the harness's main follows the user's file, which may hold one */
    if (!at)
        return NULL;
    ms_str s = {0};
    ms_str_addn(&s, harness, (size_t)(at - harness));
    ms_str_add(&s, "static int mscc_one_run(int argc, char **argv)\n{\n");
    ms_str_add(&s, at + strlen(head));
    ms_str_add(&s,
               "#include <sys/wait.h>\n"
               "int main(int argc, char **argv)\n{\n"
               "    int mscc_groups = 0;\n"
               "    for (int mscc_i = 1; mscc_i < argc; mscc_i++)\n"
               "        mscc_groups += !strcmp(argv[mscc_i], \"--\");\n"
               "    if (!mscc_groups) /* one run, as the harness alone */\n"
               "        return mscc_one_run(argc, argv);\n"
               "    char *mscc_args[64];\n"
               "    for (int mscc_i = 1, mscc_r = 0; mscc_i < argc; mscc_r++) {\n"
               "        int mscc_n = 1;\n"
               "        mscc_args[0] = argv[0];\n"
               "        for (; mscc_i < argc && strcmp(argv[mscc_i], \"--\"); mscc_i++)\n"
               "            if (mscc_n < 63) mscc_args[mscc_n++] = argv[mscc_i];\n"
               "        mscc_i++;\n"
               "        mscc_args[mscc_n] = NULL;\n"
               "        fflush(stdout);\n"
               "        pid_t mscc_p = fork();\n"
               "        if (mscc_p == 0) {\n"
               "            int mscc_rc = mscc_one_run(mscc_n, mscc_args);\n"
               "            fflush(stdout);\n"
               "            fflush(stderr);\n"
               "            _exit(mscc_rc);\n"
               "        }\n"
               "        int mscc_st = -1;\n"
               "        if (mscc_p < 0 || waitpid(mscc_p, &mscc_st, 0) != mscc_p) mscc_st = -1;\n"
               "        printf(\"\\nmscc-run %d: %d\\n\", mscc_r, mscc_st);\n"
               "    }\n"
               "    return 0;\n}\n");
    return ms_str_take(&s);
}

/* Every body at every size, aligned and not, in one process (batch_source);
 * passed[i] says whether all of body i's runs printed "check ok" and exited
 * 0. False when the batch itself did not run to its end. */
static bool run_batch(const char *exe, int n, char **sizes, int ns, bool *passed)
{
    MS_VEC(char *) argv = {0};
    MS_VEC(char *) owned = {0};
    MS_VEC_PUSH(argv, (char *)exe);
    for (int i = 0; i < n; i++) {
        char *cand = ms_xmalloc(32);
        snprintf(cand, 32, "--cand=%d", i);
        MS_VEC_PUSH(owned, cand);
        for (int run = 0; run < 2 * ns; run++) {
            MS_VEC_PUSH(argv, sizes[run % ns]);
            MS_VEC_PUSH(argv, cand);
            if (run >= ns)
                MS_VEC_PUSH(argv, "--misalign=8");
            MS_VEC_PUSH(argv, "--");
        }
    }
    MS_VEC_PUSH(argv, NULL);
    char outp[4300];
    snprintf(outp, sizeof outp, "%s.batch", exe);
    ms_proc_result r;
    int nruns = n * 2 * ns;
    bool ran = ms_proc_run(argv.data, outp, "/dev/null", 60 + 5 * nruns, &r) == 0 && !r.timed_out &&
               !r.signal && r.exit_code == 0;
    char *o = ran ? ms_read_file(outp, NULL) : NULL;
    int seen = 0;
    for (int i = 0; i < n; i++)
        passed[i] = true;
    /* each run's output ends at its "mscc-run R: S" line */
    for (char *p = o, *q; p && (q = strstr(p, "\nmscc-run ")); p = strchr(q + 1, '\n')) {
        int run, status;
        if (sscanf(q, "\nmscc-run %d: %d", &run, &status) != 2 || run != seen || run >= nruns)
            break;
        *q = '\0'; /* the run's own output, p to q */
        bool ok = status == 0 && strstr(p, "check ok");
        *q = '\n';
        passed[run / (2 * ns)] = passed[run / (2 * ns)] && ok;
        seen++;
        if (!strchr(q + 1, '\n'))
            break;
    }
    free(o);
    for (int i = 0; i < owned.len; i++)
        free(owned.data[i]);
    free(owned.data);
    free(argv.data);
    return ran && seen == nruns;
}

/* A body's result from what went wrong (rep, taken): "" when nothing. */
static void verdict(ms_str *rep, bool *ok, char **report)
{
    *ok = !rep->len;
    *report = rep->len ? ms_str_take(rep) : ms_xstrdup("");
    ms_str_free(rep);
}

/* Bodies in one harness, built once, run once per body and size. False
 * (nothing decided) when it does not build, as one bad body makes it,
 * unless there is one body: the compiler's log is then its report. */
static bool check_together(const ms_source *src, const ms_kernel *k, char *const *bodies, int n,
                           const char *flags, char **sizes, int ns, bool *ok, char **report)
{
    char *dir = ms_tempdir_new();
    cr_assert(dir);
    char path[4200], exe[4200];
    snprintf(path, sizeof path, "%s/all.c", dir);
    snprintf(exe, sizeof exe, "%s/all", dir);
    const char *why = NULL;
    char *h = ms_harness_source_n(src, k, n, (const char *const *)bodies, &why);
    cr_assert(h, "no harness for '%s': %s", k->name, why);
    char *batch = batch_source(h);
    cr_assert(batch, "the harness of '%s' has no main", k->name);
    free(h);
    h = batch;
    tu_write_file(path, h);
    free(h);
    ms_str rep = {0};
    bool built = build_harness(path, exe, flags, n == 1 ? &rep : NULL);
    if (!built && n == 1)
        verdict(&rep, &ok[0], &report[0]);
    /* all runs in one process; a body that fails there is run again one
     * run a process, for the -ffast-math oracle and a report */
    bool *passed = ms_xcalloc((size_t)(n > 0 ? n : 1), sizeof(bool));
    if (built && !run_batch(exe, n, sizes, ns, passed))
        memset(passed, 0, sizeof(bool) * (size_t)n);
    for (int i = 0; i < n && built; i++) {
        if (!passed[i]) {
            char opt[32];
            snprintf(opt, sizeof opt, "--cand=%d", i);
            run_sizes(path, exe, opt, k, flags, sizes, ns, &rep);
        }
        verdict(&rep, &ok[i], &report[i]);
    }
    free(passed);
    ms_str_free(&rep);
    ms_tempdir_remove(dir);
    free(dir);
    return built || n == 1;
}

void tu_check_bodies(const ms_source *src, const ms_kernel *k, char *const *bodies, int n,
                     const char *flags, int nrandom, uint64_t seed, bool *ok, char **report)
{
    char **sizes;
    int ns = check_sizes(k, nrandom, seed, &sizes);
    /* one build for all; when that fails, one each, to tell which */
    if (n < 2 || !check_together(src, k, bodies, n, flags, sizes, ns, ok, report))
        for (int i = 0; i < n; i++)
            check_together(src, k, &bodies[i], 1, flags, sizes, ns, &ok[i], &report[i]);
    for (int s = 0; s < ns; s++)
        free(sizes[s]);
    free(sizes);
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
