/*
 * fuzz_db.c - libFuzzer target: a tuning database folder that arrived
 * from another machine. The input is its records.jsonl, its facts.jsonl
 * and a cost-model rows file at once; each reader must skip what it
 * cannot use (with a warning for records) and answer every query. The
 * traces of the records are then replayed on the fixture kernels, as a
 * search replays the database's best as seeds, and the folder is merged
 * with itself (`mscc db merge`): no record twice, no decision lost.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Empties folder d (no subfolders), so that a merge may write it anew. */
static void clear_dir(const char *d)
{
    DIR *h = opendir(d);
    for (struct dirent *e; h && (e = readdir(h));) {
        char p[700];
        snprintf(p, sizeof p, "%s/%s", d, e->d_name);
        if (e->d_name[0] != '.')
            unlink(p);
    }
    if (h)
        closedir(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[300];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/db", fz_dir());
        mkdir(dir, 0755);
        /* `mscc db list` prints: not into the fuzzer's log */
        if (!freopen("/dev/null", "w", stdout))
            abort();
    }
    fz_write("db/records.jsonl", data, size);
    fz_write("db/facts.jsonl", data, size);
    const char *rows = fz_write("db/rows.txt", data, size);

    float *features = NULL, *scores = NULL;
    int nrows = ms_cost_rows_read(rows, 1 + (int)(size % 100), &features, &scores);
    for (int i = 0; i < nrows; i++)
        if (!(scores[i] > 0 && scores[i] <= 1))
            abort();
    free(features);
    free(scores);

    char why[512];
    ms_db *db = ms_db_open(dir, why, sizeof why);
    if (!db)
        abort();
    const ms_db_record *recs;
    int n = ms_db_records(db, &recs);
    const char *const *warns;
    ms_db_warnings(db, &warns);
    double v;
    ms_db_fact(db, "x86_64", "peak_f32", &v);
    const ms_source *src = fz_fixture(false);
    char *names[16];
    ms_trace *traces[16];
    int nt = 0;
    for (int i = 0; i < n && i < 64; i++) {
        const ms_db_record *r = &recs[i];
        ms_db_decision(db, &r->key, r->compiler, r->flags, r->version);
        ms_db_trials(db, &r->key, r->compiler, r->flags, r->version);
        const ms_trace *seeds[4];
        int ns = ms_db_seeds(db, &r->key, 4, seeds);
        for (int s = 0; s < ns && nt < 16; s++) {
            names[nt] = (char *)src->kernels[nt % src->nkernels].name;
            traces[nt++] = (ms_trace *)seeds[s];
        }
    }
    fz_schedule(src, nt, names, traces);

    /* merged with itself: no record twice, and every decision as fast */
    char out[400];
    snprintf(out, sizeof out, "%s/merged", fz_dir());
    clear_dir(out);
    const char *ins[] = {dir, dir};
    char **mwarns;
    int nmw;
    int nm = ms_db_merge(2, ins, out, why, sizeof why, &mwarns, &nmw);
    for (int i = 0; i < nmw; i++)
        free(mwarns[i]);
    free(mwarns);
    if (nm < 0 || nm > n)
        abort();
    ms_db *m = ms_db_open(out, why, sizeof why);
    for (int i = 0; m && i < n && i < 64; i++) {
        const ms_db_record *r = &recs[i];
        const ms_db_record *a = ms_db_decision(db, &r->key, r->compiler, r->flags, r->version);
        const ms_db_record *b = ms_db_decision(m, &r->key, r->compiler, r->flags, r->version);
        if (!a != !b)
            abort();
    }
    ms_db_close(m);
    ms_db_close(db);
    char *argv[] = {"db", "list", dir, NULL};
    ms_db_list_main(3, argv);
    return 0;
}
