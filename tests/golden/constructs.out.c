#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* constructs: the spec's body language, one kernel using most of it. */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define TAPS 5
enum { GROUPS = 4 };

#pragma mscc kernel noalias sizes(B=64, N=256)
void constructs(size_t B, long N, double eps, const float *x, const int8_t q[static B][N],
                float y[B][N], double stats[][2])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("window")
     *   l1, l2 = get_loops(b0)
     *   parallel(l1)
     *   b3 = get_block("v_3")
     *   l4, l5 = get_loops(b3)
     *   vectorize(l5)
     */
    if (B == 64 && N == 256) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (size_t b = 0; b < 64; b++) {
            _Alignas(64) float window[5];
            for (int t = 0; t < 5; t++) {
                window[t] = (float)t / 5.0f;
            }
            double lo = 1.7976931348623157e+308;
            double hi = -1.7976931348623157e+308;
#if defined(_OPENMP)
            #pragma omp simd reduction(min:lo) reduction(max:hi)
#endif
            for (long n = 0; n < 256; n++) {
                float v = x[b * 256 + n] * (float)q[b][n];
                if (n >= 2 && n < 254 && (n - n % 4) % 2 == 0) {
                    v += window[n % 5] * expf(-fabsf(v)) + powf(v, 2.0f) - tanhf(v) + erff(v);
                } else {
                    v = v < 0 ? -v : sqrtf(v + (float)eps);
                }
                y[b][n] = fmaxf(fminf(v, 3.40282347e+38f), -INFINITY);
                lo = fmin(lo, (double)v);
                hi = fmax(hi, (double)v);
            }
            stats[b][0] = lo;
            stats[b][1] = hi > 0 ? log(hi + 1.0) : 0.0;
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (size_t b = 0; b < B; b++) {
            _Alignas(64) float window[5];
            for (int t = 0; t < 5; t++) {
                window[t] = (float)t / 5.0f;
            }
            double lo = 1.7976931348623157e+308;
            double hi = -1.7976931348623157e+308;
#if defined(_OPENMP)
            #pragma omp simd reduction(min:lo) reduction(max:hi)
#endif
            for (long n = 0; n < N; n++) {
                float v = x[b * N + n] * (float)q[b][n];
                if (n >= 2 && n < N - 2 && (n - n % 4) % 2 == 0) {
                    v += window[n % 5] * expf(-fabsf(v)) + powf(v, 2.0f) - tanhf(v) + erff(v);
                } else {
                    v = v < 0 ? -v : sqrtf(v + (float)eps);
                }
                y[b][n] = fmaxf(fminf(v, 3.40282347e+38f), -INFINITY);
                lo = fmin(lo, (double)v);
                hi = fmax(hi, (double)v);
            }
            stats[b][0] = lo;
            stats[b][1] = hi > 0 ? log(hi + 1.0) : 0.0;
        }
    }
}
