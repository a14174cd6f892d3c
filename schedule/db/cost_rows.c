/*
 * cost_rows.c - what the cost model learns from, kept beside the records:
 * one text line per candidate that ran correctly (or was stopped as slow:
 * its lower bound), "v<layout> <group> <seconds> <feature>...", appended under the database's lock.
 * A run trains its model on the latest rows of every kernel tuned on the machine, so that a later
 * search of a kernel never seen, or a --predict, starts from all of them. Rows of another feature
 * layout and damaged lines are skipped; the scores are relative within a group (the same kernel,
 * sizes and threads), since throughput is not comparable across kernels.
 */
#include "schedule/schedule.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The times a row may hold: none is shorter than a picosecond or longer
 * than four months, and within these a score (a ratio of two times) is a
 * float above 0. A row of 9e-85 s (the db fuzz target) made the others
 * of its group score 0, which the model cannot learn from. */
#define ROW_SECONDS_MIN 1e-12
#define ROW_SECONDS_MAX 1e7

bool ms_cost_rows_append(const char *path, const char *group, int n, const float *features,
                         const double *seconds, char *why, size_t wn)
{
    int nf = ms_feature_count();
    ms_str text = {0};
    for (int i = 0; i < n; i++) {
        if (!(seconds[i] >= ROW_SECONDS_MIN && seconds[i] <= ROW_SECONDS_MAX))
            continue;
        ms_str_addf(&text, "v%d %s %.9g", MS_FEATURE_VERSION, group, seconds[i]);
        for (int k = 0; k < nf; k++)
            ms_str_addf(&text, " %.7g", (double)features[(size_t)i * (size_t)nf + (size_t)k]);
        ms_str_add(&text, "\n");
    }
    bool ok = text.len == 0 || ms_db_append_lines(path, &text, why, wn);
    ms_str_free(&text);
    return ok;
}

typedef struct row {
    char *group;
    double seconds;
} row;

/* One line into r and feat (nf floats); false if it is not a row of this
 * layout. */
static bool parse_row(char *line, int nf, row *r, float *feat)
{
    char tag[16], group[512];
    int used = 0;
    if (sscanf(line, "%15s %511s %lf%n", tag, group, &r->seconds, &used) != 3 ||
        atoi(tag + 1) != MS_FEATURE_VERSION || tag[0] != 'v' ||
        !(r->seconds >= ROW_SECONDS_MIN && r->seconds <= ROW_SECONDS_MAX))
        return false;
    char *p = line + used;
    for (int k = 0; k < nf; k++) {
        char *end;
        feat[k] = strtof(p, &end);
        if (end == p)
            return false;
        p = end;
    }
    while (*p == ' ' || *p == '\r')
        p++;
    if (*p)
        return false;
    r->group = ms_xstrdup(group);
    return true;
}

static int by_group(const void *a, const void *b)
{
    return strcmp((*(const row *const *)a)->group, (*(const row *const *)b)->group);
}

int ms_cost_rows_read(const char *path, int max, float **features, float **scores)
{
    *features = NULL;
    *scores = NULL;
    char *text = ms_read_file(path, NULL);
    if (!text || max < 1) {
        free(text);
        return 0;
    }
    int nf = ms_feature_count();
    /* a ring of the latest max rows */
    row *rows = ms_xcalloc((size_t)max, sizeof *rows);
    float *feat = ms_xcalloc((size_t)max * (size_t)nf, sizeof(float));
    /* a line is read aside: one that fails half-way leaves the ring's
     * oldest row, which it would replace, whole */
    float *line_feat = ms_xcalloc((size_t)(nf ? nf : 1), sizeof(float));
    int n = 0, next = 0;
    for (char *line = text, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        if (nl)
            *nl++ = '\0';
        row r;
        if (!parse_row(line, nf, &r, line_feat))
            continue;
        memcpy(feat + (size_t)next * (size_t)nf, line_feat, sizeof(float) * (size_t)nf);
        free(rows[next].group);
        rows[next] = r;
        next = (next + 1) % max;
        n += n < max;
    }
    free(text);
    free(line_feat);
    /* the best of each group over each row's own time: the rows sorted by
     * group, each group's best found in one pass */
    const row **by = ms_xcalloc((size_t)(n ? n : 1), sizeof *by);
    for (int i = 0; i < n; i++)
        by[i] = &rows[i];
    qsort(by, (size_t)n, sizeof *by, by_group);
    *scores = ms_xcalloc((size_t)(n ? n : 1), sizeof(float));
    for (int a = 0, b; a < n; a = b) {
        double best = by[a]->seconds;
        for (b = a; b < n && !strcmp(by[b]->group, by[a]->group); b++)
            best = by[b]->seconds < best ? by[b]->seconds : best;
        for (int i = a; i < b; i++)
            (*scores)[by[i] - rows] = (float)(best / by[i]->seconds);
    }
    free(by);
    for (int i = 0; i < max; i++)
        free(rows[i].group);
    free(rows);
    *features = feat;
    return n;
}
