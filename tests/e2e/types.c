/* element types: int8 x int8 -> int32, 16-bit masks and shifts, 64-bit, double. */
#include <stdint.h>

#pragma mscc kernel sizes(M = 23, N = 29, K = 64)
void gemm_s8(int M, int N, int K, const int8_t A[restrict M][K], const int8_t B[restrict K][N],
             int32_t C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = 0;
            for (int k = 0; k < K; k++)
                acc += (int32_t)A[i][k] * (int32_t)B[k][j];
            C[i][j] = acc;
        }
}

#pragma mscc kernel sizes(N = 300)
void bits(int N, const uint16_t a[restrict N], uint8_t lo[restrict N], uint8_t hi[restrict N],
          int64_t w[restrict N])
{
    for (int i = 1; i < N - 1; i++) {
        lo[i] = (uint8_t)(a[i] & 0xff);
        hi[i] = (uint8_t)(a[i] >> 8);
        w[i] = (int64_t)a[i - 1] * a[i + 1] - ((int64_t)a[i] << 3);
    }
}

#pragma mscc kernel sizes(N = 257)
void dot_i64(int N, const int16_t x[restrict N], const int16_t y[restrict N],
             int64_t out[restrict 1])
{
    int64_t s = 0;
    for (int i = 0; i < N; i++)
        s += (int64_t)x[i] * y[i];
    out[0] = s;
}

#pragma mscc kernel sizes(M = 16, N = 16)
void fixed(int M, int N, const double A[restrict 16][16], double B[restrict 16][16])
{
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++)
            B[i][j] = A[j][i] * 0.5 + (i < M && j < N ? 1.0 : 0.0);
}
