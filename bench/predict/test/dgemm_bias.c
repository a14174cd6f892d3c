#pragma mscc kernel sizes(M=256, N=320, K=288)
void dgemm_bias(int M, int N, int K, const double A[restrict M][K], const double B[restrict K][N],
                const double bias[restrict N], double C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = bias[j];
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}
