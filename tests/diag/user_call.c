static float sq(float v) { return v * v; }

#pragma mscc kernel sizes(n=64)
void k(int n, float y[restrict n])
{
    for (int i = 0; i < n; i++)
        y[i] = sq(y[i]);
}
