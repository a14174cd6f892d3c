#pragma mscc kernel sizes(N=8)
void k(int N, float x[restrict N])
{
    for (int i = 0; i < N; i++) {
        if (i == 3)
            continue;
        x[i] = 1;
    }
}
