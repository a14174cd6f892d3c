/*
 * options.c - parsing the mscc command line into ms_options. Every bad
 * command line gets a one-line reason; the caller prints it with the usage.
 */
#include "driver/options.h"

#include "frontend/frontend.h"
#include "runtime/runtime.h"
#include "schedule/schedule.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ms_usage[] =
    "usage: mscc IN.c -o OUT.c|- [--sizes N=V,...] [-I DIR] [-D NAME[=V]] [-std=STD]\n"
    "            [--cc CC] [--cflags \"FLAGS\"] [--trials N] [--check] [--jobs N]\n"
    "            [--fp-model=reassoc|strict] [--trace FILE] [--print-trace=text|json]\n"
    "            [--seed S] [--db DIR] [--threads N] [--time-budget SECONDS]\n"
    "            [--search replay|evolutionary] [--predict] [--shard I/N]\n"
    "            [--target NAME] [--runner 'CMD {exe} {args}'] [--runner-timing=wall|none]\n"
    "            [--ldflags \"FLAGS\"]\n"
    "            [-MD] [-MF FILE] [-Werror] [-fdiagnostics-format=text|json]\n"
    "            [--lib NAME (-o names a folder) [--sizes-file FILE]]\n"
    "            [--no-heap] [--max-stack BYTES] [--max-code-size BYTES]\n"
    "            [--workspace=heap|static|caller] [--multiversion]\n"
    "            [-q|-v] [--version] [--help]\n"
    "       mscc db list [DIR]\n"
    "       mscc db merge DIR DIR... -o OUT_DIR\n";

static bool parse_int(const char *s, int lo, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < lo || v > 1000000)
        return false;
    *out = (int)v;
    return true;
}

/* --workspace=NAME */
static bool workspace_named(const char *name, ms_workspace *out)
{
    static const char *const names[] = {
        [MS_WS_HEAP] = "heap", [MS_WS_STATIC] = "static", [MS_WS_CALLER] = "caller"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (!strcmp(name, names[i])) {
            *out = (ms_workspace)i;
            return true;
        }
    return false;
}

bool ms_options_set_workspace(ms_options *o, const char *name, char *why, size_t n)
{
    if (!workspace_named(name, &o->workspace)) {
        snprintf(why, n, "--workspace wants 'heap', 'static' or 'caller', not '%s'", name);
        return false;
    }
    o->workspace_given = true;
    return true;
}

/* The target's options together: flags that contradict it, and what
 * cannot be measured there. A cross target without a runner, or one whose
 * runner is an emulator, is never timed: the default trials become 0 and
 * an explicit count is an error. */
static bool check_target(ms_options *o, bool trials_given, char *why, size_t n)
{
    const ms_target_kind *k = ms_target_kind_named(o->target);
    if (!ms_target_kind_check_flags(k, o->cflags, why, n))
        return false;
    /* no operating system: nothing to malloc from; packed copies in
     * static memory unless told otherwise */
    o->no_heap = o->no_heap || k->bare;
    if (k->bare && !o->workspace_given)
        o->workspace = MS_WS_STATIC;
    if (o->untimed && !o->runner) {
        snprintf(why, n, "--runner-timing=none describes a --runner; there is none");
        return false;
    }
    const char *cannot = o->untimed ? "--runner-timing=none: times under an emulator mean nothing"
                         : k->cross && !o->runner ? "a program of that target cannot run here"
                                                  : NULL;
    if (!cannot)
        return true;
    if (trials_given && o->trials > 0) {
        snprintf(why, n,
                 "--target %s takes no --trials %d: %s (the default schedule, the database's "
                 "or --predict's choice need no measurement)%s",
                 k->name, o->trials, cannot,
                 o->runner ? "" : "; a board or an emulator runs them with --runner");
        return false;
    }
    if (o->check && !o->runner) {
        snprintf(why, n, "--check runs the tuned code: --target %s needs a --runner%s%s%s", k->name,
                 k->emulator ? " (e.g. '" : "", k->emulator ? k->emulator : "",
                 k->emulator ? " {exe} {args}' --runner-timing=none)" : "");
        return false;
    }
    o->trials = 0;
    return true;
}

/* A --target name of runtime/targets.c (false: why lists them). */
static bool known_target(const char *name, char *why, size_t n)
{
    if (ms_target_kind_named(name))
        return true;
    ms_str list = {0};
    ms_target_kind_list(&list);
    snprintf(why, n, "--target wants one of %s, not '%s'", ms_str_cstr(&list), name);
    ms_str_free(&list);
    return false;
}

/* A --runner template: a command with {exe} in it. */
static bool runner_template(const char *cmd, char *why, size_t n)
{
    if (strstr(cmd, "{exe}"))
        return true;
    snprintf(why, n, "--runner wants a command with {exe} in it, not '%s'", cmd);
    return false;
}

bool ms_options_check_target(ms_options *o, bool trials_given, char *why, size_t n)
{
    return (!o->target || known_target(o->target, why, n)) &&
           (!o->runner || runner_template(o->runner, why, n)) &&
           check_target(o, trials_given, why, n);
}

/* --lib's options together: a name that C, make and meson all take, a
 * folder to write to, and what a library run does not do (yet). */
static bool check_lib(const ms_options *o, char *why, size_t n)
{
    if (!o->lib) {
        if (o->sizes_file)
            snprintf(why, n,
                     "--sizes-file gives the size sets of a kernel library: it needs --lib");
        return !o->sizes_file;
    }
    const char *bad = !ms_is_identifier(o->lib) ? "wants a C identifier for the library's name"
                      : !strcmp(o->output, "-")
                          ? "writes a folder of files: -o DIR, not standard output"
                      : o->print_trace ? "does not print traces (--print-trace)"
                                       : NULL;
    if (bad)
        snprintf(why, n, "--lib %s: %s", o->lib, bad);
    return !bad;
}

bool ms_options_check_multiversion(const ms_options *o, char *why, size_t n)
{
    if (!o->multiversion)
        return true;
    const ms_target_kind *k = ms_target_kind_named(o->target);
    const char *bad = k->cross ? "makes variants for x86-64 (AVX-512, AVX2, any), not this target"
                      : o->lib ? "does not build a library (--lib) yet"
                      : o->workspace != MS_WS_HEAP ? "takes its packed copies from the heap only"
                      : o->max_code_size > 0       ? "does not keep a code size budget yet"
                                                   : NULL;
#if !defined(__x86_64__)
    bad = "makes variants for x86-64 (AVX-512, AVX2, any): run mscc on one";
#endif
    if (bad)
        snprintf(why, n, "--multiversion %s", bad);
    return !bad;
}

int ms_options_parse(int argc, char **argv, ms_options *o, char *why, size_t n)
{
    *o = (ms_options){0};
    o->jobs = 2;
    /* measured trials per file unless --trials says otherwise; MSCC_TRIALS
     * moves the default (0 in a CI job or a cross build: never measure) */
    o->trials = MS_DEFAULT_TRIALS;
    const char *env_trials = getenv("MSCC_TRIALS");
    if (env_trials && *env_trials && !parse_int(env_trials, 0, &o->trials)) {
        snprintf(why, n, "MSCC_TRIALS wants a whole number >= 0, not '%s'", env_trials);
        return 1;
    }
    /* the target's rule list, replaced for an ablation (runtime/target.c) */
    const char *env_rules = getenv("MSCC_RULES");
    char rwhy[512];
    if (env_rules && *env_rules && !ms_rules_check(env_rules, rwhy, sizeof rwhy)) {
        snprintf(why, n, "MSCC_RULES: %s", rwhy);
        return 1;
    }
    bool trials_given = false;
    o->cc = getenv("CC") && *getenv("CC") ? getenv("CC") : NULL;
    o->cflags = getenv("CFLAGS") && *getenv("CFLAGS") ? getenv("CFLAGS") : NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* options with a value, as "--opt V" or "--opt=V" */
        const char *names[] = {"-o",
                               "--sizes",
                               "--cc",
                               "--cflags",
                               "--trials",
                               "--jobs",
                               "--trace",
                               "--print-trace",
                               "--fp-model",
                               "--seed",
                               "--db",
                               "--threads",
                               "--time-budget",
                               "--search",
                               "-MF",
                               "-fdiagnostics-format",
                               "--shard",
                               "--target",
                               "--runner",
                               "--runner-timing",
                               "--lib",
                               "--sizes-file",
                               "--max-stack",
                               "--max-code-size",
                               "--ldflags",
                               "--workspace"};
        const char *val = NULL;
        int which = -1;
        for (int k = 0; k < (int)(sizeof names / sizeof names[0]) && which < 0; k++) {
            size_t l = strlen(names[k]);
            if (!strcmp(a, names[k])) {
                if (i + 1 >= argc) {
                    snprintf(why, n, "option '%s' needs a value", a);
                    return 1;
                }
                which = k;
                val = argv[++i];
            } else if (k > 0 && !strncmp(a, names[k], l) && a[l] == '=') {
                which = k;
                val = a + l + 1;
            }
        }
        switch (which) {
        case 0:
            o->output = val;
            continue;
        case 1: {
            const char *w;
            ms_size_hint *h;
            int c = ms_parse_size_list(val, &h, &w);
            if (c < 0) {
                snprintf(why, n, "bad --sizes '%s': %s", val, w);
                return 1;
            }
            o->sizes = ms_xrealloc(o->sizes, sizeof(ms_size_hint) * (size_t)(o->nsizes + c));
            memcpy(o->sizes + o->nsizes, h, sizeof(ms_size_hint) * (size_t)c);
            o->nsizes += c;
            free(h);
            continue;
        }
        case 2:
            o->cc = val;
            continue;
        case 3:
            o->cflags = val;
            continue;
        case 4:
            if (!parse_int(val, 0, &o->trials)) {
                snprintf(why, n, "--trials wants a whole number >= 0, not '%s'", val);
                return 1;
            }
            trials_given = true;
            continue;
        case 5:
            if (!parse_int(val, 1, &o->jobs)) {
                snprintf(why, n, "--jobs wants a whole number >= 1, not '%s'", val);
                return 1;
            }
            continue;
        case 6:
            o->trace_file = val;
            continue;
        case 7:
            if (strcmp(val, "text") && strcmp(val, "json")) {
                snprintf(why, n, "--print-trace wants 'text' or 'json', not '%s'", val);
                return 1;
            }
            o->print_trace = val;
            continue;
        case 8:
            if (strcmp(val, "reassoc") && strcmp(val, "strict")) {
                snprintf(why, n, "--fp-model wants 'reassoc' or 'strict', not '%s'", val);
                return 1;
            }
            o->fp_strict = !strcmp(val, "strict");
            continue;
        case 9: {
            char *end;
            unsigned long long v = strtoull(val, &end, 10);
            if (!*val || *end || val[0] == '-') {
                snprintf(why, n, "--seed wants a whole number >= 0, not '%s'", val);
                return 1;
            }
            o->seed = (uint64_t)v;
            continue;
        }
        case 10:
            o->db = val;
            continue;
        case 11:
            if (!parse_int(val, 1, &o->threads)) {
                snprintf(why, n, "--threads wants a whole number >= 1, not '%s'", val);
                return 1;
            }
            continue;
        case 12: {
            char *end;
            double v = strtod(val, &end);
            if (!*val || *end || !(v > 0)) {
                snprintf(why, n, "--time-budget wants a number of seconds > 0, not '%s'", val);
                return 1;
            }
            o->time_budget = v;
            continue;
        }
        case 13:
            if (strcmp(val, "replay") && strcmp(val, "evolutionary")) {
                snprintf(why, n, "--search wants 'replay' or 'evolutionary', not '%s'", val);
                return 1;
            }
            o->replay = !strcmp(val, "replay");
            continue;
        case 14:
            o->mf = val;
            continue;
        case 15:
            if (strcmp(val, "text") && strcmp(val, "json")) {
                snprintf(why, n, "-fdiagnostics-format wants 'text' or 'json', not '%s'", val);
                return 1;
            }
            o->diag_json = !strcmp(val, "json");
            continue;
        case 16: {
            char *end;
            long part = strtol(val, &end, 10);
            long parts = *end == '/' ? strtol(end + 1, &end, 10) : 0;
            if (!*val || *end || part < 0 || parts < 1 || part >= parts || parts > 100000) {
                snprintf(why, n, "--shard wants I/N with 0 <= I < N, not '%s'", val);
                return 1;
            }
            o->shard = (int)part;
            o->nshards = (int)parts;
            continue;
        }
        case 17:
            if (!known_target(val, why, n))
                return 1;
            o->target = val;
            continue;
        case 18:
            if (!runner_template(val, why, n))
                return 1;
            o->runner = val;
            continue;
        case 19:
            if (strcmp(val, "wall") && strcmp(val, "none")) {
                snprintf(why, n, "--runner-timing wants 'wall' or 'none', not '%s'", val);
                return 1;
            }
            o->untimed = !strcmp(val, "none");
            continue;
        case 20:
            o->lib = val;
            continue;
        case 21:
            o->sizes_file = val;
            continue;
        case 22:
        case 23: {
            char *end;
            errno = 0;
            long long v = strtoll(val, &end, 10);
            if (!*val || *end || v < 1 || errno) {
                snprintf(why, n, "%s wants a number of bytes >= 1, not '%s'", names[which], val);
                return 1;
            }
            *(which == 22 ? &o->max_stack : &o->max_code_size) = v;
            continue;
        }
        case 24:
            o->ldflags = val;
            continue;
        case 25:
            if (!ms_options_set_workspace(o, val, why, n))
                return 1;
            continue;
        default:
            break;
        }
        if (!strcmp(a, "--check"))
            o->check = true;
        else if (!strcmp(a, "-Werror"))
            o->werror = true;
        else if (!strcmp(a, "-MD"))
            o->depfile = true;
        else if (!strcmp(a, "--predict"))
            o->predict = true;
        else if (!strcmp(a, "--no-heap"))
            o->no_heap = true;
        else if (!strcmp(a, "--multiversion"))
            o->multiversion = true;
        else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
            o->quiet = true;
        else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
            o->verbose = true;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            o->help = true;
        else if (!strcmp(a, "--version"))
            o->version = true;
        else if (!strncmp(a, "-std=", 5) ||
                 ((!strncmp(a, "-I", 2) || !strncmp(a, "-D", 2) || !strncmp(a, "-U", 2)) && a[2])) {
            MS_VEC_PUSH(o->clang_args, a);
        } else if (!strcmp(a, "-I") || !strcmp(a, "-D") || !strcmp(a, "-U")) {
            if (i + 1 >= argc) {
                snprintf(why, n, "option '%s' needs a value", a);
                return 1;
            }
            MS_VEC_PUSH(o->clang_args, a);
            MS_VEC_PUSH(o->clang_args, argv[++i]);
        } else if (a[0] == '-' && a[1]) {
            snprintf(why, n, "unknown option '%s'", a);
            return 1;
        } else if (o->input) {
            snprintf(why, n, "more than one input file ('%s' and '%s')", o->input, a);
            return 1;
        } else {
            o->input = a;
        }
    }
    if (o->help || o->version)
        return 0;
    if (o->predict && trials_given && o->trials > 0) {
        snprintf(why, n, "--predict measures nothing; it takes no --trials %d", o->trials);
        return 1;
    }
    if (o->predict) /* MSCC_TRIALS does not make it measure */
        o->trials = 0;
    if (!check_target(o, trials_given, why, n))
        return 1;
    if (!o->input) {
        snprintf(why, n, "no input file");
        return 1;
    }
    if (!o->output) {
        snprintf(why, n, "no output file (-o OUT.c, or -o - for standard output)");
        return 1;
    }
    if (!check_lib(o, why, n) || !ms_options_check_multiversion(o, why, n))
        return 1;
    /* JSON diagnostics: stderr holds the JSON alone, as gcc's does */
    if (o->diag_json)
        o->quiet = true;
    if (o->mf && !o->depfile) {
        snprintf(why, n, "-MF names the depfile of -MD, which is not given");
        return 1;
    }
    if (o->depfile && !o->mf && !strcmp(o->output, "-")) {
        snprintf(why, n, "-MD with -o - needs -MF FILE: there is no output file to put it beside");
        return 1;
    }
    return 0;
}

void ms_options_free(ms_options *o)
{
    for (int i = 0; i < o->nsizes; i++)
        free((char *)o->sizes[i].name);
    free(o->sizes);
    free(o->clang_args.data);
}
