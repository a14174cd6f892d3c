#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* integer kernels: int8 products into int32, shifts and masks. */
#include <stdint.h>

#pragma mscc kernel sizes(M=64, N=64, K=256)
void gemm_s8(int M, int N, int K, const int8_t A[restrict M][K], const int8_t B[restrict N][K],
             int32_t C[restrict M][N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("acc")
     *   l1, l2 = get_loops(b0)
     *   parallel(l1)
     *   b3 = get_block("acc_1")
     *   l4, l5, l6 = get_loops(b3)
     *   vectorize(l6)
     */
    if (M == 64 && N == 64 && K == 256) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 64; j++) {
                int32_t acc = 0;
#if defined(_OPENMP)
                #pragma omp simd reduction(+:acc)
#endif
                for (int k = 0; k < 256; k++) {
                    acc += (int32_t)A[i][k] * (int32_t)B[j][k];
                }
                C[i][j] = acc;
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                int32_t acc = 0;
#if defined(_OPENMP)
                #pragma omp simd reduction(+:acc)
#endif
                for (int k = 0; k < K; k++) {
                    acc += (int32_t)A[i][k] * (int32_t)B[j][k];
                }
                C[i][j] = acc;
            }
        }
    }
}

#pragma mscc kernel sizes(N=4096)
void pack(int N, const uint16_t a[restrict N], uint8_t lo[restrict N], uint8_t hi[restrict N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("lo")
     *   l1 = get_loops(b0)
     *   vectorize(l1)
     */
    if (N == 4096) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp simd
#endif
        for (int i = 0; i < 4096; i++) {
            lo[i] = (uint8_t)(a[i] & 255);
            hi[i] = (uint8_t)(a[i] >> 8);
        }
    } else {
#if defined(_OPENMP)
        #pragma omp simd
#endif
        for (int i = 0; i < N; i++) {
            lo[i] = (uint8_t)(a[i] & 255);
            hi[i] = (uint8_t)(a[i] >> 8);
        }
    }
}
