#pragma mscc kernel sizes(M=384, N=384, K=384)
void gemm_tn(int M, int N, int K, const float A[restrict K][M], const float B[restrict K][N],
             float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[k][i] * B[k][j];
        }
}
