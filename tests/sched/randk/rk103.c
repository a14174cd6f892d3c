#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 7, N1 = 9, N2 = 12)
void rk103(int N0, int N1, int N2, float alpha,
        double A[restrict 2 * N0])
{
    for (int i = 0; i < N0; i += 2)
        A[i] += tanh(A[2 * i]);
    for (int i = 0; i < N0; i++) {
    }
}
