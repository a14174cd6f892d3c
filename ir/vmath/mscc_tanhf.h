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
