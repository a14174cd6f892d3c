#pragma mscc kernel
void k(int n, int steps, float y[restrict n])
{
    for (int t = 0; t < steps; t++)
        for (int i = 0; i < n; i++)
            y[i] = y[i] * 0.5f;
}
