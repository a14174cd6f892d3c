/*
 * db.c - the tuning database: a folder whose records.jsonl holds one JSON
 * object per measured candidate (schema version, workload key, sizes,
 * target, thread count, fp-model, compiler, flags, mscc version, time of
 * day, the trace, the measured time or the cause of failure, and the
 * original's time), and one per decision a search ended with (the
 * schedule shipped after its check at every size, or the original kept):
 * the latest decision for a key is what a later run replays. Beside them,
 * facts.jsonl keeps what was measured once of a machine (its peak rates). Appends take an exclusive
 * flock and are flushed to disk per batch, so concurrent mscc processes share one database and a
 * kill loses at most the batch in flight. A damaged line is skipped with a warning, a line of a
 * newer schema with a clear message; neither is fatal.
 */
#include "schedule/schedule.h"

#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DB_SCHEMA 1
#define RECORDS "records.jsonl"
#define FACTS "facts.jsonl"

struct ms_db {
    char *dir, *path;
    MS_VEC(ms_db_record) recs;
    MS_VEC(char *) warnings;
};

static char *dup_or_empty(const char *s)
{
    return ms_xstrdup(s ? s : "");
}

static void warn(ms_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(ms_db *db, const char *fmt, ...)
{
    ms_str s = {0};
    va_list ap;
    va_start(ap, fmt);
    ms_str_vaddf(&s, fmt, ap);
    va_end(ap);
    MS_VEC_PUSH(db->warnings, ms_str_take(&s));
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num_of(const cJSON *o, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* An integer field in [lo, hi], dflt when absent; false when present but
 * not such an integer. */
static bool int_of(const cJSON *o, const char *key, int64_t lo, int64_t hi, int64_t dflt,
                   int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = dflt;
    return !v || (cJSON_IsNumber(v) && ms_int_of_double(v->valuedouble, lo, hi, out));
}

static void record_free(ms_db_record *r)
{
    free(r->key.workload);
    free(r->key.sizes);
    free(r->key.target);
    free(r->kernel);
    free(r->compiler);
    free(r->flags);
    free(r->version);
    free(r->status);
    ms_trace_free(r->trace);
}

/* One line into r; NULL, or why it is not a record. */
static const char *parse_line(const char *line, ms_db_record *r, bool *newer)
{
    cJSON *o = cJSON_Parse(line);
    *newer = false;
    if (!o)
        return "not JSON";
    const char *why = NULL;
    double schema = num_of(o, "schema", -1);
    const cJSON *trace = cJSON_GetObjectItemCaseSensitive(o, "trace");
    if (schema > DB_SCHEMA) {
        *newer = true;
        why = "written by a newer mscc (schema version above 1)";
    } else if (schema != DB_SCHEMA || !str_of(o, "workload") || !str_of(o, "sizes") ||
               !str_of(o, "target") || !str_of(o, "status") || !cJSON_IsObject(trace)) {
        why = "a field is missing";
    } else {
        char *text = cJSON_PrintUnformatted(trace);
        const char *twhy = NULL;
        r->trace = text ? ms_trace_from_json(text, &twhy) : NULL;
        free(text);
        if (!r->trace)
            why = "its trace does not parse";
    }
    int64_t threads, stamp, budget;
    if (!why && !(int_of(o, "threads", 0, 1 << 20, 0, &threads) &&
                  int_of(o, "time_unix", 0, INT64_MAX, 0, &stamp) &&
                  int_of(o, "budget", 0, INT32_MAX, 0, &budget)))
        why = "threads, time_unix or budget is not a whole number in range";
    if (!why) {
        r->key.workload = dup_or_empty(str_of(o, "workload"));
        r->key.sizes = dup_or_empty(str_of(o, "sizes"));
        r->key.target = dup_or_empty(str_of(o, "target"));
        r->key.threads = (int)threads;
        const char *fp = str_of(o, "fp_model");
        r->key.fp_strict = fp && !strcmp(fp, "strict");
        r->kernel = dup_or_empty(str_of(o, "kernel"));
        r->compiler = dup_or_empty(str_of(o, "compiler"));
        r->flags = dup_or_empty(str_of(o, "flags"));
        r->version = dup_or_empty(str_of(o, "mscc"));
        r->status = dup_or_empty(str_of(o, "status"));
        r->seconds = num_of(o, "seconds", 0);
        r->original_seconds = num_of(o, "original_seconds", 0);
        r->original_spread = num_of(o, "original_spread", 0);
        r->timestamp = stamp;
        r->budget = (int)budget;
    }
    cJSON_Delete(o);
    return why;
}

ms_db *ms_db_open(const char *dir, char *why, size_t n)
{
    /* the folder, and its parents (~/.cache may not exist yet) */
    char *path = ms_xstrdup(dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        snprintf(why, n, "cannot create the database folder '%s': %s", dir, strerror(errno));
        free(path);
        return NULL;
    }
    free(path);
    ms_db *db = ms_xcalloc(1, sizeof *db);
    db->dir = ms_xstrdup(dir);
    ms_str p = {0};
    ms_str_addf(&p, "%s/" RECORDS, dir);
    db->path = ms_str_take(&p);
    FILE *f = fopen(db->path, "r");
    if (!f)
        return db; /* a new database */
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, newer = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len <= 1)
            continue;
        ms_db_record r = {0};
        bool is_newer;
        const char *bad = parse_line(line, &r, &is_newer);
        if (!bad) {
            MS_VEC_PUSH(db->recs, r);
        } else {
            record_free(&r);
            if (is_newer && newer++ == 0)
                warn(db, "%s:%d: record skipped: %s; upgrade mscc to use it", db->path, lineno,
                     bad);
            else if (!is_newer)
                warn(db, "%s:%d: damaged record skipped: %s", db->path, lineno, bad);
        }
    }
    free(line);
    fclose(f);
    return db;
}

void ms_db_close(ms_db *db)
{
    if (!db)
        return;
    for (int i = 0; i < db->recs.len; i++)
        record_free(&db->recs.data[i]);
    for (int i = 0; i < db->warnings.len; i++)
        free(db->warnings.data[i]);
    free(db->recs.data);
    free(db->warnings.data);
    free(db->dir);
    free(db->path);
    free(db);
}

int ms_db_warnings(const ms_db *db, const char *const **out)
{
    *out = (const char *const *)db->warnings.data;
    return db->warnings.len;
}

int ms_db_records(const ms_db *db, const ms_db_record **out)
{
    *out = db->recs.data;
    return db->recs.len;
}

bool ms_db_key_equal(const ms_db_key *a, const ms_db_key *b)
{
    return !strcmp(a->workload, b->workload) && !strcmp(a->sizes, b->sizes) &&
           !strcmp(a->target, b->target) && a->threads == b->threads &&
           a->fp_strict == b->fp_strict;
}

static bool same_maker(const ms_db_record *r, const ms_db_key *key, const char *compiler,
                       const char *flags, const char *version)
{
    return ms_db_key_equal(&r->key, key) && !strcmp(r->compiler, compiler) &&
           !strcmp(r->flags, flags) && !strcmp(r->version, version);
}

bool ms_db_is_outcome(const ms_db_record *r)
{
    return !strcmp(r->status, MS_DB_CHOSEN) || !strcmp(r->status, MS_DB_ORIGINAL) ||
           !strcmp(r->status, MS_DB_REFUSED);
}

const ms_db_record *ms_db_decision(const ms_db *db, const ms_db_key *key, const char *compiler,
                                   const char *flags, const char *version)
{
    /* the latest: a longer search after a shorter one decides again */
    for (int i = db->recs.len - 1; i >= 0; i--) {
        const ms_db_record *r = &db->recs.data[i];
        if ((!strcmp(r->status, MS_DB_CHOSEN) || !strcmp(r->status, MS_DB_ORIGINAL)) &&
            same_maker(r, key, compiler, flags, version))
            return r;
    }
    return NULL;
}

int ms_db_trials(const ms_db *db, const ms_db_key *key, const char *compiler, const char *flags,
                 const char *version)
{
    int n = 0;
    for (int i = 0; i < db->recs.len; i++) {
        const ms_db_record *r = &db->recs.data[i];
        n += !ms_db_is_outcome(r) && same_maker(r, key, compiler, flags, version);
    }
    return n;
}

static int by_seconds(const void *a, const void *b)
{
    double x = (*(const ms_db_record *const *)a)->seconds;
    double y = (*(const ms_db_record *const *)b)->seconds;
    return (x > y) - (x < y);
}

static bool same_workload(const ms_db_record *r, const ms_db_key *key)
{
    return !strcmp(r->key.workload, key->workload) && !strcmp(r->key.sizes, key->sizes) &&
           r->key.fp_strict == key->fp_strict;
}

int ms_db_seeds(const ms_db *db, const ms_db_key *key, int cap, const ms_trace **out)
{
    /* the best of the same workload and sizes, whatever the machine, compiler
     * or version, but none that was once found wrong at other sizes */
    MS_VEC(char *) wrong = {0};
    for (int i = 0; i < db->recs.len; i++) {
        const ms_db_record *r = &db->recs.data[i];
        if (!strcmp(r->status, MS_DB_REFUSED) && same_workload(r, key))
            MS_VEC_PUSH(wrong, ms_trace_to_json(r->trace));
    }
    const ms_db_record **m = ms_xcalloc((size_t)(db->recs.len + 1), sizeof *m);
    int n = 0;
    for (int i = 0; i < db->recs.len; i++) {
        const ms_db_record *r = &db->recs.data[i];
        if (!strcmp(r->status, "ok") && same_workload(r, key))
            m[n++] = r;
    }
    qsort(m, (size_t)n, sizeof *m, by_seconds);
    int taken = 0;
    for (int i = 0; i < n && taken < cap; i++) {
        bool bad = false;
        if (wrong.len > 0) {
            char *text = ms_trace_to_json(m[i]->trace);
            for (int w = 0; w < wrong.len && !bad; w++)
                bad = !strcmp(text, wrong.data[w]);
            free(text);
        }
        if (!bad)
            out[taken++] = m[i]->trace;
    }
    for (int w = 0; w < wrong.len; w++)
        free(wrong.data[w]);
    free(wrong.data);
    free(m);
    return taken;
}

static cJSON *record_json(const ms_db_record *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "schema", DB_SCHEMA);
    cJSON_AddStringToObject(o, "workload", r->key.workload);
    cJSON_AddStringToObject(o, "kernel", r->kernel ? r->kernel : "");
    cJSON_AddStringToObject(o, "sizes", r->key.sizes);
    cJSON_AddStringToObject(o, "target", r->key.target);
    cJSON_AddNumberToObject(o, "threads", r->key.threads);
    cJSON_AddStringToObject(o, "fp_model", r->key.fp_strict ? "strict" : "reassoc");
    cJSON_AddStringToObject(o, "compiler", r->compiler ? r->compiler : "");
    cJSON_AddStringToObject(o, "flags", r->flags ? r->flags : "");
    cJSON_AddStringToObject(o, "mscc", r->version ? r->version : "");
    cJSON_AddNumberToObject(o, "time_unix", (double)r->timestamp);
    cJSON_AddStringToObject(o, "status", r->status ? r->status : "ok");
    cJSON_AddNumberToObject(o, "seconds", r->seconds);
    cJSON_AddNumberToObject(o, "original_seconds", r->original_seconds);
    cJSON_AddNumberToObject(o, "original_spread", r->original_spread);
    if (r->budget > 0)
        cJSON_AddNumberToObject(o, "budget", r->budget);
    char *t = ms_trace_to_json(r->trace);
    cJSON_AddItemToObject(o, "trace", cJSON_Parse(t));
    free(t);
    return o;
}

bool ms_db_append_lines(const char *path, const ms_str *text, char *why, size_t wn)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    bool ok = fd >= 0 && flock(fd, LOCK_EX) == 0;
    /* one write of whole lines under the lock: readers never see half a batch
     * from a live writer, and a killed one leaves at most a torn last line */
    size_t done = 0;
    while (ok && done < text->len) {
        ssize_t w = write(fd, text->buf + done, text->len - done);
        ok = w > 0;
        done += ok ? (size_t)w : 0;
    }
    ok = ok && fsync(fd) == 0;
    if (!ok)
        snprintf(why, wn, "cannot append to '%s': %s", path, strerror(errno));
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
    return ok;
}

bool ms_db_append(ms_db *db, int n, const ms_db_record *recs, char *why, size_t wn)
{
    ms_str text = {0};
    for (int i = 0; i < n; i++) {
        cJSON *o = record_json(&recs[i]);
        char *line = cJSON_PrintUnformatted(o);
        ms_str_add(&text, line);
        ms_str_add(&text, "\n");
        free(line);
        cJSON_Delete(o);
    }
    bool ok = ms_db_append_lines(db->path, &text, why, wn);
    ms_str_free(&text);
    /* the records count in this process too */
    for (int i = 0; ok && i < n; i++) {
        ms_db_record c = recs[i];
        c.key.workload = ms_xstrdup(c.key.workload);
        c.key.sizes = ms_xstrdup(c.key.sizes);
        c.key.target = ms_xstrdup(c.key.target);
        c.kernel = dup_or_empty(c.kernel);
        c.compiler = dup_or_empty(c.compiler);
        c.flags = dup_or_empty(c.flags);
        c.version = dup_or_empty(c.version);
        c.status = dup_or_empty(c.status);
        c.trace = ms_trace_clone(c.trace);
        MS_VEC_PUSH(db->recs, c);
    }
    return ok;
}

const char *ms_db_path(const ms_db *db)
{
    return db->path;
}

const char *ms_db_dir(const ms_db *db)
{
    return db->dir;
}

/* ---- facts about a machine (facts.jsonl): measured once, kept ---- */

static char *facts_path(const ms_db *db)
{
    ms_str p = {0};
    ms_str_addf(&p, "%s/" FACTS, db->dir);
    return ms_str_take(&p);
}

bool ms_db_fact(const ms_db *db, const char *key, const char *name, double *value)
{
    char *path = facts_path(db);
    FILE *f = fopen(path, "r");
    free(path);
    if (!f)
        return false;
    char *line = NULL;
    size_t cap = 0;
    bool found = false;
    /* the latest line for key and name wins */
    while (getline(&line, &cap, f) >= 0) {
        cJSON *o = cJSON_Parse(line);
        const char *k = o ? str_of(o, "key") : NULL, *nm = o ? str_of(o, "name") : NULL;
        if (k && nm && num_of(o, "schema", -1) == DB_SCHEMA && !strcmp(k, key) &&
            !strcmp(nm, name) && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "value"))) {
            *value = num_of(o, "value", 0);
            found = true;
        }
        cJSON_Delete(o);
    }
    free(line);
    fclose(f);
    return found;
}

bool ms_db_put_fact(ms_db *db, const char *key, const char *name, double value, char *why,
                    size_t wn)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "schema", DB_SCHEMA);
    cJSON_AddStringToObject(o, "key", key);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddNumberToObject(o, "value", value);
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    ms_str text = {0};
    ms_str_add(&text, line);
    ms_str_add(&text, "\n");
    free(line);
    char *path = facts_path(db);
    bool ok = ms_db_append_lines(path, &text, why, wn);
    free(path);
    ms_str_free(&text);
    return ok;
}
