#pragma mscc kernel sizes(n=64)
void k(int n, const float *restrict P, float *restrict y)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= i; j++)
            y[i] += P[i * i + j];
}
