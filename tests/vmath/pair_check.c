/*
 * pair_check.c - checks one of mscc's two-argument vector math functions
 * against libm's, exactly (either zero where both arguments are zeros, as
 * C allows): on every pair of special values and on random pairs (NaNs
 * quiet), called in a SIMD loop as a tuned kernel calls it. Built by
 * vmath_test.c with
 * -DFN=mscc_fmaxf -DREF=fmaxf -include <the definition>. Prints the first
 * disagreement and exits 1, or prints "agree on N pairs".
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { NRANDOM = 1 << 20 };

static float as[NRANDOM], bs[NRANDOM], ys[NRANDOM];

/* a NaN made quiet: libm's fmaxf returns NaN for a signaling one, which
 * no arithmetic produces, and mscc's treats it as any NaN */
static float from_bits(uint32_t u)
{
    if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu))
        u |= 0x00400000u;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

int main(void)
{
    static const float special[] = {0.0f,       -0.0f,   1.0f,    -1.0f,    0x1p-149f,
                                    -0x1p-149f, FLT_MIN, FLT_MAX, -FLT_MAX, INFINITY,
                                    -INFINITY,  NAN,     -NAN,    2.5f};
    enum { NS = sizeof special / sizeof special[0] };
    int n = 0;
    for (int i = 0; i < NS; i++)
        for (int j = 0; j < NS; j++, n++) {
            as[n] = special[i];
            bs[n] = special[j];
        }
    uint64_t state = 88172645463325252u;
    for (; n < NRANDOM; n++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        as[n] = from_bits((uint32_t)state);
        bs[n] = n % 3 ? from_bits((uint32_t)(state >> 32)) : as[n];
    }
#pragma omp simd
    for (int i = 0; i < n; i++)
        ys[i] = FN(as[i], bs[i]);
    for (int i = 0; i < n; i++) {
        float want = REF(as[i], bs[i]);
        /* == takes +0 and -0 alike */
        if (!(isnan(ys[i]) && isnan(want)) && ys[i] != want) {
            printf("at (%a, %a): %a, libm %a\n", as[i], bs[i], ys[i], want);
            return 1;
        }
    }
    printf("agree on %d pairs\n", n);
    return 0;
}
