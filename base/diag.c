/*
 * diag.c - accumulated diagnostics. Layers add; only the driver prints.
 */
#include "base.h"

#include <stdlib.h>

static const char *const level_names[] = {"note", "warning", "error"};

void ms_diags_add(ms_diags *d, ms_diag_level lv, ms_loc loc, const char *fmt, ...)
{
    ms_str s = {0};
    va_list ap;
    va_start(ap, fmt);
    ms_str_vaddf(&s, fmt, ap);
    va_end(ap);
    char *file = loc.file ? ms_xstrdup(loc.file) : NULL;
    loc.file = file;
    ms_diag diag = {lv, loc, file, ms_str_take(&s)};
    MS_VEC_PUSH(d->items, diag);
    if (lv == MS_DIAG_ERROR)
        d->nerrors++;
}

void ms_diags_render(const ms_diags *d, ms_str *out)
{
    for (int i = 0; i < d->items.len; i++) {
        const ms_diag *g = &d->items.data[i];
        if (g->loc.file && g->loc.line > 0)
            ms_str_addf(out, "%s:%d:%d: ", g->loc.file, g->loc.line, g->loc.col);
        else if (g->loc.file)
            ms_str_addf(out, "%s: ", g->loc.file);
        ms_str_addf(out, "%s: %s\n", level_names[g->level], g->msg);
    }
}

void ms_diags_free(ms_diags *d)
{
    for (int i = 0; i < d->items.len; i++) {
        free(d->items.data[i].msg);
        free(d->items.data[i].file_copy);
    }
    free(d->items.data);
    d->items.data = NULL;
    d->items.len = d->items.cap = 0;
    d->nerrors = 0;
}
