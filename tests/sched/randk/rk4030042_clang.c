#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 10, N1 = 1)
void rk4030042(int N0, int N1, float alpha,
        int32_t A[restrict N1],
        int32_t B[restrict 2 * N0],
        double C[restrict N0][N1],
        float D[restrict N0 + 2][N0][N1 + 2],
        float E[restrict N1][N1],
        float F[restrict N1])
{
    for (int i = N1 - 1; i >= 0; i--) {
        if ((i - i) % 2 != 0) {
            int h2 = i - 2;
            if (h2 >= 0 && h2 < N1) {
                if (i < 7 && i >= 1) {
                    for (int j = 0; j <= i; j++) {
                        if (j >= 2 && j < N1 - 1) {
                        }
                    }
                }
            }
        }
    }
}
