/* convolutions: strided NCHW with padding, depthwise, and a transposed 1-d one. */
#include <math.h>

#define KH 3
#define KW 3

#pragma mscc kernel sizes(N = 2, CI = 8, H = 17, W = 19, CO = 6, OH = 9, OW = 10)
void conv2d(int N, int CI, int H, int W, int CO, int OH, int OW,
            const float in[restrict N][CI][H][W], const float w[restrict CO][CI][KH][KW],
            float out[restrict N][CO][OH][OW])
{
    for (int n = 0; n < N; n++)
        for (int co = 0; co < CO; co++)
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++) {
                    float acc = 0.0f;
                    for (int ci = 0; ci < CI; ci++)
                        for (int kh = 0; kh < KH; kh++)
                            for (int kw = 0; kw < KW; kw++) {
                                int ih = oh * 2 - 1 + kh;
                                int iw = ow * 2 - 1 + kw;
                                if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                                    acc += in[n][ci][ih][iw] * w[co][ci][kh][kw];
                            }
                    out[n][co][oh][ow] = acc;
                }
}

#pragma mscc kernel sizes(C = 12, H = 21, W = 23)
void depthwise(int C, int H, int W, const float *restrict in, const float *restrict w,
               const float *restrict bias, float *restrict out)
{
    for (int c = 0; c < C; c++)
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                float acc = bias[c];
                for (int ky = 0; ky < 3; ky++)
                    for (int kx = 0; kx < 3; kx++) {
                        int iy = y + ky - 1, ix = x + kx - 1;
                        if (iy >= 0 && iy < H && ix >= 0 && ix < W)
                            acc += in[(c * H + iy) * W + ix] * w[(c * 3 + ky) * 3 + kx];
                    }
                out[(c * H + y) * W + x] = fmaxf(acc, 0.0f);
            }
}

#pragma mscc kernel sizes(OH = 31, H = 16, K = 3)
void deconv1d(int OH, int H, int K, const float in[restrict H], const float w[restrict K],
              float out[restrict OH])
{
    for (int oh = 0; oh < OH; oh++) {
        float acc = 0.0f;
        for (int kh = 0; kh < K; kh++)
            if ((oh + 1 - kh) % 2 == 0) {
                int ih = (oh + 1 - kh) / 2;
                if (ih >= 0 && ih < H)
                    acc += in[ih] * w[kh];
            }
        out[oh] = tanhf(acc);
    }
}
