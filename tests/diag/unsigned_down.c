#pragma mscc kernel sizes(n=64, m=3)
void k(unsigned n, unsigned m, float y[restrict n])
{
    for (unsigned i = n - 1; i > m; i--)
        y[i] = 0;
}
