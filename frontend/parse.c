/*
 * parse.c - the file: libclang parsing with the user's flags, clang's
 * errors, the `#pragma mscc kernel` lines (found among the tokens, outside
 * `#if 0` regions; comments are never tokens), their clauses, and the
 * function definition each one marks.
 */
#include "frontend/lower_ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pragma {
    unsigned offset, line, col;
    bool noalias;
    double weight; /* weight(W), 1 without */
    int nhints;
    ms_size_hint hints[32];
} pragma;

typedef struct scan {
    CXTranslationUnit tu;
    const char *path;
    const char *text; /* the file's bytes */
    size_t len;
    ms_diags *diags;
    CXToken *toks;
    unsigned ntoks;
    CXSourceRangeList *skipped;
    MS_VEC(pragma) pragmas;
} scan;

static void tok_pos(scan *s, unsigned i, unsigned *line, unsigned *col, unsigned *off)
{
    clang_getSpellingLocation(clang_getTokenLocation(s->tu, s->toks[i]), NULL, line, col, off);
}

static bool tok_is(scan *s, unsigned i, const char *text)
{
    if (i >= s->ntoks)
        return false;
    CXString sp = clang_getTokenSpelling(s->tu, s->toks[i]);
    bool eq = !strcmp(clang_getCString(sp), text);
    clang_disposeString(sp);
    return eq;
}

static char *tok_text(scan *s, unsigned i)
{
    CXString sp = clang_getTokenSpelling(s->tu, s->toks[i]);
    char *r = ms_xstrdup(clang_getCString(sp));
    clang_disposeString(sp);
    return r;
}

static bool in_skipped(scan *s, unsigned off)
{
    for (unsigned i = 0; i < s->skipped->count; i++) {
        unsigned a, b;
        clang_getSpellingLocation(clang_getRangeStart(s->skipped->ranges[i]), NULL, NULL, NULL, &a);
        clang_getSpellingLocation(clang_getRangeEnd(s->skipped->ranges[i]), NULL, NULL, NULL, &b);
        if (off >= a && off <= b)
            return true;
    }
    return false;
}

static void warn_at(scan *s, unsigned i, const char *fmt, const char *arg)
{
    unsigned line, col, off;
    tok_pos(s, i, &line, &col, &off);
    ms_diags_add(s->diags, MS_DIAG_WARNING, (ms_loc){s->path, (int)line, (int)col}, fmt, arg);
}

/* weight(W) at token i: W a positive number (the kernel's calls per run,
 * relative to the other kernels); returns the token after the clause. */
static unsigned parse_weight(scan *s, unsigned i, pragma *p)
{
    char *val = i + 2 < s->ntoks ? tok_text(s, i + 2) : ms_xstrdup("");
    char *end;
    double w = strtod(val, &end);
    if (*end || end == val || !(w > 0) || w > 1e12 || !tok_is(s, i + 3, ")"))
        warn_at(s, i,
                "malformed 'weight' clause near '%s' (want weight(W), W a positive number); "
                "weight 1 used",
                val);
    else
        p->weight = w;
    free(val);
    while (i < s->ntoks && !tok_is(s, i, ")"))
        i++;
    return i + 1;
}

/* Clauses after "kernel", up to the end of the pragma's line. */
static void parse_clauses(scan *s, unsigned i, unsigned line, pragma *p)
{
    unsigned l, col, off;
    while (i < s->ntoks && (tok_pos(s, i, &l, &col, &off), l == line)) {
        if (tok_is(s, i, "noalias")) {
            p->noalias = true;
            i++;
            continue;
        }
        if (tok_is(s, i, "weight") && tok_is(s, i + 1, "(")) {
            i = parse_weight(s, i, p);
            continue;
        }
        if (tok_is(s, i, "sizes") && tok_is(s, i + 1, "(")) {
            i += 2;
            while (i + 2 < s->ntoks && !tok_is(s, i, ")")) {
                char *name = tok_text(s, i);
                bool neg = tok_is(s, i + 2, "-");
                unsigned vi = i + 2 + neg;
                char *val = vi < s->ntoks ? tok_text(s, vi) : ms_xstrdup("");
                char *end;
                long long v = strtoll(val, &end, 0);
                bool malformed = !tok_is(s, i + 1, "=") || *end || end == val;
                bool too_big = !malformed && (v > MS_SIZE_HINT_MAX || v < -MS_SIZE_HINT_MAX);
                if (malformed)
                    warn_at(s, i, "malformed 'sizes' clause near '%s' (want NAME=INTEGER)", name);
                else if (too_big) /* 2147483647 is MS_SIZE_HINT_MAX */
                    warn_at(s, i, "size '%s' is out of range (at most 2147483647 in magnitude)",
                            name);
                if (malformed || too_big) {
                    free(name);
                    free(val);
                    while (i < s->ntoks && !tok_is(s, i, ")"))
                        i++;
                    break;
                }
                if (p->nhints < 32)
                    p->hints[p->nhints++] = (ms_size_hint){name, neg ? -v : v, 0};
                else
                    free(name);
                free(val);
                i = vi + 1;
                if (tok_is(s, i, ","))
                    i++;
            }
            i++; /* ')' */
            continue;
        }
        char *t = tok_text(s, i);
        warn_at(s, i, "unknown clause '%s' in '#pragma mscc kernel' ignored", t);
        free(t);
        i++;
    }
}

static void find_pragmas(scan *s)
{
    for (unsigned i = 0; i + 2 < s->ntoks; i++) {
        if (!tok_is(s, i, "#") || !tok_is(s, i + 1, "pragma") || !tok_is(s, i + 2, "mscc"))
            continue;
        unsigned line, col, off, l2;
        tok_pos(s, i, &line, &col, &off);
        tok_pos(s, i + 2, &l2, NULL, NULL);
        if (l2 != line || in_skipped(s, off))
            continue;
        if (!tok_is(s, i + 3, "kernel")) {
            warn_at(s, i + 2, "unknown '#pragma mscc' directive ignored%s", "");
            continue;
        }
        pragma p = {off, line, col, false, 1, 0, {{0}}};
        parse_clauses(s, i + 4, line, &p);
        MS_VEC_PUSH(s->pragmas, p);
    }
}

typedef struct top {
    CXCursor cur;
    unsigned begin;
} top;

static enum CXChildVisitResult collect_top(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    /* macro definitions and expansions are cursors too, but not declarations */
    if (!clang_Location_isFromMainFile(clang_getCursorLocation(cur)) ||
        clang_isPreprocessing(clang_getCursorKind(cur)))
        return CXChildVisit_Continue;
    unsigned off;
    clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(cur)), NULL, NULL, NULL,
                              &off);
    MS_VEC(top) *v = data;
    top t = {cur, off};
    MS_VEC_PUSH(*v, t);
    return CXChildVisit_Continue;
}

static unsigned offset_of(CXSourceLocation loc)
{
    unsigned off;
    clang_getSpellingLocation(loc, NULL, NULL, NULL, &off);
    return off;
}

/* The extent of function definition fn's body ('{' to one past '}'), as
 * its spelling gives it; false without one (then *begin, *end unchanged). */
static bool body_extent(CXCursor fn, size_t *begin, size_t *end)
{
    CXCursor kids[64];
    int nk = lower_children(fn, kids, 64);
    bool found = false;
    for (int i = 0; i < nk && i < 64; i++)
        if (clang_getCursorKind(kids[i]) == CXCursor_CompoundStmt) {
            CXSourceRange r = clang_getCursorExtent(kids[i]);
            *begin = offset_of(clang_getRangeStart(r));
            *end = offset_of(clang_getRangeEnd(r));
            found = true;
        }
    return found;
}

static bool body_range(CXCursor fn, const char *text, size_t len, size_t *begin, size_t *end);

static void make_kernel(scan *s, const ms_frontend_opts *o, const pragma *p, CXCursor fn,
                        ms_kernel *k)
{
    CXString ns = clang_getCursorSpelling(fn);
    k->name = ms_xstrdup(clang_getCString(ns));
    clang_disposeString(ns);
    unsigned line, col;
    clang_getSpellingLocation(clang_getCursorLocation(fn), NULL, &line, &col, NULL);
    k->loc = (ms_loc){s->path, (int)line, (int)col};
    k->pragma_begin = p->offset;
    k->decl_begin = offset_of(clang_getRangeStart(clang_getCursorExtent(fn)));
    k->name_begin = offset_of(clang_getCursorLocation(fn));
    k->name_end = k->name_begin + strlen(k->name);
    k->body_begin = k->body_end = 0;
    k->weight = p->weight;
    ms_loc why_loc;
    char why[300];
    k->func = ms_lower_function(s->tu, fn, s->path, p->noalias, &why_loc, why, sizeof why);
    /* the body is spliced by its offsets and kept as the fallback: it must
     * be in the file as '{' ... '}', and be text */
    bool written = body_range(fn, s->text, s->len, &k->body_begin, &k->body_end);
    if (!written)
        k->body_begin = k->body_end = 0;
    if (k->func &&
        (!written || memchr(s->text + k->body_begin, '\0', k->body_end - k->body_begin))) {
        ms_func_free(k->func);
        k->func = NULL;
        why_loc = k->loc;
        snprintf(why, sizeof why, "%s",
                 written ? "its body holds a NUL byte" : "its body is not written out in the file");
    }
    if (!k->func) {
        ms_diags_add(s->diags, MS_DIAG_WARNING, why_loc, "kernel '%s' left unchanged: %s", k->name,
                     why);
        return;
    }
    k->func->fp_strict = o->fp_strict;
    k->func->no_heap = o->no_heap;
    k->func->max_stack = o->max_stack;
    k->func->max_code_size = o->max_code_size;
    k->func->workspace = o->workspace;
    lower_sizes(k->func, p->nhints, p->hints, o, (ms_loc){s->path, (int)p->line, (int)p->col},
                s->diags);
}

/* The body of function definition fn as written in the file, or false
 * (a body from a macro, say). */
static bool body_range(CXCursor fn, const char *text, size_t len, size_t *begin, size_t *end)
{
    return body_extent(fn, begin, end) && *begin < *end && *end <= len && text[*begin] == '{' &&
           text[*end - 1] == '}';
}

/* Every function definition of the file's own but the kernels. */
static void find_other_defs(const char *text, size_t len, const top *tops, int ntops,
                            ms_source *src)
{
    MS_VEC(ms_other_def) v = {0};
    for (int t = 0; t < ntops; t++) {
        CXCursor fn = tops[t].cur;
        if (clang_getCursorKind(fn) != CXCursor_FunctionDecl || !clang_isCursorDefinition(fn))
            continue;
        size_t begin, end;
        if (!body_range(fn, text, len, &begin, &end))
            continue;
        bool kernel = false;
        for (int k = 0; k < src->nkernels; k++)
            kernel = kernel || src->kernels[k].body_begin == begin;
        if (kernel)
            continue;
        /* int f(a, b) int a; float b; { ... }: a ';' before the body */
        size_t name_end = offset_of(clang_getCursorLocation(fn));
        CXString ns = clang_getCursorSpelling(fn);
        name_end += strlen(clang_getCString(ns));
        clang_disposeString(ns);
        bool old_style = false;
        for (size_t i = name_end; i < begin && i < len; i++)
            old_style = old_style || text[i] == ';';
        ms_other_def d = {old_style ? name_end : begin, end, old_style};
        MS_VEC_PUSH(v, d);
    }
    src->nothers = v.len;
    src->others = v.data;
}

static int by_begin(const void *a, const void *b)
{
    const ms_type_decl *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* The file's typedefs, enums, structs and unions at file scope, each
 * through the ';' that ends it ("struct S {...} s;" declares a variable
 * too: left out), one inside another (typedef struct {...} T;) merged. */
static void find_type_decls(const char *text, size_t len, const top *tops, int ntops,
                            ms_source *src)
{
    MS_VEC(ms_type_decl) all = {0}, v = {0};
    for (int t = 0; t < ntops; t++) {
        enum CXCursorKind kind = clang_getCursorKind(tops[t].cur);
        if (kind != CXCursor_TypedefDecl && kind != CXCursor_EnumDecl &&
            kind != CXCursor_StructDecl && kind != CXCursor_UnionDecl)
            continue;
        CXSourceRange r = clang_getCursorExtent(tops[t].cur);
        ms_type_decl d = {offset_of(clang_getRangeStart(r)), offset_of(clang_getRangeEnd(r))};
        if (d.begin < d.end && d.end <= len)
            MS_VEC_PUSH(all, d);
    }
    if (all.len > 1)
        qsort(all.data, (size_t)all.len, sizeof *all.data, by_begin);
    for (int i = 0; i < all.len; i++) {
        ms_type_decl d = all.data[i];
        if (v.len && d.begin < v.data[v.len - 1].end)
            continue; /* inside the last one */
        size_t semi = d.end;
        while (semi < len && (text[semi] == ' ' || text[semi] == '\t' || text[semi] == '\n'))
            semi++;
        if (semi < len && text[semi] == ';') {
            d.end = semi + 1;
            MS_VEC_PUSH(v, d);
        }
    }
    free(all.data);
    src->ntypes = v.len;
    src->types = v.data;
}

static void render_clang_diags(CXTranslationUnit tu, ms_diags *diags, int *nerrors)
{
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error) {
            CXFile file;
            unsigned line, col;
            clang_getSpellingLocation(clang_getDiagnosticLocation(d), &file, &line, &col, NULL);
            CXString fname = clang_getFileName(file);
            CXString msg = clang_getDiagnosticSpelling(d);
            const char *fn = clang_getCString(fname);
            ms_diags_add(diags, MS_DIAG_ERROR, (ms_loc){fn, (int)line, (int)col}, "%s",
                         clang_getCString(msg));
            clang_disposeString(fname);
            clang_disposeString(msg);
            (*nerrors)++;
        }
        clang_disposeDiagnostic(d);
    }
}

static void add_inclusion(CXFile file, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    (void)stack;
    if (depth == 0) /* the input itself */
        return;
    ms_source *src = data;
    CXString name = clang_getFileName(file);
    const char *c = clang_getCString(name);
    bool seen = !c;
    for (int i = 0; i < src->nincludes && !seen; i++)
        seen = !strcmp(src->includes[i], c);
    if (!seen) {
        src->includes = ms_xrealloc(src->includes, sizeof(char *) * (size_t)(src->nincludes + 1));
        src->includes[src->nincludes++] = ms_xstrdup(c);
    }
    clang_disposeString(name);
}

int ms_frontend_parse(const ms_frontend_opts *o, ms_source *src, ms_diags *diags)
{
    *src = (ms_source){0};
    size_t len;
    char *text = ms_read_file(o->path, &len);
    if (!text) {
        ms_diags_add(diags, MS_DIAG_ERROR, (ms_loc){o->path, 0, 0}, "cannot read: %s",
                     strerror(errno));
        return 1;
    }
    const char **args = ms_xmalloc(sizeof(char *) * (size_t)(o->nargs + 2));
    int na = 0;
    for (int i = 0; i < o->nargs; i++)
        args[na++] = o->args[i];
    args[na++] = "-Wno-unknown-pragmas";
    CXIndex index = clang_createIndex(0, 0);
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec = clang_parseTranslationUnit2(
        index, o->path, args, na, NULL, 0, CXTranslationUnit_DetailedPreprocessingRecord, &tu);
    free(args);
    int nerrors = 0;
    if (ec == CXError_Crashed) {
        /* libclang's crash recovery caught it: ours to report, not the file's fault */
        ms_diags_add(diags, MS_DIAG_ERROR, (ms_loc){o->path, 0, 0},
                     "internal error: libclang crashed while parsing the file");
        clang_disposeIndex(index);
        free(text);
        return 2;
    }
    if (ec != CXError_Success || !tu) {
        ms_diags_add(diags, MS_DIAG_ERROR, (ms_loc){o->path, 0, 0},
                     "clang could not parse the file");
        nerrors++;
    } else {
        render_clang_diags(tu, diags, &nerrors);
    }
    if (nerrors) {
        if (tu)
            clang_disposeTranslationUnit(tu);
        clang_disposeIndex(index);
        free(text);
        return 1;
    }
    CXFile file = clang_getFile(tu, o->path);
    scan s = {.tu = tu, .path = o->path, .text = text, .len = len, .diags = diags};
    CXSourceRange whole = clang_getRange(clang_getLocationForOffset(tu, file, 0),
                                         clang_getLocationForOffset(tu, file, (unsigned)len));
    clang_tokenize(tu, whole, &s.toks, &s.ntoks);
    s.skipped = clang_getSkippedRanges(tu, file);
    find_pragmas(&s);

    MS_VEC(top) tops = {0};
    clang_visitChildren(clang_getTranslationUnitCursor(tu), collect_top, &tops);
    src->path = ms_xstrdup(o->path);
    src->text = text;
    src->len = len;
    src->kernels = ms_xcalloc((size_t)(s.pragmas.len ? s.pragmas.len : 1), sizeof(ms_kernel));
    for (int i = 0; i < s.pragmas.len; i++) {
        const pragma *p = &s.pragmas.data[i];
        const top *next = NULL;
        for (int t = 0; t < tops.len; t++)
            if (tops.data[t].begin > p->offset && (!next || tops.data[t].begin < next->begin))
                next = &tops.data[t];
        bool is_def = next && clang_getCursorKind(next->cur) == CXCursor_FunctionDecl &&
                      clang_isCursorDefinition(next->cur);
        bool dup = false;
        for (int k = 0; k < src->nkernels && is_def; k++)
            dup = dup || src->kernels[k].decl_begin ==
                             offset_of(clang_getRangeStart(clang_getCursorExtent(next->cur)));
        ms_loc at = {o->path, (int)p->line, (int)p->col};
        if (!is_def)
            ms_diags_add(diags, MS_DIAG_WARNING, at,
                         "'#pragma mscc kernel' is not followed by a function definition; ignored");
        else if (dup)
            ms_diags_add(diags, MS_DIAG_WARNING, at, "repeated '#pragma mscc kernel' ignored");
        else
            make_kernel(&s, o, p, next->cur, &src->kernels[src->nkernels++]);
    }
    find_other_defs(text, len, tops.data, tops.len, src);
    find_type_decls(text, len, tops.data, tops.len, src);
    clang_getInclusions(tu, add_inclusion, src);
    for (int i = 0; i < s.pragmas.len; i++)
        for (int h = 0; h < s.pragmas.data[i].nhints; h++)
            free((char *)s.pragmas.data[i].hints[h].name);
    free(s.pragmas.data);
    free(tops.data);
    clang_disposeSourceRangeList(s.skipped);
    clang_disposeTokens(tu, s.toks, s.ntoks);
    clang_disposeTranslationUnit(tu);
    clang_disposeIndex(index);
    return 0;
}

void ms_source_free(ms_source *src)
{
    for (int i = 0; i < src->nincludes; i++)
        free(src->includes[i]);
    free(src->includes);
    for (int i = 0; i < src->nkernels; i++) {
        free(src->kernels[i].name);
        ms_func_free(src->kernels[i].func);
    }
    free(src->kernels);
    free(src->others);
    free(src->types);
    free(src->text);
    free(src->path);
    *src = (ms_source){0};
}

char *ms_kernel_body_text(const ms_source *src, const ms_kernel *k)
{
    size_t n = k->body_end - k->body_begin;
    char *t = ms_xmalloc(n + 1);
    memcpy(t, src->text + k->body_begin, n);
    t[n] = '\0';
    return t;
}

int ms_parse_size_list(const char *text, ms_size_hint **out, const char **why)
{
    MS_VEC(ms_size_hint) v = {0};
    char *buf = ms_xstrdup(text);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        char *end = NULL;
        long long val = eq ? strtoll(eq + 1, &end, 10) : 0;
        bool malformed = !eq || eq == tok || !end || *end || end == eq + 1;
        if (malformed || val > MS_SIZE_HINT_MAX || val < -MS_SIZE_HINT_MAX) {
            *why =
                malformed ? "want NAME=INTEGER,..." : "a size is at most 2147483647 in magnitude";
            for (int i = 0; i < v.len; i++)
                free((char *)v.data[i].name);
            free(v.data);
            free(buf);
            return -1;
        }
        *eq = '\0';
        ms_size_hint h = {ms_xstrdup(tok), val, 0};
        MS_VEC_PUSH(v, h);
    }
    free(buf);
    *out = v.data;
    return v.len;
}
