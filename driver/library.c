/*
 * library.c - mscc --lib NAME -o DIR: a kernel library for a board or a
 * product. One pass of the pipeline per size set of --sizes-file (pass 0:
 * each kernel's first set, or its tuning sizes); then, in DIR:
 *   NAME.h      the input's preprocessor lines and a documented prototype
 *               per kernel;
 *   KERNEL.c    one per kernel: its first set's body (that set's constant
 *               path and the general path), with a dispatch in front to a
 *               variant per further set, each for its sizes alone;
 *   NAME.mk     make rules (include it; libNAME.a);
 *   meson.build a static library and NAME_dep (subdir() it).
 * Every file is written atomically, and none unless every pass succeeded.
 */
#include "driver/driver.h"
#include "emit/emit.h"
#include "runtime/runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Passes: at most the sets a kernel may have (sizes_file.c). */
#define MAX_PASSES 64

/* The diagnostics of every pass, each said once. */
static void merge_diags(ms_diags *all, const ms_diags *d)
{
    for (int i = 0; i < d->items.len; i++) {
        const ms_diag *x = &d->items.data[i];
        bool seen = false;
        for (int j = 0; j < all->items.len && !seen; j++) {
            const ms_diag *y = &all->items.data[j];
            seen = y->level == x->level && y->loc.line == x->loc.line && y->loc.col == x->loc.col &&
                   !strcmp(y->msg, x->msg);
        }
        if (!seen)
            ms_diags_add(all, x->level, x->loc, "%s", x->msg);
    }
}

/* "M == 64 && N == 64": the test a body makes for its tuning sizes, which
 * the dispatch must make alike ("" without any). */
static void size_test(const ms_kernel *k, ms_str *out)
{
    ms_emit_sizes(k->func, " && ", " == ", out);
}

/* "M=64, N=64", for a comment. */
static void size_list(const ms_kernel *k, ms_str *out)
{
    ms_emit_sizes(k->func, ", ", "=", out);
}

/* The input's type declarations from *next on that begin before at. */
static void add_types_before(const ms_source *src, int *next, size_t at, ms_str *out)
{
    for (; *next < src->ntypes && src->types[*next].begin < at; ++*next) {
        const ms_type_decl *d = &src->types[*next];
        ms_str_addn(out, src->text + d->begin, d->end - d->begin);
        ms_str_add(out, "\n");
    }
}

/* What the prototypes may need of the input, in its order: its
 * preprocessor lines outside its functions (#include, #define, #if...,
 * continuations kept; not #pragma: mscc's own, or ones meant for loops)
 * and its typedefs, enums, structs and unions. */
static void file_context(const ms_source *src, ms_str *out)
{
    const char *t = src->text;
    size_t i = 0;
    int ty = 0;
    while (i < src->len) {
        size_t end = i;
        while (end < src->len && (t[end] != '\n' || (end > i && t[end - 1] == '\\')))
            end++;
        add_types_before(src, &ty, i, out);
        bool inside = ty > 0 && i < src->types[ty - 1].end;
        for (int k = 0; k < src->nkernels && !inside; k++)
            inside = i > src->kernels[k].body_begin && i < src->kernels[k].body_end;
        for (int k = 0; k < src->nothers && !inside; k++)
            inside = i > src->others[k].begin && i < src->others[k].end;
        size_t j = i;
        while (j < end && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (!inside && j < end && t[j] == '#') {
            size_t d = j + 1;
            while (d < end && (t[d] == ' ' || t[d] == '\t'))
                d++;
            if (strncmp(t + d, "pragma", 6)) {
                ms_str_addn(out, t + i, end - i);
                ms_str_add(out, "\n");
            }
        }
        i = end + 1;
    }
    add_types_before(src, &ty, src->len, out);
}

/* Where the kernel's declaration as written ends: before the blanks
 * ahead of its body. */
static size_t declaration_end(const ms_source *src, const ms_kernel *k)
{
    size_t e = k->body_begin;
    while (e > k->decl_begin && (src->text[e - 1] == ' ' || src->text[e - 1] == '\n' ||
                                 src->text[e - 1] == '\t' || src->text[e - 1] == '\r'))
        e--;
    return e;
}

/* The kernel's declaration as written, up to its body. */
static void declaration(const ms_source *src, const ms_kernel *k, ms_str *out)
{
    ms_str_addn(out, src->text + k->decl_begin, declaration_end(src, k) - k->decl_begin);
}

/* "NAME(M, N, A, B)": a call with the kernel's own parameters, then ws
 * (a workspace's name; NULL: none). */
static void forward_call(const ms_kernel *k, const char *callee, const char *ws, ms_str *out)
{
    const ms_func *f = k->func;
    ms_str_addf(out, "%s(", callee);
    for (int i = 0; i < f->nparams; i++)
        ms_str_addf(out, "%s%s", i ? ", " : "",
                    f->params[i].var ? f->params[i].var->name : f->params[i].buf->name);
    if (ws)
        ms_str_addf(out, "%s%s", f->nparams ? ", " : "", ws);
    ms_str_add(out, ")");
}

/* "NAME(M, N)": the same with the scalar parameters alone. */
static void scalar_call(const ms_kernel *k, const char *callee, ms_str *out)
{
    const ms_func *f = k->func;
    ms_str_addf(out, "%s(", callee);
    int n = 0;
    for (int i = 0; i < f->nparams; i++)
        if (f->params[i].var)
            ms_str_addf(out, "%s%s", n++ ? ", " : "", f->params[i].var->name);
    ms_str_add(out, ")");
}

/* --workspace=caller: does kernel i get NAME_ws and NAME_ws_size (a
 * tuned body in some pass; the driver kept none whose entry points
 * cannot be written)? */
static bool caller_entry_points(mscc_result *const *r, int npasses, int nsets, int i)
{
    const ms_kernel *k = &r[0]->src.kernels[i];
    bool any = false;
    for (int p = 0; p < npasses && p < (nsets > 0 ? nsets : 1); p++)
        any = any || r[p]->bodies[i];
    return any && k->func && k->func->workspace == MS_WS_CALLER;
}

/* Kernel i's file: its variants (passes 1.. that tuned it), then the
 * kernel with a dispatch to them ahead of pass 0's body. */
static char *kernel_file(const ms_options *o, mscc_result *const *r, int npasses, int i, int nsets)
{
    const ms_source *src = &r[0]->src;
    const ms_kernel *k = &src->kernels[i];
    ms_str s = {0}, dispatch = {0};
    ms_str_addf(&s,
                "/* %s.c - kernel %s of the library %s, written by mscc " MS_VERSION
                " from %s:%d. */\n#include \"%s.h\"\n",
                k->name, k->name, o->lib, o->input, k->loc.line, o->lib);
    const char *bodies[MAX_PASSES];
    int nb = 0;
    for (int p = 0; p < npasses && p < (nsets > 0 ? nsets : 1); p++)
        if (r[p]->bodies[i])
            bodies[nb++] = r[p]->bodies[i];
    /* --workspace=caller: NAME_ws_size and NAME_ws, and NAME calling it */
    bool caller = caller_entry_points(r, npasses, nsets, i);
    ms_str params = {0}, ws_params = {0}, size_dispatch = {0};
    ms_str_addn(&params, src->text + k->name_end, k->body_begin - k->name_end);
    if (caller)
        ms_emit_params_with_ws(k->func, ms_str_cstr(&params), &ws_params);
    ms_emit_support(nb, bodies, &s);
    if (nb > 1 && !strstr(ms_str_cstr(&s), "<stdlib.h>")) /* a variant's other sizes abort() */
        ms_str_add(&s, "#include <stdlib.h>\n");
    /* the tests already made: pass 0's (its body's own), then each variant's;
     * a set that repeats one adds nothing */
    ms_str tests[MAX_PASSES] = {{0}};
    int ntests = 0;
    if (r[0]->bodies[i] && k->func)
        size_test(k, &tests[ntests++]);
    for (int p = 1; p < npasses && p < nsets; p++) {
        const ms_kernel *kp = &r[p]->src.kernels[i];
        if (!r[p]->bodies[i] || !kp->func || !k->func)
            continue;
        ms_str *test = &tests[ntests];
        size_test(kp, test);
        bool again = !test->len;
        for (int t = 0; t < ntests && !again; t++)
            again = !strcmp(ms_str_cstr(&tests[t]), ms_str_cstr(test));
        if (again) {
            ms_str_free(test);
            continue;
        }
        ntests++;
        ms_str sizes = {0}, callee = {0};
        size_list(kp, &sizes);
        ms_str_addf(&callee, "%s__mscc_sizes%d", k->name, p + 1);
        ms_str_addf(&s, "\n/* %s at %s alone: %s calls it there */\n", k->name, ms_str_cstr(&sizes),
                    caller ? "its _ws" : k->name);
        if (caller) { /* and its workspace's size, which NAME_ws_size asks */
            ms_str size_fn = {0};
            ms_str_addf(&size_fn, "%s_ws_size", ms_str_cstr(&callee));
            ms_emit_ws_size(kp->func, "static ", ms_str_cstr(&size_fn), "", r[p]->bodies[i], &s);
            ms_str_addf(&size_dispatch, "    if (%s)\n        return ", ms_str_cstr(test));
            scalar_call(k, ms_str_cstr(&size_fn), &size_dispatch);
            ms_str_add(&size_dispatch, ";\n");
            ms_str_free(&size_fn);
        }
        ms_str_addf(&s, "static void %s", ms_str_cstr(&callee));
        ms_str_add(&s, caller ? ms_str_cstr(&ws_params) : ms_str_cstr(&params));
        ms_str_add(&s, r[p]->bodies[i]);
        ms_str_add(&s, "\n");
        ms_str_addf(&dispatch, "    if (%s) {\n        ", ms_str_cstr(test));
        forward_call(k, ms_str_cstr(&callee), caller ? "mscc_ws" : NULL, &dispatch);
        ms_str_add(&dispatch, ";\n        return;\n    }\n");
        ms_str_free(&sizes);
        ms_str_free(&callee);
    }
    for (int t = 0; t < ntests; t++)
        ms_str_free(&tests[t]);
    ms_str_add(&s, "\n");
    char *body = r[0]->bodies[i] ? ms_xstrdup(r[0]->bodies[i]) : ms_kernel_body_text(src, k);
    MS_ASSERT(body[0] == '{');
    if (caller) {
        ms_str size_fn = {0};
        ms_str_addf(&size_fn, "%s_ws_size", k->name);
        ms_emit_ws_size(k->func, "", ms_str_cstr(&size_fn), ms_str_cstr(&size_dispatch),
                        r[0]->bodies[i] ? body : "", &s);
        ms_str_add(&s, "\n");
        ms_str_addn(&s, src->text + k->decl_begin, k->name_begin - k->decl_begin);
        ms_str_addf(&s, "%s_ws%s", k->name, ms_str_cstr(&ws_params));
        ms_str_free(&size_fn);
        /* the user's loops take no workspace */
        if (!r[0]->bodies[i])
            ms_str_add(&dispatch, "    (void)mscc_ws;\n");
    } else {
        declaration(src, k, &s);
        ms_str_add(&s, "\n");
    }
    ms_str_add(&s, "{\n");
    ms_str_add(&s, ms_str_cstr(&dispatch));
    ms_str_add(&s, body + 1 + (body[1] == '\n'));
    ms_str_add(&s, "\n");
    if (caller) {
        ms_str_add(&s, "\n");
        declaration(src, k, &s);
        ms_str_add(&s, "\n{\n    /* no workspace given: ");
        ms_str_add(&s, k->func->no_heap ? "the original loops (--no-heap), if it packs */\n    "
                                        : "packed copies, if any, in the heap's */\n    ");
        ms_str ws_name = {0};
        ms_str_addf(&ws_name, "%s_ws", k->name);
        forward_call(k, ms_str_cstr(&ws_name), "NULL", &s);
        ms_str_free(&ws_name);
        ms_str_add(&s, ";\n}\n");
    }
    free(body);
    ms_str_free(&dispatch);
    ms_str_free(&size_dispatch);
    ms_str_free(&params);
    ms_str_free(&ws_params);
    return ms_str_take(&s);
}

static char *header_file(const ms_options *o, mscc_result *const *r, int npasses,
                         const ms_sizes_file *sf)
{
    const ms_source *src = &r[0]->src;
    ms_str s = {0}, guard = {0};
    for (const char *c = o->lib; *c; c++)
        ms_str_addf(&guard, "%c", *c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    ms_str_addf(&s,
                "/* %s.h - the kernel library %s, written by mscc " MS_VERSION " from %s.\n"
                " * Build it with %s.mk (make: include it, link $(%s_LIB) with $(%s_LDFLAGS))\n"
                " * or meson.build (meson: subdir() this folder, use %s_dep). */\n"
                "#ifndef %s_H\n#define %s_H\n\n",
                o->lib, o->lib, o->input, o->lib, o->lib, o->lib, o->lib, ms_str_cstr(&guard),
                ms_str_cstr(&guard));
    bool any_caller = false;
    for (int i = 0; i < src->nkernels; i++)
        any_caller =
            any_caller ||
            caller_entry_points(r, npasses, ms_sizes_file_count(sf, src->kernels[i].name), i);
    if (any_caller)
        ms_str_add(&s, "#include <stddef.h> /* size_t: the workspaces' sizes */\n\n");
    ms_str_add(&s, "/* of the kernels' file: its preprocessor lines and types */\n");
    file_context(src, &s);
    for (int i = 0; i < src->nkernels; i++) {
        const ms_kernel *k = &src->kernels[i];
        int nsets = ms_sizes_file_count(sf, k->name);
        ms_str_addf(&s, "\n/* %s (%s:%d)", k->name, o->input, k->loc.line);
        if (!r[0]->bodies[i]) {
            ms_str_add(&s, ": as written (mscc left it unchanged; its warning says why)");
        } else {
            ms_str_add(&s, ": tuned for ");
            for (int p = 0; p < npasses && p < (nsets > 0 ? nsets : 1); p++) {
                const ms_kernel *kp = &r[p]->src.kernels[i];
                if (!r[p]->bodies[i] || !kp->func)
                    continue;
                if (p)
                    ms_str_add(&s, "; ");
                size_t before = s.len;
                size_list(kp, &s);
                if (s.len == before)
                    ms_str_add(&s, "its constant sizes");
            }
            ms_str_add(&s, ";\n * correct at every size (other sizes take the general path)");
        }
        ms_str_add(&s, ". */\n");
        declaration(src, k, &s);
        ms_str_add(&s, ";\n");
        if (caller_entry_points(r, npasses, nsets, i)) {
            ms_str params = {0};
            ms_str_addn(&params, src->text + k->name_end, declaration_end(src, k) - k->name_end);
            ms_str_addf(&s,
                        "/* %s with the memory for its packed copies given by the caller: "
                        "%s_ws_size(...) bytes,\n * at any alignment, used during the call "
                        "alone (NULL: as %s). */\nsize_t %s_ws_size",
                        k->name, k->name, k->name, k->name);
            ms_emit_scalar_params(k->func, &s);
            ms_str_add(&s, ";\n");
            ms_str_addn(&s, src->text + k->decl_begin, k->name_begin - k->decl_begin);
            ms_str_addf(&s, "%s_ws", k->name);
            ms_emit_params_with_ws(k->func, ms_str_cstr(&params), &s);
            ms_str_add(&s, ";\n");
            ms_str_free(&params);
        }
    }
    ms_str_addf(&s, "\n#endif /* %s_H */\n", ms_str_cstr(&guard));
    ms_str_free(&guard);
    return ms_str_take(&s);
}

/* The compiler flags of the library's objects: the target's (as it
 * measures), C11 in GCC's GNU mode (ISO -std=c11 turns off the fp
 * contraction that the measured builds had: other code, another size
 * than --max-code-size was kept for), -ffp-contract=off under the strict
 * fp-model (as --check builds), OpenMP only where a kernel uses it; no
 * link options. */
static char *library_cflags(const ms_options *o, mscc_result *const *r, int npasses)
{
    char *target = ms_target_kind_cflags(ms_target_kind_named(o->target), o->cflags);
    bool omp = false;
    for (int p = 0; p < npasses; p++)
        for (int i = 0; i < r[p]->n; i++)
            omp = omp || (r[p]->bodies[i] && strstr(r[p]->bodies[i], "#pragma omp"));
    ms_str s = {0};
    if (!strstr(target, "-std="))
        ms_str_add(&s, "-std=gnu11");
    if (o->fp_strict)
        ms_str_add(&s, " -ffp-contract=off");
    if (!strstr(target, "-O"))
        ms_str_add(&s, " -O3");
    char *save = NULL;
    for (char *w = strtok_r(target, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (strcmp(w, "-static") && (omp || strcmp(w, "-fopenmp")))
            ms_str_addf(&s, "%s%s", s.len ? " " : "", w);
    free(target);
    return ms_str_take(&s);
}

static char *make_file(const ms_options *o, const ms_source *src, const char *cflags)
{
    ms_str s = {0};
    const char *L = o->lib;
    ms_str_addf(&s,
                "# %s.mk - make rules for the kernel library %s, written by mscc " MS_VERSION
                " from %s.\n"
                "# include it, then link $(%s_LIB) and $(%s_LDFLAGS); $(%s_CFLAGS) may be set "
                "before.\n"
                "%s_DIR := $(patsubst %%/,%%,$(dir $(lastword $(MAKEFILE_LIST))))\n"
                "%s_SRCS :=",
                L, L, o->input, L, L, L, L, L);
    for (int i = 0; i < src->nkernels; i++)
        ms_str_addf(&s, " $(%s_DIR)/%s.c", L, src->kernels[i].name);
    bool omp = strstr(cflags, "-fopenmp") != NULL;
    ms_str_addf(&s,
                "\n%s_OBJS := $(%s_SRCS:.c=.o)\n"
                "%s_LIB := $(%s_DIR)/lib%s.a\n"
                "%s_CFLAGS ?= %s\n"
                "%s_LDFLAGS := %s-lm\n"
                "$(%s_OBJS): $(%s_DIR)/%%.o: $(%s_DIR)/%%.c $(%s_DIR)/%s.h\n"
                "\t$(CC) $(%s_CFLAGS) -c $< -o $@\n"
                "$(%s_LIB): $(%s_OBJS)\n"
                "\t$(AR) rcs $@ $^\n",
                L, L, L, L, L, L, cflags, L, omp ? "-fopenmp " : "", L, L, L, L, L, L, L, L);
    return ms_str_take(&s);
}

static char *meson_file(const ms_options *o, const ms_source *src, const char *cflags)
{
    ms_str s = {0};
    const char *L = o->lib;
    ms_str_addf(&s,
                "# meson.build - the kernel library %s, written by mscc " MS_VERSION " from %s.\n"
                "# subdir() this folder, then use %s_dep.\n"
                "%s_deps = [dependency('openmp', required : false),\n"
                "  meson.get_compiler('c').find_library('m', required : false)]\n"
                "%s_lib = static_library('%s',",
                L, o->input, L, L, L, L);
    for (int i = 0; i < src->nkernels; i++)
        ms_str_addf(&s, " '%s.c',", src->kernels[i].name);
    ms_str_add(&s, "\n  c_args : [");
    /* -std and -O come from the project's own settings */
    char *copy = ms_xstrdup(cflags), *save = NULL;
    int n = 0;
    for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (strncmp(w, "-std=", 5) && strncmp(w, "-O", 2) && strcmp(w, "-fopenmp"))
            ms_str_addf(&s, "%s'%s'", n++ ? ", " : "", w);
    free(copy);
    ms_str_addf(&s,
                "],\n  dependencies : %s_deps)\n"
                "%s_dep = declare_dependency(link_with : %s_lib,\n"
                "  include_directories : include_directories('.'), dependencies : %s_deps)\n",
                L, L, L, L);
    return ms_str_take(&s);
}

static bool make_dir(const char *dir, char *why, size_t n)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return true;
        snprintf(why, n, "--lib: '%s' is not a folder", dir);
        return false;
    }
    /* its parents first, as mkdir -p */
    char *path = ms_xstrdup(dir);
    bool ok = true;
    for (char *c = path + 1; *c && ok; c++)
        if (*c == '/') {
            *c = '\0';
            ok = mkdir(path, 0777) == 0 || errno == EEXIST;
            *c = '/';
        }
    ok = ok && (mkdir(path, 0777) == 0 || errno == EEXIST);
    if (!ok)
        snprintf(why, n, "--lib: cannot make the folder '%s': %s", dir, strerror(errno));
    free(path);
    return ok;
}

/* Every file of the library, or none: the contents first, then the writes. */
static bool write_library(const ms_options *o, mscc_result *const *r, int npasses,
                          const ms_sizes_file *sf, char *why, size_t n)
{
    const ms_source *src = &r[0]->src;
    int nfiles = src->nkernels + 3;
    char **names = ms_xcalloc((size_t)nfiles, sizeof(char *));
    char **texts = ms_xcalloc((size_t)nfiles, sizeof(char *));
    char *cflags = library_cflags(o, r, npasses);
    ms_str path = {0};
    for (int i = 0; i < src->nkernels; i++) {
        ms_str_addf(&path, "%s/%s.c", o->output, src->kernels[i].name);
        names[i] = ms_str_take(&path);
        texts[i] = kernel_file(o, r, npasses, i, ms_sizes_file_count(sf, src->kernels[i].name));
    }
    int at = src->nkernels;
    ms_str_addf(&path, "%s/%s.h", o->output, o->lib);
    names[at] = ms_str_take(&path);
    texts[at++] = header_file(o, r, npasses, sf);
    ms_str_addf(&path, "%s/%s.mk", o->output, o->lib);
    names[at] = ms_str_take(&path);
    texts[at++] = make_file(o, src, cflags);
    ms_str_addf(&path, "%s/meson.build", o->output);
    names[at] = ms_str_take(&path);
    texts[at] = meson_file(o, src, cflags);
    bool ok = make_dir(o->output, why, n);
    for (int i = 0; i < nfiles && ok; i++)
        ok = ms_write_atomic(names[i], texts[i], strlen(texts[i]), why, n) == 0;
    for (int i = 0; i < nfiles; i++) {
        free(names[i]);
        free(texts[i]);
    }
    free(names);
    free(texts);
    free(cflags);
    return ok;
}

int ms_lib_main(ms_options *o)
{
    char why[1024];
    ms_sizes_file sf = {0};
    if (o->sizes_file) {
        char *text = ms_read_file(o->sizes_file, NULL);
        if (!text || ms_sizes_file_parse(text, &sf, why, sizeof why) != 0) {
            fprintf(stderr, "mscc: error: --sizes-file %s: %s\n", o->sizes_file,
                    text ? why : "cannot be read");
            free(text);
            return 1;
        }
        free(text);
    }
    int npasses = 1;
    for (int i = 0; i < sf.n; i++)
        npasses = sf.set_index[i] + 1 > npasses ? sf.set_index[i] + 1 : npasses;
    ms_options *opts = ms_xcalloc((size_t)npasses, sizeof *opts);
    ms_kernel_sizes *sets = ms_xcalloc((size_t)(sf.n ? sf.n : 1) * (size_t)npasses, sizeof *sets);
    const char **searched =
        ms_xcalloc((size_t)(sf.n ? sf.n : 1) * (size_t)npasses, sizeof *searched);
    mscc_result *r[MAX_PASSES] = {0};
    ms_diags all = {0};
    int status = 0;
    for (int p = 0; p < npasses && status == 0; p++) {
        ms_options *op = &opts[p];
        *op = *o;
        op->kernel_sizes = sets + (size_t)p * (size_t)sf.n;
        op->nkernel_sizes = ms_sizes_file_pass(&sf, p, sets + (size_t)p * (size_t)sf.n);
        op->sizes_only = p > 0;
        /* past pass 0, only kernels with a set of that pass are searched:
         * the others' bodies are not used */
        op->search_only = searched + (size_t)p * (size_t)sf.n;
        for (int i = 0; i < sf.n; i++)
            if (sf.set_index[i] == p)
                searched[(size_t)p * (size_t)sf.n + (size_t)op->nsearch_only++] = sf.sets[i].kernel;
        r[p] = ms_result_new();
        mscc_status st = ms_tune_file(op, r[p]);
        merge_diags(&all, &r[p]->diags);
        if (st == MSCC_ERR_INPUT && r[p]->parsed)
            ms_diags_add(&all, MS_DIAG_ERROR, (ms_loc){0}, "%s", r[p]->message);
        if (st != MSCC_OK)
            status = st == MSCC_ERR_INTERNAL ? 2 : 1;
    }
    bool check_failed = false;
    for (int p = 0; p < npasses && status == 0 && o->check; p++) {
        /* each size set's bodies, at its sizes (a variant runs there
         * alone); one that fails or loses is dropped, as in a file. Past
         * pass 0, a kernel without a set of that number has no variant */
        int n = r[p]->src.nkernels;
        char **mine = ms_xcalloc((size_t)(n ? n : 1), sizeof(char *));
        bool *has = ms_xcalloc((size_t)(n ? n : 1), sizeof(bool));
        for (int i = 0; i < n; i++) {
            has[i] = p == 0 || ms_sizes_file_count(&sf, r[p]->src.kernels[i].name) > p;
            mine[i] = has[i] ? r[p]->bodies[i] : NULL;
        }
        if (npasses > 1)
            printf("%ssize set %d:\n", p ? "\n" : "", p + 1);
        check_failed = !ms_check_bodies(&opts[p], &r[p]->src, mine, p > 0, &all) || check_failed;
        for (int i = 0; i < n; i++) /* what the check dropped, it freed */
            if (has[i])
                r[p]->bodies[i] = mine[i];
        free(mine);
        free(has);
    }
    if (status == 0) {
        /* a kernel the sizes file names that the input lacks is a typo */
        for (int i = 0; i < sf.n; i++) {
            bool known = false;
            for (int k = 0; k < r[0]->src.nkernels; k++)
                known = known || !strcmp(r[0]->src.kernels[k].name, sf.sets[i].kernel);
            if (!known && sf.set_index[i] == 0)
                ms_diags_add(&all, MS_DIAG_WARNING, (ms_loc){o->sizes_file, 0, 0},
                             "sizes for '%s', which is not a kernel of %s", sf.sets[i].kernel,
                             o->input);
        }
        if (ms_diags_have_errors(&all, o->werror))
            status = 1;
        else if (!write_library(o, r, npasses, &sf, why, sizeof why)) {
            ms_diags_add(&all, MS_DIAG_ERROR, (ms_loc){0}, "%s", why);
            status = 1;
        } else if (o->depfile) {
            /* the header stands for the library in a build's rule */
            ms_str head = {0}, d = {0};
            ms_str_addf(&head, "%s/%s.h", o->output, o->lib);
            ms_str_addf(&d, "%s/%s.d", o->output, o->lib);
            if (!ms_depfile_write(o, r[0], ms_str_cstr(&head), o->mf ? o->mf : ms_str_cstr(&d), why,
                                  sizeof why)) {
                ms_diags_add(&all, MS_DIAG_ERROR, (ms_loc){0}, "-MD: %s", why);
                status = 1;
            }
            ms_str_free(&head);
            ms_str_free(&d);
        }
    }
    /* as for a file: what passed is written, and the exit status says
     * that something did not */
    bool written = status == 0;
    if (written && check_failed)
        status = 2;
    int nkernels = r[0] && r[0]->parsed ? r[0]->src.nkernels : 0, tuned = 0;
    for (int i = 0; i < nkernels; i++)
        tuned += r[0]->bodies[i] != NULL;
    ms_print_diags(&all, o->diag_json, o->werror);
    if (!written && !o->diag_json)
        fprintf(stderr, "mscc: no output written\n");
    else if (!o->quiet)
        fprintf(stderr, "mscc: %s: %d kernel%s, %d tuned, %d pass%s -> library %s in %s/\n",
                o->input, nkernels, nkernels == 1 ? "" : "s", tuned, npasses,
                npasses == 1 ? "" : "es", o->lib, o->output);
    for (int p = 0; p < npasses; p++)
        if (r[p])
            mscc_result_free(r[p]);
    free(opts);
    free(sets);
    free(searched);
    ms_sizes_file_free(&sf);
    return status;
}
