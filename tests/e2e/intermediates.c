/* local intermediates: arrays a kernel computes and reads back (compute_inline's ground). */
#pragma mscc kernel sizes(M = 20, N = 24)
void smooth(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    for (int i = 0; i < M; i++) {
        float t[N];
        for (int j = 0; j < N; j++)
            t[j] = X[i][j] * 0.5f + 1.0f;
        for (int j = 1; j < N - 1; j++)
            Y[i][j] = t[j - 1] + t[j] + t[j + 1];
    }
}

#pragma mscc kernel sizes(M = 16, N = 12)
void scale_rows(int M, int N, const double A[restrict M][N], const double s[restrict M],
                double B[restrict M][N])
{
    double tmp[16][12];
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 12; j++)
            tmp[i][j] = 0.0;
    for (int i = 0; i < (M < 16 ? M : 16); i++)
        for (int j = 0; j < (N < 12 ? N : 12); j++)
            tmp[i][j] = A[i][j] * s[i];
    for (int i = 0; i < (M < 16 ? M : 16); i++)
        for (int j = 0; j < (N < 12 ? N : 12); j++)
            B[i][j] = tmp[i][j] - 1.0;
}

/* an epilogue over a local row (reverse_compute_inline's ground), and a
 * matrix-vector product whose reduction rfactor can split */
#pragma mscc kernel sizes(M = 18, N = 40)
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

#pragma mscc kernel sizes(M = 12, K = 64)
void matvec(int M, int K, const double A[restrict M][K], const double x[restrict K],
            double y[restrict M])
{
    for (int i = 0; i < M; i++) {
        y[i] = 1.0;
        for (int k = 0; k < K; k++)
            y[i] += A[i][k] * x[k];
    }
}
