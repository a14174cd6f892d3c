#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* conv: padding checks through integer helpers; small outer extent collapses. */
#define KS 3

#pragma mscc kernel sizes(N=1, C=16, H=30, W=30, F=32)
void conv(int N, int C, int H, int W, int F, const float in[restrict N][C][H][W],
          const float w[restrict F][C][KS][KS], float out[restrict N][F][H][W])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("acc")
     *   l1, l2, l3, l4 = get_loops(b0)
     *   l5 = fuse(l1, l2, l3)
     *   parallel(l5)
     *   b6 = get_block("acc")
     *   l7, l8 = get_loops(b6)
     *   vectorize(l8)
     */
    if (N == 1 && C == 16 && H == 30 && W == 30 && F == 32) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int n_f_y_fused = 0; n_f_y_fused < 960; n_f_y_fused++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int x = 0; x < 30; x++) {
                float acc = 0.0f;
                for (int c = 0; c < 16; c++) {
                    for (int ky = 0; ky < 3; ky++) {
                        if (n_f_y_fused % 30 + ky - 1 >= 0 && n_f_y_fused % 30 + ky - 1 < 30) {
                            for (int kx = 0; kx < 3; kx++) {
                                if (n_f_y_fused % 30 + ky - 1 >= 0 && n_f_y_fused % 30 + ky - 1 < 30 && x + kx - 1 >= 0 && x + kx - 1 < 30) {
                                    acc += in[0][c][ky + n_f_y_fused % 30 - 1][x + kx - 1] * w[n_f_y_fused / 30 % 32][c][ky][kx];
                                }
                            }
                        }
                    }
                }
                out[0][n_f_y_fused / 30 % 32][n_f_y_fused % 30][x] = acc;
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int n_f_y_fused = 0; n_f_y_fused < N * (F > 0 ? F : 0) * (H > 0 ? H : 0); n_f_y_fused++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int x = 0; x < W; x++) {
                float acc = 0.0f;
                for (int c = 0; c < C; c++) {
                    for (int ky = 0; ky < 3; ky++) {
                        if (n_f_y_fused % H + ky - 1 >= 0 && n_f_y_fused % H + ky - 1 < H) {
                            for (int kx = 0; kx < 3; kx++) {
                                if (n_f_y_fused % H + ky - 1 >= 0 && n_f_y_fused % H + ky - 1 < H && x + kx - 1 >= 0 && x + kx - 1 < W) {
                                    acc += in[n_f_y_fused / (H * F)][c][ky + n_f_y_fused % H - 1][x + kx - 1] * w[n_f_y_fused / H % F][c][ky][kx];
                                }
                            }
                        }
                    }
                }
                out[n_f_y_fused / (H * F)][n_f_y_fused / H % F][n_f_y_fused % H][x] = acc;
            }
        }
    }
}
