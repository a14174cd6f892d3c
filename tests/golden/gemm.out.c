#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* gemm: the classic i-j-k nest with C99 array parameters. */
#pragma mscc kernel sizes(M=512, N=512, K=512)
void gemm(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
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
    if (M == 512 && N == 512 && K == 512) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 512; i++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < 512; j++) {
                C[i][j] = 0.0f;
                for (int k = 0; k < 512; k++) {
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
