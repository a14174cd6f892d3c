#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n][n])
{
    int i;
    for (i = 0; i < n; i++)
        for (i = 0; i < n; i++)
            y[i][i] = 0;
}
