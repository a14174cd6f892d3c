/* rowstats: scalar reductions become SIMD reductions; pointer subscripts. */
#include <math.h>

#pragma mscc kernel sizes(M=256, N=1000)
void rowstats(long M, long N, const float *restrict X, float *restrict mx, float *restrict mean)
{
    for (long i = 0; i < M; i++) {
        float m = -INFINITY, s = 0.0f;
        for (long j = 0; j < N; j++) {
            m = fmaxf(m, X[i * N + j]);
        }
        for (long j = 0; j < N; ++j)
            s += X[i * N + j];
        mx[i] = m;
        mean[i] = s / (float)N;
    }
}
