#pragma mscc kernel sizes(n=64)
void k(int n, const int idx[restrict n], const float x[restrict n], float y[restrict n])
{
    for (int i = 0; i < n; i++)
        y[i] = x[idx[i]];
}
