#pragma mscc kernel sizes(B=8, M=128, N=128, K=128)
void bmm(int B, int M, int N, int K, const float A[restrict B][M][K],
         const float X[restrict B][K][N], float C[restrict B][M][N])
{
    for (int b = 0; b < B; b++)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                C[b][i][j] = 0.0f;
                for (int k = 0; k < K; k++)
                    C[b][i][j] += A[b][i][k] * X[b][k][j];
            }
}
