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
     *   parallel(l1)
     *   b4 = get_block("C_1")
     *   l5, l6, l7 = get_loops(b4)
     *   vectorize(l6)
     */
    if (M == 64 && N == 48 && K == 32) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 64; i++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < 48; j++) {
                C[i][j] = 0.0f;
                for (int k = 0; k < 32; k++) {
                    C[i][j] += A[i][k] * B[k][j];
                }
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
                C[i][j] = 0.0f;
                for (int k = 0; k < K; k++) {
                    C[i][j] += A[i][k] * B[k][j];
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
     *   vectorize(l2)
     */
    if (H == 30 && W == 40) {
        /* the tuning sizes: constant extents */
        for (int y = 1; y < 29; y++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int x = 1; x < 39; x++) {
                out[y * 40 + x] = (in[(y - 1) * 40 + x] + in[y * 40 + (x - 1)] + in[y * 40 + x] + in[y * 40 + (x + 1)] + in[(y + 1) * 40 + x]) * 0.2f;
            }
        }
    } else {
        for (int y = 1; y < H - 1; y++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int x = 1; x < W - 1; x++) {
                out[y * W + x] = (in[(y - 1) * W + x] + in[y * W + (x - 1)] + in[y * W + x] + in[y * W + (x + 1)] + in[(y + 1) * W + x]) * 0.2f;
            }
        }
    }
}
