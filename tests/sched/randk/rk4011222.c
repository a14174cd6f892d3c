#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 18, N1 = 12)
void rk4011222(int N0, int N1, float alpha,
        double *A,
        int32_t B[restrict N0][N0][N0],
        double *restrict C,
        double D[restrict N0][N1],
        double E[restrict N0][N0],
        float F[restrict 2 * N1][N1][N0],
        int32_t G[restrict 2 * N0],
        double H[restrict N0],
        float I[restrict N1][N1 + 2],
        double *restrict J)
{
    int i, j, k, l;
    for (i = 1; i < N0; i += 2) {
        float s0 = -100.0f;
        for (j = 0; j < N1; j += 2) {
            for (k = N0 - 1; k > 0; k -= 2)
                s0 = (float)i > s0 ? (float)i : s0;
        }
        A[i] = (double)s0 + (double)i;
        B[i][N0 - 1 - i][i] = (i - ((i - 4) + (i * i)));
        for (j = N0 - 1; j > 0; j -= 2) {
            double s1 = 0.0;
            for (k = j - 1 > 0 ? j - 1 : 0; k < (j + 3 < N0 ? j + 3 : N0); k++)
                s1 -= (double)k;
            C[(2 * j + 1) * (2 * N0) + j] = s1 + (double)j;
            B[i][j][j]++;
        }
    }
    for (i = 0; i <= N1 - 1; i += 1) {
        for (j = 1; j < N0 - 1; ++j) {
            B[N0 - 1 - j][j][j] += i;
            int h0 = i - 1;
            if (h0 >= 0 && h0 < N0) {
                for (k = i; k < N1; k++) {
                    float s2 = 0.0f;
                    for (l = h0; l < N0; l++) {
                        if (l + j < N1 && l + h0 < N1)
                            s2 -= ((j + 2 * h0) % 3 == 1 ? (((float)k + (float)(j)) / (1.0f + fabsf(tanhf((float)B[j][l][l])))) : (alpha > ((float)i + fminf(fmaxf((float)C[l * (2 * N0) + h0], -4.0f), 4.0f)) ? alpha : ((float)i + fminf(fmaxf((float)C[l * (2 * N0) + h0], -4.0f), 4.0f))));
                    }
                    D[h0][k] *= tanh((double)s2 + (((i + 2 * j) % 3 == 0 ? ((double)alpha / (1.0 + fabs((double)i))) : ((double)alpha > fmin(fmax(C[j * (2 * N0) + h0], -4.0), 4.0) ? (double)alpha : fmin(fmax(C[j * (2 * N0) + h0], -4.0), 4.0))) + (log(1.0 + fabs(tanh(A[h0]))) + (fmin(fmax(A[h0], -4.0), 4.0) / (1.0 + fabs((double)alpha))))));
                    E[j][j] = ((fmin(fmax(C[(N0 - 1 - j) * (2 * N0) + h0], -4.0), 4.0) / (1.0 + fabs((double)alpha))) / (1.0 + fabs((tanh(C[h0 * (2 * N0) + h0]) + fmax((double)i, fmin(fmax(A[j], -4.0), 4.0))))));
                    int h1 = h0 + j - 2;
                    if (h1 >= 0 && h1 < N0) {
                        for (l = 1; l < N1 - 1; ++l) {
                            D[h1][N1 - 1 - l] += ((tanh(fmin(fmax(D[j][N1 - 1 - i], -4.0), 4.0)) + (double)((l - h0))) + (double)((l > (1 % 4) ? l : (1 % 4))));
                            A[h0] = ((((double)alpha * tanh(D[N0 - 1 - h1][N1 - 1 - l])) * fmin(fmax(E[h0][j], -4.0), 4.0)) - (double)j);
                            if (h0 >= 2) {
                                if (h1 < N0 - 1) {
                                    if ((h1 + 2 * h1) % 3 == 0 && l >= 2) {
                                        A[h0] *= tanh((double)l);
                                        if ((l + 2 * i) % 3 == 0 && j % 2 == 0)
                                            F[i][i][j] *= tanhf((erff(2.0f) * (fmaxf(tanhf((float)A[h1]), (float)l) / (1.0f + fabsf((tanhf((float)B[h0][N0 - 1 - j][N0 - 1 - h1]) + fminf(fmaxf((float)E[h1][j], -4.0f), 4.0f)))))));
                                    }
                                    E[j][h1] -= fmin(fmax(D[h1][l], -4.0), 4.0);
                                }
                            }
                        }
                        if (i < 6) {
                            for (l = k; l < N1; l++) {
                                B[N0 - 1 - h0][h0][j] -= 5;
                                G[h1] += (3 / 7);
                            }
                        }
                    }
                }
            }
        }
        for (j = 0; j < N1; j += 2) {
            if (j < N0 - 1) {
                for (k = 1; k < N0 - 1; ++k)
                    J[((N0 - 1 - k) * N1 + N1 - 1 - j) * N0 + N0 - 1 - k] *= tanh(fmin(fmax((double)I[j][j + 2], -4.0), 4.0));
            }
        }
    }
}
