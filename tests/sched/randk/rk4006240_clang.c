#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 20, N1 = 20)
void rk4006240(int N0, int N1, float alpha,
        float A[restrict 2 * N1 + 1][N1 + 1][N1],
        int32_t B[restrict N0 + 2][2 * N0][N0],
        double C[N0][N0 + 2],
        double *restrict D,
        int8_t *E,
        double F[restrict N1 + 1][2 * N1][N1 + 2])
{
    for (int i = 1; i < N0 - 1; ++i)
        C[N0 - 1 - i][N0 - 1 - i] -= (i >= 1 ? erf((fmin(fmax(C[i][i], -4.0), 4.0) / (1.0 + fabs((double)alpha)))) : (((double)alpha * fmin(fmax(C[N0 - 1 - i][N0 - 1 - i], -4.0), 4.0)) > (tanh((double)B[i][i][i]) - tanh(C[i][i])) ? ((double)alpha * fmin(fmax(C[N0 - 1 - i][N0 - 1 - i], -4.0), 4.0)) : (tanh((double)B[i][i][i]) - tanh(C[i][i]))));
    for (int i = 0; i <= N1 - 1; ++i) {
        for (int j = i; j >= 0; j--) {
            for (int k = 1; k < N1 - 1; ++k) {
                D[i * N1 + i] += fmin(fmax((double)A[i + 1][k][i], -4.0), 4.0);
                if (i < N1 - 1)
                    E[N1 - 1 - i] = (6 % 5);
            }
        }
    }
}
