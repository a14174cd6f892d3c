/*
 * api_test.c - libmscc through its public header alone, linked against the
 * shared library: the version, the pipeline (the same text as the command),
 * every error status with its message, and calls from several threads at
 * once on different files, with and without measurement.
 */
#include "mscc.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];

static void setup(void)
{
    snprintf(dir, sizeof dir, "%s/mscc-api-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    cr_assert(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(api, .init = setup, .fini = teardown);

/* dir/name with text in it; the path (static storage: one per call site). */
static const char *write_in_dir(const char *name, const char *text, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

/* A kernel of its own per index: a scale of its own, so no two texts agree. */
static char *kernel_text(int i)
{
    char *t = malloc(600);
    snprintf(t, 600,
             "#include <stddef.h>\n"
             "#pragma mscc kernel sizes(n=4096)\n"
             "void scale%d(int n, const float x[restrict n], float y[restrict n])\n"
             "{\n"
             "    for (int i = 0; i < n; i++)\n"
             "        y[i] = %d.0f * x[i] + y[i];\n"
             "}\n",
             i, i + 2);
    return t;
}

Test(api, the_version_is_the_headers_and_the_projects)
{
    cr_assert_str_eq(mscc_version(), MSCC_VERSION);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", MSCC_VERSION_MAJOR, MSCC_VERSION_MINOR, MSCC_VERSION_PATCH);
    cr_assert_str_eq(v, MSCC_VERSION);
    cr_assert_str_eq(MSCC_VERSION, MSCC_PROJECT_VERSION, "mscc.h and meson.build disagree");
}

Test(api, a_file_tuned_as_the_command_tunes_it)
{
    char in[300], out[300], cli_out[300];
    char *k = kernel_text(0);
    write_in_dir("k.c", k, in, sizeof in);
    free(k);
    mscc_options o;
    mscc_options_init(&o);
    o.input = in;
    o.trials = 0;
    o.db = "/nonexistent/mscc-api-db";
    mscc_result *r;
    cr_assert_eq(mscc_tune(&o, &r), MSCC_OK, "%s", mscc_result_message(r));
    cr_assert_eq(mscc_result_kernels(r), 1);
    cr_assert_str_eq(mscc_result_kernel_name(r, 0), "scale0");
    cr_assert(mscc_result_kernel_tuned(r, 0));
    size_t len;
    const char *text = mscc_result_text(r, &len);
    cr_assert(text && len == strlen(text));
    cr_assert(strstr(text, "tuned by mscc " MSCC_VERSION));
    snprintf(out, sizeof out, "%s/lib.c", dir);
    cr_assert_eq(mscc_emit(r, out), MSCC_OK, "%s", mscc_result_message(r));
    cr_assert_str_eq(mscc_result_message(r), "");
    struct stat st;
    cr_assert_eq(stat(out, &st), 0);
    mode_t mask = umask(0); /* this test's only thread */
    umask(mask);
    cr_assert_eq(st.st_mode & 0777, 0666 & ~mask, "mode %o: a new file's, by the umask",
                 st.st_mode & 0777);
    /* the command gives the same bytes */
    snprintf(cli_out, sizeof cli_out, "%s/cli.c", dir);
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "MSCC_DB=/nonexistent/mscc-api-db '%s' '%s' -o '%s' --trials 0 -q",
             getenv("MSCC_BIN"), in, cli_out);
    cr_assert_eq(system(cmd), 0);
    char *a = slurp(out), *b = slurp(cli_out);
    cr_assert(a && b);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    mscc_result_free(r);
}

/* The target and the budgets, as the command's --target, --no-heap,
 * --max-stack and --max-code-size: the same bytes; a cross target's
 * default trials become 0, an explicit count is refused, as is an
 * unknown target. */
Test(api, targets_and_budgets_as_the_command_takes_them)
{
    char in[300], cli_out[300];
    char *k = kernel_text(0);
    write_in_dir("kt.c", k, in, sizeof in);
    free(k);
    static const char *const targets[] = {"aarch64-linux-gnu", "cortex-m7", "x86-64-v3"};
    static const char *const compilers[] = {"aarch64-linux-gnu-gcc", "arm-none-eabi-gcc", "cc"};
    for (int t = 0; t < 3; t++) {
        /* the code size is the target compiler's: CI has no arm-none-eabi-gcc */
        char which[200];
        snprintf(which, sizeof which, "command -v %s > /dev/null", compilers[t]);
        if (system(which) != 0) {
            cr_log_warn("no %s: --target %s not compared", compilers[t], targets[t]);
            continue;
        }
        mscc_options o;
        mscc_options_init(&o);
        o.input = in;
        o.db = "/nonexistent/mscc-api-db";
        o.target = targets[t];
        o.no_heap = 1;
        o.max_stack = 4096;
        o.max_code_size = 1000000;
        if (t == 2)
            o.trials = 0; /* this machine could measure it */
        mscc_result *r;
        cr_assert_eq(mscc_tune(&o, &r), MSCC_OK, "%s: %s", targets[t], mscc_result_message(r));
        cr_assert(mscc_result_kernel_tuned(r, 0), "%s", targets[t]);
        const char *text = mscc_result_text(r, NULL);
        cr_assert(strstr(text, "bytes of code and constants, within --max-code-size"), "%s", text);
        snprintf(cli_out, sizeof cli_out, "%s/cli_%d.c", dir, t);
        char cmd[1400];
        snprintf(cmd, sizeof cmd,
                 "MSCC_DB=/nonexistent/mscc-api-db '%s' '%s' -o '%s' --target %s --trials 0 -q "
                 "--no-heap --max-stack 4096 --max-code-size 1000000",
                 getenv("MSCC_BIN"), in, cli_out, targets[t]);
        cr_assert_eq(system(cmd), 0, "%s", cmd);
        char *b = slurp(cli_out);
        cr_assert(b);
        cr_expect_str_eq(text, b, "%s: the library and the command differ", targets[t]);
        free(b);
        mscc_result_free(r);
    }
    mscc_options o;
    mscc_options_init(&o);
    o.input = in;
    o.target = "aarch64-linux-gnu";
    o.trials = 4;
    mscc_result *r;
    cr_expect_eq(mscc_tune(&o, &r), MSCC_ERR_USAGE);
    cr_expect(strstr(mscc_result_message(r), "takes no --trials 4"), "%s", mscc_result_message(r));
    mscc_result_free(r);
    o.trials = 0;
    o.target = "cortex-a53";
    cr_expect_eq(mscc_tune(&o, &r), MSCC_ERR_USAGE);
    cr_expect(strstr(mscc_result_message(r), "target wants one of"), "%s", mscc_result_message(r));
    mscc_result_free(r);
}

/* o (kernel 0 of kernel_text in NAME.c, no trials) tuned through the
 * API gives the bytes the command gives with flag, which hold want. */
static void expect_as_the_command(mscc_options *o, const char *name, const char *flag,
                                  const char *want)
{
    char in[300], file[300], cli_out[300];
    char *k = kernel_text(0);
    snprintf(file, sizeof file, "%s.c", name);
    write_in_dir(file, k, in, sizeof in);
    free(k);
    o->input = in;
    o->db = "/nonexistent/mscc-api-db";
    o->trials = 0;
    mscc_result *r;
    cr_assert_eq(mscc_tune(o, &r), MSCC_OK, "%s", mscc_result_message(r));
    const char *text = mscc_result_text(r, NULL);
    cr_assert(strstr(text, want), "%s", text);
    snprintf(cli_out, sizeof cli_out, "%s/cli_%s.c", dir, name);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "MSCC_DB=%s '%s' '%s' -o '%s' --trials 0 -q %s", o->db,
             getenv("MSCC_BIN"), in, cli_out, flag);
    cr_assert_eq(system(cmd), 0, "%s", cmd);
    char *b = slurp(cli_out);
    cr_assert(b);
    cr_expect_str_eq(text, b);
    free(b);
    mscc_result_free(r);
    o->input = NULL; /* in is gone with this frame */
}

/* The tuning of o (input NAME.c as above) is refused with reason, or
 * (reason NULL) succeeds without lacking. */
static void expect_tune(mscc_options *o, const char *name, const char *reason, const char *lacking)
{
    char in[300], file[300];
    char *k = kernel_text(0);
    snprintf(file, sizeof file, "%s.c", name);
    write_in_dir(file, k, in, sizeof in);
    free(k);
    o->input = in;
    mscc_result *r;
    mscc_status st = mscc_tune(o, &r);
    if (reason) {
        cr_expect_eq(st, MSCC_ERR_USAGE);
        cr_expect(strstr(mscc_result_message(r), reason), "%s", mscc_result_message(r));
    } else {
        cr_assert_eq(st, MSCC_OK, "%s", mscc_result_message(r));
        cr_expect_not(strstr(mscc_result_text(r, NULL), lacking));
    }
    mscc_result_free(r);
    o->input = NULL;
}

/* --workspace through the API: the same bytes as the command's; a name it
 * does not know is an error; a caller built before the field (a smaller
 * struct_size) gets the default, whatever lies past its struct. */
Test(api, the_workspace_as_the_command_takes_it)
{
    mscc_options o;
    mscc_options_init(&o);
    o.workspace = "caller";
    expect_as_the_command(&o, "kw", "--workspace=caller", "_ws_size(");
    o.workspace = "callee";
    expect_tune(&o, "kw", "--workspace wants 'heap', 'static' or 'caller'", NULL);
    /* an older caller's struct ends before the field */
    o.struct_size = offsetof(mscc_options, workspace);
    expect_tune(&o, "kw", NULL, "_ws_size(");
    o.struct_size = offsetof(mscc_options, workspace) - 1;
    expect_tune(&o, "kw", "mscc_options_init", NULL);
}

/* --multiversion through the API, as the workspace above. */
Test(api, multiversion_as_the_command_takes_it)
{
    mscc_options o;
    mscc_options_init(&o);
    o.multiversion = 1;
    expect_as_the_command(&o, "kmv", "--multiversion", "_generic(");
    o.workspace = "caller";
    expect_tune(&o, "kmv", "--multiversion takes its packed copies from the heap", NULL);
    o.workspace = NULL;
    o.struct_size = offsetof(mscc_options, multiversion);
    expect_tune(&o, "kmv", NULL, "_generic(");
}

Test(api, each_failure_has_its_status_and_message)
{
    mscc_options o;
    mscc_options_init(&o);
    o.trials = 0;
    o.db = "/nonexistent/mscc-api-db";
    mscc_result *r;
    /* no input */
    cr_assert_eq(mscc_tune(&o, &r), MSCC_ERR_USAGE);
    cr_assert(strstr(mscc_result_message(r), "no input file"));
    cr_assert_null(mscc_result_text(r, NULL));
    mscc_result_free(r);
    /* options not made by mscc_options_init */
    mscc_options raw = {0};
    raw.input = "x.c";
    cr_assert_eq(mscc_tune(&raw, &r), MSCC_ERR_USAGE);
    cr_assert(strstr(mscc_result_message(r), "mscc_options_init"));
    mscc_result_free(r);
    /* a file that is not there: the diagnostics say so as gcc would */
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing.c", dir);
    o.input = missing;
    cr_assert_eq(mscc_tune(&o, &r), MSCC_ERR_INPUT);
    cr_assert(strstr(mscc_result_diagnostics(r), "missing.c"), "%s", mscc_result_diagnostics(r));
    cr_assert(strstr(mscc_result_diagnostics(r), "error: cannot read"));
    cr_assert_eq(mscc_emit(r, missing), MSCC_ERR_USAGE, "nothing to write");
    mscc_result_free(r);
    /* bad sizes */
    char in[300];
    char *k = kernel_text(1);
    write_in_dir("k.c", k, in, sizeof in);
    free(k);
    o.input = in;
    o.sizes = "n=";
    cr_assert_eq(mscc_tune(&o, &r), MSCC_ERR_USAGE);
    cr_assert(strstr(mscc_result_message(r), "bad sizes"));
    mscc_result_free(r);
    o.sizes = NULL;
    /* the input is never the output; a folder that is not there fails the write */
    cr_assert_eq(mscc_tune(&o, &r), MSCC_OK);
    cr_assert_eq(mscc_emit(r, in), MSCC_ERR_USAGE);
    cr_assert(strstr(mscc_result_message(r), "never overwrites its input"));
    char nowhere[300];
    snprintf(nowhere, sizeof nowhere, "%s/no/such/folder/out.c", dir);
    cr_assert_eq(mscc_emit(r, nowhere), MSCC_ERR_WRITE);
    cr_assert(strstr(mscc_result_message(r), "out.c"), "%s", mscc_result_message(r));
    mscc_result_free(r);
    /* werror: a kernel left unchanged fails the call, and there is no text */
    char bad[300];
    write_in_dir("bad.c",
                 "#pragma mscc kernel\nvoid f(int n, float *x) { while (n--) x[n] = 0; }\n", bad,
                 sizeof bad);
    o.input = bad;
    o.werror = 1;
    cr_assert_eq(mscc_tune(&o, &r), MSCC_ERR_REFUSED);
    cr_assert_null(mscc_result_text(r, NULL));
    cr_assert(strstr(mscc_result_diagnostics(r), "error:"), "%s", mscc_result_diagnostics(r));
    cr_assert_str_eq(mscc_status_string(MSCC_ERR_REFUSED),
                     "a kernel was left unchanged under werror");
    mscc_result_free(r);
}

/* ---- threads ---- */

typedef struct job {
    int index, trials, rounds;
    char in[300], db[300];
    char *first; /* the first round's text */
    int failures;
    char why[400];
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    for (int round = 0; round < j->rounds; round++) {
        mscc_options o;
        mscc_options_init(&o);
        o.input = j->in;
        o.trials = j->trials;
        o.db = j->db;
        o.threads = 1;
        o.jobs = 1;
        o.seed = 7;
        mscc_result *r;
        mscc_status s = mscc_tune(&o, &r);
        const char *t = mscc_result_text(r, NULL);
        if (s != MSCC_OK || !t) {
            j->failures++;
            snprintf(j->why, sizeof j->why, "%s", mscc_result_message(r));
        } else if (!j->first) {
            j->first = strdup(t);
        } else if (j->trials == 0 && strcmp(j->first, t)) {
            j->failures++; /* without measurement, every round gives the same bytes */
            snprintf(j->why, sizeof j->why, "round %d differs", round);
        }
        mscc_result_free(r);
    }
    return NULL;
}

static void run_threads(job *jobs, int n)
{
    pthread_t th[8];
    for (int i = 0; i < n; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
}

Test(api, calls_on_different_files_run_at_once_in_threads, .timeout = 600)
{
    enum { N = 4 };
    job jobs[N] = {{0}};
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "k%d.c", i);
        char *k = kernel_text(i);
        write_in_dir(name, k, jobs[i].in, sizeof jobs[i].in);
        free(k);
        jobs[i].index = i;
        /* two measure (each in its own database), two replay the default */
        jobs[i].trials = i < 2 ? 4 : 0;
        jobs[i].rounds = i < 2 ? 1 : 6;
        snprintf(jobs[i].db, sizeof jobs[i].db, "%s/db%d", dir, i);
    }
    run_threads(jobs, N);
    for (int i = 0; i < N; i++) {
        cr_expect_eq(jobs[i].failures, 0, "thread %d: %s", i, jobs[i].why);
        char want[32];
        snprintf(want, sizeof want, "scale%d", i);
        cr_assert(jobs[i].first && strstr(jobs[i].first, want));
        for (int other = 0; other < N; other++) {
            char name[32];
            snprintf(name, sizeof name, "void scale%d(", other);
            cr_expect_eq(strstr(jobs[i].first, name) != NULL, other == i,
                         "thread %d's text holds kernel %d", i, other);
        }
    }
    /* each measuring thread's database holds its own kernel's records alone */
    for (int i = 0; i < 2; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/records.jsonl", jobs[i].db);
        char *rec = slurp(path);
        cr_assert(rec, "no records in %s", jobs[i].db);
        for (int other = 0; other < N; other++) {
            char name[32];
            snprintf(name, sizeof name, "\"scale%d\"", other);
            cr_expect_eq(strstr(rec, name) != NULL, other == i, "db %d has kernel %d", i, other);
        }
        free(rec);
    }
    /* the same files one at a time: the unmeasured texts are the same */
    job again[N];
    memcpy(again, jobs, sizeof again);
    for (int i = 2; i < N; i++) {
        again[i].first = NULL;
        again[i].rounds = 1;
        run_job(&again[i]);
        cr_expect_str_eq(again[i].first, jobs[i].first);
        free(again[i].first);
    }
    for (int i = 0; i < N; i++)
        free(jobs[i].first);
}
