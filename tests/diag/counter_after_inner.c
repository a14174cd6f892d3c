#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n][n], float z[restrict n])
{
    int i, j;
    for (i = 0; i < n; i++)
        for (j = 0; j < i; j++)
            y[i][j] = 0;
    z[j - 1] = 1;
}
