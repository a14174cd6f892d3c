#pragma mscc kernel sizes(N=8)
void k(int N, float x[restrict N])
{
    if (N > 100)
        return;
    for (int i = 0; i < N; i++)
        x[i] = 1;
}
