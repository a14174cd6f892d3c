/*
 * peak.c - the machine's peak arithmetic rate, measured: a generated
 * microbenchmark, built with the target's compiler and flags, runs
 * independent chains of vector multiply-adds (x = x * a + b, two
 * operations per lane; enough chains to cover every pipe's latency) on
 * every thread, for float, double and int32. The closing table reports a
 * tuned kernel's GFLOP/s as a share of the peak of its element type.
 */
#include "runtime/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One function per element type, on vectors of the target's width. */
static const char peak_source[] =
    "#include <stdio.h>\n"
    "#include <stdlib.h>\n"
    "#include <time.h>\n"
    "#ifdef _OPENMP\n"
    "#include <omp.h>\n"
    "#endif\n"
    "enum { CHAINS = 12, ROUNDS = 1 << 21 };\n"
    "static volatile int mscc_one = 1;\n"
    "static double now(void)\n"
    "{\n"
    "    struct timespec ts;\n"
    "    clock_gettime(CLOCK_MONOTONIC, &ts);\n"
    "    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;\n"
    "}\n"
    "#define CHAINS_OF(NAME, E)                                                  \\\n"
    "    typedef E NAME##_v __attribute__((vector_size(VBYTES)));                \\\n"
    "    static double NAME(void)                                                \\\n"
    "    {                                                                       \\\n"
    "        NAME##_v x[CHAINS], a, b;                                           \\\n"
    "        for (int l = 0; l < (int)(VBYTES / sizeof(E)); l++) {               \\\n"
    "            a[l] = (E)mscc_one; /* unknown to the compiler: no folding */    \\\n"
    "            b[l] = (E)(l & 1);                                              \\\n"
    "        }                                                                   \\\n"
    "        for (int c = 0; c < CHAINS; c++)                                    \\\n"
    "            x[c] = a * (E)(c + 1);                                          \\\n"
    "        for (long r = 0; r < ROUNDS; r++) {                                 \\\n"
    "            _Pragma(\"GCC unroll 12\") for (int c = 0; c < CHAINS; c++)      \\\n"
    "                x[c] = x[c] * a + b;                                        \\\n"
    "        }                                                                   \\\n"
    "        double s = 0;                                                       \\\n"
    "        for (int c = 0; c < CHAINS; c++)                                    \\\n"
    "            for (int l = 0; l < (int)(VBYTES / sizeof(E)); l++)             \\\n"
    "                s += (double)x[c][l];                                       \\\n"
    "        return s;                                                           \\\n"
    "    }\n"
    "CHAINS_OF(run_f32, float)\n"
    "CHAINS_OF(run_f64, double)\n"
    "CHAINS_OF(run_i32, int)\n"
    "static double rate(double (*run)(void), int lanes, int threads)\n"
    "{\n"
    "    double best = 0;\n"
    "    volatile double sink = 0;\n"
    "    for (int rep = 0; rep < 3; rep++) {\n"
    "        double t0 = now(), s = 0;\n"
    "#pragma omp parallel reduction(+ : s) num_threads(threads)\n"
    "        s += run();\n"
    "        sink += s;\n"
    "        double g = 2.0 * lanes * CHAINS * (double)ROUNDS * threads / (now() - t0) * 1e-9;\n"
    "        best = g > best ? g : best;\n"
    "    }\n"
    "    (void)sink;\n"
    "    return best;\n"
    "}\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    int threads = argc > 1 ? atoi(argv[1]) : 1;\n"
    "    printf(\"peak %.6g %.6g %.6g\\n\", rate(run_f32, VBYTES / 4, threads),\n"
    "           rate(run_f64, VBYTES / 8, threads), rate(run_i32, VBYTES / 4, threads));\n"
    "    return 0;\n"
    "}\n";

bool ms_measure_peak(const ms_target *t, int threads, ms_peak *out, char *why, size_t n)
{
    *out = (ms_peak){0};
    char *dir = ms_tempdir_new();
    if (!dir) {
        snprintf(why, n, "cannot create a temporary folder");
        return false;
    }
    ms_str src = {0}, exe = {0}, log = {0}, res = {0}, flags = {0};
    ms_str_addf(&src, "%s/peak.c", dir);
    ms_str_addf(&exe, "%s/peak", dir);
    ms_str_addf(&log, "%s/peak.log", dir);
    ms_str_addf(&res, "%s/peak.out", dir);
    ms_str_addf(&flags, "-DVBYTES=%d", ms_target_arch(t, threads).vector_bytes);
    FILE *f = fopen(ms_str_cstr(&src), "w");
    bool ok = f && fputs(peak_source, f) >= 0;
    if (f)
        ok = fclose(f) == 0 && ok;
    ms_build_job job = {
        ms_str_cstr(&src), ms_str_cstr(&exe), ms_str_cstr(&log), ms_str_cstr(&flags), false, false};
    if (ok)
        ms_build_all(t, &job, 1, 1);
    char nthreads[32];
    snprintf(nthreads, sizeof nthreads, "%d", threads > 0 ? threads : 1);
    char *argv[] = {(char *)ms_str_cstr(&exe), nthreads, NULL};
    ms_proc_result r;
    if (!ok || !job.ok) {
        char line[300];
        ms_first_line(ms_str_cstr(&log), line, sizeof line);
        snprintf(why, n, "the peak microbenchmark does not build: %s", line);
        ok = false;
    } else if (ms_proc_run(argv, ms_str_cstr(&res), NULL, 60, &r) != 0 || r.timed_out || r.signal ||
               r.exit_code != 0) {
        snprintf(why, n, "the peak microbenchmark does not run");
        ok = false;
    } else {
        char *text = ms_read_file(ms_str_cstr(&res), NULL);
        ok = text && sscanf(text, "peak %lf %lf %lf", &out->f32, &out->f64, &out->i32) == 3;
        if (!ok)
            snprintf(why, n, "the peak microbenchmark printed no rates");
        free(text);
    }
    ms_str_free(&src);
    ms_str_free(&exe);
    ms_str_free(&log);
    ms_str_free(&res);
    ms_str_free(&flags);
    ms_tempdir_remove(dir);
    free(dir);
    return ok;
}
