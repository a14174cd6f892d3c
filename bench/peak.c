/*
 * peak.c - the machine's fp32 FMA peak, measured: every thread runs
 * independent chains of vector FMAs (enough to cover the latency of every
 * FMA pipe) for a fixed count; FLOPs over the wall time of the slowest.
 * The reference line of the benchmarks: "% of peak" is against this.
 * Usage: peak THREADS. Prints "peak GFLOPS". Build with -O2 -march=native
 * -fopenmp.
 */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifdef _OPENMP
#include <omp.h>
#endif

enum { CHAINS = 16, ROUNDS = 1 << 22 };

#if defined(__AVX512F__)
typedef __m512 vec;
#define LANES 16
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define SET1(x) _mm512_set1_ps(x)
#define SUM(v) _mm512_reduce_add_ps(v)
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256 vec;
#define LANES 8
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define SET1(x) _mm256_set1_ps(x)
static float SUM(__m256 v)
{
    float t[8];
    _mm256_storeu_ps(t, v);
    return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}
#else
#error "peak.c measures AVX2+FMA or AVX-512 machines"
#endif

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CHAINS independent accumulators: x = x * a + b never leaves [0, 2). */
static float chains(long rounds)
{
    vec x[CHAINS];
    for (int c = 0; c < CHAINS; c++)
        x[c] = SET1(0.5f + 0.01f * (float)c);
    const vec a = SET1(0.999f), b = SET1(0.001f);
    for (long r = 0; r < rounds; r++) {
        /* unrolled, so that the chains live in registers */
#pragma GCC unroll 16
        for (int c = 0; c < CHAINS; c++)
            x[c] = FMA(x[c], a, b);
    }
    float s = 0;
    for (int c = 0; c < CHAINS; c++)
        s += SUM(x[c]);
    return s;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
#ifdef _OPENMP
    omp_set_num_threads(threads);
#endif
    double best = 0;
    volatile float sink = 0;
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
#pragma omp parallel reduction(+ : sink)
        sink += chains(ROUNDS);
        double t = now() - t0;
        double gflops = 2.0 * LANES * CHAINS * (double)ROUNDS * threads / t * 1e-9;
        best = gflops > best ? gflops : best;
    }
    printf("peak %.1f\n", best);
    return sink > 0 ? 0 : 1;
}
