#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    int i;
    for (; i < n; i++)
        y[i] = 0;
}
