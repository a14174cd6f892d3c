#pragma mscc kernel weight(0) sizes(n=64)
void k(int n, float y[restrict n])
{
    for (int i = 0; i < n; i++)
        y[i] = 0;
}

#pragma mscc kernel sizes(n=64) weight(often)
void k2(int n, float y[restrict n])
{
    for (int i = 0; i < n; i++)
        y[i] = 1;
}
