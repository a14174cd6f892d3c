/* arrays without restrict: the tuned code must check for overlap. */
#pragma mscc kernel sizes(M = 40, N = 50)
void axpy2d(int M, int N, float a, const float X[M][N], float Y[M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            Y[i][j] += a * X[i][j];
}

#pragma mscc kernel sizes(n = 1000)
void shift_add(long n, const float *x, float *y)
{
    for (long i = 0; i < n; ++i)
        y[i] = x[i] + 1.0f;
}

#pragma mscc kernel noalias sizes(M = 33, N = 35)
void transpose_na(int M, int N, const float A[M][N], float B[N][M])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            B[j][i] = A[i][j];
}
