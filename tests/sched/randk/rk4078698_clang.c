#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 9, N1 = 15, N2 = 1)
void rk4078698(int N0, int N1, int N2,
        int32_t A[restrict N2 + 1][N2 + 2][N2])
{
    for (int i = 0; i < N2; i += 1) {
        if (i < N2 - 1 && i % 2 == 0) {
            int32_t s1 = 100;
            for (int j = 0; j < N1; j++)
                s1 = s1 < 1 ? s1 : 1;
            A[i][N2 - 1 - i][i] += s1 + (6 - ((3 % 7) / 7));
        }
    }
}
