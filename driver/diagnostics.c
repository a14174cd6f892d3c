/*
 * diagnostics.c - what mscc says, printed as gcc prints it, so that
 * editors and build logs read it as they read the compiler: text
 * ("FILE:LINE:COL: warning: MSG", then the source line and a caret under
 * the construct), or gcc's JSON (-fdiagnostics-format=json: an array of
 * {kind, message, children, locations: [{caret: {file, line, column,
 * display-column, byte-column}}]}). With -Werror, mscc's warnings are
 * errors.
 */
#include "driver/driver.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"note", "warning", "error"};

/* The files the diagnostics point into, each read once. */
typedef struct source_cache {
    MS_VEC(char *) paths;
    MS_VEC(char *) texts; /* NULL: unreadable */
} source_cache;

static const char *source_of(source_cache *c, const char *path)
{
    for (int i = 0; i < c->paths.len; i++)
        if (!strcmp(c->paths.data[i], path))
            return c->texts.data[i];
    MS_VEC_PUSH(c->paths, ms_xstrdup(path));
    MS_VEC_PUSH(c->texts, ms_read_file(path, NULL));
    return c->texts.data[c->texts.len - 1];
}

/* "    6 |     break;" and "      |     ^": tabs before the column kept, so
 * that the caret stands under the construct in any tab width. */
static void add_snippet(const char *text, int line, int col, ms_str *out)
{
    const char *p = text;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        p = p ? p + 1 : NULL;
    }
    if (!p || !*p)
        return;
    size_t len = strcspn(p, "\n");
    if (len > 0 && p[len - 1] == '\r')
        len--;
    ms_str_addf(out, "%5d | ", line);
    ms_str_addn(out, p, len);
    ms_str_add(out, "\n      | ");
    for (int i = 0; i + 1 < col && (size_t)i < len; i++)
        ms_str_add(out, p[i] == '\t' ? "\t" : " ");
    ms_str_add(out, "^\n");
}

static void render_text(const ms_diags *d, bool werror, source_cache *c, ms_str *out)
{
    for (int i = 0; i < d->items.len; i++) {
        const ms_diag *g = &d->items.data[i];
        bool promoted = werror && g->level == MS_DIAG_WARNING;
        if (g->loc.file && g->loc.line > 0)
            ms_str_addf(out, "%s:%d:%d: ", g->loc.file, g->loc.line, g->loc.col);
        else if (g->loc.file)
            ms_str_addf(out, "%s: ", g->loc.file);
        else
            ms_str_add(out, "mscc: ");
        ms_str_addf(out, "%s: %s%s\n", promoted ? "error" : kinds[g->level], g->msg,
                    promoted ? " [-Werror]" : "");
        const char *text = g->loc.file && g->loc.line > 0 ? source_of(c, g->loc.file) : NULL;
        if (text)
            add_snippet(text, g->loc.line, g->loc.col > 0 ? g->loc.col : 1, out);
    }
}

static void render_json(const ms_diags *d, bool werror, ms_str *out)
{
    cJSON *all = cJSON_CreateArray();
    for (int i = 0; i < d->items.len; i++) {
        const ms_diag *g = &d->items.data[i];
        bool promoted = werror && g->level == MS_DIAG_WARNING;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", promoted ? "error" : kinds[g->level]);
        cJSON_AddStringToObject(o, "message", g->msg);
        if (promoted)
            cJSON_AddStringToObject(o, "option", "-Werror");
        cJSON_AddItemToObject(o, "children", cJSON_CreateArray());
        cJSON_AddNumberToObject(o, "column-origin", 1);
        cJSON *locs = cJSON_AddArrayToObject(o, "locations");
        if (g->loc.file) {
            cJSON *caret = cJSON_CreateObject();
            cJSON_AddStringToObject(caret, "file", g->loc.file);
            if (g->loc.line > 0) {
                cJSON_AddNumberToObject(caret, "line", g->loc.line);
                cJSON_AddNumberToObject(caret, "display-column", g->loc.col);
                cJSON_AddNumberToObject(caret, "byte-column", g->loc.col);
                cJSON_AddNumberToObject(caret, "column", g->loc.col);
            }
            cJSON *loc = cJSON_CreateObject();
            cJSON_AddItemToObject(loc, "caret", caret);
            cJSON_AddItemToArray(locs, loc);
        }
        cJSON_AddFalseToObject(o, "escape-source");
        cJSON_AddItemToArray(all, o);
    }
    char *text = cJSON_PrintUnformatted(all);
    ms_str_add(out, text);
    ms_str_add(out, "\n");
    cJSON_free(text);
    cJSON_Delete(all);
}

bool ms_diags_have_errors(const ms_diags *d, bool werror)
{
    for (int i = 0; i < d->items.len; i++)
        if (d->items.data[i].level == MS_DIAG_ERROR ||
            (werror && d->items.data[i].level == MS_DIAG_WARNING))
            return true;
    return false;
}

void ms_render_diags(const ms_diags *d, bool json, bool werror, ms_str *out)
{
    if (json) {
        render_json(d, werror, out);
        return;
    }
    source_cache c = {0};
    render_text(d, werror, &c, out);
    for (int i = 0; i < c.paths.len; i++) {
        free(c.paths.data[i]);
        free(c.texts.data[i]);
    }
    free(c.paths.data);
    free(c.texts.data);
}

void ms_print_diags(ms_diags *d, bool json, bool werror)
{
    ms_str s = {0};
    ms_render_diags(d, json, werror, &s);
    /* JSON is printed even when empty: a reader parses stderr whole */
    if (json || s.len)
        fputs(ms_str_cstr(&s), stderr);
    ms_str_free(&s);
    ms_diags_free(d);
}
