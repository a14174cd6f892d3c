#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel noalias sizes(N0 = 2, N1 = 4, N2 = 6)
void rk4030033(long N0, long N1, long N2, float alpha,
        float *restrict A,
        int32_t B[N0 + 1][N1 + 1],
        float C[N1][N1][N1])
{
    long i, j, k, l;
    for (i = N0 - 1; i >= 0; i--) {
        int h0 = i - 1;
        if (h0 >= 0 && h0 < N1) {
            double s0 = 100.0;
            A[i] *= tanhf((float)s0 + (sqrtf(fabsf(fminf(fmaxf(A[N0 - 1 - i], -4.0f), 4.0f))) + (float)((6 - (i * h0)))));
        }
    }
    for (i = 1; i < N1 - 1; ++i) {
        for (j = 0; j < N1; j++) {
            for (k = i; k < N1; k++) {
                if ((j + 2 * i) % 3 == 2) {
                    for (l = j; l >= 0; l--) {
                        if (k < N0 - 1 && k >= 2) {
                        }
                    }
                }
            }
        }
    }
}
