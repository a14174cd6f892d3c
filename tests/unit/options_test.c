/*
 * options_test.c - the command line: every option, and every bad command
 * line refused with a reason.
 */
#include "driver/options.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse(ms_options *o, char *why, const char *a0, ...)
{
    char *argv[32] = {"mscc"};
    int argc = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *a = a0; a; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    return ms_options_parse(argc, argv, o, why, 256);
}

Test(options, full_command_line)
{
    ms_options o;
    char why[256];
    cr_assert_eq(parse(&o, why, "in.c", "-o", "out.c", "--sizes", "M=4,N=5", "--sizes=K=6", "-I",
                       "inc", "-DX=1", "-std=c99", "--cc", "clang", "--cflags=-O2", "--trials", "0",
                       "--check", "--jobs", "3", "-q", "--search=replay", NULL),
                 0, "%s", why);
    cr_assert(o.replay);
    cr_assert_str_eq(o.input, "in.c");
    cr_assert_str_eq(o.output, "out.c");
    cr_assert_eq(o.nsizes, 3);
    cr_assert_str_eq(o.sizes[2].name, "K");
    cr_assert_eq(o.sizes[2].value, 6);
    cr_assert_eq(o.clang_args.len, 4);
    cr_assert_str_eq(o.clang_args.data[1], "inc");
    cr_assert_str_eq(o.cc, "clang");
    cr_assert_str_eq(o.cflags, "-O2");
    cr_assert(o.check && o.quiet);
    cr_assert_eq(o.jobs, 3);
    ms_options_free(&o);
    /* a kernel library for a board */
    cr_assert_eq(parse(&o, why, "k.c", "-o", "dir", "--lib", "kl", "--sizes-file=s.json",
                       "--no-heap", "--max-stack", "4096", NULL),
                 0, "%s", why);
    cr_assert_str_eq(o.lib, "kl");
    cr_assert_str_eq(o.sizes_file, "s.json");
    cr_assert(o.no_heap);
    cr_assert_eq(o.max_stack, 4096);
    cr_assert_eq(o.workspace, MS_WS_HEAP);
    ms_options_free(&o);
    /* variants for x86-64's ISA levels, for a native or an x86-64 target */
    cr_assert_eq(parse(&o, why, "k.c", "-o", "x.c", "--multiversion", NULL), 0, "%s", why);
    cr_assert(o.multiversion);
    ms_options_free(&o);
    cr_assert_eq(parse(&o, why, "k.c", "-o", "x.c", "--multiversion", "--target=x86-64-v3", NULL),
                 0, "%s", why);
    ms_options_free(&o);
    /* a board without an OS: packed copies in static memory, unless told */
    cr_assert_eq(
        parse(&o, why, "k.c", "-o", "x.c", "--target", "cortex-m7", "--max-code-size=2048", NULL),
        0, "%s", why);
    cr_assert(o.no_heap && o.workspace == MS_WS_STATIC);
    cr_assert_eq(o.max_code_size, 2048);
    ms_options_free(&o);
    cr_assert_eq(
        parse(&o, why, "k.c", "-o", "x.c", "--target", "cortex-m7", "--workspace=heap", NULL), 0,
        "%s", why);
    cr_assert(o.no_heap && o.workspace == MS_WS_HEAP);
    ms_options_free(&o);
    cr_assert_eq(
        parse(&o, why, "k.c", "-o", "x.c", "--target", "cortex-m7", "--workspace=caller", NULL), 0,
        "%s", why);
    cr_assert(o.no_heap && o.workspace == MS_WS_CALLER);
    ms_options_free(&o);
}

/* 512 trials per file unless --trials or MSCC_TRIALS (the tests run with 0) say. */
Test(options, default_trials_and_the_environment)
{
    ms_options o;
    char why[256];
    char *saved = getenv("MSCC_TRIALS") ? strdup(getenv("MSCC_TRIALS")) : NULL;
    unsetenv("MSCC_TRIALS");
    cr_assert_eq(parse(&o, why, "in.c", "-o", "out.c", NULL), 0, "%s", why);
    cr_expect_eq(o.trials, MS_DEFAULT_TRIALS);
    cr_expect_eq(o.trials, 512);
    ms_options_free(&o);
    setenv("MSCC_TRIALS", "7", 1);
    cr_assert_eq(parse(&o, why, "in.c", "-o", "out.c", NULL), 0, "%s", why);
    cr_expect_eq(o.trials, 7);
    ms_options_free(&o);
    cr_assert_eq(parse(&o, why, "in.c", "-o", "out.c", "--trials", "3", NULL), 0, "%s", why);
    cr_expect_eq(o.trials, 3, "--trials yields to the environment");
    ms_options_free(&o);
    /* --predict measures nothing, whatever the environment says */
    cr_assert_eq(parse(&o, why, "in.c", "-o", "out.c", "--predict", NULL), 0, "%s", why);
    cr_expect(o.predict);
    cr_expect_eq(o.trials, 0);
    ms_options_free(&o);
    cr_assert_eq(parse(&o, why, "in.c", "-o", "out.c", "--predict", "--trials", "0", NULL), 0);
    ms_options_free(&o);
    cr_expect_eq(parse(&o, why, "in.c", "-o", "out.c", "--predict", "--trials", "4", NULL), 1);
    cr_expect(strstr(why, "--predict measures nothing"), "%s", why);
    ms_options_free(&o);
    setenv("MSCC_TRIALS", "many", 1);
    cr_expect_eq(parse(&o, why, "in.c", "-o", "out.c", NULL), 1);
    cr_expect(strstr(why, "MSCC_TRIALS"), "%s", why);
    if (saved)
        setenv("MSCC_TRIALS", saved, 1);
    else
        unsetenv("MSCC_TRIALS");
    free(saved);
}

/* MSCC_RULES replaces the target's rule list: registered names only. */
Test(options, rule_list_from_the_environment)
{
    ms_options o;
    char why[512];
    setenv("MSCC_RULES", "auto_inline,parallel_vectorize_unroll", 1);
    cr_expect_eq(parse(&o, why, "in.c", "-o", "out.c", NULL), 0, "%s", why);
    ms_options_free(&o);
    setenv("MSCC_RULES", "auto_inline,tile_everything", 1);
    cr_expect_eq(parse(&o, why, "in.c", "-o", "out.c", NULL), 1);
    cr_expect(strstr(why, "MSCC_RULES: no design-space rule 'tile_everything'") &&
                  strstr(why, "multi_level_tiling"),
              "%s", why);
    ms_options_free(&o);
    unsetenv("MSCC_RULES");
}

Test(options, bad_command_lines_have_reasons)
{
    struct {
        const char *args[6];
        const char *reason;
    } cases[] = {
        {{"in.c", NULL}, "no output file"},
        {{"-o", "out.c", NULL}, "no input file"},
        {{"in.c", "-o", NULL}, "needs a value"},
        {{"in.c", "-o", "x.c", "--frobnicate", NULL}, "unknown option"},
        {{"in.c", "-o", "x.c", "--sizes", "M", NULL}, "bad --sizes"},
        {{"in.c", "-o", "x.c", "--sizes", "M=2147483648", NULL}, "at most 2147483647"},
        {{"in.c", "-o", "x.c", "--jobs", "0", NULL}, "--jobs"},
        {{"in.c", "-o", "x.c", "--trials", "-1", NULL}, "--trials"},
        {{"in.c", "-o", "x.c", "--seed", "x", NULL}, "--seed wants a whole number"},
        {{"in.c", "-o", "x.c", "--threads", "0", NULL}, "--threads wants a whole number >= 1"},
        {{"in.c", "-o", "x.c", "--time-budget", "-2", NULL}, "--time-budget wants a number"},
        {{"in.c", "-o", "x.c", "--search", "annealing", NULL}, "--search wants 'replay' or"},
        {{"a.c", "b.c", "-o", "x.c", NULL}, "more than one input"},
        {{"in.c", "-o", "x.c", "--fp-model=fast", NULL}, "--fp-model wants 'reassoc' or 'strict'"},
        {{"in.c", "-o", "x.c", "-MF", "x.d", NULL}, "-MF names the depfile of -MD"},
        {{"in.c", "-o", "-", "-MD", NULL}, "-MD with -o - needs -MF"},
        {{"in.c", "-o", "x.c", "-fdiagnostics-format=xml", NULL}, "wants 'text' or 'json'"},
        {{"in.c", "-o", "x.c", "--shard", "2/2", NULL}, "--shard wants I/N"},
        {{"in.c", "-o", "x.c", "--shard=1", NULL}, "--shard wants I/N"},
        {{"in.c", "-o", "x.c", "--max-stack", "1k", NULL}, "--max-stack wants a number"},
        {{"in.c", "-o", "x.c", "--max-code-size", "-1", NULL}, "--max-code-size wants a number"},
        {{"in.c", "-o", "x.c", "--workspace=callee", NULL},
         "--workspace wants 'heap', 'static' or 'caller'"},
        {{"in.c", "-o", "x.c", "--sizes-file", "s.json", NULL}, "it needs --lib"},
        {{"in.c", "-o", "d", "--lib", "my-lib", NULL}, "wants a C identifier"},
        {{"in.c", "--print-trace=text", "--lib=kl", "-o", "d", NULL}, "does not print traces"},
        {{"in.c", "-o", "d", "--lib=kl", "--multiversion", NULL}, "--multiversion does not build"},
        {{"in.c", "-o", "x.c", "--multiversion", "--workspace=caller", NULL},
         "--multiversion takes its packed copies from the heap only"},
        {{"in.c", "-o", "x.c", "--multiversion", "--target=cortex-m7", NULL},
         "makes variants for x86-64"},
        {{"in.c", "-o", "x.c", "--multiversion", "--target=aarch64-linux-gnu", NULL},
         "makes variants for x86-64"},
        {{"in.c", "-o", "x.c", "--multiversion", "--max-code-size=4096", NULL},
         "does not keep a code size budget"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        ms_options o;
        char why[256] = "";
        const char *const *a = cases[i].args;
        int rc = parse(&o, why, a[0], a[1], a[2], a[3], a[4], a[5]);
        cr_expect_eq(rc, 1, "case %zu accepted", i);
        cr_expect(strstr(why, cases[i].reason), "case %zu: '%s' lacks '%s'", i, why,
                  cases[i].reason);
        ms_options_free(&o);
    }
}

Test(options, help_and_version_need_no_files)
{
    ms_options o;
    char why[256];
    cr_assert_eq(parse(&o, why, "--version", NULL), 0);
    cr_assert(o.version);
    ms_options_free(&o);
    cr_assert_eq(parse(&o, why, "--help", NULL), 0);
    cr_assert(o.help);
    ms_options_free(&o);
}

/* The manual page (driver/mscc.1, installed by meson install) names every
 * option the usage names: a new option without its paragraph fails here. */
Test(options, the_manual_page_names_every_option)
{
    const char *src = getenv("MSCC_SRC");
    cr_assert_not_null(src);
    char path[4096];
    snprintf(path, sizeof path, "%s/driver/mscc.1", src);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no %s", path);
    static char man[1 << 16];
    size_t n = fread(man, 1, sizeof man - 1, f);
    fclose(f);
    man[n] = '\0';
    /* roff writes '-' as "\-" in option names */
    char plain[1 << 16];
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!(man[i] == '\\' && man[i + 1] == '-'))
            plain[k++] = man[i];
    plain[k] = '\0';
    int checked = 0;
    for (const char *u = ms_usage; *u; u++) {
        if (*u != '-' || (u > ms_usage && u[-1] != '[' && u[-1] != ' ' && u[-1] != '|'))
            continue;
        size_t len = strspn(u, "-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        if (len < 2)
            continue;
        char opt[64];
        snprintf(opt, sizeof opt, "%.*s", (int)len, u);
        cr_expect(strstr(plain, opt), "the manual page lacks %s", opt);
        checked++;
        u += len - 1;
    }
    cr_expect_gt(checked, 25, "only %d options found in the usage", checked);
}
