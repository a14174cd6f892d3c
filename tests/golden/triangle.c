/* triangle: a triangular nest, a min() bound, a recurrence, and a reject. */
#pragma mscc kernel sizes(N=300)
void lower_sum(int N, const double L[restrict N][N], double y[restrict N])
{
    for (int i = 0; i < N; i++) {
        y[i] = 0.0;
        for (int j = 0; j <= i; j++)
            y[i] += L[i][j];
    }
}

#pragma mscc kernel sizes(N=300, B=16)
void band(int N, int B, const float x[restrict N], float z[restrict N])
{
    for (int i = 0; i < N; i++)
        for (int j = i; j < (i + B < N ? i + B : N); j++)
            z[j] += x[i];
}

#pragma mscc kernel sizes(N=1000)
void prefix(int N, float s[restrict N])
{
    for (int i = 1; i < N; i++)
        s[i] += s[i - 1];
}

#pragma mscc kernel sizes(N=10)
void not_canonical(int N, float s[restrict N])
{
    int i = 0;
    while (i < N)
        s[i++] = 0;
}
