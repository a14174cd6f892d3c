#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 3)
void rk12(int N0,
        float B[2 * N0][N0],
        int32_t C[restrict N0])
{
    double T0[N0];
    for (int i = 0; i < N0; i++)
        T0[i] = (double)i;
    for (int i = N0 - 1; i > 0; i -= 2) {
        if (i < N0 - 1)
            B[i][i] = (float)T0[N0 - 1 - i];
    }
}
