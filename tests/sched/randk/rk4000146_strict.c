#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 12, N1 = 2)
void rk4000146(int N0, int N1, float alpha,
        double A[restrict 2 * N0 + 2],
        double B[restrict 2 * N0][N0 + 2][N0],
        float C[restrict N0][N0 + 1][2 * N0],
        float *restrict D,
        int32_t E[restrict N1 + 1][N1 + 2],
        double *restrict F)
{
    for (int i = 0; i < N1; i += 2) {
        for (int j = 1; j < N0 - 1; ++j)
            D[N0 - 1 - j] = (expf(fminf(tanhf(fminf(fmaxf((float)B[2 * j][N0 - 1 - j][j], -4.0f), 4.0f)), 8.0f)) - tanhf(C[j][j][2 * j]));
        E[i + 1][i] = (i > (i % 6) ? i : (i % 6));
    }
    for (int i = 0; i < N0; i += 2) {
        if (i >= 1) {
            if ((i - i) % 2 != 0 && i % 2 == 0) {
                for (int j = 0; j <= i; j++) {
                    for (int k = 0; k <= N1 - 1; k += 1) {
                        for (int l = k - 1 > 0 ? k - 1 : 0; l < (k + 1 < N1 ? k + 1 : N1); l++) {
                            int h4 = l + j - 1;
                            if (h4 >= 0 && h4 < N0)
                                F[k * (2 * N1) + l] = fmin(fmax((double)C[j][N0 - 1 - i][j], -4.0), 4.0);
                        }
                    }
                }
            }
        }
    }
}
