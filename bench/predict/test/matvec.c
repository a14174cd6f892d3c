#pragma mscc kernel sizes(M=2048, N=2048)
void matvec(int M, int N, const float A[restrict M][N], const float x[restrict N],
            float y[restrict M])
{
    for (int i = 0; i < M; i++) {
        y[i] = 0.0f;
        for (int j = 0; j < N; j++)
            y[i] += A[i][j] * x[j];
    }
}
