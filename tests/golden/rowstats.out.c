#include <math.h> /* added by mscc: its vector math in tuned kernels */
#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
#include <stdint.h> /* added by mscc: its vector math */
/* added by mscc: its vector math, called by the tuned kernels below */
#ifndef MSCC_DEFINED_mscc_fmaxf
#define MSCC_DEFINED_mscc_fmaxf
/* fmaxf by mscc: a select, which a SIMD loop vectorizes (libm's is a call
 * per element). The larger of a and b; if one is NaN, the other (a
 * signaling NaN taken as quiet); either zero of +0 and -0, as C allows. */
static inline float mscc_fmaxf(float a, float b)
{
    return ((a > b) | (b != b)) ? a : b;
}
#endif
/* end of mscc's vector math */
/* rowstats: scalar reductions become SIMD reductions; pointer subscripts. */
#include <math.h>

#pragma mscc kernel sizes(M=256, N=1000)
void rowstats(long M, long N, const float *restrict X, float *restrict mx, float *restrict mean)
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("m")
     *   l1 = get_loops(b0)
     *   parallel(l1)
     *   b2 = get_block("m_2")
     *   l3, l4 = get_loops(b2)
     *   vectorize(l4)
     *   b5 = get_block("s_3")
     *   l6, l7 = get_loops(b5)
     *   vectorize(l7)
     */
    if (M == 256 && N == 1000) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (long i = 0; i < 256; i++) {
            float m = -INFINITY;
            float s = 0.0f;
#if defined(_OPENMP)
            #pragma omp simd reduction(max:m)
#endif
            for (long j = 0; j < 1000; j++) {
                m = mscc_fmaxf(m, X[i * 1000 + j]);
            }
#if defined(_OPENMP)
            #pragma omp simd reduction(+:s)
#endif
            for (long j = 0; j < 1000; j++) {
                s += X[i * 1000 + j];
            }
            mx[i] = m;
            mean[i] = s / (float)1000;
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (long i = 0; i < M; i++) {
            float m = -INFINITY;
            float s = 0.0f;
#if defined(_OPENMP)
            #pragma omp simd reduction(max:m)
#endif
            for (long j = 0; j < N; j++) {
                m = mscc_fmaxf(m, X[i * N + j]);
            }
#if defined(_OPENMP)
            #pragma omp simd reduction(+:s)
#endif
            for (long j = 0; j < N; j++) {
                s += X[i * N + j];
            }
            mx[i] = m;
            mean[i] = s / (float)N;
        }
    }
}
