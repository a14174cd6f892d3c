/*
 * tune_test.c - `mscc --trials N` end to end with the real measurer: the
 * tuned output computes what the input does; a second run on the same
 * database replays without measuring and writes a byte-identical file;
 * injected faults (a compiler that fails on candidates, candidates that
 * crash, hang, exhaust memory or compute wrong numbers) are recorded with
 * their cause and tuning still finishes with a correct output; with every
 * candidate failing, or every fast one failing the check at other sizes,
 * the original body stays.
 */
#include "testutil.h"

#include "kernels.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char kernel_src[] = TUNE_GEMM("mm", "M=48, N=40, K=32");

/* Runs a shell command; returns its exit status and its output in *out. */
static int sh(const char *cmd, char **out)
{
    char *dir = ms_tempdir_new(), path[4200], full[16384];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    snprintf(full, sizeof full, "(%s) > '%s' 2>&1", cmd, path);
    int st = system(full);
    *out = ms_read_file(path, NULL);
    ms_tempdir_remove(dir);
    free(dir);
    return WEXITSTATUS(st);
}

/* A compiler wrapper script dir/name with the given text (caller frees the path). */
static char *write_script(const char *dir, const char *name, const char *text)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    chmod(path, 0755);
    return ms_xstrdup(path);
}

/* mscc IN -o DIR/a.c --trials 16 --db DIR/db with the compiler a shell
 * script (text, written to DIR/name) that edits what it compiles. Returns
 * mscc's exit status, its output in *out. */
static int tune_with_cc(const char *dir, const char *in, const char *name, const char *text,
                        char **out)
{
    char *path = write_script(dir, name, text), cmd[16384];
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/a.c' --trials 16 --cc '%s' --db '%s/db'", tu_mscc(),
             in, dir, path, dir);
    free(path);
    return sh(cmd, out);
}

/* dir/name holds exactly want. */
static void expect_file(const char *dir, const char *name, const char *want)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = ms_read_file(path, NULL);
    cr_assert_not_null(text, "no %s", path);
    cr_expect_str_eq(text, want);
    free(text);
}

/* Every kernel body of the tuned file checked against the input's at four
 * size settings, aligned and not (the check harness of --check). */
static void expect_correct(const char *input, const char *tuned)
{
    ms_source a, b;
    ms_diags d = {0};
    tu_parse_file(input, &a, &d);
    tu_parse_file(tuned, &b, &d);
    ms_diags_free(&d);
    cr_assert_eq(a.nkernels, b.nkernels);
    char **bodies = ms_xcalloc((size_t)a.nkernels, sizeof *bodies);
    ms_check_result *res = ms_xcalloc((size_t)a.nkernels, sizeof *res);
    for (int i = 0; i < a.nkernels; i++) {
        const ms_kernel *k = &b.kernels[i];
        ms_str body = {0};
        ms_str_addn(&body, b.text + k->body_begin, k->body_end - k->body_begin);
        bodies[i] = ms_str_take(&body);
    }
    ms_target *t = ms_target_new(NULL, NULL, NULL);
    ms_check_kernels(t, &a, bodies, NULL, 2, MS_CHECK_MISALIGNED, res);
    for (int i = 0; i < a.nkernels; i++) {
        cr_expect(res[i].correct, "kernel %s: %s", a.kernels[i].name, res[i].reason);
        free(bodies[i]);
    }
    free(bodies);
    free(res);
    ms_target_free(t);
    ms_source_free(&a);
    ms_source_free(&b);
}

Test(tune, second_run_replays_from_the_database_byte_identical, .timeout = 600)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/a.c' --trials 12 --seed 3 --db '%s/db'", tu_mscc(),
             in, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "12/12 trials"), "%s", out);
    /* the closing table's share of the measured peak, kept as a fact */
    cr_expect(strstr(out, "%peak") && strstr(out, "%      12"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "grep -c peak_f32 '%s/db/facts.jsonl'", dir);
    cr_expect_eq(sh(cmd, &out), 0, "the peak was not recorded: %s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/b.c' --trials 12 --seed 3 --db '%s/db'", tu_mscc(),
             in, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "(database)"), "the second run did not use the database:\n%s", out);
    cr_expect(!strstr(out, "trials, best"), "the second run measured:\n%s", out);
    cr_expect(strstr(out, "%      12"), "the replay lost the peak:\n%s", out);
    free(out);
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/a.c", dir);
    snprintf(b, sizeof b, "%s/b.c", dir);
    char *ta = ms_read_file(a, NULL), *tb = ms_read_file(b, NULL);
    cr_assert(ta && tb);
    cr_expect_str_eq(ta, tb);
    expect_correct(in, a);
    /* --trials 0 replays the database too */
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/c.c' --db '%s/db' && cmp '%s/a.c' '%s/c.c'",
             tu_mscc(), in, dir, dir, dir, dir);
    cr_expect_eq(sh(cmd, &out), 0, "%s", out);
    free(out);
    /* mscc db list: the kernel, its sizes, 12 candidates measured and the
     * decision (13 records; 14 when noise made the fastest candidate look
     * slow at another size and the next one shipped) */
    snprintf(cmd, sizeof cmd, "'%s' db list '%s/db'", tu_mscc(), dir);
    cr_expect_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect((strstr(out, "13 records") || strstr(out, "14 records")) && strstr(out, "mm ") &&
                  strstr(out, "M=48,N=40,K=32") && strstr(out, "     12 "),
              "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' db frob", tu_mscc());
    cr_expect_eq(sh(cmd, &out), 1, "%s", out);
    free(out);
    free(ta);
    free(tb);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* Two kernels in one file share its trials, a batch each in turn; the
 * rerun replays both decisions; asking for more trials searches again. */
Test(tune, kernels_of_a_file_share_its_trials, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    static const char two[] =
        TUNE_GEMM("mm", "M=48, N=40, K=32") "\n" TUNE_GEMM("nn", "M=32, N=64, K=16");
    char *in = tu_write_temp("two.c", two), *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/a.c' --trials 64 --seed 2 --db '%s/db'", tu_mscc(),
             in, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    /* each kernel's first batch before either's second (then the task
     * scheduler's choice) */
    const char *m16 = strstr(out, "mm: 16/64"), *n16 = strstr(out, "nn: 16/64");
    const char *m32 = strstr(out, "mm: 32/64"), *n32 = strstr(out, "nn: 32/64");
    cr_assert(m16 && n16, "%s", out);
    cr_expect(m16 < n16 && (!m32 || n16 < m32) && (!n32 || n16 < n32), "not in turn:\n%s", out);
    free(out);
    snprintf(cmd, sizeof cmd,
             "'%s' '%s' -o '%s/b.c' --trials 64 --db '%s/db' && cmp '%s/a.c' '%s/b.c'", tu_mscc(),
             in, dir, dir, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(!strstr(out, "trials, best"), "the rerun measured:\n%s", out);
    free(out);
    /* more trials: the rest are measured (16 each), then decided again */
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/c.c' --trials 96 --db '%s/db'", tu_mscc(), in, dir,
             dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "mm: 16/96") && strstr(out, "nn: 16/96") && !strstr(out, "mm: 32/96"),
              "not the rest of the trials:\n%s", out);
    free(out);
    char c[4200];
    snprintf(c, sizeof c, "%s/c.c", dir);
    expect_correct(in, c);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* A compiler wrapper that breaks candidates 0-3 of each unit of the first
 * round in four ways and refuses to build units of the second round. The
 * memory hog reserves address space and touches one byte of each 16 MiB
 * (the volatile sink keeps gcc from removing the allocation), and the test
 * runs mscc without meson's MALLOC_PERTURB_: with it glibc fills every
 * allocation (the hog took 3 s to reach 1 GiB alone, 0.02 s without), and
 * under CI's load the hog ran past its 10 s timeout and was counted as
 * one. */
static char *fault_cc(const char *dir)
{
    return write_script(
        dir, "faultcc.sh",
        "#!/bin/sh\n"
        "src=\"\"; for a in \"$@\"; do case \"$a\" in *.c) src=\"$a\";; esac; done\n"
        "case \"$src\" in\n"
        "*/r1_u0.c)\n"
        "  sed -i -e 's/^    case 0:$/    case 0: ((float *)mscc_in_A)[0] += 1.0f;/' \\\n"
        "         -e 's/^    case 1:$/    case 1: __builtin_trap();/' \\\n"
        "         -e 's/^    case 2:$/    case 2: for (;;) MSCC_BARRIER();/' \\\n"
        "         -e 's/^    case 3:$/    case 3: for (;;) { static char *volatile mscc_sink; "
        "char *mscc_p = malloc(1 << 24); if (!mscc_p) { puts(\"out of memory\"); exit(3); } "
        "mscc_p[0] = 1; mscc_sink = mscc_p; (void)mscc_sink; }/' "
        "\"$src\";;\n"
        "*/r2_*.c) exit 1;;\n"
        "esac\n"
        "exec cc \"$@\"\n");
}

/* The same for dir/a.c, the tuned file of the tests' runs. */
static void expect_tuned_correct(const char *input, const char *dir)
{
    char tuned[4200];
    snprintf(tuned, sizeof tuned, "%s/a.c", dir);
    expect_correct(input, tuned);
}

Test(tune, injected_faults_are_recorded_and_tuning_finishes, .timeout = 600)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    char *cc = fault_cc(dir);
    /* 32 trials: the first round of 16 has the faulty unit, the second cannot build */
    snprintf(cmd, sizeof cmd,
             "env -u MALLOC_PERTURB_ MSCC_MEM_LIMIT_MB=1024 '%s' '%s' -o '%s/a.c' --trials 32 "
             "--seed 4 --cc '%s' --db '%s/db'",
             tu_mscc(), in, dir, cc, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "wrong 1"), "%s", out);
    cr_expect(strstr(out, "crash 1"), "%s", out);
    cr_expect(strstr(out, "timeout 1"), "%s", out);
    cr_expect(strstr(out, "memory 1"), "%s", out);
    cr_expect(strstr(out, "build 16"), "%s", out);
    free(out);
    /* the output is still right */
    snprintf(cmd, sizeof cmd, "'%s' '%s/a.c' -o '%s/b.c' --check", tu_mscc(), dir, dir);
    cr_expect_eq(sh(cmd, &out), 0, "%s", out);
    free(out);
    free(cc);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

Test(tune, nothing_beats_the_original_when_every_candidate_fails, .timeout = 600)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    /* builds the original's harness, nothing else */
    char *path = write_script(
        dir, "badcc.sh", "#!/bin/sh\ncase \"$*\" in *orig.c*) exec cc \"$@\";; esac\nexit 1\n");
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/a.c' --trials 8 --cc '%s' --db '%s/db'", tu_mscc(),
             in, dir, path, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "left unchanged: no schedule among 8 measured"), "%s", out);
    free(out);
    expect_file(dir, "a.c", kernel_src);
    free(path);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* --max-code-size below any schedule's code: the search builds each
 * candidate's code, runs none (every record says "size"), and the
 * kernel stays as written. */
Test(tune, candidates_beyond_the_code_size_budget_are_never_run, .timeout = 600)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(cmd, sizeof cmd,
             "'%s' '%s' -o '%s/a.c' --trials 8 --max-code-size 64 --db '%s/db' && "
             "grep -c '\"status\":\"size\"' '%s/db/records.jsonl' && "
             "! grep '\"status\":\"ok\"' '%s/db/records.jsonl'",
             tu_mscc(), in, dir, dir, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "(original kept)"), "%s", out);
    cr_expect(strstr(out, "\n8\n"), "8 candidates, each refused for its size: %s", out);
    free(out);
    expect_file(dir, "a.c", kernel_src);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* Tunes mm.c (16 trials, database dir/db) with a compiler wrapper that
 * runs sed_edit on every check harness (k<N>.c) first: the search times
 * candidates at the tuning sizes only, the check before shipping runs them
 * at other sizes and on unaligned arrays. The edit's fault must keep every
 * candidate from shipping: the output is the input, and the decision to
 * keep the original is recorded and replayed. Returns mscc's output. */
static char *tune_with_faulty_check(const char *sed_edit)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    char script[4096];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "for a in \"$@\"; do case \"$a\" in */k[0-9]*.c) sed -i '%s' \"$a\";; esac; done\n"
             "exec cc \"$@\"\n",
             sed_edit);
    char *result;
    cr_assert_eq(tune_with_cc(dir, in, "faultycc.sh", script, &result), 0, "%s", result);
    cr_expect(strstr(result, "left unchanged: no schedule that beat the original passed"), "%s",
              result);
    expect_file(dir, "a.c", kernel_src);
    /* recorded: the rerun measures nothing and keeps the original */
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/b.c' --trials 16 --db '%s/db'", tu_mscc(), in, dir,
             dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(!strstr(out, "trials, best"), "the rerun measured:\n%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' db list '%s/db'", tu_mscc(), dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "original"), "%s", out);
    free(out);
    expect_file(dir, "b.c", kernel_src);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
    return result;
}

/* Every tuned body wrong on unaligned arrays in the check harness. */
Test(tune, a_candidate_wrong_on_unaligned_arrays_does_not_ship, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    char *out = tune_with_faulty_check("/^    mscc_fp_mscc(/a\\\n"
                                       "    if (mscc_misalign) ((float *)mscc_new_C)[0] += 1.0f;");
    cr_expect(strstr(out, "failed the check at other sizes (wrong result at"), "%s", out);
    cr_expect(strstr(out, "8 bytes past alignment"), "%s", out);
    free(out);
}

/* Every tuned body fast at the tuning sizes but slow elsewhere (a delay in
 * the check's timed calls at other sizes): the general path must not be a
 * regression for callers at other sizes, so the schedule ships narrowed to
 * the tuning sizes (original_elsewhere), and the database replays that. */
Test(tune, a_candidate_slow_at_other_sizes_ships_at_the_tuning_sizes_only, .timeout = 600,
     TU_PLAIN_BUILD_ONLY)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    char script[4096];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "for a in \"$@\"; do case \"$a\" in */k[0-9]*.c) sed -i 's/^                "
             "mscc_fp_mscc(/                if (M != 48) for (volatile int w = 0; w < 300000; w++) "
             "{} mscc_fp_mscc(/' \"$a\";; esac; done\n"
             "exec cc \"$@\"\n");
    cr_assert_eq(tune_with_cc(dir, in, "slowcc.sh", script, &out), 0, "%s", out);
    cr_expect(strstr(out, "the schedule runs at the tuning sizes only"), "%s", out);
    cr_expect(strstr(out, "slower at M=25,N=21,K=17"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "%s/a.c", dir);
    char *a = ms_read_file(cmd, NULL);
    cr_assert(a);
    cr_expect(strstr(a, "original_elsewhere()"), "%s", a);
    cr_expect(strstr(a, "if (!(M == 48 && N == 40 && K == 32)) {"), "%s", a);
    cr_expect(strstr(a, "other sizes: the loops as written"), "%s", a);
    /* recorded: the rerun measures nothing and writes the same file */
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/b.c' --trials 16 --db '%s/db'", tu_mscc(), in, dir,
             dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(!strstr(out, "trials, best"), "the rerun measured:\n%s", out);
    free(out);
    expect_file(dir, "b.c", a);
    free(a);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* The same delay in the first check harness only, as when another process
 * holds a core for a moment: timed again, the schedule ships. */
Test(tune, one_slow_timing_elsewhere_does_not_refuse_a_schedule, .timeout = 600,
     TU_PLAIN_BUILD_ONLY)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), *out;
    char script[8192];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "for a in \"$@\"; do case \"$a\" in */k[0-9]*.c) [ -e '%s/slowed' ] || "
             "{ sed -i 's/^                mscc_fp_mscc(/                if (M != 48) "
             "for (volatile int w = 0; w < 300000; w++) {} mscc_fp_mscc(/' \"$a\"; "
             "touch '%s/slowed'; };; esac; done\n"
             "exec cc \"$@\"\n",
             dir, dir);
    cr_assert_eq(tune_with_cc(dir, in, "oncecc.sh", script, &out), 0, "%s", out);
    cr_expect(!strstr(out, "slower than the original") && !strstr(out, "left unchanged"), "%s",
              out);
    char slowed[4200];
    snprintf(slowed, sizeof slowed, "%s/slowed", dir);
    cr_expect(access(slowed, F_OK) == 0, "the delay was never injected");
    free(out);
    expect_tuned_correct(in, dir);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* Every candidate's first call 50 ms late (as when OpenMP starts its
 * threads, or the caches are cold): a candidate that looks far slower than
 * the best on its first call is called again before that call's time
 * counts, so no record holds the delay. */
Test(tune, a_slow_first_call_is_not_the_time_recorded, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    char script[4096];
    snprintf(script, sizeof script,
             "#!/bin/sh\n"
             "for a in \"$@\"; do case \"$a\" in */r[0-9]*_u[0-9]*.c) sed -i "
             "'s/^        mscc_first = mscc_now();$/&"
             " { static int o; if (!o++) for (volatile long w = 0; w < 20000000; w++) {} }/' "
             "\"$a\";; esac; done\n"
             "exec cc \"$@\"\n");
    cr_assert_eq(tune_with_cc(dir, in, "firstcc.sh", script, &out), 0, "%s", out);
    free(out);
    /* the candidates' times: a few microseconds each, none near the delay */
    snprintf(cmd, sizeof cmd,
             "grep '\"status\":\"ok\"' '%s/db/records.jsonl' | grep -o '\"seconds\":[^,]*' | "
             "cut -d: -f2 | awk '{ n++ } $1 > 0.01 { slow++ } END { print n + 0, slow + 0 }'",
             dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    int n = 0, slow = -1;
    cr_expect_eq(sscanf(out, "%d %d", &n, &slow), 2, "%s", out);
    cr_expect_gt(n, 8, "%s", out);
    cr_expect_eq(slow, 0, "%d of %d records hold the first call's delay", slow, n);
    free(out);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* A candidate still in its first call at 10x the best so far (and 0.1 s)
 * is stopped there: recorded "slow", its bound a training row of the cost
 * model, never shipped. The compiler wrapper makes every unit's second
 * candidate spin for 3 s in each call. */
Test(tune, a_far_slower_candidate_is_stopped_in_its_first_call, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    static const char script[] =
        "#!/bin/sh\n"
        "for a in \"$@\"; do case \"$a\" in */r[0-9]*_u[0-9]*.c) awk '"
        "/^    case 1:$/ { one = 1 } "
        "{ print } "
        "one && /^        mscc_first = mscc_now\\(\\);$/ { "
        "print \"        { double w0 = mscc_now(); while (mscc_now() - w0 < 3) {} }\"; one = 0 }"
        "' \"$a\" > \"$a.x\" && mv \"$a.x\" \"$a\";; esac; done\n"
        "exec cc \"$@\"\n";
    cr_assert_eq(tune_with_cc(dir, in, "slowcc.sh", script, &out), 0, "%s", out);
    /* 16 trials in 4 units: the second of each, and on a loaded machine
     * (CI runs the cross suite beside this one) perhaps a normal one whose
     * first call lost the core for 0.1 s */
    cr_expect(strstr(out, "slow "), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd,
             "grep -c '\"status\":\"slow\"' '%s/db/records.jsonl'; "
             "cat '%s/db/'cost-rows-*.txt | wc -l",
             dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    int slow = 0, rows = 0;
    cr_expect_eq(sscanf(out, "%d %d", &slow, &rows), 2, "%s", out);
    cr_expect(slow >= 4 && slow <= 8, "the four spinning candidates stopped, of %s", out);
    cr_expect_eq(rows, 16, "every candidate a training row: %s", out);
    free(out);
    expect_tuned_correct(in, dir);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* A sum of four million floats: any vectorised or partial-sum order moves
 * the result by more than the plain tolerance, and so does the original
 * built with -ffast-math. The tuner judges candidates as --check does
 * (beyond the tolerance only where -ffast-math moves the original too):
 * they are measured, not refused as wrong. */
Test(tune, long_float_sums_are_judged_by_the_fastmath_oracle, .timeout = 600)
{
    static const char dot[] =
        "#pragma mscc kernel sizes(N=4194304)\n"
        "void dot(int N, const float *restrict a, const float *restrict b, float *restrict out)\n"
        "{\n"
        "    float s = 0.0f;\n"
        "    for (int k = 0; k < N; k++)\n"
        "        s += a[k] * b[k];\n"
        "    out[0] = s;\n"
        "}\n";
    char *in = tu_write_temp("dot.c", dot), *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/a.c' --trials 8 --seed 1 --db '%s/db'", tu_mscc(),
             in, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(!strstr(out, "wrong"), "%s", out);
    free(out);
    /* whether one beats the original is the timing's call (a noisy
     * machine keeps the original): the records say each was judged right */
    snprintf(cmd, sizeof cmd, "grep -c '\"status\":\"ok\"' '%s/db/records.jsonl'", dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect_geq(atoi(out), 6, "candidates measured, not refused as wrong: %s", out);
    free(out);
    expect_tuned_correct(in, dir);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* The cost model outlives its search: trained after 64 measurements, kept
 * in the database folder, and the next search (of another kernel) starts
 * from it; a model of another feature layout is set aside with a note.
 * Plain build only: under ASan its 130 trials and two --predict runs took
 * six minutes; the model's saving, loading and ranking run under ASan in
 * the model and evolution tests. */
Test(tune, the_cost_model_is_kept_in_the_database, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    char *in = tu_write_temp("mm.c", kernel_src), *dir = ms_tempdir_new(), cmd[16384], *out;
    char *other = tu_write_temp("nn.c", TUNE_GEMM("nn", "M=32, N=64, K=16"));
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/a.c' --trials 96 --seed 1 --db '%s/db'", tu_mscc(),
             in, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(!strstr(out, "starts from the cost model"), "no model yet:\n%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "head -1 '%s'/db/cost-model-*.json", dir);
    cr_assert_eq(sh(cmd, &out), 0, "no model saved: %s", out);
    cr_expect(strstr(out, "mscc-cost-model features-v"), "%s", out);
    free(out);
    /* its training rows: one per candidate that ran correctly */
    snprintf(cmd, sizeof cmd, "cat '%s'/db/cost-rows-*.txt | wc -l", dir);
    cr_assert_eq(sh(cmd, &out), 0, "no rows kept: %s", out);
    cr_expect(atoi(out) >= 64 && atoi(out) <= 96, "%s rows", out);
    free(out);
    /* --predict: the model's pick for a kernel it never saw, nothing
     * measured, the same file twice, and correct */
    char b[4200];
    snprintf(cmd, sizeof cmd,
             "'%s' '%s' -o '%s/p1.c' --predict --db '%s/db' && "
             "'%s' '%s' -o '%s/p2.c' --predict --db '%s/db' -q && cmp '%s/p1.c' '%s/p2.c'",
             tu_mscc(), other, dir, dir, tu_mscc(), other, dir, dir, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "kernel 'nn': the schedule the cost model ranks best"), "%s", out);
    cr_expect(!strstr(out, "trials, best"), "--predict measured:\n%s", out);
    free(out);
    snprintf(b, sizeof b, "%s/p1.c", dir);
    expect_correct(other, b);
    /* without a model: the default schedule, as --trials 0 writes it */
    snprintf(cmd, sizeof cmd,
             "'%s' '%s' -o '%s/p3.c' --predict --db '%s/none' && "
             "'%s' '%s' -o '%s/p4.c' --trials 0 --db '%s/none' && cmp '%s/p3.c' '%s/p4.c'",
             tu_mscc(), other, dir, dir, tu_mscc(), other, dir, dir, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "--predict: no tuning database"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' '%s' -o '%s/b.c' --trials 16 --seed 1 --db '%s/db'", tu_mscc(),
             other, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "kernel 'nn': the search starts from the cost model of earlier runs"),
              "%s", out);
    free(out);
    snprintf(b, sizeof b, "%s/b.c", dir);
    expect_correct(other, b);
    /* another layout's model: not read */
    snprintf(cmd, sizeof cmd,
             "sed -i '1s/.*/mscc-cost-model features-v0 width 3/' '%s'/db/cost-model-*.json && "
             "'%s' '%s' -o '%s/c.c' --trials 16 --seed 2 --sizes M=24 --db '%s/db'",
             dir, tu_mscc(), other, dir, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "trained on another feature layout") && strstr(out, "trains its own"),
              "%s", out);
    free(out);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
    free(other);
}

/* examples/make: mscc as a Makefile pre-build step; after a touch, the
 * rebuild replays the project's database and writes the same file. */
Test(tune, makefile_example_rebuilds_from_the_database, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    char *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(cmd, sizeof cmd,
             "cp -r '%s/examples/make' '%s/examples/lib' '%s/' && cd '%s/make' && "
             "make -s MSCC='%s' TRIALS=8 && ./build/app && cp build/kernels.tuned.c first.c",
             tu_src_dir(), tu_src_dir(), dir, dir, tu_mscc());
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "checksum"), "%s", out);
    free(out);
    snprintf(cmd, sizeof cmd,
             "cd '%s/make' && sleep 1 && touch ../lib/kernels.c && make -s MSCC='%s' TRIALS=8 && "
             "cmp first.c build/kernels.tuned.c && ./build/app",
             dir, tu_mscc());
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    cr_expect(strstr(out, "matmul") && strstr(out, "(database)"),
              "the rebuild did not replay the database:\n%s", out);
    cr_expect(!strstr(out, "trials, best"), "the rebuild measured:\n%s", out);
    free(out);
    /* the depfile names the header and the database: touching the header
     * tunes again, and with nothing touched mscc does not run */
    snprintf(cmd, sizeof cmd,
             "cd '%s/make' && grep -q 'kernels.h' build/kernels.tuned.d && "
             "grep -q '.mscc/records.jsonl' build/kernels.tuned.d && make -s MSCC='%s' TRIALS=8 "
             "&& echo nothing-to-do && sleep 1 && touch ../lib/kernels.h && "
             "make -s MSCC='%s' TRIALS=8",
             dir, tu_mscc(), tu_mscc());
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    char *idle = strstr(out, "nothing-to-do");
    cr_assert_not_null(idle, "%s", out);
    *idle = '\0'; /* what the make with nothing touched printed */
    cr_expect(!strstr(out, "mscc:"), "mscc ran with nothing touched:\n%s", out);
    cr_expect(strstr(idle + 1, "(database)"), "a touched header did not rerun mscc:\n%s", idle + 1);
    free(out);
    ms_tempdir_remove(dir);
    free(dir);
}

/* examples/meson and examples/cmake: the same library tuned by a
 * custom_target and an add_custom_command with mscc's depfile; after a
 * touch, ninja reruns mscc, which replays the project's database and
 * writes the same file; a touched header reruns it too. */
Test(tune, meson_and_cmake_examples_rebuild_from_the_database, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    const char *setup[] = {
        "meson setup build -Dmscc='%s' -Dtrials=8 >/dev/null && ninja -C build",
        "cmake -S . -B build -G Ninja -DMSCC='%s' -DMSCC_TRIALS=8 >/dev/null && "
        "cmake --build build",
    };
    const char *names[] = {"meson", "cmake"};
    for (int e = 0; e < 2; e++) {
        char *dir = ms_tempdir_new(), cmd[16384], *out;
        char first[600];
        snprintf(first, sizeof first, setup[e], tu_mscc());
        snprintf(cmd, sizeof cmd,
                 "cp -r '%s/examples/%s' '%s/examples/lib' '%s/' && cd '%s/%s' && %s && "
                 "./build/app && cp build/kernels.tuned.c first.c",
                 tu_src_dir(), names[e], tu_src_dir(), dir, dir, names[e], first);
        cr_assert_eq(sh(cmd, &out), 0, "%s: %s", names[e], out);
        cr_expect(strstr(out, "checksum"), "%s: %s", names[e], out);
        free(out);
        snprintf(cmd, sizeof cmd,
                 "cd '%s/%s' && sleep 1 && touch ../lib/kernels.c && ninja -C build && "
                 "cmp first.c build/kernels.tuned.c && ./build/app && echo touched-header && "
                 "sleep 1 && touch ../lib/kernels.h && ninja -C build",
                 dir, names[e]);
        cr_assert_eq(sh(cmd, &out), 0, "%s: %s", names[e], out);
        char *second = strstr(out, "touched-header");
        cr_assert_not_null(second, "%s: %s", names[e], out);
        *second = '\0';
        cr_expect(strstr(out, "matmul") && strstr(out, "(database)"),
                  "%s: the rebuild did not replay the database:\n%s", names[e], out);
        cr_expect(!strstr(out, "trials, best"), "%s: the rebuild measured:\n%s", names[e], out);
        cr_expect(strstr(second + 1, "(database)"), "%s: a touched header did not rerun mscc:\n%s",
                  names[e], second + 1);
        free(out);
        ms_tempdir_remove(dir);
        free(dir);
    }
}

/* dir/file, a document of traces keyed by kernel that --print-trace=json
 * wrote: its n kernels' names and traces. */
static int read_trace_doc(const char *dir, const char *file, int n, char ***names,
                          ms_trace ***traces)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *doc = ms_read_file(path, NULL);
    const char *why = NULL;
    cr_assert_not_null(doc);
    int got = ms_trace_doc_parse(doc, names, traces, &why);
    cr_assert_eq(got, n, "%s: %s", file, why ? why : doc);
    free(doc);
    return got;
}

static void free_trace_doc(int n, char **names, ms_trace **traces)
{
    for (int i = 0; i < n; i++) {
        free(names[i]);
        ms_trace_free(traces[i]);
    }
    free(names);
    free(traces);
}

/* --shard 0/2 and 1/2 each search one kernel of a two-kernel file into a
 * database of its own; `mscc db merge` makes them one, and a run on the
 * merged database replays, for each kernel, what its shard decided. */
Test(tune, shards_then_merge_replay_each_shards_decision, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    static const char two[] =
        TUNE_GEMM("mm", "M=48, N=40, K=32") "\n" TUNE_GEMM("nn", "M=32, N=64, K=16");
    char *in = tu_write_temp("shards.c", two), *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(
        cmd, sizeof cmd,
        "m='%s'; in='%s'; d='%s'; "
        "$m $in -o $d/s0.c --trials 8 --shard 0/2 --db $d/a --print-trace=json > $d/s0.json && "
        "$m $in -o $d/s1.c --trials 8 --shard 1/2 --db $d/b --print-trace=json > $d/s1.json && "
        "$m db merge $d/a $d/b -o $d/c && "
        "$m $in -o $d/m.c --trials 0 --db $d/c --print-trace=json > $d/m.json && "
        "$m db list $d/a && $m db list $d/b",
        tu_mscc(), in, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    free(out);
    const char *files[] = {"s0.json", "s1.json", "m.json"};
    char **names[3];
    ms_trace **traces[3];
    int nt[3];
    for (int f = 0; f < 3; f++)
        nt[f] = read_trace_doc(dir, files[f], 2, &names[f], &traces[f]);
    /* kernel 0 (mm) as shard 0 decided it, kernel 1 (nn) as shard 1 did */
    for (int k = 0; k < 2; k++) {
        cr_assert_str_eq(names[k][k], names[2][k]);
        char *a = ms_trace_to_json(traces[k][k]), *b = ms_trace_to_json(traces[2][k]);
        cr_expect_str_eq(a, b, "kernel %s: the merged database replays another trace", names[2][k]);
        free(a);
        free(b);
    }
    for (int f = 0; f < 3; f++)
        free_trace_doc(nt[f], names[f], traces[f]);
    /* the shards' databases hold one kernel's measurements each */
    for (int s = 0; s < 2; s++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/%s", dir, s ? "b" : "a");
        char why[512];
        ms_db *db = ms_db_open(path, why, sizeof why);
        cr_assert_not_null(db, "%s", why);
        const ms_db_record *recs;
        int n = ms_db_records(db, &recs);
        cr_expect_gt(n, 0);
        for (int i = 0; i < n; i++)
            cr_expect_str_eq(recs[i].kernel, s ? "nn" : "mm", "shard %d measured %s", s,
                             recs[i].kernel);
        ms_db_close(db);
    }
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* With a fake measurer (MSCC_FAKE_MEASURER=1: each candidate's time a
 * fixed function of its program), shards and their merged database give
 * the very decisions of one run: three kernels, one run of 48 trials (a
 * batch of 16 each), against shard 0/2 (kernels 0 and 2, 32 trials) and
 * shard 1/2 (kernel 1, 16), merged; the run on the merged database writes
 * the one run's file byte for byte, and its trace per kernel is the one
 * run's. Each of the three is a schedule, not the original. */
Test(tune, shards_and_merge_decide_as_one_run_with_a_fake_measurer, .timeout = 600)
{
    static const char three[] = TUNE_GEMM("mm", "M=48, N=40, K=32") "\n" TUNE_GEMM(
        "nn", "M=32, N=64, K=16") "\n" TUNE_GEMM("kk", "M=24, N=32, K=40");
    char *in = tu_write_temp("fake_shards.c", three), *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(cmd, sizeof cmd,
             "export MSCC_FAKE_MEASURER=1; m='%s'; in='%s'; d='%s'; "
             "$m $in -o $d/one.c --trials 48 --seed 7 --db $d/one --print-trace=json > "
             "$d/one.json && "
             "$m $in -o $d/s0.c --trials 32 --seed 7 --shard 0/2 --db $d/a && "
             "$m $in -o $d/s1.c --trials 16 --seed 7 --shard 1/2 --db $d/b && "
             "$m db merge $d/a $d/b -o $d/ab && "
             "$m $in -o $d/merged.c --trials 0 --db $d/ab --print-trace=json > $d/merged.json && "
             "cmp $d/one.c $d/merged.c",
             tu_mscc(), in, dir);
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    free(out);
    const char *files[] = {"one.json", "merged.json"};
    char **names[2];
    ms_trace **traces[2];
    int nt[2];
    for (int f = 0; f < 2; f++)
        nt[f] = read_trace_doc(dir, files[f], 3, &names[f], &traces[f]);
    for (int k = 0; k < 3; k++) {
        cr_assert_str_eq(names[0][k], names[1][k]);
        char *a = ms_trace_to_json(traces[0][k]), *b = ms_trace_to_json(traces[1][k]);
        cr_expect_str_eq(a, b, "kernel %s: one run and the shards decided apart", names[0][k]);
        cr_expect(strstr(a, "split"), "kernel %s: no schedule was chosen: %s", names[0][k], a);
        free(a);
        free(b);
    }
    for (int f = 0; f < 2; f++)
        free_trace_doc(nt[f], names[f], traces[f]);
    ms_tempdir_remove(dir);
    free(dir);
    free(in);
}

/* examples/slurm without Slurm (CI has no cluster): its job array's tasks
 * run as Slurm would start them (SLURM_ARRAY_TASK_ID/COUNT set), then the
 * merge job; the library is then written from the merged database, every
 * kernel replayed; a second merge keeps the project's database too. */
Test(tune, slurm_example_shards_merge_and_replays, .timeout = 600, TU_PLAIN_BUILD_ONLY)
{
    char *dir = ms_tempdir_new(), cmd[16384], *out;
    snprintf(cmd, sizeof cmd,
             "cp -r '%s/examples/slurm' '%s/examples/lib' '%s/' && cd '%s/slurm' && "
             "export MSCC='%s' TRIALS=4 SLURM_ARRAY_TASK_COUNT=2 && "
             "SLURM_ARRAY_TASK_ID=0 bash tune.sbatch && SLURM_ARRAY_TASK_ID=1 bash tune.sbatch && "
             "bash merge.sbatch && test -s build/kernels.tuned.c && bash merge.sbatch",
             tu_src_dir(), tu_src_dir(), dir, dir, tu_mscc());
    cr_assert_eq(sh(cmd, &out), 0, "%s", out);
    const char *merged = strstr(out, "db merge:");
    cr_assert_not_null(merged, "%s", out);
    const char *mm = strstr(merged, "\nmatmul "), *sa = strstr(merged, "\nscale_add ");
    cr_assert(mm && sa, "%s", out);
    cr_expect(strstr(mm, "(database)") < strchr(mm + 1, '\n') && strstr(mm, "(database)"),
              "matmul not replayed from the merge:\n%s", merged);
    cr_expect(strstr(sa, "(database)") < strchr(sa + 1, '\n') && strstr(sa, "(database)"),
              "scale_add not replayed from the merge:\n%s", merged);
    free(out);
    ms_tempdir_remove(dir);
    free(dir);
}

/* The peak microbenchmark builds, runs and gives a rate per element
 * type. Which rate is higher is the timing's call, not a test's: it held
 * float above double until a run beside a fuzzing campaign measured
 * float at 98 GFLOP/s and double at 109 (the bench compares peaks). */
Test(tune, the_peak_is_measured_per_element_type, .timeout = 120)
{
    ms_target *t = ms_target_new(NULL, NULL, NULL);
    ms_peak p = {0};
    char why[512];
    cr_assert(ms_measure_peak(t, 1, &p, why, sizeof why), "%s", why);
    cr_expect(p.f32 > 0.1 && p.f64 > 0.1 && p.i32 > 0.1, "%g %g %g", p.f32, p.f64, p.i32);
    ms_target_free(t);
}
