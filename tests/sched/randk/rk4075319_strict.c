#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 12, N1 = 16, N2 = 1)
void rk4075319(int N0, int N1, int N2, float alpha,
        int32_t A[restrict N0],
        double C[restrict N0],
        double D[restrict N0][N0])
{
    float T1[N0 + 1][N2 + 1];
    for (int i = 0; i < N0; i++) {
        int32_t s0 = -100;
        for (int j = i; j >= 0; j--) {
            if (j < N0 - 1)
                s0 = s0 > (((i % 3) % 7) % 3) ? s0 : (((i % 3) % 7) % 3);
        }
        A[i] = s0 + (i - (i % 7));
        for (int j = 0; j < N1; j++)
            A[i] = (i < 4 ? ((i % 2) * j) : j);
    }
    for (int i = 0; i < N0; i++) {
        for (int j = 0; j < N2; j++)
            T1[i][j] = sqrtf(fabsf(((alpha - fminf(fmaxf((float)A[i], -4.0f), 4.0f)) + fminf(fmaxf((float)A[i], -4.0f), 4.0f))));
    }
}
