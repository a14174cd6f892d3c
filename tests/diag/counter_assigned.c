#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    int i;
    i = 2;
    for (i = 0; i < n; i++)
        y[i] = 0;
}
