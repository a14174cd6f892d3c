#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    for (int i = n - 1; i < n; i--)
        y[i] = 0;
}
