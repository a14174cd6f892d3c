/*
 * str.c - the string builder, whole-file reading, and the identifier test.
 */
#include "base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void reserve(ms_str *s, size_t extra)
{
    if (s->len + extra + 1 <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < s->len + extra + 1)
        cap *= 2;
    s->buf = ms_xrealloc(s->buf, cap);
    s->cap = cap;
}

void ms_str_addn(ms_str *s, const char *text, size_t n)
{
    reserve(s, n);
    memcpy(s->buf + s->len, text, n);
    s->len += n;
    s->buf[s->len] = '\0';
}

void ms_str_add(ms_str *s, const char *text)
{
    ms_str_addn(s, text, strlen(text));
}

void ms_str_vaddf(ms_str *s, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    MS_ASSERT(n >= 0);
    reserve(s, (size_t)n);
    vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap);
    s->len += (size_t)n;
}

void ms_str_addf(ms_str *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ms_str_vaddf(s, fmt, ap);
    va_end(ap);
}

void ms_str_indent(ms_str *s, int level)
{
    for (int i = 0; i < level; i++)
        ms_str_add(s, "    ");
}

const char *ms_str_cstr(ms_str *s)
{
    return s->buf ? s->buf : "";
}

char *ms_str_take(ms_str *s)
{
    char *p = s->buf ? s->buf : ms_xstrdup("");
    s->buf = NULL;
    s->len = s->cap = 0;
    return p;
}

void ms_str_free(ms_str *s)
{
    free(s->buf);
    s->buf = NULL;
    s->len = s->cap = 0;
}

char *ms_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    ms_str s = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        ms_str_addn(&s, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        ms_str_free(&s);
        errno = EIO;
        return NULL;
    }
    if (len)
        *len = s.len;
    return ms_str_take(&s);
}

bool ms_is_identifier(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return false;
    for (; *s; s++)
        if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9')))
            return false;
    return true;
}
