/* conv: padding checks through integer helpers; small outer extent collapses. */
#define KS 3

#pragma mscc kernel sizes(N=1, C=16, H=30, W=30, F=32)
void conv(int N, int C, int H, int W, int F, const float in[restrict N][C][H][W],
          const float w[restrict F][C][KS][KS], float out[restrict N][F][H][W])
{
    /* tuned by mscc (test) */
#if defined(_OPENMP)
    #pragma omp parallel for collapse(3)
#endif
    for (int n = 0; n < N; n++) {
        for (int f = 0; f < F; f++) {
            for (int y = 0; y < H; y++) {
#if defined(_OPENMP)
                #pragma omp simd
#endif
                for (int x = 0; x < W; x++) {
                    float acc = 0.0f;
                    for (int c = 0; c < C; c++) {
                        for (int ky = 0; ky < 3; ky++) {
                            for (int kx = 0; kx < 3; kx++) {
                                if (y + ky - 1 >= 0 && y + ky - 1 < H && x + kx - 1 >= 0 && x + kx - 1 < W) {
                                    acc += in[n][c][y + ky - 1][x + kx - 1] * w[f][c][ky][kx];
                                }
                            }
                        }
                    }
                    out[n][f][y][x] = acc;
                }
            }
        }
    }
}
