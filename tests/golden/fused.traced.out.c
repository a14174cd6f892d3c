#include <math.h> /* added by mscc: fma() in tuned kernels */
#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
#include <stdint.h> /* added by mscc: packed arrays in tuned kernels */
#include <stdlib.h>
/* kernels for hand traces of the tiling primitives (fused.trace.json):
 * register tile and packing, epilogue inlining, rfactor, compute_at. */
#pragma mscc kernel sizes(M=64, N=64, K=48)
void gemm_tile(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
               float C[restrict M][N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("C_1")
     *   l1, l2, l3 = get_loops(b0)
     *   l4, l5 = split(l1, factors=[-1, 4])
     *   l6, l7 = split(l2, factors=[-1, 16])
     *   reorder(l4, l6, l3, l5, l7)
     *   b8 = cache_write("register", b0, l6)
     *   b9 = transform_layout("B", factors=[1, 16], perm=[1, 0, 2])
     *   parallel(l4)
     *   unroll(l5)
     *   vectorize(l7)
     *   b10 = decompose_reduction(b0, l3)
     *   l11, l12, l13, l14 = get_loops(b8)
     *   vectorize(l14)
     */
    char *B_packed_mem = malloc((size_t)((N + 15) / 16) * (size_t)(K) * (size_t)(16) * sizeof(float) + 63);
    float (*B_packed)[K][16] =
        B_packed_mem ? (void *)(B_packed_mem + (-(uintptr_t)B_packed_mem & 63)) : NULL;
    if (B_packed) {
        if (M == 64 && N == 64 && K == 48) {
            /* the tuning sizes: constant extents */
            for (int B_p0 = 0; B_p0 < 4; B_p0++) {
                for (int B_p1 = 0; B_p1 < 48; B_p1++) {
                    for (int B_p2 = 0; B_p2 < 16; B_p2++) {
                        B_packed[B_p0][B_p1][B_p2] = B[B_p1][B_p0 * 16 + B_p2];
                    }
                }
            }
#if defined(_OPENMP)
            #pragma omp parallel for if(!omp_in_parallel())
#endif
            for (int i_0 = 0; i_0 < 16; i_0++) {
                for (int j_0 = 0; j_0 < 4; j_0++) {
                    _Alignas(64) float C_reg[4][16] = {0};
#if defined(__clang__)
                    #pragma unroll 4
#elif defined(__GNUC__)
                    #pragma GCC unroll 4
#endif
                    for (int i_1_init = 0; i_1_init < 4; i_1_init++) {
#if defined(_OPENMP)
                        #pragma omp simd
#endif
                        for (int j_1_init = 0; j_1_init < 16; j_1_init++) {
                            C_reg[i_1_init][j_1_init] = 0.0f;
                        }
                    }
                    for (int k = 0; k < 48; k++) {
#if defined(__clang__)
                        #pragma unroll 4
#elif defined(__GNUC__)
                        #pragma GCC unroll 4
#endif
                        for (int i_1 = 0; i_1 < 4; i_1++) {
#if defined(_OPENMP)
                            #pragma omp simd
#endif
                            for (int j_1 = 0; j_1 < 16; j_1++) {
                                C_reg[i_1][j_1] = fmaf(A[i_0 * 4 + i_1][k], B_packed[j_0][k][j_1], C_reg[i_1][j_1]);
                            }
                        }
                    }
                    for (int C_c0 = 0; C_c0 < 4; C_c0++) {
#if defined(_OPENMP)
                        #pragma omp simd
#endif
                        for (int C_c1 = 0; C_c1 < 16; C_c1++) {
                            C[i_0 * 4 + C_c0][j_0 * 16 + C_c1] = C_reg[C_c0][C_c1];
                        }
                    }
                }
            }
        } else {
            for (int B_p0 = 0; B_p0 < N / 16; B_p0++) {
                for (int B_p1 = 0; B_p1 < K; B_p1++) {
                    for (int B_p2 = 0; B_p2 < 16; B_p2++) {
                        B_packed[B_p0][B_p1][B_p2] = B[B_p1][B_p0 * 16 + B_p2];
                    }
                }
            }
            for (int B_p0 = N / 16; B_p0 < (N + 15) / 16; B_p0++) {
                if (B_p0 * 16 < N) {
                    for (int B_p1 = 0; B_p1 < K; B_p1++) {
                        for (int B_p2 = 0; B_p2 < (16 < N - B_p0 * 16 ? 16 : N - B_p0 * 16); B_p2++) {
                            B_packed[B_p0][B_p1][B_p2] = B[B_p1][B_p0 * 16 + B_p2];
                        }
                    }
                }
            }
#if defined(_OPENMP)
            #pragma omp parallel for if(!omp_in_parallel())
#endif
            for (int i_0 = 0; i_0 < M / 4; i_0++) {
                for (int j_0 = 0; j_0 < N / 16; j_0++) {
                    _Alignas(64) float C_reg[4][16] = {0};
#if defined(__clang__)
                    #pragma unroll 4
#elif defined(__GNUC__)
                    #pragma GCC unroll 4
#endif
                    for (int i_1_init = 0; i_1_init < 4; i_1_init++) {
#if defined(_OPENMP)
                        #pragma omp simd
#endif
                        for (int j_1_init = 0; j_1_init < 16; j_1_init++) {
                            C_reg[i_1_init][j_1_init] = 0.0f;
                        }
                    }
                    for (int k = 0; k < K; k++) {
#if defined(__clang__)
                        #pragma unroll 4
#elif defined(__GNUC__)
                        #pragma GCC unroll 4
#endif
                        for (int i_1 = 0; i_1 < 4; i_1++) {
#if defined(_OPENMP)
                            #pragma omp simd
#endif
                            for (int j_1 = 0; j_1 < 16; j_1++) {
                                C_reg[i_1][j_1] = fmaf(A[i_0 * 4 + i_1][k], B_packed[j_0][k][j_1], C_reg[i_1][j_1]);
                            }
                        }
                    }
                    for (int C_c0 = 0; C_c0 < 4; C_c0++) {
#if defined(_OPENMP)
                        #pragma omp simd
#endif
                        for (int C_c1 = 0; C_c1 < 16; C_c1++) {
                            C[i_0 * 4 + C_c0][j_0 * 16 + C_c1] = C_reg[C_c0][C_c1];
                        }
                    }
                }
                for (int j_0 = N / 16; j_0 < (N + 15) / 16; j_0++) {
                    if (j_0 * 16 < N) {
                        _Alignas(64) float C_reg[4][16] = {0};
#if defined(__clang__)
                        #pragma unroll 4
#elif defined(__GNUC__)
                        #pragma GCC unroll 4
#endif
                        for (int i_1_init = 0; i_1_init < 4; i_1_init++) {
#if defined(_OPENMP)
                            #pragma omp simd
#endif
                            for (int j_1_init = 0; j_1_init < (16 < N - j_0 * 16 ? 16 : N - j_0 * 16); j_1_init++) {
                                C_reg[i_1_init][j_1_init] = 0.0f;
                            }
                        }
                        for (int k = 0; k < K; k++) {
#if defined(__clang__)
                            #pragma unroll 4
#elif defined(__GNUC__)
                            #pragma GCC unroll 4
#endif
                            for (int i_1 = 0; i_1 < 4; i_1++) {
#if defined(_OPENMP)
                                #pragma omp simd
#endif
                                for (int j_1 = 0; j_1 < (16 < N - j_0 * 16 ? 16 : N - j_0 * 16); j_1++) {
                                    C_reg[i_1][j_1] = fmaf(A[i_0 * 4 + i_1][k], B_packed[j_0][k][j_1], C_reg[i_1][j_1]);
                                }
                            }
                        }
                        for (int C_c0 = 0; C_c0 < 4; C_c0++) {
#if defined(_OPENMP)
                            #pragma omp simd
#endif
                            for (int C_c1 = 0; C_c1 < (16 < N - j_0 * 16 ? 16 : N - j_0 * 16); C_c1++) {
                                C[i_0 * 4 + C_c0][j_0 * 16 + C_c1] = C_reg[C_c0][C_c1];
                            }
                        }
                    }
                }
            }
            for (int i_0 = M / 4; i_0 < (M + 3) / 4; i_0++) {
                if (i_0 * 4 < M) {
                    for (int j_0 = 0; j_0 < N / 16; j_0++) {
                        _Alignas(64) float C_reg[4][16] = {0};
#if defined(__clang__)
                        #pragma unroll 4
#elif defined(__GNUC__)
                        #pragma GCC unroll 4
#endif
                        for (int i_1_init = 0; i_1_init < 4; i_1_init++) {
                            if (i_0 * 4 + i_1_init < M) {
#if defined(_OPENMP)
                                #pragma omp simd
#endif
                                for (int j_1_init = 0; j_1_init < 16; j_1_init++) {
                                    C_reg[i_1_init][j_1_init] = 0.0f;
                                }
                            }
                        }
                        for (int k = 0; k < K; k++) {
#if defined(__clang__)
                            #pragma unroll 4
#elif defined(__GNUC__)
                            #pragma GCC unroll 4
#endif
                            for (int i_1 = 0; i_1 < 4; i_1++) {
                                if (i_0 * 4 + i_1 < M) {
#if defined(_OPENMP)
                                    #pragma omp simd
#endif
                                    for (int j_1 = 0; j_1 < 16; j_1++) {
                                        C_reg[i_1][j_1] = fmaf(A[i_0 * 4 + i_1][k], B_packed[j_0][k][j_1], C_reg[i_1][j_1]);
                                    }
                                }
                            }
                        }
                        for (int C_c0 = 0; C_c0 < (4 < M - i_0 * 4 ? 4 : M - i_0 * 4); C_c0++) {
#if defined(_OPENMP)
                            #pragma omp simd
#endif
                            for (int C_c1 = 0; C_c1 < 16; C_c1++) {
                                C[i_0 * 4 + C_c0][j_0 * 16 + C_c1] = C_reg[C_c0][C_c1];
                            }
                        }
                    }
                    for (int j_0 = N / 16; j_0 < (N + 15) / 16; j_0++) {
                        if (j_0 * 16 < N) {
                            _Alignas(64) float C_reg[4][16] = {0};
#if defined(__clang__)
                            #pragma unroll 4
#elif defined(__GNUC__)
                            #pragma GCC unroll 4
#endif
                            for (int i_1_init = 0; i_1_init < 4; i_1_init++) {
                                if (i_0 * 4 + i_1_init < M) {
#if defined(_OPENMP)
                                    #pragma omp simd
#endif
                                    for (int j_1_init = 0; j_1_init < (16 < N - j_0 * 16 ? 16 : N - j_0 * 16); j_1_init++) {
                                        C_reg[i_1_init][j_1_init] = 0.0f;
                                    }
                                }
                            }
                            for (int k = 0; k < K; k++) {
#if defined(__clang__)
                                #pragma unroll 4
#elif defined(__GNUC__)
                                #pragma GCC unroll 4
#endif
                                for (int i_1 = 0; i_1 < 4; i_1++) {
                                    if (i_0 * 4 + i_1 < M) {
#if defined(_OPENMP)
                                        #pragma omp simd
#endif
                                        for (int j_1 = 0; j_1 < (16 < N - j_0 * 16 ? 16 : N - j_0 * 16); j_1++) {
                                            C_reg[i_1][j_1] = fmaf(A[i_0 * 4 + i_1][k], B_packed[j_0][k][j_1], C_reg[i_1][j_1]);
                                        }
                                    }
                                }
                            }
                            for (int C_c0 = 0; C_c0 < (4 < M - i_0 * 4 ? 4 : M - i_0 * 4); C_c0++) {
#if defined(_OPENMP)
                                #pragma omp simd
#endif
                                for (int C_c1 = 0; C_c1 < (16 < N - j_0 * 16 ? 16 : N - j_0 * 16); C_c1++) {
                                    C[i_0 * 4 + C_c0][j_0 * 16 + C_c1] = C_reg[C_c0][C_c1];
                                }
                            }
                        }
                    }
                }
            }
        }
        free(B_packed_mem);
        return;
    }
    free(B_packed_mem);
    /* no memory for packing: the original loops */
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}

#pragma mscc kernel sizes(M=8, N=32)
void bias_relu(int M, int N, const float X[restrict M][N], const float b[restrict N],
               float Y[restrict M][N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("Y_1")
     *   reverse_compute_inline(b0)
     *   b1 = get_block("t")
     *   l2, l3 = get_loops(b1)
     *   parallel(l2)
     *   vectorize(l3)
     */
    if (M == 8 && N == 32) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 8; i++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < 32; j++) {
                Y[i][j] = X[i][j] + b[j] > 0.0f ? X[i][j] + b[j] : 0.0f;
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < M; i++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < N; j++) {
                Y[i][j] = X[i][j] + b[j] > 0.0f ? X[i][j] + b[j] : 0.0f;
            }
        }
    }
}

#pragma mscc kernel sizes(M=16, K=64)
void matvec(int M, int K, const double A[restrict M][K], const double x[restrict K],
            double y[restrict M])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("y_1")
     *   l1, l2 = get_loops(b0)
     *   l3, l4 = split(l2, factors=[-1, 8])
     *   b5 = rfactor(b0, l4)
     *   vectorize(l4)
     *   parallel(l1)
     */
    if (M == 16 && K == 64) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 16; i++) {
            _Alignas(64) double y_rf[8] = {0};
            for (int r = 0; r < 8; r++) {
                y_rf[r] = 0.0;
            }
            for (int k_0 = 0; k_0 < 8; k_0++) {
#if defined(_OPENMP)
                #pragma omp simd
#endif
                for (int k_1 = 0; k_1 < 8; k_1++) {
                    y_rf[k_1] = fma(A[i][k_0 * 8 + k_1], x[k_0 * 8 + k_1], y_rf[k_1]);
                }
            }
            y[i] = 0.0;
            for (int r = 0; r < 8; r++) {
                y[i] += y_rf[r];
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < M; i++) {
            _Alignas(64) double y_rf[8] = {0};
            for (int r = 0; r < 8; r++) {
                y_rf[r] = 0.0;
            }
            for (int k_0 = 0; k_0 < K / 8; k_0++) {
#if defined(_OPENMP)
                #pragma omp simd
#endif
                for (int k_1 = 0; k_1 < 8; k_1++) {
                    y_rf[k_1] = fma(A[i][k_0 * 8 + k_1], x[k_0 * 8 + k_1], y_rf[k_1]);
                }
            }
            for (int k_0 = K / 8; k_0 < (K + 7) / 8; k_0++) {
                if (k_0 * 8 < K) {
#if defined(_OPENMP)
                    #pragma omp simd
#endif
                    for (int k_1 = 0; k_1 < (8 < K - k_0 * 8 ? 8 : K - k_0 * 8); k_1++) {
                        y_rf[k_1] = fma(A[i][k_0 * 8 + k_1], x[k_0 * 8 + k_1], y_rf[k_1]);
                    }
                }
            }
            y[i] = 0.0;
            for (int r = 0; r < 8; r++) {
                y[i] += y_rf[r];
            }
        }
    }
}

#pragma mscc kernel sizes(M=8, N=32)
void smooth(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("t")
     *   l1 = sample_compute_location(b0)  # decision: [0]
     *   compute_at(b0, l1)
     *   b2 = get_block("Y_1")
     *   l3, l4 = get_loops(b2)
     *   b5 = cache_read("X", b0, l4)
     *   parallel(l3)
     */
    if (M == 8 && N == 32) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 8; i++) {
            _Alignas(64) float t[N];
            for (int j = 1; j < 31; j++) {
                _Alignas(64) float X_local[1][3] = {0};
                for (int X_local_c0 = 0; X_local_c0 < 1; X_local_c0++) {
                    if (i + X_local_c0 >= 0) {
                        for (int X_local_c1 = 0; X_local_c1 < 3; X_local_c1++) {
                            if (j + X_local_c1 - 1 >= 0) {
                                X_local[X_local_c0][X_local_c1] = X[i + X_local_c0][j + X_local_c1 - 1];
                            }
                        }
                    }
                }
                for (int t_0 = 0; t_0 < 3; t_0++) {
                    if (j + t_0 - 1 >= 0) {
                        t[j + t_0 - 1] = X_local[0][t_0] * 0.5f;
                    }
                }
                Y[i][j] = t[j - 1] + t[j] + t[j + 1];
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < M; i++) {
            _Alignas(64) float t[N];
            for (int j = 1; j < N - 1; j++) {
                _Alignas(64) float X_local[1][3] = {0};
                for (int X_local_c0 = 0; X_local_c0 < 1; X_local_c0++) {
                    if (i + X_local_c0 < M) {
                        if (i + X_local_c0 >= 0) {
                            for (int X_local_c1 = 0; X_local_c1 < (3 < N - j + 1 ? 3 : N - j + 1); X_local_c1++) {
                                if (i + X_local_c0 < M && j + X_local_c1 - 1 >= 0) {
                                    X_local[X_local_c0][X_local_c1] = X[i + X_local_c0][j + X_local_c1 - 1];
                                }
                            }
                        }
                    }
                }
                for (int t_0 = 0; t_0 < (3 < N - j + 1 ? 3 : N - j + 1); t_0++) {
                    if (j + t_0 - 1 >= 0) {
                        t[j + t_0 - 1] = X_local[0][t_0] * 0.5f;
                    }
                }
                Y[i][j] = t[j - 1] + t[j] + t[j + 1];
            }
        }
    }
}
