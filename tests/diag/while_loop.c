#pragma mscc kernel sizes(N=8)
void k(int N, float x[restrict N])
{
    for (int i = 0; i < N; i++) {
        float v = x[i];
        while (v > 1.0f)
            v = v * 0.5f;
        x[i] = v;
    }
}
