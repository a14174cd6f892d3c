#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* triangle: a triangular nest, a min() bound, a recurrence, and a reject. */
#pragma mscc kernel sizes(N=300)
void lower_sum(int N, const double L[restrict N][N], double y[restrict N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("y_1")
     *   l1, l2 = get_loops(b0)
     *   parallel(l1)
     */
    if (N == 300) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 300; i++) {
            y[i] = 0.0;
            for (int j = 0; j < i + 1; j++) {
                y[i] += L[i][j];
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < N; i++) {
            y[i] = 0.0;
            for (int j = 0; j < i + 1; j++) {
                y[i] += L[i][j];
            }
        }
    }
}

#pragma mscc kernel sizes(N=300, B=16)
void band(int N, int B, const float x[restrict N], float z[restrict N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("z")
     *   l1, l2 = get_loops(b0)
     *   vectorize(l2)
     */
    if (N == 300 && B == 16) {
        /* the tuning sizes: constant extents */
        for (int i = 0; i < 300; i++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = i; j < (i + 16 < 300 ? i + 16 : 300); j++) {
                z[j] += x[i];
            }
        }
    } else {
        for (int i = 0; i < N; i++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = i; j < (i + B < N ? i + B : N); j++) {
                z[j] += x[i];
            }
        }
    }
}

#pragma mscc kernel sizes(N=1000)
void prefix(int N, float s[restrict N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     */
    if (N == 1000) {
        /* the tuning sizes: constant extents */
        for (int i = 1; i < 1000; i++) {
            s[i] += s[i - 1];
        }
    } else {
        for (int i = 1; i < N; i++) {
            s[i] += s[i - 1];
        }
    }
}

#pragma mscc kernel sizes(N=10)
void not_canonical(int N, float s[restrict N])
{
    int i = 0;
    while (i < N)
        s[i++] = 0;
}
