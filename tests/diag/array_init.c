#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    float w[3] = {1, 2, 1};
    for (int i = 1; i < n - 1; i++)
        y[i] = w[0] + w[1] + w[2];
}
