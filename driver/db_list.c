/*
 * db_list.c - `mscc db list [DIR]`: what a tuning database holds, one line
 * per kernel, sizes, target and model: the best time, the original's,
 * candidates measured, how many failed, and what the last search shipped.
 */
#include "driver/driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct group {
    const ms_db_record *first, *best, *decision;
    int trials, failed;
} group;

int ms_db_list_main(int argc, char **argv)
{
    if (argc > 3 || (argc == 3 && argv[2][0] == '-')) {
        fprintf(stderr, "usage: mscc db list [DIR]\n");
        return 1;
    }
    char *dir = ms_db_default_dir(argc == 3 ? argv[2] : NULL);
    char why[512];
    ms_db *db = ms_db_open(dir, why, sizeof why);
    if (!db) {
        fprintf(stderr, "mscc: error: %s\n", why);
        free(dir);
        return 1;
    }
    const char *const *warns;
    int nw = ms_db_warnings(db, &warns);
    for (int i = 0; i < nw; i++)
        fprintf(stderr, "mscc: warning: %s\n", warns[i]);
    const ms_db_record *recs;
    int n = ms_db_records(db, &recs);
    group *gs = ms_xcalloc((size_t)(n ? n : 1), sizeof *gs);
    int ng = 0;
    for (int i = 0; i < n; i++) {
        const ms_db_record *r = &recs[i];
        int g = 0;
        while (g < ng && !(ms_db_key_equal(&gs[g].first->key, &r->key) &&
                           !strcmp(gs[g].first->kernel, r->kernel)))
            g++;
        if (g == ng)
            gs[ng++] = (group){r, NULL, NULL, 0, 0};
        if (ms_db_is_outcome(r)) {
            if (strcmp(r->status, MS_DB_REFUSED))
                gs[g].decision = r;
            continue;
        }
        gs[g].trials++;
        if (strcmp(r->status, "ok"))
            gs[g].failed++;
        else if (!gs[g].best || r->seconds < gs[g].best->seconds)
            gs[g].best = r;
    }
    printf("%s: %d records\n", ms_db_path(db), n);
    printf("%-16s %-24s %-8s %3s %12s %12s %8s %6s %6s %-8s  %s\n", "kernel", "sizes", "fp", "thr",
           "original ms", "best ms", "speedup", "trials", "failed", "shipped", "target");
    for (int g = 0; g < ng; g++) {
        const ms_db_record *f = gs[g].first, *b = gs[g].best;
        printf("%-16s %-24s %-8s %3d %12.4g ", f->kernel, f->key.sizes,
               f->key.fp_strict ? "strict" : "reassoc", f->key.threads, f->original_seconds * 1e3);
        if (b)
            printf("%12.4g %7.2fx ", b->seconds * 1e3,
                   b->seconds > 0 ? b->original_seconds / b->seconds : 0.0);
        else
            printf("%12s %8s ", "-", "-");
        const ms_db_record *d = gs[g].decision;
        printf("%6d %6d %-8s  %s\n", gs[g].trials, gs[g].failed,
               !d                                 ? "-"
               : !strcmp(d->status, MS_DB_CHOSEN) ? "tuned"
                                                  : "original",
               f->key.target);
    }
    free(gs);
    ms_db_close(db);
    free(dir);
    return 0;
}
