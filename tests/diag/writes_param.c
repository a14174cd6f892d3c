#pragma mscc kernel sizes(n=64)
void k(int n, float a, float y[restrict n])
{
    for (int i = 0; i < n; i++) {
        a = a * 2;
        y[i] = a;
    }
}
