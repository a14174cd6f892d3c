/* kernels for hand traces of the tiling primitives (fused.trace.json):
 * register tile and packing, epilogue inlining, rfactor, compute_at. */
#pragma mscc kernel sizes(M=64, N=64, K=48)
void gemm_tile(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
               float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}

#pragma mscc kernel sizes(M=8, N=32)
void bias_relu(int M, int N, const float X[restrict M][N], const float b[restrict N],
               float Y[restrict M][N])
{
    for (int i = 0; i < M; i++) {
        float t[N];
        for (int j = 0; j < N; j++)
            t[j] = X[i][j] + b[j];
        for (int j = 0; j < N; j++)
            Y[i][j] = t[j] > 0.0f ? t[j] : 0.0f;
    }
}

#pragma mscc kernel sizes(M=16, K=64)
void matvec(int M, int K, const double A[restrict M][K], const double x[restrict K],
            double y[restrict M])
{
    for (int i = 0; i < M; i++) {
        y[i] = 0.0;
        for (int k = 0; k < K; k++)
            y[i] += A[i][k] * x[k];
    }
}

#pragma mscc kernel sizes(M=8, N=32)
void smooth(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    for (int i = 0; i < M; i++) {
        float t[N];
        for (int j = 0; j < N; j++)
            t[j] = X[i][j] * 0.5f;
        for (int j = 1; j < N - 1; j++)
            Y[i][j] = t[j - 1] + t[j] + t[j + 1];
    }
}
