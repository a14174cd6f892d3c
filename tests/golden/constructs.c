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
    for (size_t b = 0; b <= B - 1; ++b) {
        float window[TAPS];
        for (int t = 0; t < TAPS; t += 1)
            window[t] = (float)t / (float)TAPS;
        double lo = DBL_MAX, hi = -DBL_MAX;
        for (long n = 0; n < N; n = n + 1) {
            long g = n % GROUPS;
            float v = x[b * N + n] * (float)q[b][n];
            if (n >= TAPS / 2 && n < N - TAPS / 2 && (n - g) % 2 == 0)
                v += window[n % TAPS] * expf(-fabsf(v)) + powf(v, 2.0f) - tanhf(v) + erff(v);
            else
                v = v < 0 ? -v : sqrtf(v + (float)eps);
            y[b][n] = fmaxf(fminf(v, FLT_MAX), -INFINITY);
            lo = fmin(lo, (double)v);
            hi = fmax(hi, (double)v);
        }
        stats[b][0] = lo;
        stats[b][1] = hi > 0 ? log(hi + 1.0) : 0.0;
    }
}
