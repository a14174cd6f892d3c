/*
 * merge.c - `mscc db merge A B ... -o C`: database folders tuned on
 * several machines (shards of one invocation, a lab of boards) become one.
 * History is kept: every record of every input, in time order, each once
 * (a record two inputs share, as copies of one base do, is written once).
 * The best is kept: where inputs decided differently for the same kernel,
 * sizes, target, compiler, flags and version, the decision with the
 * shortest time is written again last, so that it is what a later run
 * replays. Beside the records: the facts and the cost model's rows,
 * line by line, each once; a saved cost model, the newest of each name.
 */
#include "schedule/schedule.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct entry {
    const ms_db_record *r;
    char *trace; /* its JSON, for sameness */
    int order;   /* input, then position: a stable sort */
} entry;

static int by_time(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->r->timestamp != y->r->timestamp)
        return x->r->timestamp < y->r->timestamp ? -1 : 1;
    return x->order - y->order;
}

static bool str_same(const char *a, const char *b)
{
    return !strcmp(a ? a : "", b ? b : "");
}

static bool same_record(const entry *x, const entry *y)
{
    const ms_db_record *a = x->r, *b = y->r;
    return ms_db_key_equal(&a->key, &b->key) && str_same(a->kernel, b->kernel) &&
           str_same(a->compiler, b->compiler) && str_same(a->flags, b->flags) &&
           str_same(a->version, b->version) && str_same(a->status, b->status) &&
           a->seconds == b->seconds && a->original_seconds == b->original_seconds &&
           a->timestamp == b->timestamp && a->budget == b->budget && !strcmp(x->trace, y->trace);
}

static bool is_decision(const ms_db_record *r)
{
    return !strcmp(r->status, MS_DB_CHOSEN) || !strcmp(r->status, MS_DB_ORIGINAL);
}

/* A decision's time per call: the shipped schedule's, or the original's. */
static double decided_seconds(const ms_db_record *r)
{
    return !strcmp(r->status, MS_DB_CHOSEN) ? r->seconds : r->original_seconds;
}

static bool same_maker(const ms_db_record *a, const ms_db_record *b)
{
    return ms_db_key_equal(&a->key, &b->key) && str_same(a->compiler, b->compiler) &&
           str_same(a->flags, b->flags) && str_same(a->version, b->version);
}

/* The text lines of dir/name, appended to out where out lacks them. */
static void add_lines(const char *dir, const char *name, ms_str *out)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = ms_read_file(path, NULL);
    for (char *line = text, *nl; line && *line; line = nl) {
        nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        nl = nl ? nl + 1 : line + len;
        if (!len)
            continue;
        bool seen = false;
        for (const char *p = out->buf; p && !seen && *p;) {
            const char *e = strchr(p, '\n');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            seen = l == len && !memcmp(p, line, len);
            p = e ? e + 1 : p + l;
        }
        if (!seen) {
            ms_str_addn(out, line, len);
            ms_str_add(out, "\n");
        }
    }
    free(text);
}

static bool copy_file(const char *from, const char *to)
{
    size_t len;
    char *text = ms_read_file(from, &len);
    FILE *f = text ? fopen(to, "wb") : NULL;
    bool ok = f && fwrite(text, 1, len, f) == len;
    ok = f && fclose(f) == 0 && ok;
    free(text);
    return ok;
}

/* The side files of the inputs (facts, rows, models) into out. */
static bool merge_side_files(int n, const char *const *dirs, const char *out, char *why, size_t wn)
{
    MS_VEC(char *) names = {0};
    for (int i = 0; i < n; i++) {
        DIR *d = opendir(dirs[i]);
        for (struct dirent *e; d && (e = readdir(d));) {
            bool side = !strcmp(e->d_name, "facts.jsonl") ||
                        !strncmp(e->d_name, "cost-rows-", 10) ||
                        !strncmp(e->d_name, "cost-model-", 11);
            bool known = false;
            for (int k = 0; k < names.len && !known; k++)
                known = !strcmp(names.data[k], e->d_name);
            if (side && !known)
                MS_VEC_PUSH(names, ms_xstrdup(e->d_name));
        }
        if (d)
            closedir(d);
    }
    bool ok = true;
    for (int k = 0; k < names.len; k++) {
        char to[4200];
        snprintf(to, sizeof to, "%s/%s", out, names.data[k]);
        if (!strncmp(names.data[k], "cost-model-", 11)) {
            /* a model is whole or nothing: the newest one */
            const char *from = NULL;
            char path[4200], best[4200];
            time_t newest = 0;
            for (int i = 0; i < n; i++) {
                struct stat st;
                snprintf(path, sizeof path, "%s/%s", dirs[i], names.data[k]);
                if (stat(path, &st) == 0 && (!from || st.st_mtime > newest)) {
                    newest = st.st_mtime;
                    snprintf(best, sizeof best, "%s", path);
                    from = best;
                }
            }
            ok = ok && from && copy_file(from, to);
        } else {
            ms_str text = {0};
            for (int i = 0; i < n; i++)
                add_lines(dirs[i], names.data[k], &text);
            ok = ok && (text.len == 0 || ms_db_append_lines(to, &text, why, wn));
            ms_str_free(&text);
        }
        if (!ok && !why[0])
            snprintf(why, wn, "cannot write %s", to);
        free(names.data[k]);
    }
    free(names.data);
    return ok;
}

int ms_db_merge(int n, const char *const *dirs, const char *out, char *why, size_t wn,
                char ***warnings, int *nwarnings)
{
    why[0] = '\0';
    *warnings = NULL;
    *nwarnings = 0;
    char path[4200];
    snprintf(path, sizeof path, "%s/records.jsonl", out);
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > 0) {
        snprintf(why, wn, "'%s' already holds a database; merge into a new folder", out);
        return -1;
    }
    ms_db **in = ms_xcalloc((size_t)n, sizeof *in);
    MS_VEC(entry) all = {0};
    MS_VEC(char *) warns = {0};
    for (int i = 0; i < n; i++) {
        if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(why, wn, "'%s' is not a database folder", dirs[i]);
            break;
        }
        in[i] = ms_db_open(dirs[i], why, wn);
        if (!in[i])
            break;
        const char *const *w;
        int nw = ms_db_warnings(in[i], &w);
        for (int k = 0; k < nw; k++)
            MS_VEC_PUSH(warns, ms_xstrdup(w[k]));
        const ms_db_record *recs;
        int nr = ms_db_records(in[i], &recs);
        for (int k = 0; k < nr; k++) {
            entry e = {&recs[k], ms_trace_to_json(recs[k].trace), all.len};
            MS_VEC_PUSH(all, e);
        }
    }
    int written = -1;
    if (!why[0]) {
        if (all.len > 1) /* an empty vector's data is NULL, which qsort may not take */
            qsort(all.data, (size_t)all.len, sizeof(entry), by_time);
        /* each record once */
        MS_VEC(ms_db_record) keep = {0};
        for (int i = 0; i < all.len; i++) {
            bool dup = false;
            for (int j = i - 1;
                 j >= 0 && !dup && all.data[j].r->timestamp == all.data[i].r->timestamp; j--)
                dup = same_record(&all.data[i], &all.data[j]);
            if (!dup)
                MS_VEC_PUSH(keep, *all.data[i].r);
        }
        /* per maker, the fastest of the inputs' latest decisions, last */
        long long last = keep.len ? keep.data[keep.len - 1].timestamp : 0;
        int ndecided = keep.len;
        for (int i = 0; i < ndecided; i++) {
            const ms_db_record *r = &keep.data[i];
            if (!is_decision(r))
                continue;
            bool first_of_maker = true;
            for (int j = 0; j < i && first_of_maker; j++)
                first_of_maker = !(is_decision(&keep.data[j]) && same_maker(&keep.data[j], r));
            if (!first_of_maker)
                continue;
            const ms_db_record *best = NULL, *latest_of_merge = NULL;
            for (int d = 0; d < n; d++) {
                ms_db_key key = r->key;
                const ms_db_record *dec =
                    ms_db_decision(in[d], &key, r->compiler, r->flags, r->version);
                if (dec && (!best || decided_seconds(dec) < decided_seconds(best)))
                    best = dec;
            }
            for (int j = ndecided - 1; j >= 0 && !latest_of_merge; j--)
                if (is_decision(&keep.data[j]) && same_maker(&keep.data[j], r))
                    latest_of_merge = &keep.data[j];
            if (best && latest_of_merge &&
                decided_seconds(best) < decided_seconds(latest_of_merge)) {
                ms_db_record again = *best;
                again.timestamp = ++last;
                MS_VEC_PUSH(keep, again);
            }
        }
        ms_db *o = ms_db_open(out, why, wn);
        if (o && ms_db_append(o, keep.len, keep.data, why, wn) &&
            merge_side_files(n, dirs, out, why, wn))
            written = keep.len;
        ms_db_close(o);
        free(keep.data);
    }
    for (int i = 0; i < all.len; i++)
        free(all.data[i].trace);
    free(all.data);
    for (int i = 0; i < n; i++)
        ms_db_close(in[i]);
    free(in);
    *warnings = warns.data;
    *nwarnings = warns.len;
    return written;
}
