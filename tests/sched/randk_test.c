/*
 * randk_test.c - the random-kernel fuzzer: kernels drawn by kernel_gen,
 * each parsed under both fp models, given the default schedule (and, where
 * it tensorizes, the default of a target with AVX-512's micro-kernels) and
 * random schedules, emitted, built with -Wall -Wextra -Werror (gcc, and clang
 * where installed), and run against the original at the tuning sizes, odd
 * and tiny ones, a random one, and zero: within the -ffast-math oracle in
 * the default mode, bit for bit under --fp-model=strict. A kernel that
 * mscc refuses is counted with its reason; a generated file that is not
 * valid C fails the test (the generator is wrong).
 *
 * A failure shrinks: first its trace (instructions dropped while the
 * answer stays wrong), then its kernel (nodes dropped while it still
 * parses, is accepted and gives a wrong answer under that trace); the
 * kernel and trace are printed, and written to $MSCC_RANDK_OUT when set,
 * ready to become a regression in tests/sched/randk/.
 *
 * MSCC_RANDK_KERNELS: how many kernels (default 8); MSCC_RANDK_SEED: the
 * first kernel's seed (default 1); MSCC_RANDK_SCHEDULES: random schedules
 * per kernel in the default mode (default 7; strict runs half as many);
 * MSCC_RANDK_SECONDS: stop drawing kernels after this long (0: no limit);
 * MSCC_RANDK_CC, MSCC_RANDK_OPT: see flags_for.
 * `bash scripts/randk.sh` runs a campaign.
 */
#include "kernel_gen.h"
#include "random_schedule.h"

#include "driver/driver.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Generated kernels leave parameters and counters unused (and shrinking
 * leaves more): those warnings are theirs, not the emitter's. */
static const char randk_flags[] =
    "-std=c11 -O1 -march=native -fopenmp -Wall -Wextra -Werror -Wno-unknown-pragmas "
    "-Wno-unused-parameter -Wno-unused-variable -Wno-unused-but-set-variable";

/* Under --fp-model=strict, no contraction, and libm's functions called,
 * not evaluated by the compiler: GCC folds tanhf(3.0f) correctly rounded,
 * glibc's tanhf may be 1 ulp off, and a loop the tuned code unrolls makes
 * constants of what the original passes at run time (rk2000065; the
 * README's Floating point says so). In the default mode, under
 * AddressSanitizer and UBSan: an access past an array (a remainder tile,
 * arrays 8 bytes past alignment) or undefined behaviour, in the original
 * (which the generator promises has none) or in a schedule, stops the run.
 * MSCC_RANDK_SANITIZE=0 leaves them out. A campaign's builds may take
 * another compiler and optimisation level (MSCC_RANDK_CC, MSCC_RANDK_OPT),
 * in both fp models: clang at -O0 builds a sanitized harness in half
 * gcc's -O1 time, and a strict one (-ffp-contract=off -fno-builtin, which
 * keep its bits as they keep gcc's) in a third, which a long campaign
 * wants. MSCC_RANDK_TRAP=1 (clang) makes UBSan's checks traps: half the
 * compile time of a big harness, where each signed addition of the index
 * arithmetic carried a handler call and its source location (11 s down to
 * 6 s for rk3999001's 2.6 MB harness); a trapped check is a crash
 * (SIGILL) without UBSan's message, which a build without it then gives.
 * clang's vla-bound check stops a call with n = 0 to a function with a
 * parameter float a[n], as the input language writes extents (gcc checks
 * only the arrays a function defines): another compiler leaves it out. */
static const char *campaign_cc(void)
{
    const char *cc = getenv("MSCC_RANDK_CC");
    return !cc || !*cc ? NULL : cc;
}

/* A regression that only clang's sanitizers see (NAME_clang.c) is built
 * as the campaign that found it built it. */
static bool clang_regression;

static char *flags_for(bool strict)
{
    ms_str s = {0};
    const char *san = getenv("MSCC_RANDK_SANITIZE"), *opt = getenv("MSCC_RANDK_OPT");
    const char *trap = getenv("MSCC_RANDK_TRAP");
    if (clang_regression)
        opt = strict ? NULL : "-O0";
    bool sanitize = !strict && !(san && !strcmp(san, "0"));
    ms_str_addf(&s, "%s%s", randk_flags, strict ? " -ffp-contract=off -fno-builtin" : "");
    if (sanitize)
        ms_str_addf(&s, " -fsanitize=address,undefined -fno-sanitize-recover=all%s%s",
                    campaign_cc() || clang_regression ? " -fno-sanitize=vla-bound" : "",
                    trap && !strcmp(trap, "1") && !clang_regression ? " -fsanitize-trap=undefined"
                                                                    : "");
    if (opt && *opt)
        ms_str_addf(&s, " %s", opt);
    return ms_str_take(&s);
}

/* The kernel's text parsed from a file of its own; false when it is not
 * valid C (*valid false) or mscc refused it (*why, the diagnostic). */
static bool parse(const char *text, const char *name, bool strict, ms_source *src, bool *valid,
                  char **why)
{
    char file[64];
    snprintf(file, sizeof file, "%s.c", name);
    char *path = tu_write_temp(file, text);
    ms_diags d = {0};
    ms_frontend_opts o = {.path = path, .fp_strict = strict};
    memset(src, 0, sizeof *src);
    int rc = ms_frontend_parse(&o, src, &d);
    *valid = rc == 0;
    bool ok = *valid && src->nkernels == 1 && src->kernels[0].func;
    if (why) {
        ms_str s = {0};
        ms_diags_render(&d, &s);
        *why = ms_str_take(&s);
    }
    ms_diags_free(&d);
    free(path);
    return ok;
}

/* Does kernel text, scheduled by t (NULL: by the default schedule), give
 * a wrong answer? */
static bool kernel_fails(const char *text, const char *name, bool strict, const ms_trace *t,
                         const char *flags, uint64_t seed)
{
    ms_source src;
    bool valid, fails = false;
    char *h = NULL;
    const char *why;
    if (parse(text, name, strict, &src, &valid, NULL) &&
        (h = ms_harness_source(&src, &src.kernels[0], "{}", &why))) {
        if (t) {
            fails = rs_still_fails(&src, &src.kernels[0], t, flags, seed);
        } else {
            ms_diags d = {0};
            char **bodies = NULL;
            free(tu_tune(&src, &bodies, &d));
            if (bodies[0]) {
                bool ok;
                char *rep;
                tu_check_bodies(&src, &src.kernels[0], &bodies[0], 1, flags, 1, seed, &ok, &rep);
                fails = !ok;
                free(rep);
            }
            free(bodies[0]);
            free(bodies);
            ms_diags_free(&d);
        }
    }
    free(h);
    ms_source_free(&src);
    return fails;
}

typedef struct block_list {
    MS_VEC(const char *) names;
    MS_VEC(char *) stores; /* each block's statement, printed */
} block_list;

static bool add_block(void *ctx, ms_stmt *s)
{
    block_list *l = ctx;
    if (s->kind == MS_STMT_BLOCK) {
        ms_str text = {0};
        ms_stmt_print(s->block.body, 0, &text);
        MS_VEC_PUSH(l->names, s->block.name);
        MS_VEC_PUSH(l->stores, ms_str_take(&text));
    }
    return true;
}

static void free_blocks(block_list *l)
{
    for (int i = 0; i < l->stores.len; i++)
        free(l->stores.data[i]);
    free(l->stores.data);
    free(l->names.data);
}

/* Block `name` of from, by the same statement in to (its n-th among
 * equal ones as in from): a kernel with a node dropped numbers its
 * blocks anew (A_3 becomes A_2), which the trace must follow. NULL:
 * the block is gone. */
static const char *same_block(const block_list *from, const block_list *to, const char *name)
{
    int at = -1, nth = 0;
    for (int i = 0; i < from->names.len && at < 0; i++)
        if (!strcmp(from->names.data[i], name))
            at = i;
    if (at < 0)
        return NULL;
    for (int i = 0; i < at; i++)
        nth += !strcmp(from->stores.data[i], from->stores.data[at]);
    for (int i = 0; i < to->names.len; i++)
        if (!strcmp(to->stores.data[i], from->stores.data[at]) && nth-- == 0)
            return to->names.data[i];
    return NULL;
}

/* t (a trace of kernel text from) with its blocks named as kernel text
 * to names them; NULL when a block it schedules is gone or a kernel does
 * not parse. */
static ms_trace *follow_blocks(const char *from, const char *to, bool strict, const ms_trace *t)
{
    ms_source a, b;
    bool valid;
    ms_trace *out = NULL;
    bool ok_a = parse(from, "shrink_a", strict, &a, &valid, NULL);
    bool ok_b = parse(to, "shrink_b", strict, &b, &valid, NULL);
    if (ok_a && ok_b) {
        block_list la = {0}, lb = {0};
        ms_stmt_visit(a.kernels[0].func->body, add_block, &la);
        ms_stmt_visit(b.kernels[0].func->body, add_block, &lb);
        out = ms_trace_clone(t);
        for (int i = 0; out && i < out->insts.len; i++) {
            ms_inst *in = &out->insts.data[i];
            if (in->kind != MS_INST_GET_BLOCK)
                continue;
            const char *now = same_block(&la, &lb, in->str);
            if (now)
                snprintf(in->str, sizeof in->str, "%s", now);
            else {
                ms_trace_free(out);
                out = NULL;
            }
        }
        free_blocks(&la);
        free_blocks(&lb);
    }
    ms_source_free(&a);
    ms_source_free(&b);
    return out;
}

/* Drops the kernel's nodes, last first, while the failure remains under
 * *t, whose block names follow the kernel's (t NULL: the default
 * schedule). */
static kg_kernel *shrink_kernel(const kg_kernel *k, bool strict, ms_trace **t, const char *flags,
                                uint64_t seed)
{
    kg_kernel *cur = kg_copy(k);
    char *cur_text = kg_render(cur);
    for (int i = kg_nodes(cur) - 1; i >= 0; i--) {
        kg_kernel *next = kg_copy(cur);
        char *text = NULL;
        ms_trace *nt = NULL;
        if (kg_drop(next, i)) {
            text = kg_render(next);
            nt = *t ? follow_blocks(cur_text, text, strict, *t) : NULL;
            if ((!*t || nt) && kernel_fails(text, "shrink", strict, nt, flags, seed)) {
                kg_free(cur);
                cur = next;
                next = NULL;
                free(cur_text);
                cur_text = text;
                text = NULL;
                ms_trace_free(*t);
                *t = nt;
                nt = NULL;
            }
        }
        ms_trace_free(nt);
        free(text);
        kg_free(next);
    }
    free(cur_text);
    return cur;
}

typedef struct campaign {
    int kernels, refused, unchecked, schedules, failures;
    int tensorized; /* kernels the target's default schedule tensorized */
    MS_VEC(char *) reasons;
} campaign;

/* The regression files of a failure: NAME[_strict].c, the shrunk kernel,
 * and NAME[_strict].json, its trace as --trace reads it (none: the default
 * schedule). `mscc NAME.c --trace NAME.json` replays it by hand. */
static void write_regression(const char *dir, const char *name, bool strict, const char *text,
                             ms_trace *t)
{
    ms_str base = {0};
    ms_str_addf(&base, "%s/%s%s", dir, name, strict ? "_strict" : "");
    ms_str p = {0};
    ms_str_addf(&p, "%s.c", ms_str_cstr(&base));
    tu_write_file(ms_str_cstr(&p), text);
    if (t) {
        p.len = 0;
        ms_str_addf(&p, "%s.json", ms_str_cstr(&base));
        char *doc = ms_trace_doc_to_json(1, &name, &t);
        tu_write_file(ms_str_cstr(&p), doc);
        free(doc);
    }
    ms_str_free(&p);
    ms_str_free(&base);
}

static void report_failure(const kg_kernel *k, bool strict, const ms_source *src, const ms_trace *t,
                           const char *what, const char *flags, uint64_t seed)
{
    ms_trace *small = t ? rs_shrink(src, &src->kernels[0], t, flags, seed) : NULL;
    kg_kernel *sk = shrink_kernel(k, strict, &small, flags, seed);
    char *text = kg_render(sk);
    ms_str tr = {0};
    if (small)
        ms_trace_print(small, &tr);
    else
        ms_str_add(&tr, "(the default schedule)\n");
    const char *model = strict ? "strict" : "reassoc";
    cr_log_error("random kernel %s (--fp-model=%s), %s:\nshrunk kernel:\n%s\nshrunk trace:\n%s",
                 kg_name(k), model, what, text, ms_str_cstr(&tr));
    const char *trap = getenv("MSCC_RANDK_TRAP");
    printf("randk: FAILURE %s --fp-model=%s: %.2000s%s\nshrunk kernel:\n%s\nshrunk trace:\n%s\n",
           kg_name(k), model, what,
           trap && !strcmp(trap, "1")
               ? "\n(UBSan's checks trap: a SIGILL may be one, which a build "
                 "without MSCC_RANDK_TRAP names)"
               : "",
           text, ms_str_cstr(&tr));
    const char *dir = getenv("MSCC_RANDK_OUT");
    if (dir && *dir)
        write_regression(dir, kg_name(k), strict, text, small);
    ms_str_free(&tr);
    free(text);
    kg_free(sk);
    ms_trace_free(small);
}

/* One kernel under one fp model: the default schedule and n random ones. */
static void run_kernel(campaign *c, const kg_kernel *k, const char *text, bool strict, int n,
                       uint64_t seed)
{
    ms_source src;
    bool valid;
    char *why = NULL;
    bool ok = parse(text, kg_name(k), strict, &src, &valid, &why);
    cr_assert(valid, "the generator made invalid C:\n%s\n%s", text, why);
    const ms_kernel *kn = ok ? &src.kernels[0] : NULL;
    /* every other kernel keeps its packed copies in a static workspace
     * (--workspace=static), whose room the check's larger sizes overflow;
     * every fourth in the caller's (--workspace=caller: the harness gives
     * it, misaligned) */
    if (kn && (seed & 1))
        kn->func->workspace = MS_WS_STATIC;
    else if (kn && seed % 4 == 2)
        kn->func->workspace = MS_WS_CALLER;
    const char *no_harness = NULL, *no_emit = NULL;
    if (kn) {
        char *h = ms_harness_source(&src, kn, "{}", &no_harness);
        char *orig = ms_kernel_body_text(&src, kn);
        char *plain = ms_emit_body(kn->func, kn->func, orig, NULL, &no_emit);
        no_harness = h ? NULL : no_harness;
        no_emit = plain ? NULL : no_emit;
        free(h);
        free(orig);
        free(plain);
    }
    /* refused, or nothing to compare (mscc leaves it as it is), or no
     * harness (mscc gives it the default schedule unmeasured) */
    const char *skip = !kn ? why : no_emit ? no_emit : no_harness;
    if (skip) {
        if (!strict) { /* counted once, under the default model */
            *(no_harness && kn && !no_emit ? &c->unchecked : &c->refused) += 1;
            ms_str r = {0};
            ms_str_addf(&r, "%s: %s%s%s", kg_name(k),
                        !kn       ? ""
                        : no_emit ? "not emitted: "
                                  : "no harness: ",
                        skip, kn ? "\n" : "");
            MS_VEC_PUSH(c->reasons, ms_str_take(&r));
        }
        free(why);
        ms_source_free(&src);
        return;
    }
    free(why);
    enum { MAX = 16 };
    n = n > MAX - 1 ? MAX - 1 : n;
    char *bodies[MAX] = {0};
    ms_tracer *trs[MAX] = {0};
    ms_diags d = {0};
    char **defaults = NULL;
    free(tu_tune(&src, &defaults, &d));
    ms_diags_free(&d);
    int nb = 0;
    if (defaults[0])
        bodies[nb++] = defaults[0];
    free(defaults);
    int first = nb;
    /* the default schedule of a target with micro-kernels, where it
     * tensorizes a block (2 cores, 1 MiB of L2, AVX-512's shapes; built
     * here with the intrinsics where the CPU has them, else portably) */
    ms_arch avx512 = {2, 64, 48 << 10, 1 << 20, 32 << 20, NULL, "avx512"};
    ms_tracer *dt = ms_tracer_postproc(ms_sched_default_trace_for(kn->func, &avx512));
    if (dt->status == MS_OK && ms_trace_intrin(dt->t, 0)) {
        c->tensorized++;
        trs[nb] = dt;
        bodies[nb++] = rs_emit(&src, kn, dt->s->f);
    } else {
        ms_tracer_free(dt);
    }
    for (int b = 0; b < n; b++) {
        uint64_t s = seed * 64 + (uint64_t)b + (strict ? 32 : 0);
        trs[nb] = ms_tracer_new(kn->func, s);
        ms_rng r;
        ms_rng_seed(&r, s * 7919);
        rs_random_schedule(trs[nb], &r, (int)ms_rng_range(&r, 1, 9));
        rs_expect_text_round_trip(trs[nb]->t);
        bodies[nb] = rs_emit(&src, kn, trs[nb]->s->f);
        nb++;
    }
    bool oks[MAX];
    char *reps[MAX];
    char *flags = flags_for(strict);
    tu_check_bulk(&src, kn, bodies, nb, flags, seed, oks, reps);
    for (int b = 0; b < nb; b++) {
        if (!oks[b]) {
            c->failures++;
            report_failure(k, strict, &src, b < first ? NULL : trs[b]->t, reps[b], flags, seed);
        }
        free(reps[b]);
        free(bodies[b]);
        if (trs[b])
            ms_tracer_free(trs[b]);
    }
    c->schedules += nb;
    free(flags);
    ms_source_free(&src);
}

/* No time limit of Criterion's (it would stop a campaign before its
 * summary; MSCC_RANDK_SECONDS ends one, meson's 900 s the CI run), and a
 * line per kernel, so that a campaign cut short still counts. */
Test(sched, random_kernels, .timeout = 0)
{
    int total = tu_env_int("MSCC_RANDK_KERNELS", 8), first = tu_env_int("MSCC_RANDK_SEED", 1);
    int n = tu_env_int("MSCC_RANDK_SCHEDULES", 7), seconds = tu_env_int("MSCC_RANDK_SECONDS", 0);
    campaign c = {0};
    time_t start = time(NULL);
    int seed = first;
    tu_zero_sizes = true;
    for (; seed < first + total; seed++) {
        if (seconds > 0 && time(NULL) - start >= seconds)
            break;
        kg_kernel *k = kg_generate((uint64_t)seed);
        char *text = kg_render(k);
        c.kernels++;
        tu_zero_sizes = kg_zero_ok(k);
        tu_cc = campaign_cc();
        run_kernel(&c, k, text, false, n, (uint64_t)seed);
        run_kernel(&c, k, text, true, n / 2, (uint64_t)seed);
        printf("randk: done %s: %d kernels, %d schedules, %d failures so far\n", kg_name(k),
               c.kernels, c.schedules, c.failures);
        fflush(stdout);
        free(text);
        kg_free(k);
    }
    tu_zero_sizes = false;
    tu_cc = NULL;
    printf("randk: %d random kernels (seeds %d..%d), %d refused, %d not checkable, %d schedules "
           "(%d tensorized defaults), %d failures\n",
           c.kernels, first, seed - 1, c.refused, c.unchecked, c.schedules, c.tensorized,
           c.failures);
    for (int i = 0; i < c.reasons.len; i++) {
        printf("randk: refused: %s", c.reasons.data[i]);
        free(c.reasons.data[i]);
    }
    free(c.reasons.data);
    cr_expect_eq(c.failures, 0);
    /* the generator must draw what mscc takes, or it tests nothing */
    cr_expect_leq((c.refused + c.unchecked) * 4, c.kernels,
                  "%d of %d kernels refused, %d unchecked", c.refused, c.kernels, c.unchecked);
}

/* Failures the fuzzer found, shrunk, kept as files (see write_regression):
 * each kernel of tests/sched/randk/, under its trace or the default
 * schedule, in its fp model, must now give the original's answer. */
Test(sched, random_kernel_regressions, .timeout = 600)
{
    ms_str dir = {0};
    ms_str_addf(&dir, "%s/tests/sched/randk", tu_src_dir());
    char **list = tu_list(ms_str_cstr(&dir), ".c");
    int n = 0;
    for (char **file = list; *file; file++, n++) {
        char *text = ms_read_file(*file, NULL);
        cr_assert(text, "%s", *file);
        bool strict = strstr(*file, "_strict.c") != NULL;
        ms_str js = {0};
        ms_str_addn(&js, *file, strlen(*file) - 2);
        ms_str_add(&js, ".json");
        char *doc = ms_read_file(ms_str_cstr(&js), NULL);
        ms_trace *t = NULL;
        if (doc) {
            char **names;
            ms_trace **traces;
            const char *why;
            int nt = ms_trace_doc_parse(doc, &names, &traces, &why);
            cr_assert_eq(nt, 1, "%s: %s", ms_str_cstr(&js), nt < 0 ? why : "want one trace");
            t = traces[0];
            free(names[0]);
            free(names);
            free(traces);
        }
        const char *base = strrchr(*file, '/') + 1;
        char name[64];
        snprintf(name, sizeof name, "regression_%.*s", (int)(strcspn(base, ".")), base);
        clang_regression = strstr(*file, "_clang.c") != NULL;
        tu_cc = clang_regression && !strict ? "clang" : NULL;
        char *flags = flags_for(strict);
        ms_source src;
        bool valid;
        cr_assert(parse(text, name, strict, &src, &valid, NULL), "%s is not accepted", *file);
        /* a trace that no longer applies would test nothing, unless the fix
         * is that a primitive refuses it: NAME.refused holds the reason */
        ms_str rf = {0};
        ms_str_addn(&rf, *file, strlen(*file) - 2);
        ms_str_add(&rf, ".refused");
        char *refused = ms_read_file(ms_str_cstr(&rf), NULL);
        if (refused)
            refused[strcspn(refused, "\n")] = '\0';
        if (t) {
            ms_tracer *tr = ms_trace_replay(t, src.kernels[0].func, false, 0);
            if (refused)
                cr_expect(tr->status != MS_OK && strstr(tr->why, refused),
                          "%s: the trace should be refused for '%s', not give: %s",
                          ms_str_cstr(&js), refused, tr->status == MS_OK ? "ok" : tr->why);
            else
                cr_expect_eq(tr->status, MS_OK, "%s: %s", ms_str_cstr(&js), tr->why);
            if (refused && tr->status != MS_OK) { /* then its default schedule is checked */
                ms_trace_free(t);
                t = NULL;
            }
            ms_tracer_free(tr);
        }
        free(refused);
        ms_str_free(&rf);
        ms_source_free(&src);
        cr_expect_not(kernel_fails(text, name, strict, t, flags, 1), "%s gives a wrong answer",
                      *file);
        free(flags);
        clang_regression = false;
        tu_cc = NULL;
        ms_trace_free(t);
        free(doc);
        ms_str_free(&js);
        free(text);
    }
    cr_expect_gt(n, 0, "no regressions in %s", ms_str_cstr(&dir));
    tu_free_list(list);
    ms_str_free(&dir);
}

/* rk4020007 (campaign from seed 4020000): the room its harness allocates
 * for one array was the largest of 21 access ends as a chain of
 * a > b ? a : b, each operand printed twice a level: a 14 MB line and a
 * 16 MB harness that clang took minutes over. A balanced tree of selects
 * keeps it small. */
Test(sched, a_harness_stays_small_with_many_access_ends)
{
    kg_kernel *k = kg_generate(4020007);
    char *text = kg_render(k);
    ms_source src;
    bool valid;
    cr_assert(parse(text, kg_name(k), false, &src, &valid, NULL), "%s", text);
    const char *why = NULL;
    char *h = ms_harness_source(&src, &src.kernels[0], "{}", &why);
    cr_assert(h, "%s", why);
    cr_expect_lt(strlen(h), 200000, "the harness is %zu bytes", strlen(h));
    free(h);
    ms_source_free(&src);
    free(text);
    kg_free(k);
}

/* Shrinking drops a kernel's statements, and the frontend numbers blocks
 * in order (A, B_1, C_2): without C's statement first, C_2 is C_1. The
 * trace follows the statement, so that the kernel shrinks past it. */
Test(sched, a_shrunk_kernel_keeps_its_trace_on_renamed_blocks)
{
    static const char before[] = "#pragma mscc kernel sizes(N = 8)\n"
                                 "void k(int N, float A[N], float B[N], float C[N])\n"
                                 "{\n"
                                 "    for (int i = 0; i < N; i++)\n"
                                 "        A[i] = 1.0f;\n"
                                 "    for (int i = 0; i < N; i++)\n"
                                 "        B[i] = 2.0f;\n"
                                 "    for (int i = 0; i < N; i++)\n"
                                 "        C[i] = B[i] * 3.0f;\n"
                                 "}\n";
    static const char after[] = "#pragma mscc kernel sizes(N = 8)\n"
                                "void k(int N, float A[N], float B[N], float C[N])\n"
                                "{\n"
                                "    for (int i = 0; i < N; i++)\n"
                                "        B[i] = 2.0f;\n"
                                "    for (int i = 0; i < N; i++)\n"
                                "        C[i] = B[i] * 3.0f;\n"
                                "}\n";
    const char *why = NULL;
    ms_trace *t = ms_trace_from_text("b0 = get_block(\"C_2\")\n"
                                     "l1 = get_loops(b0)\n"
                                     "l2, l3 = split(l1, factors=[-1, 4])\n",
                                     &why);
    cr_assert(t, "%s", why);
    ms_trace *now = follow_blocks(before, after, false, t);
    cr_assert(now);
    ms_str s = {0};
    ms_trace_print(now, &s);
    cr_expect(strstr(ms_str_cstr(&s), "get_block(\"C_1\")"), "%s", ms_str_cstr(&s));
    ms_str_free(&s);
    ms_trace_free(now);
    /* a trace of the statement dropped has nothing to follow */
    ms_trace *gone = ms_trace_from_text("b0 = get_block(\"A\")\n", &why);
    cr_assert(gone, "%s", why);
    cr_expect_null(follow_blocks(before, after, false, gone));
    ms_trace_free(gone);
    ms_trace_free(t);
}

/* The generator's own bug (campaign from seed 4075000): kernel 4077091
 * opened a loop inside ten index variables, past the array that holds
 * them, and the campaign's process crashed. UBSan's bounds check (the
 * ASan build) and the generator's assertion guard it. */
Test(sched, the_generator_keeps_its_index_variables_within_bounds)
{
    for (uint64_t seed = 4077091; seed < 4077092; seed++) {
        kg_kernel *k = kg_generate(seed);
        char *text = kg_render(k);
        cr_expect(strstr(text, "#pragma mscc kernel"), "%s", text);
        free(text);
        kg_free(k);
    }
}
