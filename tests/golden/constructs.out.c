#include <math.h> /* added by mscc: its vector math in tuned kernels */
#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
#include <stdint.h> /* added by mscc: its vector math */
/* added by mscc: its vector math, called by the tuned kernels below */
#ifndef MSCC_DEFINED_mscc_expf
#define MSCC_DEFINED_mscc_expf
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
#endif
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
#ifndef MSCC_DEFINED_mscc_fminf
#define MSCC_DEFINED_mscc_fminf
/* fminf by mscc: a select, which a SIMD loop vectorizes (libm's is a call
 * per element). The smaller of a and b; if one is NaN, the other (a
 * signaling NaN taken as quiet); either zero of +0 and -0, as C allows. */
static inline float mscc_fminf(float a, float b)
{
    return ((a < b) | (b != b)) ? a : b;
}
#endif
#ifndef MSCC_DEFINED_mscc_tanhf
#define MSCC_DEFINED_mscc_tanhf
/* tanhf by mscc: branch-free, so that a SIMD loop that calls it vectorizes
 * (needs mscc_expf, printed before it); within 2 ulp of the correctly
 * rounded result for every float argument (measured by mscc's tests/vmath);
 * +-0, +-1 at the ends and NaN as libm gives them.
 * |x| < 0.9: x + x^3 P(x^2), P fitted to tanh in relative error; beyond,
 * 1 - 2 / (exp(2|x|) + 1), where the subtraction loses less than a bit.
 * Both are computed and one kept by a bit mask. */
static inline float mscc_tanhf(float x)
{
    union {
        float f;
        uint32_t u;
    } a, small, large;
    a.f = x;
    uint32_t sign = a.u & 0x80000000u;
    a.u &= 0x7fffffffu;
    float s = a.f * a.f;
    float p = -4.5714908628724515e-4f;
    p = p * s + 2.587720984593034e-3f;
    p = p * s + -8.27052816748619e-3f;
    p = p * s + 2.1667085587978363e-2f;
    p = p * s + -5.3930386900901794e-2f;
    p = p * s + 1.3332994282245636e-1f;
    p = p * s + -3.3333322405815125e-1f;
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
    small.f = fmaf(a.f * s, p, a.f); /* not a * (1 + s p) under -ffast-math */
#else
    small.f = (float)((double)a.f + (double)(a.f * s) * (double)p); /* exact enough in any order */
#endif
    /* |x| at most 10 (tanh is 1 in float from 9.01): no inf reaches the
     * division, which -ffast-math may compute by a reciprocal step that
     * makes inf a NaN; the clamp on the bits, where NaN is kept apart */
    union {
        float f;
        uint32_t u;
    } c;
    c.u = a.u < 0x41200000u ? a.u : 0x41200000u;
    large.f = 1.0f - 2.0f / (mscc_expf(2.0f * c.f) + 1.0f);
    uint32_t near = 0u - (uint32_t)(a.f < 0.9f), nan = 0u - (uint32_t)(a.u > 0x7f800000u);
    uint32_t r = (small.u & near) | (large.u & ~near);
    a.u = ((r & ~nan) | (a.u & nan)) | sign;
    return a.f;
}
#endif
#ifndef MSCC_DEFINED_mscc_erff
#define MSCC_DEFINED_mscc_erff
/* erff by mscc: branch-free, so that a SIMD loop that calls it vectorizes
 * (needs mscc_expf, printed before it); within 2 ulp of the correctly
 * rounded result for every float argument (measured by mscc's tests/vmath);
 * +-0, +-1 at the ends and NaN as libm gives them.
 * |x| < 0.9: x + x Q(x^2); up to 3.92: 1 - exp(-x^2) G(x), G (erfc(x)
 * e^(x^2), smooth) a polynomial around 2.4; both fitted in relative error
 * of erf; beyond, 1. All are computed and one kept by bit masks. */
static inline float mscc_erff(float x)
{
    union {
        float f;
        uint32_t u;
    } a, small, large;
    a.f = x;
    uint32_t sign = a.u & 0x80000000u;
    a.u &= 0x7fffffffu;
    float s = a.f * a.f;
    float q = 8.552939107175916e-5f;
    q = q * s + -8.185906335711479e-4f;
    q = q * s + 5.2048685029149055e-3f;
    q = q * s + -2.6860978454351425e-2f;
    q = q * s + 1.1283725500106812e-1f;
    q = q * s + -3.7612634897232056e-1f;
    q = q * s + 1.2837916612625122e-1f;
#if defined(__FMA__) || defined(__ARM_FEATURE_FMA)
    small.f = fmaf(a.f, q, a.f); /* not a * (1 + q) under -ffast-math */
#else
    small.f = (float)((double)a.f + (double)a.f * (double)q); /* exact enough in any order */
#endif
    float t = a.f - 2.4f;
    float g = -3.4575656172819436e-5f;
    g = g * t + -6.135948206065223e-5f;
    g = g * t + -1.37370647280477e-4f;
    g = g * t + 3.108007658738643e-4f;
    g = g * t + -7.604576530866325e-4f;
    g = g * t + 2.9150124173611403e-3f;
    g = g * t + -9.07963328063488e-3f;
    g = g * t + 2.7481094002723694e-2f;
    g = g * t + -7.958710193634033e-2f;
    g = g * t + 2.184988409280777e-1f;
    large.f = 1.0f - mscc_expf(-s) * g;
    uint32_t near = 0u - (uint32_t)(a.f < 0.9f), far = 0u - (uint32_t)(a.f >= 3.92f);
    a.u = (small.u & near) | (large.u & ~(near | far)) | (0x3f800000u & far) | sign;
    return a.f;
}
#endif
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
                    v += window[n % 5] * mscc_expf(-fabsf(v)) + powf(v, 2.0f) - mscc_tanhf(v) + mscc_erff(v);
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
                    v += window[n % 5] * mscc_expf(-fabsf(v)) + powf(v, 2.0f) - mscc_tanhf(v) + mscc_erff(v);
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
