/*
 * kernels.c - the benchmark kernels, written naively, as users write them.
 * bench/run.sh tunes this file with mscc and times every kernel before and
 * after, in one run. FLOP counts are in bench/run.sh.
 */
#include <math.h>

/* gemm 1024: C = A * B */
#pragma mscc kernel sizes(M=1024, N=1024, K=1024)
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

/* conv2d: NCHW, 3x3, stride 1, padding 1 (a ResNet layer's shape) */
#pragma mscc kernel sizes(N=1, CI=64, H=56, W=56, CO=64)
void conv2d(int N, int CI, int H, int W, int CO, const float in[restrict N][CI][H][W],
            const float w[restrict CO][CI][3][3], float out[restrict N][CO][H][W])
{
    for (int n = 0; n < N; n++)
        for (int co = 0; co < CO; co++)
            for (int h = 0; h < H; h++)
                for (int x = 0; x < W; x++) {
                    float acc = 0.0f;
                    for (int ci = 0; ci < CI; ci++)
                        for (int kh = 0; kh < 3; kh++)
                            for (int kw = 0; kw < 3; kw++) {
                                int ih = h + kh - 1, iw = x + kw - 1;
                                if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                                    acc += in[n][ci][ih][iw] * w[co][ci][kh][kw];
                            }
                    out[n][co][h][x] = acc;
                }
}

/* depthwise conv: 3x3, stride 1, padding 1, per channel (MobileNet shape) */
#pragma mscc kernel sizes(C=256, H=28, W=28)
void depthwise(int C, int H, int W, const float in[restrict C][H][W],
               const float w[restrict C][3][3], float out[restrict C][H][W])
{
    for (int c = 0; c < C; c++)
        for (int h = 0; h < H; h++)
            for (int x = 0; x < W; x++) {
                float acc = 0.0f;
                for (int kh = 0; kh < 3; kh++)
                    for (int kw = 0; kw < 3; kw++) {
                        int ih = h + kh - 1, iw = x + kw - 1;
                        if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                            acc += in[c][ih][iw] * w[c][kh][kw];
                    }
                out[c][h][x] = acc;
            }
}

/* dense + bias + relu: Y = relu(X * W^T + b) */
#pragma mscc kernel sizes(M=128, N=1024, K=1024)
void dense_bias_relu(int M, int N, int K, const float X[restrict M][K],
                     const float W[restrict N][K], const float bias[restrict N],
                     float Y[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float acc = bias[j];
            for (int k = 0; k < K; k++)
                acc += X[i][k] * W[j][k];
            Y[i][j] = acc > 0.0f ? acc : 0.0f;
        }
}

/* softmax over rows of a 1024 x 1024 matrix */
#pragma mscc kernel sizes(M=1024, N=1024)
void softmax(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    for (int i = 0; i < M; i++) {
        float mx = X[i][0];
        for (int j = 1; j < N; j++)
            mx = fmaxf(mx, X[i][j]);
        float sum = 0.0f;
        for (int j = 0; j < N; j++)
            sum += expf(X[i][j] - mx);
        for (int j = 0; j < N; j++)
            Y[i][j] = expf(X[i][j] - mx) / sum;
    }
}

/* GELU, as BERT's feed-forward layers apply it: erff's form and tanhf's
 * approximation, over a 512 x 4096 activation. Counted as 5 and 9 FLOPs an
 * element (the operations written, the math call one each). */
#pragma mscc kernel sizes(M=512, N=4096)
void gelu_erf(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            Y[i][j] = 0.5f * X[i][j] * (1.0f + erff(X[i][j] * 0.70710678f));
}

#pragma mscc kernel sizes(M=512, N=4096)
void gelu_tanh(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float x = X[i][j];
            Y[i][j] = 0.5f * x * (1.0f + tanhf(0.79788456f * (x + 0.044715f * x * x * x)));
        }
}
