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
