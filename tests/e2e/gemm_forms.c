/* gemm in several forms: VLA, pointer i-k-j, scalar accumulator, alpha/beta. */
#include <stddef.h>

#pragma mscc kernel sizes(M = 64, N = 48, K = 40)
void gemm_vla(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
              float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}

#pragma mscc kernel sizes(M = 64, N = 48, K = 40)
void gemm_ikj(int M, int N, int K, const float *restrict A, const float *restrict B,
              float *restrict C)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            C[i * N + j] = 0.0f;
    for (int i = 0; i < M; i++)
        for (int k = 0; k < K; k++)
            for (int j = 0; j < N; j++)
                C[i * N + j] += A[i * K + k] * B[k * N + j];
}

#pragma mscc kernel sizes(M = 64, N = 48, K = 40)
void gemm_acc(size_t M, size_t N, size_t K, const double A[restrict M][K],
              const double B[restrict K][N], double C[restrict M][N])
{
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            double acc = 0;
            for (size_t k = 0; k < K; k++)
                acc += A[i][k] * B[k][j];
            C[i][j] = acc;
        }
}

#pragma mscc kernel sizes(M = 64, N = 48, K = 40)
void gemm_ab(int M, int N, int K, float alpha, float beta, const float *restrict A,
             const float *restrict B, float *restrict C)
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i * N + j] *= beta;
            for (int k = 0; k < K; k++)
                C[i * N + j] += alpha * A[i * K + k] * B[k * N + j];
        }
}
