#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    for (float t = 0; t < n; t++)
        y[(int)t] = 0;
}
