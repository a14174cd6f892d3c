#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    for (int i = 0; i < n; i++) {
        int t;
        y[t] = 0;
    }
}
