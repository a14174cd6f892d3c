#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    int i, j;
    for (i = 0, j = n - 1; i < j; i++, j--)
        y[i] = y[j];
}
