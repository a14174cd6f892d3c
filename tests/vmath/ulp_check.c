/*
 * ulp_check.c - measures one of mscc's vector math functions against the
 * correctly rounded result, over every float of a range; compiled by
 * vmath_test.c with each set of flags a user may build the output with.
 * Built with -DFN=mscc_expf -DREF=exp -include <the definition>.
 * Usage: ulp_check LO HI STRIDE [specials]: every STRIDE-th float of
 * [LO, HI]; prints "worst W ulp at X, over 2: K, of N" and, with
 * "specials", exits 1 if the result at an inf, NaN, zero, denormal or
 * extreme argument is not libm's (NaN, inf and signed zeros exactly,
 * others within 2 ulp).
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* floats in order as integers: the ulp distance is a difference */
static int64_t ordinal(float f)
{
    int32_t i;
    memcpy(&i, &f, sizeof i);
    return i < 0 ? (int64_t)INT32_MIN - i : i;
}

static float from_ordinal(int64_t k)
{
    int32_t i = k < 0 ? (int32_t)((int64_t)INT32_MIN - k) : (int32_t)k;
    float f;
    memcpy(&f, &i, sizeof f);
    return f;
}

enum { CHUNK = 1 << 16 };

int main(int argc, char **argv)
{
    if (argc < 4)
        return 2;
    int64_t lo = ordinal(strtof(argv[1], NULL)), hi = ordinal(strtof(argv[2], NULL));
    int64_t stride = atoll(argv[3]);
    int64_t worst = 0, over = 0, count = 0;
    float worst_x = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : over, count)
    for (int64_t c = lo; c <= hi; c += CHUNK * stride) {
        float xs[CHUNK], ys[CHUNK];
        int m = 0;
        for (int64_t k = c; k <= hi && m < CHUNK; k += stride)
            xs[m++] = from_ordinal(k);
            /* as a tuned kernel calls it: in a SIMD loop */
#pragma omp simd
        for (int i = 0; i < m; i++)
            ys[i] = FN(xs[i]);
        int64_t w = 0;
        float wx = 0;
        for (int i = 0; i < m; i++) {
            float want = (float)REF((double)xs[i]);
            int64_t d = ordinal(ys[i]) - ordinal(want);
            d = d < 0 ? -d : d;
            if (d > w) {
                w = d;
                wx = xs[i];
            }
            over += d > 2;
        }
        count += m;
#pragma omp critical
        if (w > worst) {
            worst = w;
            worst_x = wx;
        }
    }
    printf("worst %lld ulp at %a, over 2: %lld, of %lld\n", (long long)worst, worst_x,
           (long long)over, (long long)count);
    if (argc > 4 && !strcmp(argv[4], "specials")) {
        /* NaN, inf and zeros (with their sign) exactly; others within 2 ulp */
        static const float special[] = {INFINITY,  -INFINITY,  NAN,     -NAN,      0.0f,
                                        -0.0f,     1e-30f,     -1e-30f, 0x1p-149f, -0x1p-149f,
                                        0x1p-126f, -0x1p-126f, FLT_MAX, -FLT_MAX};
        int bad = 0;
        for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
            float got = FN(special[i]), want = (float)REF((double)special[i]);
            int64_t d = ordinal(got) - ordinal(want);
            if (isnan(got) != isnan(want) ||
                (!isnan(want) &&
                 (isinf(got) != isinf(want) || signbit(got) != signbit(want) || d > 2 || d < -2))) {
                printf("at %a: %a, libm %a\n", special[i], got, want);
                bad = 1;
            }
        }
        return bad;
    }
    return 0;
}
