#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* tiled: kernels scheduled by the hand traces in tiled.trace.json. */
#pragma mscc kernel sizes(M=64, N=48, K=32)
void gemm_t(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
            float C[restrict M][N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("C_1")
     *   l1, l2, l3 = get_loops(b0)
     *   v4, v5 = sample_perfect_tile(l2, n=2, max_innermost=16)  # decision: [3, 16]
     *   l6, l7 = split(l2, factors=[v4, v5])
     *   l8, l9 = split(l1, factors=[-1, 8])
     *   parallel(l8)
     *   vectorize(l7)
     *   unroll(l9)
     */
    if (M == 64 && N == 48 && K == 32) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i_0 = 0; i_0 < 8; i_0++) {
#if defined(__clang__)
            #pragma unroll 8
#elif defined(__GNUC__)
            #pragma GCC unroll 8
#endif
            for (int i_1 = 0; i_1 < 8; i_1++) {
                for (int j_0 = 0; j_0 < 3; j_0++) {
#if defined(_OPENMP)
                    #pragma omp simd
#endif
                    for (int j_1 = 0; j_1 < 16; j_1++) {
                        C[i_0 * 8 + i_1][j_0 * 16 + j_1] = 0.0f;
                        for (int k = 0; k < 32; k++) {
                            C[i_0 * 8 + i_1][j_0 * 16 + j_1] += A[i_0 * 8 + i_1][k] * B[k][j_0 * 16 + j_1];
                        }
                    }
                }
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i_0 = 0; i_0 < M / 8; i_0++) {
#if defined(__clang__)
            #pragma unroll 8
#elif defined(__GNUC__)
            #pragma GCC unroll 8
#endif
            for (int i_1 = 0; i_1 < 8; i_1++) {
                for (int j_0 = 0; j_0 < N / 16; j_0++) {
#if defined(_OPENMP)
                    #pragma omp simd
#endif
                    for (int j_1 = 0; j_1 < 16; j_1++) {
                        C[i_0 * 8 + i_1][j_0 * 16 + j_1] = 0.0f;
                        for (int k = 0; k < K; k++) {
                            C[i_0 * 8 + i_1][j_0 * 16 + j_1] += A[i_0 * 8 + i_1][k] * B[k][j_0 * 16 + j_1];
                        }
                    }
                }
                for (int j_0 = N / 16; j_0 < (N + 15) / 16; j_0++) {
                    if (j_0 * 16 < N) {
#if defined(_OPENMP)
                        #pragma omp simd
#endif
                        for (int j_1 = 0; j_1 < 16; j_1++) {
                            if (j_0 * 16 + j_1 < N) {
                                C[i_0 * 8 + i_1][j_0 * 16 + j_1] = 0.0f;
                            }
                            for (int k = 0; k < K; k++) {
                                if (j_0 * 16 + j_1 < N) {
                                    C[i_0 * 8 + i_1][j_0 * 16 + j_1] += A[i_0 * 8 + i_1][k] * B[k][j_0 * 16 + j_1];
                                }
                            }
                        }
                    }
                }
            }
        }
        for (int i_0 = M / 8; i_0 < (M + 7) / 8; i_0++) {
            if (i_0 * 8 < M) {
#if defined(__clang__)
                #pragma unroll 8
#elif defined(__GNUC__)
                #pragma GCC unroll 8
#endif
                for (int i_1 = 0; i_1 < 8; i_1++) {
                    for (int j_0 = 0; j_0 < N / 16; j_0++) {
#if defined(_OPENMP)
                        #pragma omp simd
#endif
                        for (int j_1 = 0; j_1 < 16; j_1++) {
                            if (i_0 * 8 + i_1 < M) {
                                C[i_0 * 8 + i_1][j_0 * 16 + j_1] = 0.0f;
                            }
                            for (int k = 0; k < K; k++) {
                                if (i_0 * 8 + i_1 < M) {
                                    C[i_0 * 8 + i_1][j_0 * 16 + j_1] += A[i_0 * 8 + i_1][k] * B[k][j_0 * 16 + j_1];
                                }
                            }
                        }
                    }
                    for (int j_0 = N / 16; j_0 < (N + 15) / 16; j_0++) {
                        if (j_0 * 16 < N) {
#if defined(_OPENMP)
                            #pragma omp simd
#endif
                            for (int j_1 = 0; j_1 < 16; j_1++) {
                                if (j_0 * 16 + j_1 < N && i_0 * 8 + i_1 < M) {
                                    C[i_0 * 8 + i_1][j_0 * 16 + j_1] = 0.0f;
                                }
                                for (int k = 0; k < K; k++) {
                                    if (j_0 * 16 + j_1 < N && i_0 * 8 + i_1 < M) {
                                        C[i_0 * 8 + i_1][j_0 * 16 + j_1] += A[i_0 * 8 + i_1][k] * B[k][j_0 * 16 + j_1];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#pragma mscc kernel sizes(H=30, W=40)
void blur(int H, int W, const float *restrict in, float *restrict out)
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("out")
     *   l1, l2 = get_loops(b0)
     *   l3, l4 = split(l2, factors=[-1, 8])
     *   l5, l6 = split(l1, factors=[-1, 4])
     *   reorder(l5, l3, l6, l4)
     *   l7 = fuse(l5, l3)
     *   parallel(l7)
     *   vectorize(l4)
     */
    if (H == 30 && W == 40) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int y_0_x_0_fused = 0; y_0_x_0_fused < 35; y_0_x_0_fused++) {
            if (y_0_x_0_fused % 5 * 8 < 38) {
                for (int y_1 = 0; y_1 < 4; y_1++) {
#if defined(_OPENMP)
                    #pragma omp simd
#endif
                    for (int x_1 = 0; x_1 < (8 < 38 - y_0_x_0_fused % 5 * 8 ? 8 : 38 - y_0_x_0_fused % 5 * 8); x_1++) {
                        out[(y_0_x_0_fused / 5 * 4 + y_1 + 1) * 40 + (y_0_x_0_fused % 5 * 8 + x_1 + 1)] = (in[(y_0_x_0_fused / 5 * 4 + y_1) * 40 + (y_0_x_0_fused % 5 * 8 + x_1 + 1)] + in[(y_0_x_0_fused / 5 * 4 + y_1 + 1) * 40 + (y_0_x_0_fused % 5 * 8 + x_1)] + in[(y_0_x_0_fused / 5 * 4 + y_1 + 1) * 40 + (y_0_x_0_fused % 5 * 8 + x_1 + 1)] + in[(y_0_x_0_fused / 5 * 4 + y_1 + 1) * 40 + (y_0_x_0_fused % 5 * 8 + x_1 + 2)] + in[(y_0_x_0_fused / 5 * 4 + y_1 + 2) * 40 + (y_0_x_0_fused % 5 * 8 + x_1 + 1)]) * 0.2f;
                    }
                }
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int y_0_x_0_fused = 0; y_0_x_0_fused < (H + 1) / 4 * ((W + 5) / 8 > 0 ? (W + 5) / 8 : 0); y_0_x_0_fused++) {
            if (y_0_x_0_fused % ((W + 5) / 8) * 8 < W - 2 && y_0_x_0_fused / ((W + 5) / 8) * 4 < H - 2) {
                for (int y_1 = 0; y_1 < (4 < H - y_0_x_0_fused / ((W + 5) / 8) * 4 - 2 ? 4 : H - y_0_x_0_fused / ((W + 5) / 8) * 4 - 2); y_1++) {
#if defined(_OPENMP)
                    #pragma omp simd
#endif
                    for (int x_1 = 0; x_1 < (8 < W - y_0_x_0_fused % ((W + 5) / 8) * 8 - 2 ? 8 : W - y_0_x_0_fused % ((W + 5) / 8) * 8 - 2); x_1++) {
                        out[(y_0_x_0_fused / ((W + 5) / 8) * 4 + y_1 + 1) * W + (y_0_x_0_fused % ((W + 5) / 8) * 8 + x_1 + 1)] = (in[(y_0_x_0_fused / ((W + 5) / 8) * 4 + y_1) * W + (y_0_x_0_fused % ((W + 5) / 8) * 8 + x_1 + 1)] + in[(y_0_x_0_fused / ((W + 5) / 8) * 4 + y_1 + 1) * W + (y_0_x_0_fused % ((W + 5) / 8) * 8 + x_1)] + in[(y_0_x_0_fused / ((W + 5) / 8) * 4 + y_1 + 1) * W + (y_0_x_0_fused % ((W + 5) / 8) * 8 + x_1 + 1)] + in[(y_0_x_0_fused / ((W + 5) / 8) * 4 + y_1 + 1) * W + (y_0_x_0_fused % ((W + 5) / 8) * 8 + x_1 + 2)] + in[(y_0_x_0_fused / ((W + 5) / 8) * 4 + y_1 + 2) * W + (y_0_x_0_fused % ((W + 5) / 8) * 8 + x_1 + 1)]) * 0.2f;
                    }
                }
            }
        }
    }
}
