/*
 * kernels.c - a small kernel library, tuned by mscc as a pre-build step
 * (see the Makefile): the tuned copy is what gets compiled.
 */
#include "kernels.h"

#pragma mscc kernel sizes(M = 128, N = 128, K = 128)
void matmul(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
            float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float acc = 0.0f;
            for (int k = 0; k < K; k++)
                acc += A[i][k] * B[k][j];
            C[i][j] = acc;
        }
}

#pragma mscc kernel sizes(N = 4096)
void scale_add(int N, float a, const float x[restrict N], float y[restrict N])
{
    for (int i = 0; i < N; i++)
        y[i] = a * x[i] + y[i];
}
