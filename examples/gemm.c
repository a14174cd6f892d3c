/*
 * gemm.c - the bundled example: a naive single-precision matrix product,
 * C = A * B, written the way people write it. `mscc examples/gemm.c -o
 * tuned.c` rewrites the kernel's body; everything else stays as it is.
 */
#include <stdio.h>

#pragma mscc kernel sizes(M=512, N=512, K=512)
void gemm(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
          float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}

/* A helper that is not a kernel: copied byte for byte. */
void print_corner(int M, int N, const float C[M][N])
{
    printf("C[0][0] = %g, C[%d][%d] = %g\n", C[0][0], M - 1, N - 1, C[M - 1][N - 1]);
}
