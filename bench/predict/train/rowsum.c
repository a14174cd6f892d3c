#pragma mscc kernel sizes(M=2048, N=1024)
void rowsum(int M, int N, const float X[restrict M][N], float y[restrict M])
{
    for (int i = 0; i < M; i++) {
        y[i] = 0.0f;
        for (int j = 0; j < N; j++)
            y[i] += X[i][j] * X[i][j];
    }
}
