#include <math.h> /* added by mscc: its vector math in tuned kernels */
#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
#include <stdint.h> /* added by mscc: its vector math */
/* added by mscc: its vector math, called by the tuned kernels below */
/* expf by mscc: branch-free, so that a SIMD loop that calls it vectorizes;
 * within 1 ulp of the correctly rounded result for every float argument
 * (measured by mscc's tests/vmath, with and without FMA and -ffast-math);
 * inf, NaN, zero and denormal results as libm gives them (-ffast-math
 * flushes denormals).
 * exp(x) = 2^n exp(r), n = round(x / ln 2), |r| <= ln 2 / 2: r by
 * Cody-Waite (ln 2 in two parts, the first exact in n * part), exp(r) by
 * a polynomial, 2^n in two factors so that 2^-150 and 2^128 are reached
 * without leaving the normal floats. No float operation sits in a branch:
 * a compiler may not speculate one that could trap, and then does not
 * vectorize the loop. */
static inline float mscc_expf(float x)
{
    union {
        float f;
        uint32_t u;
    } k, s1, s2, y;
    /* fmaf where it is one instruction (ISO C modes do not contract) */
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
#define MSCC_HAS_FMA_ 1
#define MSCC_MADD_(a, b, c) fmaf(a, b, c)
#else
#define MSCC_HAS_FMA_ 0
#define MSCC_MADD_(a, b, c) ((a) * (b) + (c))
#endif
    /* round(x / ln 2): the low bits of x / ln 2 + 1.5 * 2^23, read as an
     * integer (a compiler told to reassociate may not cancel the add) */
    k.f = MSCC_MADD_(x, 1.44269504088896341f, 12582912.0f);
    int32_t n = (int32_t)(k.u - 0x4b400000u);
    n = n < -150 ? -150 : n; /* NaN and |x| > 104: any finite result */
    n = n > 128 ? 128 : n;
    float fn = (float)n;
#if MSCC_HAS_FMA_
    /* the two steps of r kept apart where the compiler may reassociate */
    float r = fmaf(fn, -0.693359375f, x);
    r = fmaf(fn, 2.12194440e-4f, r);
#else
    /* in double: one step, exact enough in any order */
    float r = (float)((double)x - (double)fn * 0.6931471805599453);
#endif
    float p = 1.9875691500e-4f;
    p = MSCC_MADD_(p, r, 1.3981999507e-3f);
    p = MSCC_MADD_(p, r, 8.3334519073e-3f);
    p = MSCC_MADD_(p, r, 4.1665795894e-2f);
    p = MSCC_MADD_(p, r, 1.6666665459e-1f);
    p = MSCC_MADD_(p, r, 5.0000001201e-1f);
    y.f = MSCC_MADD_(p * r, r, r + 1.0f);
#undef MSCC_MADD_
#undef MSCC_HAS_FMA_
    int32_t n1 = n / 2, n2 = n - n1;
    s1.u = (uint32_t)(n1 + 127) << 23;
    s2.u = (uint32_t)(n2 + 127) << 23;
    y.f = y.f * s1.f * s2.f;
    /* the ends as bit masks, not selects of floats, which a compiler turns
     * into a branch around the work above */
    uint32_t inf = 0u - (uint32_t)(x > 89.0f), zero = 0u - (uint32_t)(x < -104.0f);
    y.u = (y.u & ~(inf | zero)) | (0x7f800000u & inf);
    return y.f;
}
/* fmaxf by mscc: a select, which a SIMD loop vectorizes (libm's is a call
 * per element). The larger of a and b; if one is NaN, the other (a
 * signaling NaN taken as quiet); either zero of +0 and -0, as C allows. */
static inline float mscc_fmaxf(float a, float b)
{
    return (a > b) | (b != b) ? a : b;
}
/* fminf by mscc: a select, which a SIMD loop vectorizes (libm's is a call
 * per element). The smaller of a and b; if one is NaN, the other (a
 * signaling NaN taken as quiet); either zero of +0 and -0, as C allows. */
static inline float mscc_fminf(float a, float b)
{
    return (a < b) | (b != b) ? a : b;
}
/* end of mscc's vector math */
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
                    v += window[n % 5] * mscc_expf(-fabsf(v)) + powf(v, 2.0f) - tanhf(v) + erff(v);
                } else {
                    v = v < 0 ? -v : sqrtf(v + (float)eps);
                }
                y[b][n] = mscc_fmaxf(mscc_fminf(v, 3.40282347e+38f), -INFINITY);
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
                    v += window[n % 5] * mscc_expf(-fabsf(v)) + powf(v, 2.0f) - tanhf(v) + erff(v);
                } else {
                    v = v < 0 ? -v : sqrtf(v + (float)eps);
                }
                y[b][n] = mscc_fmaxf(mscc_fminf(v, 3.40282347e+38f), -INFINITY);
                lo = fmin(lo, (double)v);
                hi = fmax(hi, (double)v);
            }
            stats[b][0] = lo;
            stats[b][1] = hi > 0 ? log(hi + 1.0) : 0.0;
        }
    }
}
