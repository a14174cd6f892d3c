#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 3, N1 = 22, N2 = 13)
void rk4035303(int N0, int N1, int N2, float alpha,
        float A[restrict N0 + 1][N2 + 2],
        double *restrict B,
        double C[restrict N2 + 2][N0 + 2],
        double D[restrict N2 + 2][N2 + 2],
        float E[restrict N2 + 2],
        int8_t F[restrict 2 * N1 + 1],
        float G[restrict N0][N1 + 1],
        int8_t H[restrict N1])
{
    for (int i = N2 - 1; i > 0; i -= 2) {
        for (int j = N0 - 1; j >= 0; j--) {
            float s0 = 0.0f;
            for (int k = j; k < N0; k++) {
                for (int l = 0; l < N2; l += 1)
                    s0 += sqrtf(fabsf((fminf(fmaxf((float)B[l * (N2 + 1) + 0], -4.0f), 4.0f) > ((float)j > fminf(fmaxf(A[N0 - 1 - k][l + 1], -4.0f), 4.0f) ? (float)j : fminf(fmaxf(A[N0 - 1 - k][l + 1], -4.0f), 4.0f)) ? fminf(fmaxf((float)B[l * (N2 + 1) + 0], -4.0f), 4.0f) : ((float)j > fminf(fmaxf(A[N0 - 1 - k][l + 1], -4.0f), 4.0f) ? (float)j : fminf(fmaxf(A[N0 - 1 - k][l + 1], -4.0f), 4.0f)))));
            }
            D[i + 2][i] = (double)s0 + (double)s0;
        }
    }
}
