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
