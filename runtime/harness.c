/*
 * harness.c - generates the check program for one kernel: the user's whole
 * file (its kernel renamed NAME__orig by a macro, its main renamed), the
 * tuned kernel as NAME__mscc, and a main that fills 64-byte aligned buffers
 * (B bytes past alignment with --misalign=B) with deterministic random
 * data, runs both, compares the outputs with a per-type tolerance, and
 * times both (median after warm-up).
 */
#include "emit/emit.h"
#include "runtime/runtime.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything the generated main needs, independent of the kernel. */
static const char harness_support[] =
    "#include <math.h>\n"
    "#include <stdint.h>\n"
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <string.h>\n"
    "#include <time.h>\n"
    "#if defined(__GNUC__)\n"
    "#define MSCC_BARRIER() __asm__ __volatile__(\"\" ::: \"memory\")\n"
    "#else\n"
    "#define MSCC_BARRIER() ((void)0)\n"
    "#endif\n"
    "#if defined(__unix__) || defined(__APPLE__)\n"
    "#include <signal.h>\n"
    "#include <sys/time.h>\n"
    "#include <unistd.h>\n"
    "/* --abort=S: a first call still running after S seconds ends the run\n"
    " * (exit 4, \"slow\"): it cannot win, and a slow one can take seconds */\n"
    "static void mscc_on_alarm(int sig)\n"
    "{\n"
    "    static const char slow[] = \"slow\\n\";\n"
    "    ssize_t w = write(1, slow, sizeof slow - 1);\n"
    "    (void)sig, (void)w;\n"
    "    _exit(4);\n"
    "}\n"
    "static void mscc_arm(double s)\n"
    "{\n"
    "    struct itimerval v = {{0, 0}, {(time_t)s, (suseconds_t)((s - (double)(time_t)s) * "
    "1e6)}};\n"
    "    signal(SIGALRM, mscc_on_alarm);\n"
    "    setitimer(ITIMER_REAL, &v, NULL);\n"
    "}\n"
    "#else\n"
    "static void mscc_arm(double s) { (void)s; }\n"
    "#endif\n"
    "static double mscc_now(void)\n"
    "{\n"
    /* a board without an OS (newlib) has the C clock alone */
    "#if defined(__unix__) || defined(__APPLE__)\n"
    "    struct timespec ts;\n"
    "    clock_gettime(CLOCK_MONOTONIC, &ts);\n"
    "    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;\n"
    "#else\n"
    "    return (double)clock() / CLOCKS_PER_SEC;\n"
    "#endif\n"
    "}\n"
    "static uint64_t mscc_state = 0x9e3779b97f4a7c15ULL;\n"
    "static uint64_t mscc_next(void)\n"
    "{\n"
    "    mscc_state = mscc_state * 6364136223846793005ULL + 1442695040888963407ULL;\n"
    "    uint64_t x = mscc_state;\n"
    "    x ^= x >> 29;\n"
    "    return x * 0xbf58476d1ce4e5b9ULL;\n"
    "}\n"
    "/* uniform in [-1, 1) for floats; small integers so sums stay exact */\n"
    "static double mscc_uniform(void) { return (double)(mscc_next() >> 11) * 0x1.0p-52 - 1.0; }\n"
    "/* --misalign=B: every array starts B bytes past 64-byte alignment, as\n"
    " * user arrays may (never freed: the program ends) */\n"
    "static size_t mscc_misalign = 0;\n"
    /* under AddressSanitizer (gcc says so by a macro, clang by a feature
     * test): the harness frees nothing, on purpose */
    "#if defined(__SANITIZE_ADDRESS__)\n"
    "#define MSCC_ASAN 1\n"
    "#elif defined(__has_feature)\n"
    "#if __has_feature(address_sanitizer)\n"
    "#define MSCC_ASAN 1\n"
    "#endif\n"
    "#endif\n"
    "#if defined(MSCC_ASAN)\n"
    "const char *__asan_default_options(void);\n"
    "const char *__asan_default_options(void) { return \"detect_leaks=0\"; }\n"
    "#endif\n"
    "static void *mscc_alloc(long long count, size_t elem)\n"
    "{\n"
    "    size_t bytes = (size_t)(count > 0 ? count : 1) * elem;\n"
    /* under AddressSanitizer the array ends where its block does, so that
     * an access one past it is caught */
    "#if defined(MSCC_ASAN)\n"
    "    bytes += mscc_misalign % 64;\n"
    "    void *v = NULL;\n"
    "    char *p = posix_memalign(&v, 64, bytes) ? NULL : v;\n"
    "#else\n"
    /* aligned by hand: newlib's aligned_alloc needs a posix_memalign
     * that a board without an OS lacks */
    "    bytes = (bytes + 63) / 64 * 64 + 64;\n"
    "    char *p = malloc(bytes + 63);\n"
    "    p = p ? p + (-(uintptr_t)p & 63) : NULL;\n"
    "#endif\n"
    "    if (!p) { fprintf(stderr, \"out of memory\\n\"); exit(3); }\n"
    "    memset(p, 0, bytes);\n"
    "    return p + mscc_misalign % 64;\n"
    "}\n"
    "enum { T_F32, T_F64, T_I8, T_U8, T_I16, T_U16, T_I32, T_U32, T_I64, T_U64 };\n"
    "static double mscc_get(int t, const void *p, size_t i)\n"
    "{\n"
    "    switch (t) {\n"
    "    case T_F32: return ((const float *)p)[i];\n"
    "    case T_F64: return ((const double *)p)[i];\n"
    "    case T_I8: return ((const int8_t *)p)[i];\n"
    "    case T_U8: return ((const uint8_t *)p)[i];\n"
    "    case T_I16: return ((const int16_t *)p)[i];\n"
    "    case T_U16: return ((const uint16_t *)p)[i];\n"
    "    case T_I32: return ((const int32_t *)p)[i];\n"
    "    case T_U32: return ((const uint32_t *)p)[i];\n"
    "    case T_I64: return (double)((const int64_t *)p)[i];\n"
    "    default: return (double)((const uint64_t *)p)[i];\n"
    "    }\n"
    "}\n"
    "static void mscc_fill(int t, void *p, long long n)\n"
    "{\n"
    "    for (long long i = 0; i < n; i++) {\n"
    "        double u = mscc_uniform();\n"
    "        long long k = (long long)(mscc_next() % 16) - 8;\n"
    "        switch (t) {\n"
    "        case T_F32: ((float *)p)[i] = (float)u; break;\n"
    "        case T_F64: ((double *)p)[i] = u; break;\n"
    "        case T_I8: ((int8_t *)p)[i] = (int8_t)k; break;\n"
    "        case T_U8: ((uint8_t *)p)[i] = (uint8_t)(k + 8); break;\n"
    "        case T_I16: ((int16_t *)p)[i] = (int16_t)k; break;\n"
    "        case T_U16: ((uint16_t *)p)[i] = (uint16_t)(k + 8); break;\n"
    "        case T_I32: ((int32_t *)p)[i] = (int32_t)k; break;\n"
    "        case T_U32: ((uint32_t *)p)[i] = (uint32_t)(k + 8); break;\n"
    "        case T_I64: ((int64_t *)p)[i] = k; break;\n"
    "        default: ((uint64_t *)p)[i] = (uint64_t)(k + 8); break;\n"
    "        }\n"
    "    }\n"
    "}\n"
    "/* The -ffast-math oracle on one element: the tuned b within tol of the\n"
    " * original a (relative to scale), or the original built with\n"
    " * -ffast-math, c, beyond it too (rounding decides it) */\n"
    "static int mscc_holds(double a, double b, double c, double scale, double tol)\n"
    "{\n"
    "    double et = a == b || (isnan(a) && isnan(b)) ? 0 : fabs(a - b) / scale;\n"
    "    double ef = a == c || (isnan(a) && isnan(c)) ? 0 : fabs(a - c) / scale;\n"
    "    return (isnan(et) && isnan(ef)) || et <= tol || ef > tol;\n"
    "}\n"
    "/* max relative error, against max(|ref|, mean |ref|); exact for integers;\n"
    " * the first mismatch is printed, the worst error is measured over all.\n"
    " * fast (or NULL): the original's outputs built with -ffast-math, for\n"
    " * the oracle */\n"
    "static int mscc_compare(const char *name, int t, const void *ref, const void *got,\n"
    "                        const void *fast, long long n, double *worst)\n"
    "{\n"
    "    static int mscc_told = 0;\n"
    "    int ok = 1;\n"
    "    double mean = 0, tol = MSCC_EXACT ? 0 : t == T_F32 ? 1e-4 : t == T_F64 ? "
    "(MSCC_APPROX_MATH ? 1e-4 : 1e-10) : 0;\n"
    "    for (long long i = 0; i < n; i++) mean += fabs(mscc_get(t, ref, (size_t)i));\n"
    "    mean = n > 0 ? mean / (double)n : 0;\n"
    "    for (long long i = 0; i < n; i++) {\n"
    "        double a = mscc_get(t, ref, (size_t)i), b = mscc_get(t, got, (size_t)i);\n"
    "        if (isnan(a) && isnan(b)) continue;\n"
    "        double scale = fabs(a) > mean ? fabs(a) : mean;\n"
    "        scale = scale > 0 ? scale : 1;\n"
    "        double err = a == b ? 0 : fabs(a - b) / scale;\n"
    "        if (!(err <= *worst)) *worst = err;\n"
    "        if (err <= tol) continue;\n"
    "        if (fast && mscc_holds(a, b, mscc_get(t, fast, (size_t)i), scale, tol)) continue;\n"
    "        if (ok && !mscc_told++)\n"
    "            printf(\"mismatch %s[%lld]: original %.9g, tuned %.9g\\n\", name, i, a, b);\n"
    "        ok = 0;\n"
    "    }\n"
    "    return ok;\n"
    "}\n"
    "/* The -ffast-math oracle for --check. --dump=F writes the original's and\n"
    " * the tuned kernel's outputs; --against=F, in a build with -ffast-math,\n"
    " * reads them back and judges each element by mscc_holds */\n"
    "static void mscc_dump(FILE *f, const void *ref, const void *got, long long n, size_t elem)\n"
    "{\n"
    "    if (n > 0 && (fwrite(ref, elem, (size_t)n, f) != (size_t)n ||\n"
    "                  fwrite(got, elem, (size_t)n, f) != (size_t)n)) exit(3);\n"
    "}\n"
    "static int mscc_against(FILE *f, const char *name, int t, const void *fast, long long n,\n"
    "                        size_t elem)\n"
    "{\n"
    "    char *q = malloc((size_t)(n > 0 ? 2 * n : 1) * elem);\n"
    "    if (!q || (n > 0 && fread(q, elem, (size_t)(2 * n), f) != (size_t)(2 * n))) exit(3);\n"
    "    const void *ref = q, *got = q + (size_t)n * elem;\n"
    "    double mean = 0, tol = t == T_F32 ? 1e-4 : t == T_F64 ? 1e-10 : 0;\n"
    "    for (long long i = 0; i < n; i++) mean += fabs(mscc_get(t, ref, (size_t)i));\n"
    "    mean = n > 0 ? mean / (double)n : 0;\n"
    "    int ok = 1;\n"
    "    for (long long i = 0; i < n && ok; i++) {\n"
    "        double a = mscc_get(t, ref, (size_t)i), b = mscc_get(t, got, (size_t)i);\n"
    "        double c = mscc_get(t, fast, (size_t)i);\n"
    "        double scale = fabs(a) > mean ? fabs(a) : mean;\n"
    "        if (!mscc_holds(a, b, c, scale > 0 ? scale : 1, tol)) {\n"
    "            printf(\"oracle FAIL %s[%lld]: original %.9g, tuned %.9g, original with \"\n"
    "                   \"-ffast-math %.9g\\n\", name, i, a, b, c);\n"
    "            ok = 0;\n"
    "        }\n"
    "    }\n"
    "    free(q);\n"
    "    return ok;\n"
    "}\n"
    "static int mscc_dcmp(const void *a, const void *b)\n"
    "{\n"
    "    double x = *(const double *)a, y = *(const double *)b;\n"
    "    return (x > y) - (x < y);\n"
    "}\n"
    "static double mscc_median(double *v, int n)\n"
    "{\n"
    "    qsort(v, (size_t)n, sizeof *v, mscc_dcmp);\n"
    "    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);\n"
    "}\n"
    "static long long mscc_maxll(long long a, long long b) { return a > b ? a : b; }\n"
    "static long long mscc_size(int argc, char **argv, const char *name, long long dflt)\n"
    "{\n"
    "    size_t n = strlen(name);\n"
    "    for (int i = 1; i < argc; i++)\n"
    "        for (char *p = argv[i]; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)\n"
    "            if (!strncmp(p, name, n) && p[n] == '=') return atoll(p + n + 1);\n"
    "    return dflt;\n"
    "}\n";

static const char *type_code(ms_dtype t)
{
    switch (t) {
    case MS_DT_F32:
        return "T_F32";
    case MS_DT_F64:
        return "T_F64";
    case MS_DT_I8:
    case MS_DT_BOOL:
        return "T_I8";
    case MS_DT_U8:
        return "T_U8";
    case MS_DT_I16:
        return "T_I16";
    case MS_DT_U16:
        return "T_U16";
    case MS_DT_I32:
        return "T_I32";
    case MS_DT_U32:
        return "T_U32";
    case MS_DT_I64:
        return "T_I64";
    case MS_DT_U64:
        return "T_U64";
    case MS_DT_COUNT:
        break;
    }
    ms_unreachable();
}

/* Element count to allocate: the larger of the declared shape and the
 * extent the kernel touches. */
static bool buffer_count(ms_func *f, const ms_buffer *b, ms_str *out)
{
    ms_expr *touched = ms_buffer_room(f, b);
    bool declared = !b->is_pointer && b->ndim > 0;
    for (int d = 0; d < b->ndim && declared; d++)
        declared = b->shape[d] != NULL;
    if (!touched && !declared)
        return false;
    ms_str_add(out, "mscc_maxll(");
    if (declared) {
        for (int d = 0; d < b->ndim; d++) {
            ms_str_add(out, d ? " * (long long)(" : "(long long)(");
            ms_expr_print(b->shape[d], out);
            ms_str_add(out, ")");
        }
    } else {
        ms_str_add(out, "0");
    }
    ms_str_add(out, ", ");
    if (touched) {
        ms_str_add(out, "(long long)(");
        ms_expr_print(touched, out);
        ms_str_add(out, ")");
    } else {
        ms_str_add(out, "0");
    }
    ms_str_add(out, ")");
    return true;
}

static void emit_call(ms_str *s, const ms_func *f, const char *suffix, const char *copy)
{
    ms_str_addf(s, "mscc_fp_%s(", suffix);
    for (int i = 0; i < f->nparams; i++) {
        const ms_param *p = &f->params[i];
        if (i)
            ms_str_add(s, ", ");
        if (p->var)
            ms_str_add(s, p->var->name);
        else if (p->buf->is_const)
            ms_str_addf(s, "(void *)mscc_in_%s", p->buf->name);
        else
            ms_str_addf(s, "(void *)mscc_%s_%s", copy, p->buf->name);
    }
    ms_str_add(s, ")");
}

/* The user's file with every function definition but the kernels' made
 * a declaration (ms_other_def), newlines kept so that lines stay where
 * they were: of the user's code, the harness compiles the kernels only. */
static void add_user_file(ms_str *s, const ms_source *src)
{
    size_t at = 0;
    for (int i = 0; i < src->nothers; i++) {
        const ms_other_def *d = &src->others[i];
        MS_ASSERT(d->begin >= at && d->end <= src->len);
        ms_str_addn(s, src->text + at, d->begin - at);
        ms_str_add(s, d->old_style ? "();" : ";");
        for (size_t c = d->begin; c < d->end; c++)
            if (src->text[c] == '\n')
                ms_str_add(s, "\n");
        at = d->end;
    }
    ms_str_addn(s, src->text + at, src->len - at);
}

static bool is_float_arithmetic(const void *ctx, const ms_expr *e)
{
    (void)ctx;
    return e->kind == MS_EXPR_BINARY && e->dtype == MS_DT_F32 && e->bin.op <= MS_BIN_MOD;
}

static bool stores_no_float_arithmetic(void *ctx, ms_stmt *s)
{
    (void)ctx;
    return s->kind != MS_STMT_STORE || !ms_expr_any(s->store.value, is_float_arithmetic, NULL);
}

/* Does the kernel compute in float? A double it feeds then holds a float's
 * precision, and the fp-model may reorder the float sums (random kernel
 * rk4035303: a float sum, doubled into a double output, 1 ulp apart). */
static bool computes_in_float(const ms_func *f)
{
    return !ms_stmt_visit(f->body, stores_no_float_arithmetic, NULL);
}

/* --workspace=caller: the workspace a tuned body (NAME_ws's) is given,
 * grown as the sizes ask, 8 bytes past an alignment of 64 so that the
 * body's own aligning is tested. */
static const char caller_workspace[] = "static void *mscc_harness_ws(size_t n)\n"
                                       "{\n"
                                       "    static char *mem;\n"
                                       "    static size_t have;\n"
                                       "    if (n + 72 > have) {\n"
                                       "        free(mem);\n"
                                       "        mem = malloc(n + 72);\n"
                                       "        have = mem ? n + 72 : 0;\n"
                                       "    }\n"
                                       "    return mem ? mem + (-(uintptr_t)mem & 63) + 8 : NULL;\n"
                                       "}\n";

/* The user's file (its kernels only: add_user_file) with the kernel
 * renamed NAME__orig and main out of the way, then each body as
 * NAME__<suffix>: the kernel's own declaration over another body. */
static void emit_prologue(ms_str *s, const ms_source *src, const ms_kernel *k, int n,
                          const char *const *suffixes, const char *const *bodies)
{
    /* clock_gettime under -std=c11; set before the user's includes */
    ms_str_add(s, "#ifndef _POSIX_C_SOURCE\n#define _POSIX_C_SOURCE 200809L\n#endif\n");
    /* the file's other static kernels are not called here */
    ms_str_add(s, "#pragma GCC diagnostic ignored \"-Wunused-function\"\n");
    ms_str_addf(s, "#define main mscc_user_main\n#define %s %s__orig\n#line 1 \"%s\"\n", k->name,
                k->name, src->path);
    add_user_file(s, src);
    ms_str_addf(s, "\n#line 1 \"<mscc harness of %s>\"\n#undef %s\n#undef main\n", k->name,
                k->name);
    /* what tuned bodies may call (fma, packed arrays), as the output file has it */
    ms_str_add(s, "#include <math.h>\n#include <stdint.h>\n#include <stdlib.h>\n#if "
                  "defined(_OPENMP)\n#include "
                  "<omp.h>\n#endif\n");
    ms_emit_support(n, bodies, s);
    /* --fp-model=strict promises the original's every bit */
    ms_str_addf(s, "#define MSCC_EXACT %d\n", k->func->fp_strict ? 1 : 0);
    /* mscc's expf and kin round as floats do, as float arithmetic does: a
     * double they feed holds a float's precision */
    bool approx = computes_in_float(k->func);
    for (int i = 0; i < n; i++)
        approx = approx || (bodies[i] && ms_vmath_approx_in(bodies[i]));
    ms_str_addf(s, "#define MSCC_APPROX_MATH %d\n", approx ? 1 : 0);
    bool caller_ws = k->func && k->func->workspace == MS_WS_CALLER;
    if (caller_ws)
        ms_str_add(s, caller_workspace);
    for (int i = 0; i < n; i++) {
        /* NAME_ws's body, its workspace from the harness */
        if (caller_ws)
            ms_str_add(s, strstr(bodies[i], "mscc_ws_bytes")
                              ? "#define mscc_ws mscc_harness_ws(mscc_ws_bytes)\n"
                              : "#define mscc_ws ((void *)0)\n");
        /* --multiversion: the kernel's text defines NAME (dispatching) and
         * NAME_VARIANT, which take the version's suffix here */
        bool mv = strstr(bodies[i], MS_MULTIVERSION_MARK) != NULL;
        for (int v = -1; mv && v < ms_variant_count(); v++)
            ms_str_addf(s, "#define %s%s%s %s%s%s__%s\n", k->name, v < 0 ? "" : "_",
                        v < 0 ? "" : ms_variant_at(v)->name, k->name, v < 0 ? "" : "_",
                        v < 0 ? "" : ms_variant_at(v)->name, suffixes[i]);
        ms_str_addn(s, src->text + k->decl_begin, k->name_begin - k->decl_begin);
        ms_str_addf(s, "%s__%s", k->name, suffixes[i]);
        ms_str_addn(s, src->text + k->name_end, k->body_begin - k->name_end);
        ms_str_add(s, bodies[i]);
        ms_str_add(s, caller_ws ? "\n#undef mscc_ws\n" : "\n");
        for (int v = -1; mv && v < ms_variant_count(); v++)
            ms_str_addf(s, "#undef %s%s%s\n", k->name, v < 0 ? "" : "_",
                        v < 0 ? "" : ms_variant_at(v)->name);
    }
    /* main calls each version through a pointer it cannot see through:
     * GCC 12 at -O1 dropped a call of an original whose strided loop
     * (A[i] += tanh(A[2 * i])) its own analyses had found pure, and the
     * reference came out as the input */
    for (int i = -1; i < n; i++) {
        const char *v = i < 0 ? "orig" : suffixes[i];
        ms_str_addf(s, "static __typeof__(%s__%s) *volatile mscc_fp_%s = %s__%s;\n", k->name, v, v,
                    k->name, v);
    }
    ms_str_add(s, harness_support);
}

/* The scalar parameters (sizes from the command line, floats fixed) and
 * the arrays: inputs filled once, outputs as a reference copy and a copy
 * for the tuned code, both filled alike. */
static bool emit_setup(ms_str *s, ms_func *f, const char **why)
{
    for (int i = 0; i < f->nparams; i++) {
        const ms_var *v = f->params[i].var;
        if (!v)
            continue;
        if (ms_dtype_is_float(v->dtype)) {
            /* distinct, harmless constants: 0.75, 1.25, 0.5 ... */
            ms_str_addf(s, "    %s %s = (%s)%g;\n", v->ctype, v->name, v->ctype,
                        0.5 + 0.25 * (double)((i * 3 + 1) % 4));
        } else {
            const ms_size_hint *h = ms_func_hint(f, v->name);
            int64_t dflt = h ? h->value : 64;
            ms_str_addf(s, "    %s %s = (%s)mscc_size(argc, argv, \"%s\", %" PRId64 "LL);\n",
                        v->ctype, v->name, v->ctype, v->name, dflt);
        }
    }
    ms_str_add(s, "    double mscc_err = 0;\n    int mscc_ok = 1;\n");
    for (int i = 0; i < f->nparams; i++) {
        const ms_buffer *b = f->params[i].buf;
        if (!b)
            continue;
        ms_str_addf(s, "    long long mscc_n_%s = ", b->name);
        if (!buffer_count(f, b, s)) {
            *why = "the extent of a pointer parameter cannot be bounded";
            return false;
        }
        ms_str_add(s, ";\n");
        const char *tc = type_code(b->dtype);
        if (b->is_const) {
            ms_str_addf(s, "    void *mscc_in_%s = mscc_alloc(mscc_n_%s, sizeof(%s));\n", b->name,
                        b->name, b->elem_ctype);
            ms_str_addf(s, "    mscc_fill(%s, mscc_in_%s, mscc_n_%s);\n", tc, b->name, b->name);
        } else {
            for (int c = 0; c < 2; c++)
                ms_str_addf(s, "    void *mscc_%s_%s = mscc_alloc(mscc_n_%s, sizeof(%s));\n",
                            c ? "new" : "ref", b->name, b->name, b->elem_ctype);
            ms_str_addf(s, "    mscc_fill(%s, mscc_ref_%s, mscc_n_%s);\n", tc, b->name, b->name);
            ms_str_addf(s,
                        "    memcpy(mscc_new_%s, mscc_ref_%s, (size_t)(mscc_n_%s > 0 ? "
                        "mscc_n_%s : 1) * sizeof(%s));\n",
                        b->name, b->name, b->name, b->name, b->elem_ctype);
        }
    }
    return true;
}

/* Times `call` (a statement) as the median of batches lasting at least
 * 20 us each, after a warm-up, for at least mscc_min_time seconds; the
 * median goes to mscc_t[slot], the relative interquartile spread to
 * mscc_spread. prev (NULL: none) names the seconds of a call just made on
 * the same data: one of 10 ms or more was the warm-up, and with
 * prev_counts, one of a second or more is the first timed call too (its
 * cold start is a small share of it). A call of a second or more (and of
 * mscc_min_time) is timed once: three calls of a gemm-sized original
 * (4 s each) took 13 s of an 83 s search, and the noise of one is a small
 * share of it. So a gemm-sized original runs once in all. */
static void emit_timing(ms_str *s, const char *call, int slot, const char *prev, bool prev_counts)
{
    ms_str_addf(s,
                "    {\n        int mscc_reps = 0;\n        double mscc_t0 = mscc_now();\n"
                "        double mscc_one = %s;\n"
                "        if (mscc_one < 0.01) {\n"
                "            %s; /* warm-up */\n"
                "            mscc_one = mscc_now() - mscc_t0;\n        }\n"
                "        if (%d && mscc_one >= 1)\n"
                "            mscc_s[mscc_reps++] = mscc_one;\n"
                "        int mscc_least = mscc_one >= 1 && mscc_one >= mscc_min_time ? 1 : 3;\n"
                "        long mscc_batch = mscc_one > 2e-5 ? 1 : (long)(2e-5 / (mscc_one + "
                "1e-9)) + 1;\n"
                "        mscc_t0 = mscc_now();\n"
                "        while (mscc_reps < 10000 &&\n"
                "               (mscc_reps < mscc_least ||\n"
                "                (mscc_least > 1 && mscc_now() - mscc_t0 < mscc_min_time))) {\n"
                "            double mscc_a = mscc_now();\n"
                "            for (long mscc_b = 0; mscc_b < mscc_batch; mscc_b++) {\n"
                "                %s;\n"
                /* the barrier keeps the compiler from hoisting an inlined kernel out of the loop */
                "                MSCC_BARRIER();\n            }\n"
                "            mscc_s[mscc_reps++] = (mscc_now() - mscc_a) / (double)mscc_batch;\n"
                "        }\n"
                "        mscc_t[%d] = mscc_median(mscc_s, mscc_reps);\n"
                "        mscc_spread = mscc_t[%d] > 0 ? (mscc_s[mscc_reps * 3 / 4] - "
                "mscc_s[mscc_reps / 4]) / mscc_t[%d] : 0;\n    }\n",
                prev ? prev : "0", call, prev_counts ? 1 : 0, call, slot, slot, slot);
}

static char *call_text(const ms_func *f, const char *suffix, const char *copy)
{
    ms_str c = {0};
    emit_call(&c, f, suffix, copy);
    return ms_str_take(&c);
}

/* Every output array (mscc_<which>_NAME) to or from the file mscc_f,
 * through io (fwrite, fread). */
static void ref_io(ms_str *s, const ms_func *f, const char *which, const char *io, int indent)
{
    for (int i = 0; i < f->nparams; i++) {
        const ms_buffer *b = f->params[i].buf;
        if (!b || b->is_const)
            continue;
        ms_str_indent(s, indent);
        ms_str_addf(s,
                    "if (mscc_n_%s > 0 && %s(mscc_%s_%s, sizeof(%s), (size_t)mscc_n_%s, mscc_f) "
                    "!= (size_t)mscc_n_%s) return 3;\n",
                    b->name, io, which, b->name, b->elem_ctype, b->name, b->name);
    }
}

/* The call of the tuned body that --cand=I chose: one of the n, as a void
 * expression (a ?: chain when there are several). */
static char *new_call_text(const ms_func *f, int n, char *const *suffixes)
{
    ms_str c = {0};
    for (int i = 0; i < n; i++) {
        if (i + 1 < n)
            ms_str_addf(&c, "mscc_cand == %d ? ", i);
        emit_call(&c, f, suffixes[i], "new");
        if (i + 1 < n)
            ms_str_add(&c, " : ");
    }
    if (n > 1) {
        char *inner = ms_str_take(&c);
        ms_str_addf(&c, "(%s)", inner);
        free(inner);
    }
    return ms_str_take(&c);
}

char *ms_harness_source(const ms_source *src, const ms_kernel *k, const char *tuned_body,
                        const char **why)
{
    return ms_harness_source_n(src, k, 1, &tuned_body, why);
}

char *ms_harness_source_n(const ms_source *src, const ms_kernel *k, int n,
                          const char *const *tuned_bodies, const char **why)
{
    ms_func *f = k->func;
    ms_str s = {0};
    ms_str_addf(&s, "/* generated by mscc: checks kernel '%s' against its original */\n", k->name);
    char **suffixes = ms_xcalloc((size_t)n, sizeof(char *));
    for (int i = 0; i < n; i++) {
        ms_str x = {0};
        ms_str_addf(&x, n == 1 ? "mscc" : "mscc%d", i);
        suffixes[i] = ms_str_take(&x);
    }
    emit_prologue(&s, src, k, n, (const char *const *)suffixes, tuned_bodies);
    char *new_call = new_call_text(f, n, suffixes);
    for (int i = 0; i < n; i++)
        free(suffixes[i]);
    free(suffixes);
    ms_str_add(&s, "int main(int argc, char **argv)\n{\n");
    /* every name of the harness starts with mscc_: the kernel's own names may be anything */
    ms_str_add(&s, "    int mscc_timing = 0;\n    double mscc_min_time = 0.1, mscc_spread = 0;\n"
                   "    const char *mscc_dump_to = NULL, *mscc_against_file = NULL;\n"
                   "    const char *mscc_load_file = NULL, *mscc_keep_file = NULL;\n"
                   "    int mscc_cand = 0;\n");
    ms_str_add(&s, "    for (int mscc_i = 1; mscc_i < argc; mscc_i++) {\n"
                   "        if (!strcmp(argv[mscc_i], \"--time\")) mscc_timing = 1;\n"
                   "        else if (!strncmp(argv[mscc_i], \"--min-time=\", 11))\n"
                   "            mscc_min_time = atof(argv[mscc_i] + 11);\n"
                   "        else if (!strncmp(argv[mscc_i], \"--dump=\", 7))\n"
                   "            mscc_dump_to = argv[mscc_i] + 7;\n"
                   "        else if (!strncmp(argv[mscc_i], \"--against=\", 10))\n"
                   "            mscc_against_file = argv[mscc_i] + 10;\n"
                   "        else if (!strncmp(argv[mscc_i], \"--misalign=\", 11))\n"
                   "            mscc_misalign = (size_t)atoi(argv[mscc_i] + 11);\n"
                   "        else if (!strncmp(argv[mscc_i], \"--ref-in=\", 9))\n"
                   "            mscc_load_file = argv[mscc_i] + 9;\n"
                   "        else if (!strncmp(argv[mscc_i], \"--ref-out=\", 10))\n"
                   "            mscc_keep_file = argv[mscc_i] + 10;\n"
                   "        else if (!strncmp(argv[mscc_i], \"--cand=\", 7))\n"
                   "            mscc_cand = atoi(argv[mscc_i] + 7);\n"
                   "    }\n");
    if (!emit_setup(&s, f, why)) {
        free(new_call);
        ms_str_free(&s);
        return NULL;
    }
    /* --ref-out=F keeps the original's outputs, --ref-in=F reads them back
     * instead of calling it: the runs at one size, aligned or not, fill the
     * same values, and a gemm-sized original takes seconds */
    ms_str_add(&s,
               "    if (mscc_load_file) {\n        FILE *mscc_f = fopen(mscc_load_file, \"rb\");\n"
               "        if (!mscc_f) return 3;\n");
    ref_io(&s, f, "ref", "fread", 2);
    ms_str_add(&s, "        fclose(mscc_f);\n    } else {\n        ");
    emit_call(&s, f, "orig", "ref");
    ms_str_add(&s, ";\n    }\n    if (mscc_keep_file) {\n"
                   "        FILE *mscc_f = fopen(mscc_keep_file, \"wb\");\n"
                   "        if (!mscc_f) return 3;\n");
    ref_io(&s, f, "ref", "fwrite", 2);
    ms_str_add(&s, "        fclose(mscc_f);\n    }\n    ");
    ms_str_addf(&s, "%s;\n", new_call);
    /* the -ffast-math oracle's two halves (runtime/check.c) */
    for (int pass = 0; pass < 2; pass++) {
        ms_str_addf(&s,
                    "    if (%s) {\n        FILE *mscc_f = fopen(%s, \"%s\");\n"
                    "        if (!mscc_f) return 3;\n",
                    pass ? "mscc_against_file" : "mscc_dump_to",
                    pass ? "mscc_against_file" : "mscc_dump_to", pass ? "rb" : "wb");
        if (pass)
            ms_str_add(&s, "        int mscc_held = 1;\n");
        for (int i = 0; i < f->nparams; i++) {
            const ms_buffer *b = f->params[i].buf;
            if (!b || b->is_const)
                continue;
            if (pass)
                ms_str_addf(&s,
                            "        mscc_held = mscc_against(mscc_f, \"%s\", %s, mscc_ref_%s, "
                            "mscc_n_%s, sizeof(%s)) && mscc_held;\n",
                            b->name, type_code(b->dtype), b->name, b->name, b->elem_ctype);
            else
                ms_str_addf(&s,
                            "        mscc_dump(mscc_f, mscc_ref_%s, mscc_new_%s, mscc_n_%s, "
                            "sizeof(%s));\n",
                            b->name, b->name, b->name, b->elem_ctype);
        }
        ms_str_add(&s, "        fclose(mscc_f);\n");
        if (pass)
            ms_str_add(&s, "        if (mscc_held) printf(\"oracle ok\\n\");\n"
                           "        return 0;\n");
        ms_str_add(&s, "    }\n");
    }
    for (int i = 0; i < f->nparams; i++) {
        const ms_buffer *b = f->params[i].buf;
        if (b && !b->is_const)
            ms_str_addf(&s,
                        "    mscc_ok = mscc_compare(\"%s\", %s, mscc_ref_%s, mscc_new_%s, NULL, "
                        "mscc_n_%s, &mscc_err) && mscc_ok;\n",
                        b->name, type_code(b->dtype), b->name, b->name, b->name);
    }
    ms_str_add(&s, "    printf(\"check %s %.3g\\n\", mscc_ok ? \"ok\" : \"FAIL\", mscc_err);\n");
    ms_str_add(&s, "    if (!mscc_timing)\n        return mscc_ok ? 0 : 1;\n");
    ms_str_add(&s, "    double mscc_t[2];\n    double *mscc_s = malloc(sizeof(double) * 10000);\n");
    char *orig_call = call_text(f, "orig", "ref");
    emit_timing(&s, orig_call, 0, NULL, false);
    emit_timing(&s, new_call, 1, NULL, false);
    free(orig_call);
    free(new_call);
    ms_str_add(&s, "    printf(\"time %.9g %.9g\\n\", mscc_t[0], mscc_t[1]);\n");
    ms_str_add(&s, "    (void)mscc_spread;\n    (void)mscc_cand;\n    free(mscc_s);\n"
                   "    return mscc_ok ? 0 : 1;\n}\n");
    return ms_str_take(&s);
}

/* --fast=F: the outputs of the original built with -ffast-math (written
 * by that build as its reference), for the oracle in mscc_compare; NULL
 * arrays without it. */
static void fast_outputs(ms_str *s, const ms_func *f)
{
    for (int i = 0; i < f->nparams; i++) {
        const ms_buffer *b = f->params[i].buf;
        if (b && !b->is_const)
            ms_str_addf(s, "    void *mscc_fast_%s = NULL;\n", b->name);
    }
    ms_str_add(s, "    if (mscc_fastpath) {\n"
                  "        mscc_f = fopen(mscc_fastpath, \"rb\");\n"
                  "        if (!mscc_f) return 3;\n");
    for (int i = 0; i < f->nparams; i++) {
        const ms_buffer *b = f->params[i].buf;
        if (b && !b->is_const)
            ms_str_addf(s, "        mscc_fast_%s = mscc_alloc(mscc_n_%s, sizeof(%s));\n", b->name,
                        b->name, b->elem_ctype);
    }
    ref_io(s, f, "fast", "fread", 2);
    ms_str_add(s, "        fclose(mscc_f);\n    }\n");
}

char *ms_tune_harness_source(const ms_source *src, const ms_kernel *k, int n,
                             const char *const *bodies, const char **why)
{
    ms_func *f = k->func;
    ms_str s = {0};
    ms_str_addf(&s, "/* generated by mscc: times %d candidates for kernel '%s' */\n", n, k->name);
    char **suffixes = ms_xcalloc((size_t)(n ? n : 1), sizeof(char *));
    for (int i = 0; i < n; i++) {
        ms_str x = {0};
        ms_str_addf(&x, "c%d", i);
        suffixes[i] = ms_str_take(&x);
    }
    emit_prologue(&s, src, k, n, (const char *const *)suffixes, bodies);
    ms_str_add(&s, "int main(int argc, char **argv)\n{\n");
    ms_str_add(&s, "    int mscc_cand = -2;\n    double mscc_min_time = 0.05, mscc_spread = 0;\n"
                   "    double mscc_cutoff = 0, mscc_first = 0, mscc_abort = 0;\n"
                   "    int mscc_ref_only = 0;\n"
                   "    const char *mscc_refpath = NULL, *mscc_fastpath = NULL;\n");
    ms_str_add(&s, "    for (int mscc_i = 1; mscc_i < argc; mscc_i++) {\n"
                   "        if (!strncmp(argv[mscc_i], \"--cand=\", 7))\n"
                   "            mscc_cand = atoi(argv[mscc_i] + 7);\n"
                   "        else if (!strncmp(argv[mscc_i], \"--ref=\", 6))\n"
                   "            mscc_refpath = argv[mscc_i] + 6;\n"
                   "        else if (!strcmp(argv[mscc_i], \"--ref-only\"))\n"
                   "            mscc_ref_only = 1;\n"
                   "        else if (!strncmp(argv[mscc_i], \"--fast=\", 7))\n"
                   "            mscc_fastpath = argv[mscc_i] + 7;\n"
                   "        else if (!strncmp(argv[mscc_i], \"--min-time=\", 11))\n"
                   "            mscc_min_time = atof(argv[mscc_i] + 11);\n"
                   "        else if (!strncmp(argv[mscc_i], \"--cutoff=\", 9))\n"
                   "            mscc_cutoff = atof(argv[mscc_i] + 9);\n"
                   "        else if (!strncmp(argv[mscc_i], \"--abort=\", 8))\n"
                   "            mscc_abort = atof(argv[mscc_i] + 8);\n"
                   "    }\n"
                   "    if (mscc_cand < -1 || mscc_cand >= ");
    ms_str_addf(&s, "%d || !mscc_refpath)\n        return 2;\n", n);
    bool ok = emit_setup(&s, f, why);
    ms_str_add(&s, "    double mscc_t[1];\n    double *mscc_s = malloc(sizeof(double) * 10000);\n"
                   "    FILE *mscc_f = fopen(mscc_refpath, mscc_cand < 0 ? \"wb\" : \"rb\");\n"
                   "    if (!mscc_s || !mscc_f) return 3;\n");
    /* the original: its outputs become the reference, then it is timed */
    char *orig = call_text(f, "orig", "ref");
    ms_str_addf(&s,
                "    if (mscc_cand < 0) {\n        mscc_first = mscc_now();\n        %s;\n"
                "        mscc_first = mscc_now() - mscc_first;\n",
                orig);
    ref_io(&s, f, "ref", "fwrite", 2);
    ms_str_add(&s, "        fclose(mscc_f);\n"
                   "        if (mscc_ref_only)\n            return 0;\n");
    emit_timing(&s, orig, 0, "mscc_first", true);
    free(orig);
    ms_str_add(&s, "        printf(\"time %.9g %.9g\\n\", mscc_t[0], mscc_spread);\n"
                   "        return 0;\n    }\n");
    /* a candidate: checked against the reference, then timed */
    ref_io(&s, f, "ref", "fread", 1);
    ms_str_add(&s, "    fclose(mscc_f);\n");
    fast_outputs(&s, f);
    ms_str_add(&s, "    switch (mscc_cand) {\n");
    for (int c = 0; c < n; c++) {
        char *call = call_text(f, suffixes[c], "new");
        ms_str_addf(&s,
                    "    case %d:\n        if (mscc_abort > 0)\n            mscc_arm(mscc_abort);\n"
                    "        mscc_first = mscc_now();\n        %s;\n"
                    "        mscc_first = mscc_now() - mscc_first;\n"
                    "        if (mscc_abort > 0)\n            mscc_arm(0);\n",
                    c, call);
        for (int i = 0; i < f->nparams; i++) {
            const ms_buffer *b = f->params[i].buf;
            if (b && !b->is_const)
                ms_str_addf(&s,
                            "        mscc_ok = mscc_compare(\"%s\", %s, mscc_ref_%s, mscc_new_%s, "
                            "mscc_fast_%s, mscc_n_%s, &mscc_err) && mscc_ok;\n",
                            b->name, type_code(b->dtype), b->name, b->name, b->name, b->name);
        }
        ms_str_add(&s, "        printf(\"check %s %.3g\\n\", mscc_ok ? \"ok\" : \"FAIL\", "
                       "mscc_err);\n        if (!mscc_ok) return 1;\n");
        /* far slower than the best so far: a second call tells enough (the
         * first paid for starting OpenMP's threads and for cold caches,
         * which can cost a short parallel kernel many times its run) */
        ms_str_addf(&s,
                    "        if (mscc_cutoff > 0 && mscc_first > mscc_cutoff) {\n"
                    "            mscc_first = mscc_now();\n            %s;\n"
                    "            mscc_first = mscc_now() - mscc_first;\n"
                    "        }\n"
                    "        if (mscc_cutoff > 0 && mscc_first > mscc_cutoff) {\n"
                    "            printf(\"time %%.9g 0\\n\", mscc_first);\n"
                    "            return 0;\n        }\n",
                    call);
        emit_timing(&s, call, 0, "mscc_first", false);
        ms_str_add(&s, "        break;\n");
        free(call);
    }
    ms_str_add(&s, "    }\n    printf(\"time %.9g %.9g\\n\", mscc_t[0], mscc_spread);\n"
                   "    free(mscc_s);\n    return 0;\n}\n");
    for (int i = 0; i < n; i++)
        free(suffixes[i]);
    free(suffixes);
    if (!ok) {
        ms_str_free(&s);
        return NULL;
    }
    return ms_str_take(&s);
}

/* Odd and uneven variations of a size. */
static int64_t vary(int64_t v, int which)
{
    switch (which) {
    case 0: /* about half, odd */
        return (v / 2 + 1) | 1;
    case 1: /* small, odd: 1, 3, 5, 7 ... */
        return 1 + 2 * (v % 5);
    default: /* uneven, a little over a fifth */
        return v < 16 ? v + 2 : v / 5 + 3;
    }
}

int ms_check_sizes(const ms_func *f, int nrandom, uint64_t seed, char ***out)
{
    int n = 4 + nrandom;
    char **list = ms_xcalloc((size_t)n, sizeof(char *));
    ms_rng r;
    ms_rng_seed(&r, seed);
    for (int s = 0; s < n; s++) {
        ms_str t = {0};
        for (int i = 0; i < f->nparams; i++) {
            const ms_var *v = f->params[i].var;
            if (!v || ms_dtype_is_float(v->dtype))
                continue;
            const ms_size_hint *hint = ms_func_hint(f, v->name);
            int64_t h = hint ? hint->value : 64;
            int64_t val = s == 0 ? h : s < 4 ? vary(h, s - 1) : ms_rng_range(&r, 1, 2 * h + 2) | 1;
            if (hint && hint->max > 0 && val > hint->max) /* fixed-size arrays: stay inside */
                val = hint->max;
            ms_str_addf(&t, "%s%s=%" PRId64, t.len ? "," : "", v->name, val);
        }
        list[s] = ms_str_take(&t);
    }
    *out = list;
    return n;
}
