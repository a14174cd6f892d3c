#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 1, N1 = 2, N2 = 6)
void rk94(int N0, int N1, int N2, float alpha,
        double A[restrict N2 + 2][N0 + 2],
        int8_t B[N1 + 1][N1][N1])
{
    int i, j, k;
    for (i = 1; i < N1; i += 2) {
        for (j = N2 - 1; j >= 0; j--) {
            for (k = N0 - 1; k > 0; k -= 2)
                A[j + 2][k] = (tanh(A[j][N0 - 1 - k]) + (double)alpha);
        }
    }
}
