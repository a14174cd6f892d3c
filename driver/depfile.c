/*
 * depfile.c - -MD: a make depfile, as gcc writes one, naming what the
 * output was made from: the input, every file it includes, the trace
 * given with --trace, and the tuning database's records when the folder
 * was named (--db or MSCC_DB: a project's own database, never the shared
 * per-user cache, which other projects change); with --predict, the cost
 * model that chose; --lib's sizes file. A build then reruns mscc when any
 * of them changes.
 */
#include "driver/driver.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A path as make reads it: spaces and '#' escaped, '$' doubled. */
static void add_path(ms_str *out, const char *p)
{
    ms_str_add(out, " \\\n ");
    for (; *p; p++) {
        if (*p == ' ' || *p == '#')
            ms_str_add(out, "\\");
        if (*p == '$')
            ms_str_add(out, "$");
        ms_str_addn(out, p, 1);
    }
}

char *ms_depfile_text(const char *target, const char *input, const ms_source *src, int nextra,
                      const char *const *extra)
{
    ms_str s = {0};
    for (const char *p = target; *p; p++) {
        if (*p == ' ' || *p == '#' || *p == ':')
            ms_str_add(&s, "\\");
        if (*p == '$')
            ms_str_add(&s, "$");
        ms_str_addn(&s, p, 1);
    }
    ms_str_add(&s, ":");
    add_path(&s, input);
    for (int i = 0; i < src->nincludes; i++)
        add_path(&s, src->includes[i]);
    for (int i = 0; i < nextra; i++)
        if (extra[i])
            add_path(&s, extra[i]);
    ms_str_add(&s, "\n");
    return ms_str_take(&s);
}

bool ms_depfile_write(const ms_options *o, const mscc_result *r, const char *target,
                      const char *path, char *why, size_t n)
{
    /* the database and model that decided, when they are the project's */
    const char *named_db = o->db ? o->db : getenv("MSCC_DB");
    char *model = o->predict && r->db && r->target ? ms_tune_model_path(r->db, r->target) : NULL;
    const char *extra[] = {o->trace_file, o->sizes_file,
                           named_db && *named_db && r->db ? ms_db_path(r->db) : NULL,
                           model && access(model, F_OK) == 0 ? model : NULL};
    char *text = ms_depfile_text(target, o->input, &r->src, 4, extra);
    bool ok = ms_write_atomic(path, text, strlen(text), why, n) == 0;
    free(text);
    free(model);
    return ok;
}

char *ms_depfile_path(const char *output, const char *mf)
{
    if (mf)
        return ms_xstrdup(mf);
    /* gcc's rule: the output with its suffix replaced by .d */
    const char *slash = strrchr(output, '/');
    const char *dot = strrchr(output, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - output) : strlen(output);
    ms_str s = {0};
    ms_str_addn(&s, output, stem);
    ms_str_add(&s, ".d");
    return ms_str_take(&s);
}
