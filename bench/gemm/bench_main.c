/*
 * bench_main.c - GFLOP/s of sgemm at one size, in one run: the naive
 * kernel, the kernel mscc tuned with a trace, and OpenBLAS's cblas_sgemm,
 * each with the thread count given. Compiled by bench/gemm/run.sh with
 * -DNAIVE_FILE and -DTUNED_FILE naming the two versions of gemm.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define gemm gemm_naive
#include NAIVE_FILE
#undef gemm
#define gemm gemm_tuned
#include TUNED_FILE
#undef gemm

#ifdef _OPENMP
#include <omp.h>
#endif

void openblas_set_num_threads(int);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef void (*gemm_fn)(int, float *, float *, float *);

static int N_;

static void run_naive(int n, float *a, float *b, float *c)
{
    gemm_naive(n, n, n, (const float(*)[n])a, (const float(*)[n])b, (float(*)[n])c);
}
static void run_tuned(int n, float *a, float *b, float *c)
{
    gemm_tuned(n, n, n, (const float(*)[n])a, (const float(*)[n])b, (float(*)[n])c);
}
static void run_blas(int n, float *a, float *b, float *c)
{
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
}

/* Median seconds per call over at least reps calls and min_time seconds. */
static double timeit(gemm_fn f, int n, float *a, float *b, float *c, int reps, double min_time)
{
    double s[200];
    int k = 0;
    f(n, a, b, c); /* warm-up */
    double t0 = now();
    while (k < 200 && (k < reps || now() - t0 < min_time)) {
        double x = now();
        f(n, a, b, c);
        s[k++] = now() - x;
    }
    qsort(s, (size_t)k, sizeof *s, cmp);
    return s[k / 2];
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1024, threads = argc > 2 ? atoi(argv[2]) : 1;
    int naive_reps = argc > 3 ? atoi(argv[3]) : 3;
    N_ = n;
    size_t bytes = (size_t)n * (size_t)n * sizeof(float);
    float *a = aligned_alloc(64, bytes), *b = aligned_alloc(64, bytes);
    float *c0 = aligned_alloc(64, bytes), *c1 = aligned_alloc(64, bytes), *c2 = aligned_alloc(64, bytes);
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++) {
        a[i] = (float)((i * 7919) % 101) / 50.0f - 1.0f;
        b[i] = (float)((i * 104729) % 103) / 51.0f - 1.0f;
    }
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    openblas_set_num_threads(threads);
    double flops = 2.0 * n * n * (double)n;
    double tn = naive_reps > 0 ? timeit(run_naive, n, a, b, c0, naive_reps, 0) : 0;
    double tt = timeit(run_tuned, n, a, b, c1, 5, 1.0);
    double tb = timeit(run_blas, n, a, b, c2, 5, 1.0);
    /* the tuned result must be OpenBLAS's, within reassociation */
    double worst = 0, mean = 0;
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++)
        mean += fabs(c2[i]);
    mean /= (double)n * n;
    for (size_t i = 0; i < (size_t)n * (size_t)n; i++) {
        double e = fabs(c1[i] - c2[i]) / fmax(fabs(c2[i]), mean);
        worst = e > worst ? e : worst;
    }
    printf("%d %d %.2f %.2f %.2f %.2e\n", n, threads, tn > 0 ? flops / tn * 1e-9 : 0.0,
           flops / tt * 1e-9, flops / tb * 1e-9, worst);
    free(a);
    free(b);
    free(c0);
    free(c1);
    free(c2);
    return worst < 1e-4 ? 0 : 1;
}
