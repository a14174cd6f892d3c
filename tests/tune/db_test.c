/*
 * db_test.c - the tuning database: records round-trip, the latest
 * decision for a key is found (and only for the same compiler, flags and
 * version; others' records seed, but not a trace found wrong), a damaged or truncated line is
 * skipped with a warning, a line of a newer schema is refused with a clear message, two processes
 * appending at once lose nothing, and a process killed while writing
 * leaves every earlier record readable. The cost model's rows round-trip,
 * scored within their group.
 */
#include "testutil.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *fresh_dir(void)
{
    char *d = ms_tempdir_new();
    cr_assert_not_null(d);
    return d;
}

/* get_block, get_loops, then a parallel loop: the first or the second */
static ms_trace *parallel_trace(int loop)
{
    const char *why;
    char text[512];
    snprintf(text, sizeof text,
             "{\"mscc_trace\": 1, \"insts\": [{\"kind\": \"get_block\", \"str\": \"C_1\", "
             "\"out\": [\"b0\"]}, {\"kind\": \"get_loops\", \"in\": [\"b0\"], \"out\": "
             "[\"l1\", \"l2\"]}, {\"kind\": \"parallel\", \"in\": [\"l%d\"]}]}",
             loop);
    ms_trace *t = ms_trace_from_json(text, &why);
    cr_assert_not_null(t, "%s", why);
    return t;
}

static ms_trace *small_trace(void)
{
    return parallel_trace(1);
}

static ms_db_record rec(ms_trace *t, const char *workload, double secs, const char *version)
{
    return (ms_db_record){{(char *)workload, "N=64", "test cpu; 2 cores", 2, false},
                          "k",
                          "cc 1.0",
                          "-O3",
                          (char *)version,
                          "ok",
                          t,
                          secs,
                          1.0,
                          0.01,
                          1700000000,
                          64};
}

static int count_lines(const char *path)
{
    char *text = ms_read_file(path, NULL);
    int n = 0;
    for (const char *p = text; p && *p; p++)
        n += *p == '\n';
    free(text);
    return n;
}

Test(db, records_round_trip_and_the_latest_decision_is_replayed)
{
    char *dir = fresh_dir(), why[512];
    ms_trace *t = small_trace(), *empty = ms_trace_new();
    ms_db *db = ms_db_open(dir, why, sizeof why);
    cr_assert_not_null(db, "%s", why);
    ms_db_record rs[5] = {rec(t, "aaaa", 0.5, "0.1.0"), rec(t, "aaaa", 0.25, "0.1.0"),
                          rec(t, "aaaa", 0.1, "0.0.9"), rec(t, "aaaa", 0.25, "0.1.0"),
                          rec(empty, "aaaa", 0.5, "0.1.0")};
    rs[3].status = MS_DB_CHOSEN;
    cr_assert(ms_db_append(db, 4, rs, why, sizeof why), "%s", why);
    ms_db_close(db);
    db = ms_db_open(dir, why, sizeof why);
    const ms_db_record *all;
    cr_expect_eq(ms_db_records(db, &all), 4);
    ms_db_key key = rs[0].key;
    const ms_db_record *d = ms_db_decision(db, &key, "cc 1.0", "-O3", "0.1.0");
    cr_assert_not_null(d);
    cr_expect_str_eq(d->status, MS_DB_CHOSEN);
    cr_expect_float_eq(d->seconds, 0.25, 1e-12);
    cr_expect_eq(d->budget, 64, "the decision's budget did not round-trip");
    char *a = ms_trace_to_json(d->trace), *b = ms_trace_to_json(t);
    cr_expect_str_eq(a, b);
    /* measurements only count as trials, and only this compiler's and version's */
    cr_expect_eq(ms_db_trials(db, &key, "cc 1.0", "-O3", "0.1.0"), 2);
    cr_expect_null(ms_db_decision(db, &key, "cc 2.0", "-O3", "0.1.0"));
    cr_expect_null(ms_db_decision(db, &key, "cc 1.0", "-O3", "0.0.9"));
    /* other versions seed the search, fastest first */
    const ms_trace *seeds[4];
    cr_expect_eq(ms_db_seeds(db, &key, 4, seeds), 3);
    cr_expect_eq(seeds[0], all[2].trace);
    ms_db_key other = key;
    other.workload = "bbbb";
    cr_expect_null(ms_db_decision(db, &other, "cc 1.0", "-O3", "0.1.0"));
    /* a later decision wins: the original kept */
    rs[4].status = MS_DB_ORIGINAL;
    cr_assert(ms_db_append(db, 1, &rs[4], why, sizeof why), "%s", why);
    ms_db_close(db);
    db = ms_db_open(dir, why, sizeof why);
    d = ms_db_decision(db, &key, "cc 1.0", "-O3", "0.1.0");
    cr_assert_not_null(d);
    cr_expect_str_eq(d->status, MS_DB_ORIGINAL);
    free(a);
    free(b);
    ms_db_close(db);
    ms_trace_free(t);
    ms_trace_free(empty);
    ms_tempdir_remove(dir);
    free(dir);
}

Test(db, a_trace_found_wrong_does_not_seed)
{
    char *dir = fresh_dir(), why[512];
    ms_trace *t = parallel_trace(1), *u = parallel_trace(2);
    ms_db *db = ms_db_open(dir, why, sizeof why);
    cr_assert_not_null(db, "%s", why);
    ms_db_record rs[3] = {rec(t, "aaaa", 0.1, "0.1.0"), rec(u, "aaaa", 0.2, "0.1.0"),
                          rec(t, "aaaa", 0, "0.1.0")};
    rs[2].status = MS_DB_REFUSED;
    cr_assert(ms_db_append(db, 3, rs, why, sizeof why), "%s", why);
    const ms_trace *seeds[4];
    cr_assert_eq(ms_db_seeds(db, &rs[0].key, 4, seeds), 1);
    char *a = ms_trace_to_json(seeds[0]), *b = ms_trace_to_json(u);
    cr_expect_str_eq(a, b, "the trace found wrong at other sizes seeded the search");
    free(a);
    free(b);
    ms_db_close(db);
    ms_trace_free(t);
    ms_trace_free(u);
    ms_tempdir_remove(dir);
    free(dir);
}

Test(db, damaged_and_newer_lines_are_skipped_with_warnings)
{
    char *dir = fresh_dir(), why[512];
    ms_trace *t = small_trace();
    ms_db *db = ms_db_open(dir, why, sizeof why);
    ms_db_record r = rec(t, "aaaa", 0.5, "0.1.0");
    cr_assert(ms_db_append(db, 1, &r, why, sizeof why));
    char path[4200];
    snprintf(path, sizeof path, "%s", ms_db_path(db));
    ms_db_close(db);
    FILE *f = fopen(path, "a");
    fputs("{\"schema\": 1, \"workload\": \"aaaa\", \"sizes\n", f); /* damaged */
    fputs("{\"schema\": 7, \"workload\": \"aaaa\"}\n", f);         /* a newer mscc */
    fputs("{\"schema\": 1, \"workload\": \"aaaa\", \"sizes\": \"N=64\"}\n", f);
    fclose(f);
    cr_assert(ms_db_append(db = ms_db_open(dir, why, sizeof why), 1, &r, why, sizeof why));
    ms_db_close(db);
    db = ms_db_open(dir, why, sizeof why);
    const ms_db_record *all;
    cr_expect_eq(ms_db_records(db, &all), 2);
    const char *const *w;
    int nw = ms_db_warnings(db, &w);
    cr_assert_eq(nw, 3);
    cr_expect(strstr(w[0], ":2: damaged record skipped: not JSON"), "%s", w[0]);
    cr_expect(strstr(w[1], ":3: record skipped: written by a newer mscc"), "%s", w[1]);
    cr_expect(strstr(w[2], ":4: damaged record skipped: a field is missing"), "%s", w[2]);
    ms_db_close(db);
    ms_trace_free(t);
    ms_tempdir_remove(dir);
    free(dir);
}

/* Two processes append 50 batches of 4 records each at the same time. */
Test(db, concurrent_writers_lose_nothing)
{
    char *dir = fresh_dir(), why[512];
    pid_t kids[2];
    for (int p = 0; p < 2; p++) {
        kids[p] = fork();
        if (kids[p] == 0) {
            ms_trace *t = small_trace();
            ms_db *db = ms_db_open(dir, why, sizeof why);
            ms_db_record rs[4];
            for (int i = 0; i < 4; i++)
                rs[i] = rec(t, p ? "bbbb" : "aaaa", 0.1 * (i + 1), "0.1.0");
            bool ok = true;
            for (int b = 0; b < 50; b++)
                ok = ok && ms_db_append(db, 4, rs, why, sizeof why);
            _exit(ok ? 0 : 1);
        }
    }
    for (int p = 0; p < 2; p++) {
        int st;
        waitpid(kids[p], &st, 0);
        cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    ms_db *db = ms_db_open(dir, why, sizeof why);
    const ms_db_record *all;
    cr_expect_eq(ms_db_records(db, &all), 400);
    const char *const *w;
    cr_expect_eq(ms_db_warnings(db, &w), 0);
    ms_db_close(db);
    ms_tempdir_remove(dir);
    free(dir);
}

/* A writer killed in the middle of its records: the earlier ones stay. */
Test(db, a_kill_during_a_write_loses_at_most_that_batch)
{
    char *dir = fresh_dir(), why[512];
    pid_t kid = fork();
    if (kid == 0) {
        ms_trace *t = small_trace();
        ms_db *db = ms_db_open(dir, why, sizeof why);
        ms_db_record r = rec(t, "aaaa", 0.5, "0.1.0");
        for (;;)
            ms_db_append(db, 1, &r, why, sizeof why);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/records.jsonl", dir);
    while (count_lines(path) < 20)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    kill(kid, SIGKILL);
    waitpid(kid, NULL, 0);
    /* what a kill in the middle of write() leaves: a torn last line */
    FILE *f = fopen(path, "a");
    fputs("{\"schema\": 1, \"workload\": \"aa", f);
    fclose(f);
    int lines = count_lines(path);
    ms_db *db = ms_db_open(dir, why, sizeof why);
    const ms_db_record *all;
    cr_expect_eq(ms_db_records(db, &all), lines);
    const char *const *w;
    cr_expect_eq(ms_db_warnings(db, &w), 1);
    ms_db_close(db);
    ms_tempdir_remove(dir);
    free(dir);
}

/* A machine's facts (its peak rates): the latest value for a key and name,
 * kept across openings; another key's, a damaged line's, none. */
Test(db, facts_round_trip_and_the_latest_wins)
{
    char *dir = fresh_dir(), why[512];
    ms_db *db = ms_db_open(dir, why, sizeof why);
    cr_assert_not_null(db, "%s", why);
    double v = -1;
    cr_expect_not(ms_db_fact(db, "cpu A", "peak_f32", &v), "a fact before any was put");
    cr_assert(ms_db_put_fact(db, "cpu A", "peak_f32", 100.5, why, sizeof why), "%s", why);
    cr_assert(ms_db_put_fact(db, "cpu B", "peak_f32", 7, why, sizeof why), "%s", why);
    cr_assert(ms_db_put_fact(db, "cpu A", "peak_f32", 200.25, why, sizeof why), "%s", why);
    ms_db_close(db);
    char path[4200];
    snprintf(path, sizeof path, "%s/facts.jsonl", dir);
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fputs("{\"schema\": 1, \"key\": \"cpu A\", \"na\n", f); /* damaged: skipped */
    fclose(f);
    db = ms_db_open(dir, why, sizeof why);
    cr_assert(ms_db_fact(db, "cpu A", "peak_f32", &v));
    cr_expect_float_eq(v, 200.25, 1e-9);
    cr_assert(ms_db_fact(db, "cpu B", "peak_f32", &v));
    cr_expect_float_eq(v, 7, 1e-9);
    cr_expect_not(ms_db_fact(db, "cpu A", "peak_f64", &v));
    cr_expect_not(ms_db_fact(db, "cpu C", "peak_f32", &v));
    ms_db_close(db);
    ms_tempdir_remove(dir);
    free(dir);
}

Test(db, cost_rows_round_trip_scored_within_their_group)
{
    char *dir = fresh_dir(), why[512], path[4200];
    snprintf(path, sizeof path, "%s/cost-rows-x.txt", dir);
    int nf = ms_feature_count();
    float *feat = ms_xcalloc((size_t)3 * (size_t)nf, sizeof(float));
    for (int i = 0; i < 3 * nf; i++)
        feat[i] = (float)i * 0.25f;
    double a_secs[2] = {2.0, 1.0}, b_secs[1] = {5.0};
    cr_assert(ms_cost_rows_append(path, "a:M=8:2", 2, feat, a_secs, why, sizeof why), "%s", why);
    cr_assert(ms_cost_rows_append(path, "b:M=8:2", 1, feat + 2 * nf, b_secs, why, sizeof why), "%s",
              why);
    /* another layout's row, a torn line: skipped */
    FILE *f = fopen(path, "a");
    cr_assert_not_null(f);
    fprintf(f, "v0 a:M=8:2 0.5 1 2 3\nv%d a:M=8:2 0.5 1 2", MS_FEATURE_VERSION);
    fclose(f);
    float *got, *scores;
    int n = ms_cost_rows_read(path, 100, &got, &scores);
    cr_assert_eq(n, 3);
    /* the best of a group scores 1, the others their time relative to it */
    cr_expect_float_eq(scores[0], 0.5f, 1e-6);
    cr_expect_float_eq(scores[1], 1.0f, 1e-6);
    cr_expect_float_eq(scores[2], 1.0f, 1e-6);
    for (int i = 0; i < 3 * nf; i++)
        cr_expect_float_eq(got[i], feat[i], 1e-6 * (1 + feat[i]));
    free(got);
    free(scores);
    /* at most max rows: the latest, each whole (the torn last line would
     * replace the oldest kept, and must not write over it half-way) */
    n = ms_cost_rows_read(path, 2, &got, &scores);
    cr_assert_eq(n, 2);
    bool has_b = false;
    for (int i = 0; i < n; i++) {
        has_b = has_b || got[(size_t)i * (size_t)nf + 1] == feat[2 * nf + 1];
        int same[2] = {0, 0};
        for (int r = 1; r < 3; r++)
            for (int k = 0; k < nf; k++)
                same[r - 1] += got[(size_t)i * (size_t)nf + (size_t)k] == feat[r * nf + k];
        cr_expect(same[0] == nf || same[1] == nf, "row %d is not one of the latest two", i);
    }
    cr_expect(has_b, "the latest row was not kept");
    free(got);
    free(scores);
    /* a time no run takes (the db fuzz target's 9e-85 s): skipped, not
     * the best of its group making the others score 0 */
    f = fopen(path, "a");
    cr_assert_not_null(f);
    fprintf(f, "\nv%d a:M=8:2 9e-85", MS_FEATURE_VERSION);
    for (int k = 0; k < nf; k++)
        fprintf(f, " 1");
    fprintf(f, "\n");
    fclose(f);
    n = ms_cost_rows_read(path, 100, &got, &scores);
    cr_assert_eq(n, 3);
    for (int i = 0; i < n; i++)
        cr_expect(scores[i] > 0 && scores[i] <= 1, "row %d scores %g", i, (double)scores[i]);
    free(got);
    free(scores);
    cr_expect_eq(ms_cost_rows_read("/nonexistent/rows.txt", 10, &got, &scores), 0);
    free(feat);
    ms_tempdir_remove(dir);
    free(dir);
}

/* Two machines' databases merged: every record once (the one both copied
 * from a common base too), in time order; where they decided differently
 * for one kernel, the faster decision is what the merge replays; the facts
 * and cost-model rows line by line, each once. An output that already
 * holds records is refused. */
Test(db, merge_keeps_history_and_the_best_decision)
{
    char *a = fresh_dir(), *b = fresh_dir(), *base = fresh_dir(), why[512];
    ms_trace *t1 = parallel_trace(1), *t2 = parallel_trace(2);
    ms_db *da = ms_db_open(a, why, sizeof why), *db = ms_db_open(b, why, sizeof why);
    cr_assert(da && db, "%s", why);
    ms_db_record shared = rec(t1, "aaaa", 0.5, "0.1.0");
    shared.timestamp = 1000;
    ms_db_record ra[2] = {rec(t1, "aaaa", 0.4, "0.1.0"), rec(t1, "aaaa", 0.4, "0.1.0")};
    ra[0].timestamp = 2000;
    ra[1].timestamp = 3000;
    ra[1].status = MS_DB_CHOSEN; /* A's decision: 0.4 s, the latest of all */
    ms_db_record rb[3] = {rec(t2, "aaaa", 0.2, "0.1.0"), rec(t2, "aaaa", 0.2, "0.1.0"),
                          rec(t2, "bbbb", 0.3, "0.1.0")};
    rb[0].timestamp = 1500;
    rb[1].timestamp = 1600;
    rb[1].status = MS_DB_CHOSEN; /* B's: 0.2 s, but earlier */
    rb[2].timestamp = 1700;
    rb[2].status = MS_DB_ORIGINAL;
    cr_assert(ms_db_append(da, 1, &shared, why, sizeof why) &&
              ms_db_append(da, 2, ra, why, sizeof why));
    cr_assert(ms_db_append(db, 1, &shared, why, sizeof why) &&
              ms_db_append(db, 3, rb, why, sizeof why));
    cr_assert(ms_db_put_fact(da, "cpu", "peak_f32", 100, why, sizeof why));
    cr_assert(ms_db_put_fact(db, "cpu", "peak_f32", 100, why, sizeof why));
    cr_assert(ms_db_put_fact(db, "cpu", "peak_f64", 50, why, sizeof why));
    ms_str rows = {0};
    ms_str_add(&rows, "v1 g 0.5 1 2\n");
    char path[8400];
    snprintf(path, sizeof path, "%s/cost-rows-0000000000000001.txt", a);
    cr_assert(ms_db_append_lines(path, &rows, why, sizeof why));
    snprintf(path, sizeof path, "%s/cost-rows-0000000000000001.txt", b);
    ms_str_add(&rows, "v1 g 0.25 3 4\n");
    cr_assert(ms_db_append_lines(path, &rows, why, sizeof why));
    ms_str_free(&rows);
    ms_db_close(da);
    ms_db_close(db);

    char out[4200];
    snprintf(out, sizeof out, "%s/merged", base);
    const char *ins[] = {a, b};
    char **warns;
    int nw;
    int n = ms_db_merge(2, ins, out, why, sizeof why, &warns, &nw);
    cr_assert_eq(n, 1 + 2 + 3 + 1, "%s", why); /* shared once, then B's decision again */
    cr_expect_eq(nw, 0);
    free(warns);
    ms_db *m = ms_db_open(out, why, sizeof why);
    const ms_db_record *all;
    cr_assert_eq(ms_db_records(m, &all), n);
    for (int i = 1; i < n; i++)
        cr_expect_leq(all[i - 1].timestamp, all[i].timestamp, "record %d out of time order", i);
    ms_db_key key = shared.key;
    const ms_db_record *d = ms_db_decision(m, &key, "cc 1.0", "-O3", "0.1.0");
    cr_assert_not_null(d);
    cr_expect_float_eq(d->seconds, 0.2, 1e-12, "the merge replays %g s, not the best", d->seconds);
    char *got = ms_trace_to_json(d->trace), *want = ms_trace_to_json(t2);
    cr_expect_str_eq(got, want);
    free(got);
    free(want);
    key.workload = "bbbb";
    d = ms_db_decision(m, &key, "cc 1.0", "-O3", "0.1.0");
    cr_expect(d && !strcmp(d->status, MS_DB_ORIGINAL), "B's other kernel lost");
    double v;
    cr_expect(ms_db_fact(m, "cpu", "peak_f32", &v) && v == 100);
    cr_expect(ms_db_fact(m, "cpu", "peak_f64", &v) && v == 50);
    snprintf(path, sizeof path, "%s/facts.jsonl", out);
    cr_expect_eq(count_lines(path), 2, "a fact both had is written once");
    snprintf(path, sizeof path, "%s/cost-rows-0000000000000001.txt", out);
    cr_expect_eq(count_lines(path), 2, "the rows both had are written once");
    ms_db_close(m);
    /* merging into a database is refused; so is a folder that is not one */
    cr_expect_eq(ms_db_merge(2, ins, out, why, sizeof why, &warns, &nw), -1);
    cr_expect(strstr(why, "already holds a database"), "%s", why);
    free(warns);
    const char *bad[] = {a, "/nonexistent/db"};
    snprintf(out, sizeof out, "%s/merged2", base);
    cr_expect_eq(ms_db_merge(2, bad, out, why, sizeof why, &warns, &nw), -1);
    cr_expect(strstr(why, "not a database folder"), "%s", why);
    free(warns);
    ms_trace_free(t1);
    ms_trace_free(t2);
    ms_tempdir_remove(a);
    ms_tempdir_remove(b);
    ms_tempdir_remove(base);
    free(a);
    free(b);
    free(base);
}
