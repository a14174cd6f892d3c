#pragma mscc kernel sizes(N=8)
void k(int N, float x[restrict N])
{
    for (int i = 0; i < N; i++) {
        if (x[i] < 0)
            break;
        x[i] = 1;
    }
}
