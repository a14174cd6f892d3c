/*
 * body.c - a kernel's new body: header comment, the run-time overlap check
 * for arrays that are not restrict (falling back to the user's own loops),
 * and the tuned statements.
 */
#include "emit/emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is e at least 0 whatever the sizes: a constant, or a max (a > b ? a : b)
 * with a constant arm of at least 0? */
static bool never_negative(const ms_expr *e)
{
    int64_t v;
    if (ms_expr_const_int(e, &v))
        return v >= 0;
    if (e->kind != MS_EXPR_SELECT || e->sel.cond->kind != MS_EXPR_BINARY ||
        (e->sel.cond->bin.op != MS_BIN_GT && e->sel.cond->bin.op != MS_BIN_GE) ||
        e->sel.cond->bin.a != e->sel.a || e->sel.cond->bin.b != e->sel.b)
        return false;
    return never_negative(e->sel.a) || never_negative(e->sel.b);
}

/* The run-time overlap test for arrays that are neither restrict nor
 * covered by noalias: first the byte range each one may touch, one line
 * per array, then the pairs (a written array, another) that must not
 * meet. ranges gets the declarations, pairs the condition; both stay
 * empty when every array is restrict. */
static bool overlap_check(const ms_func *f, const ms_func *original, ms_str *ranges, ms_str *pairs,
                          const char **why)
{
    ms_buffer *bufs[64];
    bool written[64];
    int n = 0;
    for (int i = 0; i < f->nparams && n < 64; i++) {
        ms_buffer *b = f->params[i].buf;
        if (!b || b->is_restrict)
            continue;
        bufs[n] = original->params[i].buf;
        written[n] = !b->is_const;
        n++;
    }
    bool any_written = false;
    for (int i = 0; i < n; i++)
        any_written = any_written || written[i];
    if (n < 2 || !any_written)
        return true;
    ms_str_add(ranges,
               "    /* the bytes each array may touch (they are not restrict): the tuned loops\n"
               "     * run when no written one meets another */\n");
    for (int i = 0; i < n; i++) {
        ms_expr *extent = ms_buffer_extent((ms_func *)original, bufs[i]);
        if (!extent) {
            *why = "the accesses of an array that is not restrict cannot be bounded";
            return false;
        }
        /* at sizes where the kernel touches nothing the bound may be
         * negative, and a pointer before the array is undefined (rk4006240:
         * N0 * N0 + N0 - 5 at N0 = 1) */
        if (!never_negative(extent))
            extent = ms_select(
                (ms_func *)original,
                ms_binary((ms_func *)original, MS_BIN_GT, extent, ms_int((ms_func *)original, 0)),
                extent, ms_int((ms_func *)original, 0));
        const char *x = bufs[i]->name;
        ms_str_addf(ranges,
                    "    const char *const mscc_%s_begin = (const char *)%s, *const mscc_%s_end =\n"
                    "        mscc_%s_begin + sizeof(%s) * ",
                    x, x, x, x, bufs[i]->elem_ctype);
        ms_expr_print_operand_of(MS_BIN_MUL, extent, ranges);
        ms_str_add(ranges, ";\n");
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            if (i == j || !written[i] || (written[j] && j < i))
                continue;
            const char *a = bufs[i]->name, *b = bufs[j]->name;
            ms_str_add(pairs, pairs->len ? " ||\n        " : "");
            ms_str_addf(pairs, "(mscc_%s_begin < mscc_%s_end && mscc_%s_begin < mscc_%s_end)", a, b,
                        b, a);
        }
    return true;
}

void ms_emit_sizes(ms_func *f, const char *sep, const char *eq, ms_str *out)
{
    size_t start = out->len;
    for (int i = 0; i < f->nparams; i++) {
        ms_var *v = f->params[i].var;
        int64_t val;
        if (v && !ms_dtype_is_float(v->dtype) && ms_expr_eval_hints(f, ms_var_ref(f, v), &val))
            ms_str_addf(out, "%s%s%s%lld", out->len > start ? sep : "", v->name, eq,
                        (long long)val);
    }
}

/* "M == 256 && N == 128": the test for the tuning sizes ("" without any). */
static void size_test(ms_func *f, ms_str *cond)
{
    ms_emit_sizes(f, " && ", " == ", cond);
}

/* The tuning-size path: every extent a constant. */
static void emit_specialized(ms_func *f, int indent, ms_str *out)
{
    ms_func *spec = ms_func_specialize(f);
    ms_func_flatten_blocks(spec);
    ms_func_lower_for_c(spec);
    ms_str_indent(out, indent);
    ms_str_add(out, "/* the tuning sizes: constant extents */\n");
    ms_emit_stmts(spec, spec->body, indent, out);
    ms_func_free(spec);
}

/* The scheduled statements; with a path for the tuning sizes, where extents
 * are constants, when the kernel has any. With original_elsewhere the
 * other sizes have left already (original_first), and only that path is
 * emitted. */
static void emit_tuned(ms_func *f, int indent, bool sizes_only, ms_str *out)
{
    ms_str cond = {0};
    size_test(f, &cond);
    if (cond.len && f->original_elsewhere && !sizes_only) {
        emit_specialized(f, indent, out);
        ms_str_free(&cond);
        return;
    }
    ms_func *generic = ms_func_peel_tiles(f);
    ms_func_flatten_blocks(generic);
    ms_func_lower_for_c(generic);
    if (!cond.len) {
        ms_emit_stmts(generic, generic->body, indent, out);
        ms_func_free(generic);
        return;
    }
    ms_str_indent(out, indent);
    ms_str_addf(out, "if (%s) {\n", ms_str_cstr(&cond));
    emit_specialized(f, indent + 1, out);
    ms_str_indent(out, indent);
    ms_str_add(out, "} else {\n");
    if (sizes_only) { /* a candidate of the search: half the code to compile */
        ms_str_indent(out, indent + 1);
        ms_str_add(out, "abort(); /* only ever called at the tuning sizes */\n");
    } else {
        ms_emit_stmts(generic, generic->body, indent + 1, out);
    }
    ms_str_indent(out, indent);
    ms_str_add(out, "}\n");
    ms_func_free(generic);
    ms_str_free(&cond);
}

/* The fallback: a comment, then the user's body without its opening brace,
 * as written (its closing brace closes ours). */
static void add_original(const char *comment, const char *original_body, ms_str *out)
{
    ms_str_add(out, comment);
    size_t n = strlen(original_body);
    MS_ASSERT(n >= 2 && original_body[0] == '{' && original_body[n - 1] == '}');
    ms_str_addn(out, original_body + 1, n - 1);
}

/* original_elsewhere: sizes other than the tuning sizes run the user's
 * body as written, as a block of its own, and return. */
static void original_first(ms_func *f, const char *original_body, ms_str *out)
{
    ms_str cond = {0};
    size_test(f, &cond);
    if (cond.len && f->original_elsewhere) {
        ms_str_addf(out,
                    "    if (!(%s)) {\n"
                    "        /* other sizes: the loops as written (the schedule ran slower "
                    "there) */\n        ",
                    ms_str_cstr(&cond));
        ms_str_add(out, original_body);
        ms_str_add(out, "\n        return;\n    }\n");
    }
    ms_str_free(&cond);
}

typedef struct packed_list {
    ms_buffer *bufs[16];
    int n;
} packed_list;

static void on_alloc(void *ctx, ms_buffer *b, int depth, ms_stmt *const *loops)
{
    packed_list *p = ctx;
    (void)loops;
    if (b->scope == MS_SCOPE_PACKED) {
        MS_ASSERT(depth == 0 && p->n < 16);
        p->bufs[p->n++] = b;
    }
}

/* The room of the packed copies under --workspace=static: one static
 * array, sized at the tuning sizes, handed out in order. */
static const char static_workspace[] = "static char mscc_ws[";

/* "(size_t)(S1) * (size_t)(S2) * sizeof(T) + 63": a packed copy's room,
 * with what aligning it to 64 may skip. */
static void emit_packed_size(const ms_buffer *b, ms_str *out)
{
    ms_str_add(out, "(size_t)(");
    for (int d = 0; d < b->ndim; d++) {
        if (d)
            ms_str_add(out, ") * (size_t)(");
        ms_expr_print(b->shape[d], out);
    }
    ms_str_addf(out, ") * sizeof(%s) + 63", b->elem_ctype);
}

/* "size_t X_bytes = ...;" */
static void emit_packed_bytes(const ms_buffer *b, ms_str *out)
{
    ms_str_addf(out, "    size_t %s_bytes = ", b->name);
    emit_packed_size(b, out);
    ms_str_add(out, ";\n");
}

/* "char *X_mem = malloc(S1 * S2 * S3 * sizeof(T) + 63); T (*X)[S2][S3] =
 * X_mem aligned to 64;"
 * for a packed copy. Not aligned_alloc: glibc reuses a freed malloc block on
 * the next call, where each 4 MiB aligned_alloc of gemm 1024 grew the heap
 * and faulted in fresh pages for eight more calls (12 ms a call, not 6).
 * In a static workspace X_mem is its next bytes, or NULL where they do not
 * fit (sizes beyond the tuning sizes: the original loops run); in the
 * caller's, its next bytes (mscc_next), or NULL where it gave none. */
static void emit_packed_decl(const ms_buffer *b, ms_workspace ws, bool last, ms_str *out)
{
    if (ws == MS_WS_HEAP) {
        ms_str_addf(out, "    char *%s_mem = malloc(", b->name);
        emit_packed_size(b, out);
        ms_str_add(out, ");\n");
    } else if (ws == MS_WS_STATIC) {
        emit_packed_bytes(b, out);
        ms_str_addf(out,
                    "    char *%s_mem =\n        %s_bytes <= sizeof mscc_ws - mscc_ws_used ? "
                    "mscc_ws + mscc_ws_used : NULL;\n"
                    "    mscc_ws_used += %s_mem ? %s_bytes : 0;\n",
                    b->name, b->name, b->name, b->name);
    } else { /* its bytes counted by emit_caller_workspace */
        ms_str_addf(out, "    char *%s_mem = mscc_next;\n", b->name);
        if (!last)
            ms_str_addf(out, "    mscc_next = mscc_next ? mscc_next + %s_bytes : NULL;\n", b->name);
    }
    ms_str_addf(out, "    %s (*%s)", b->elem_ctype, b->name);
    for (int d = 1; d < b->ndim; d++) {
        ms_str_add(out, "[");
        ms_expr_print(b->shape[d], out);
        ms_str_add(out, "]");
    }
    ms_str_addf(out, " =\n        %s_mem ? (void *)(%s_mem + (-(uintptr_t)%s_mem & 63)) : NULL;\n",
                b->name, b->name, b->name);
}

/* --workspace=caller: the packed copies' room, then where it comes from:
 * mscc_ws, the workspace NAME_ws was given (NAME_ws_size bytes, any
 * alignment), or, given none, the heap (none under --no-heap: the
 * original loops run). */
static const char caller_ws_room[] =
    "    /* the packed copies' room, as _ws_size() computes it */\n";
static const char caller_ws_total[] = "    size_t mscc_ws_bytes = ";

static void emit_caller_workspace(const ms_func *f, const packed_list *p, ms_str *out)
{
    ms_str_add(out, caller_ws_room);
    for (int i = 0; i < p->n; i++)
        emit_packed_bytes(p->bufs[i], out);
    ms_str_add(out, caller_ws_total);
    for (int i = 0; i < p->n; i++)
        ms_str_addf(out, "%s%s_bytes", i ? " + " : "", p->bufs[i]->name);
    ms_str_add(out, ";\n");
    if (f->no_heap)
        ms_str_add(out, "    (void)mscc_ws_bytes; /* the caller's to give */\n"
                        "    /* none given: the original loops (--no-heap) */\n"
                        "    char *mscc_next = mscc_ws;\n");
    else
        ms_str_add(out, "    /* none given: the heap's */\n"
                        "    char *mscc_heap = mscc_ws ? NULL : malloc(mscc_ws_bytes);\n"
                        "    char *mscc_next = mscc_ws ? (char *)mscc_ws : mscc_heap;\n");
}

/* What the body mallocs, freed. */
static void free_packed(const ms_func *f, const packed_list *p, const char *indent, ms_str *out)
{
    if (f->workspace == MS_WS_CALLER && !f->no_heap)
        ms_str_addf(out, "%sfree(mscc_heap);\n", indent);
    for (int i = 0; i < p->n && f->workspace == MS_WS_HEAP; i++)
        ms_str_addf(out, "%sfree(%s_mem);\n", indent, p->bufs[i]->name);
}

static char *emit_body(const ms_func *scheduled, const ms_func *original, const char *original_body,
                       const char *comment, const char **why, bool sizes_only)
{
    ms_str ranges = {0}, check = {0}, out = {0};
    if (!overlap_check(scheduled, original, &ranges, &check, why)) {
        ms_str_free(&ranges);
        ms_str_free(&check);
        return NULL;
    }
    /* reductions still carrying their init: decomposed where it runs once */
    ms_func *f = ms_func_clone(scheduled);
    ms_decompose_all_reductions(f);
    packed_list packed = {.n = 0};
    static const ms_walk_fns fns = {NULL, on_alloc, NULL};
    ms_walk(f->body, &fns, &packed);
    ms_str_add(&out, "{\n");
    if (comment)
        ms_str_addf(&out, "    /* %s */\n", comment);
    if (!sizes_only)
        original_first(f, original_body, &out);
    if (f->workspace == MS_WS_CALLER && !packed.n)
        ms_str_addf(&out, "    (void)mscc_ws; /* nothing packed: %s_ws_size() is 0 */\n", f->name);
    if (packed.n) {
        /* packed copies of inputs: without memory for them, the original loops */
        if (check.len)
            ms_str_addf(&out, "%s    const int mscc_overlap =\n        %s;\n", ms_str_cstr(&ranges),
                        ms_str_cstr(&check));
        ms_workspace ws = f->workspace;
        if (ws == MS_WS_CALLER)
            emit_caller_workspace(f, &packed, &out);
        if (ws == MS_WS_STATIC) {
            int64_t room = ms_func_memory(f).packed;
            if (room < 0) {
                *why = "--workspace=static: a packed copy has no size at the tuning sizes";
                ms_str_free(&ranges);
                ms_str_free(&check);
                ms_str_free(&out);
                ms_func_free(f);
                return NULL;
            }
            ms_str_addf(&out,
                        "    /* the packed copies' room (--workspace=static), sized at the tuning "
                        "sizes: this kernel is not reentrant */\n"
                        "    %s%lld];\n    size_t mscc_ws_used = 0;\n",
                        static_workspace, (long long)room);
        }
        for (int i = 0; i < packed.n; i++)
            emit_packed_decl(packed.bufs[i], ws, i == packed.n - 1, &out);
        ms_str_add(&out, check.len ? "    if (!mscc_overlap" : "    if (");
        for (int i = 0; i < packed.n; i++)
            ms_str_addf(&out, "%s%s", i || check.len ? " && " : "", packed.bufs[i]->name);
        ms_str_add(&out, ") {\n");
        emit_tuned(f, 2, sizes_only, &out);
        free_packed(f, &packed, "        ", &out);
        ms_str_add(&out, "        return;\n    }\n");
        free_packed(f, &packed, "    ", &out);
        add_original(check.len ? "    /* the arrays overlap, or there was no memory for "
                                 "packing: the original loops */"
                               : "    /* no memory for packing: the original loops */",
                     original_body, &out);
        ms_str_free(&ranges);
        ms_str_free(&check);
        ms_func_free(f);
        return ms_str_take(&out);
    }
    if (!check.len) {
        emit_tuned(f, 1, sizes_only, &out);
        ms_str_add(&out, "}");
        ms_str_free(&ranges);
        ms_str_free(&check);
        ms_func_free(f);
        return ms_str_take(&out);
    }
    /* arrays that may overlap: the tuned loops only when they do not */
    ms_str_addf(&out, "%s    const int mscc_overlap =\n        %s;\n", ms_str_cstr(&ranges),
                ms_str_cstr(&check));
    ms_str_add(&out, "    if (!mscc_overlap) {\n");
    emit_tuned(f, 2, sizes_only, &out);
    ms_str_add(&out, "        return;\n    }\n");
    add_original("    /* the arrays overlap: the original loops, in their order */", original_body,
                 &out);
    ms_str_free(&ranges);
    ms_str_free(&check);
    ms_func_free(f);
    return ms_str_take(&out);
}

char *ms_emit_body(const ms_func *scheduled, const ms_func *original, const char *original_body,
                   const char *comment, const char **why)
{
    return emit_body(scheduled, original, original_body, comment, why, false);
}

char *ms_emit_body_for_sizes(const ms_func *scheduled, const ms_func *original,
                             const char *original_body, const char *comment, const char **why)
{
    return emit_body(scheduled, original, original_body, comment, why, true);
}

char *ms_emit_candidate(const ms_func *scheduled, const ms_func *original,
                        const char *original_body, const char **why)
{
    return emit_body(scheduled, original, original_body, NULL, why, true);
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Is name an identifier of text (not part of a longer one)? */
static bool names_in(const char *text, size_t len, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i + n <= len; i++)
        if (!strncmp(text + i, name, n) && (i == 0 || !ident_char(text[i - 1])) &&
            (i + n == len || !ident_char(text[i + n])))
            return true;
    return false;
}

void ms_emit_scalar_params(const ms_func *f, ms_str *out)
{
    int n = 0;
    ms_str_add(out, "(");
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i].var)
            ms_str_addf(out, "%s%s %s", n++ ? ", " : "", f->params[i].var->ctype,
                        f->params[i].var->name);
    ms_str_add(out, n ? ")" : "void)");
}

void ms_emit_ws_size(const ms_func *f, const char *storage, const char *name, const char *dispatch,
                     const char *body, ms_str *out)
{
    /* its lines from caller_ws_room to mscc_ws_bytes, which only scalars enter */
    const char *room = strstr(body, caller_ws_room);
    const char *total = room ? strstr(room, caller_ws_total) : NULL;
    const char *lines = total ? room + strlen(caller_ws_room) : "";
    size_t nlines = total ? (size_t)(total - lines) : 0;
    ms_str_addf(out, "%ssize_t %s", storage, name);
    ms_emit_scalar_params(f, out);
    ms_str_add(out, "\n{\n");
    for (int i = 0; i < f->nparams; i++) {
        const ms_var *v = f->params[i].var;
        if (v && !names_in(lines, nlines, v->name) &&
            !names_in(dispatch, strlen(dispatch), v->name))
            ms_str_addf(out, "    (void)%s;\n", v->name);
    }
    ms_str_add(out, dispatch);
    if (total) {
        size_t nsum = strcspn(total + strlen(caller_ws_total), "\n");
        ms_str_addn(out, lines, nlines);
        ms_str_add(out, "    return ");
        ms_str_addn(out, total + strlen(caller_ws_total), nsum);
        ms_str_add(out, "\n}\n");
    } else {
        ms_str_add(out, "    return 0; /* nothing packed */\n}\n");
    }
}

bool ms_emit_params_with_ws(const ms_func *f, const char *params, ms_str *out)
{
    const char *close = strrchr(params, ')');
    for (const char *c = close ? close + 1 : NULL; c && *c; c++)
        if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r')
            close = NULL;
    if (!close)
        return false;
    if (f->nparams) {
        ms_str_addn(out, params, (size_t)(close - params));
        ms_str_addf(out, ", void *mscc_ws%s", close);
    } else { /* "()" or "(void)" */
        ms_str_addf(out, "(void *mscc_ws)%s", close + 1);
    }
    return true;
}

char *ms_emit_caller_entry_points(const ms_func *f, const char *head, const char *params,
                                  const char *body, const char **why)
{
    ms_str ws_params = {0};
    if (!ms_emit_params_with_ws(f, params, &ws_params)) {
        *why = "--workspace=caller: its definition's parameter list is not a prototype's";
        return NULL;
    }
    /* the new functions have the kernel's linkage */
    bool is_static = names_in(head, strlen(head), "static");
    ms_str out = {0};
    ms_str_addf(&out,
                ";\n\n/* added by mscc (--workspace=caller): %s_ws is %s with the memory for its "
                "packed copies given by the caller, %s_ws_size(...) bytes at any alignment */\n",
                f->name, f->name, f->name);
    /* inline: a static one the file does not call is no warning */
    ms_str name = {0};
    ms_str_addf(&name, "%s_ws_size", f->name);
    ms_emit_ws_size(f, is_static ? "static inline " : "", ms_str_cstr(&name), "", body, &out);
    ms_str_free(&name);
    ms_str_add(&out, "\n");
    ms_str_addf(&out, "%s%s_ws%s", head, f->name, ms_str_cstr(&ws_params));
    ms_str_free(&ws_params);
    ms_str_add(&out, body);
    ms_str_add(&out, "\n\n");
    ms_str_addf(&out, "%s%s%s{\n", head, f->name, params);
    ms_str_addf(&out, "    /* no workspace given: %s */\n    %s_ws(",
                f->no_heap ? "the original loops (--no-heap), if it packs"
                           : "packed copies, if any, in the heap's",
                f->name);
    for (int i = 0; i < f->nparams; i++)
        ms_str_addf(&out, "%s, ",
                    f->params[i].var ? f->params[i].var->name : f->params[i].buf->name);
    ms_str_add(&out, "NULL);\n}");
    return ms_str_take(&out);
}

/* A definition of mscc's, defined once in a translation unit that holds
 * several tuned files (a benchmark including each). */
static void add_once(const char *name, const char *definition, ms_str *out)
{
    ms_str_addf(out, "#ifndef MSCC_DEFINED_%s\n#define MSCC_DEFINED_%s\n", name, name);
    ms_str_add(out, definition);
    ms_str_add(out, "#endif\n");
}

/* Does a body call function name? */
static bool called_in(int n, const char *const *bodies, const char *name)
{
    char call[64];
    snprintf(call, sizeof call, "%s(", name);
    for (int i = 0; i < n; i++)
        if (bodies[i] && strstr(bodies[i], call))
            return true;
    return false;
}

/* The micro-kernels the bodies call, each once, with the headers of their
 * intrinsics behind the same tests as the intrinsics themselves; in a
 * --multiversion file, x86's compiled for their ISA by an attribute, for
 * the variant of that ISA alone. */
static void emit_intrinsics(int n, const char *const *bodies, bool multiversion, ms_str *out)
{
    bool used[64] = {false}, any = false;
    MS_ASSERT(ms_intrin_count() <= 64);
    for (int v = 0; v < ms_intrin_count(); v++) {
        used[v] = called_in(n, bodies, ms_intrin_at(v)->name);
        any = any || used[v];
    }
    if (!any)
        return;
    ms_str_add(out, MS_INTRIN_BEGIN "\n");
    const char *said[64];
    int nsaid = 0;
    for (int v = 0; v < ms_intrin_count(); v++) {
        const ms_intrin *in = ms_intrin_at(v);
        bool again = false;
        for (int i = 0; i < nsaid; i++)
            again = again || !strcmp(said[i], ms_intrin_available(in));
        if (!used[v] || again)
            continue;
        said[nsaid++] = ms_intrin_available(in);
        ms_str_addf(out, "#if %s\n#include <%s>\n#endif\n",
                    multiversion && ms_intrin_multiversioned(in) ? "MSCC_MV_X86"
                                                                 : ms_intrin_available(in),
                    ms_intrin_header(in));
    }
    for (int v = 0; v < ms_intrin_count(); v++)
        if (used[v]) {
            const ms_intrin *in = ms_intrin_at(v);
            bool mv = multiversion && ms_intrin_multiversioned(in);
            ms_str def = {0};
            if (mv)
                ms_str_add(&def, "#if MSCC_MV_X86\n");
            ms_intrin_print(in, mv, &def);
            if (mv)
                ms_str_add(&def, "#endif\n");
            add_once(in->name, ms_str_cstr(&def), out);
            ms_str_free(&def);
        }
    ms_str_add(out, MS_INTRIN_END "\n");
}

void ms_emit_support(int n, const char *const *bodies, ms_str *out)
{
    bool need_math = false, need_stdlib = false, need_omp = false, any_vmath = false;
    bool need_vmath[16] = {false};
    MS_ASSERT(ms_vmath_count() <= 16);
    for (int i = 0; i < n; i++) {
        const char *b = bodies[i];
        if (!b)
            continue;
        need_math = need_math || strstr(b, "fmaf(") || strstr(b, "fma(") || strstr(b, "fmal(");
        need_stdlib = need_stdlib || strstr(b, "_mem = malloc(") || strstr(b, static_workspace) ||
                      strstr(b, "_ws_size(") || strstr(b, "mscc_ws_bytes");
        need_omp = need_omp || strstr(b, "omp_in_parallel()");
    }
    for (int v = 0; v < ms_vmath_count(); v++) {
        need_vmath[v] = called_in(n, bodies, ms_vmath_at(v)->name);
        any_vmath = any_vmath || need_vmath[v];
    }
    if (need_math)
        ms_str_add(out, "#include <math.h> /* added by mscc: fma() in tuned kernels */\n");
    else if (any_vmath)
        ms_str_add(out,
                   "#include <math.h> /* added by mscc: its vector math in tuned kernels */\n");
    if (need_omp)
        ms_str_add(out,
                   "#if defined(_OPENMP)\n#include <omp.h> /* added by mscc: omp_in_parallel() "
                   "in tuned kernels */\n#endif\n");
    if (need_stdlib)
        ms_str_add(out, "#include <stdint.h> /* added by mscc: packed arrays in tuned kernels */\n"
                        "#include <stdlib.h>\n");
    else if (any_vmath)
        ms_str_add(out, "#include <stdint.h> /* added by mscc: its vector math */\n");
    bool multiversion = false;
    for (int i = 0; i < n; i++)
        multiversion = multiversion || (bodies[i] && strstr(bodies[i], MS_MULTIVERSION_MARK));
    if (multiversion)
        ms_emit_multiversion_prologue(out);
    emit_intrinsics(n, bodies, multiversion, out);
    if (!any_vmath)
        return;
    /* an entry's needs come earlier in the registry */
    for (int v = ms_vmath_count() - 1; v >= 0; v--)
        for (int w = 0; w < v && need_vmath[v] && ms_vmath_at(v)->needs; w++)
            need_vmath[w] = need_vmath[w] || !strcmp(ms_vmath_at(w)->name, ms_vmath_at(v)->needs);
    /* one marked region, so that a reader (and a test) sees where it ends */
    ms_str_add(out, MS_VMATH_BEGIN "\n");
    for (int v = 0; v < ms_vmath_count(); v++)
        if (need_vmath[v])
            add_once(ms_vmath_at(v)->name, ms_vmath_at(v)->definition, out);
    ms_str_add(out, MS_VMATH_END "\n");
}

char *ms_emit_splice(const char *text, size_t len, int n, const size_t *begin, const size_t *end,
                     char *const *with, size_t *out_len)
{
    ms_str out = {0};
    size_t at = 0;
    /* what tuned bodies call: declared once, atop the file */
    ms_emit_support(n, (const char *const *)with, &out);
    for (int i = 0; i < n; i++) {
        if (!with[i])
            continue;
        MS_ASSERT(begin[i] >= at && end[i] >= begin[i] && end[i] <= len);
        ms_str_addn(&out, text + at, begin[i] - at);
        ms_str_add(&out, with[i]);
        at = end[i];
    }
    ms_str_addn(&out, text + at, len - at);
    *out_len = out.len;
    return ms_str_take(&out);
}
