#include <math.h>
#include <stdint.h>

#define CH 8

/* a prototype may use the file's types and constants */
typedef float real;
enum { TAPS = 5 };
typedef struct {
    int unused;
} options_t;

#pragma mscc kernel sizes(M = 64, N = 48, K = 32)
void gemm(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
          float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}

#pragma mscc kernel sizes(R = 16, L = 100)
void softmax(int R, int L, const float X[restrict R][L], float Y[restrict R][L])
{
    for (int r = 0; r < R; r++) {
        float m = -INFINITY;
        for (int l = 0; l < L; l++)
            m = fmaxf(m, X[r][l]);
        float s = 0.0f;
        for (int l = 0; l < L; l++) {
            Y[r][l] = expf(X[r][l] - m);
            s += Y[r][l];
        }
        for (int l = 0; l < L; l++)
            Y[r][l] /= s;
    }
}

#pragma mscc kernel
void scale_channels(int n, const float w[CH], float *restrict x)
{
    for (int i = 0; i < n; i++)
        for (int c = 0; c < CH; c++)
            x[i * CH + c] *= w[c];
}

#pragma mscc kernel sizes(n = 100)
void fir(int n, const real x[restrict n + TAPS - 1], const real h[TAPS], real y[restrict n])
{
    for (int i = 0; i < n; i++) {
        real s = 0;
        for (int t = 0; t < TAPS; t++)
            s += h[t] * x[i + t];
        y[i] = s;
    }
}
