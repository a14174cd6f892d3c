/* loop shapes: triangular, banded with min(), recurrences, stencils, reversed reads. */
#pragma mscc kernel sizes(N = 45)
void trmv(int N, const double L[restrict N][N], const double x[restrict N], double y[restrict N])
{
    for (int i = 0; i < N; i++) {
        double s = 0;
        for (int j = 0; j <= i; j++)
            s += L[i][j] * x[j];
        y[i] = s;
    }
}

#pragma mscc kernel sizes(N = 60, B = 7)
void band(int N, int B, const float x[restrict N], float z[restrict N])
{
    for (int i = 0; i < N; i++)
        for (int j = i; j < (i + B < N ? i + B : N); j++)
            z[j] += x[i] * (float)(j - i + 1);
}

#pragma mscc kernel sizes(N = 100)
void scan(int N, const float x[restrict N], float s[restrict N])
{
    s[0] = x[0];
    for (int i = 1; i < N; i++)
        s[i] = s[i - 1] + x[i];
}

#pragma mscc kernel sizes(T = 5, N = 64)
void jacobi(int T, int N, float a[restrict N], float b[restrict N])
{
    for (int t = 0; t < T; t++) {
        for (int i = 1; i < N - 1; i++)
            b[i] = 0.25f * a[i - 1] + 0.5f * a[i] + 0.25f * a[i + 1];
        for (int i = 1; i < N - 1; i++)
            a[i] = b[i];
    }
}

#pragma mscc kernel sizes(N = 99)
void reverse_add(int N, const float x[restrict N], float y[restrict N])
{
    for (int i = 0; i < N; i++)
        y[i] += x[N - 1 - i];
}

#pragma mscc kernel sizes(M = 31, N = 17)
void transpose_tri(int M, int N, const float A[restrict M][N], float B[restrict N][M])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            B[j][i] = (i % 3 == 0) ? A[i][j] : -A[i][j];
}

#pragma mscc kernel sizes(N = 50)
void inplace_shift(int N, float a[restrict N])
{
    for (int i = 0; i < N - 1; i++)
        a[i] = a[i + 1] * 2.0f;
}
