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
