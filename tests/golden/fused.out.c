#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* kernels for hand traces of the tiling primitives (fused.trace.json):
 * register tile and packing, epilogue inlining, rfactor, compute_at. */
#pragma mscc kernel sizes(M=64, N=64, K=48)
void gemm_tile(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
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
    if (M == 64 && N == 64 && K == 48) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp parallel for if(!omp_in_parallel())
#endif
        for (int i = 0; i < 64; i++) {
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < 64; j++) {
                C[i][j] = 0.0f;
                for (int k = 0; k < 48; k++) {
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

#pragma mscc kernel sizes(M=8, N=32)
void bias_relu(int M, int N, const float X[restrict M][N], const float b[restrict N],
               float Y[restrict M][N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("t")
     *   l1, l2 = get_loops(b0)
     *   vectorize(l2)
     *   b3 = get_block("Y_1")
     *   l4, l5 = get_loops(b3)
     *   vectorize(l5)
     */
    if (M == 8 && N == 32) {
        /* the tuning sizes: constant extents */
        for (int i = 0; i < 8; i++) {
            _Alignas(64) float t[N];
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < 32; j++) {
                t[j] = X[i][j] + b[j];
            }
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < 32; j++) {
                Y[i][j] = t[j] > 0.0f ? t[j] : 0.0f;
            }
        }
    } else {
        for (int i = 0; i < M; i++) {
            _Alignas(64) float t[N];
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < N; j++) {
                t[j] = X[i][j] + b[j];
            }
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < N; j++) {
                Y[i][j] = t[j] > 0.0f ? t[j] : 0.0f;
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
     *   vectorize(l1)
     */
    if (M == 16 && K == 64) {
        /* the tuning sizes: constant extents */
#if defined(_OPENMP)
        #pragma omp simd
#endif
        for (int i = 0; i < 16; i++) {
            y[i] = 0.0;
            for (int k = 0; k < 64; k++) {
                y[i] += A[i][k] * x[k];
            }
        }
    } else {
#if defined(_OPENMP)
        #pragma omp simd
#endif
        for (int i = 0; i < M; i++) {
            y[i] = 0.0;
            for (int k = 0; k < K; k++) {
                y[i] += A[i][k] * x[k];
            }
        }
    }
}

#pragma mscc kernel sizes(M=8, N=32)
void smooth(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("t")
     *   l1, l2 = get_loops(b0)
     *   vectorize(l2)
     *   b3 = get_block("Y_1")
     *   l4, l5 = get_loops(b3)
     *   vectorize(l5)
     */
    if (M == 8 && N == 32) {
        /* the tuning sizes: constant extents */
        for (int i = 0; i < 8; i++) {
            _Alignas(64) float t[N];
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < 32; j++) {
                t[j] = X[i][j] * 0.5f;
            }
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 1; j < 31; j++) {
                Y[i][j] = t[j - 1] + t[j] + t[j + 1];
            }
        }
    } else {
        for (int i = 0; i < M; i++) {
            _Alignas(64) float t[N];
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 0; j < N; j++) {
                t[j] = X[i][j] * 0.5f;
            }
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (int j = 1; j < N - 1; j++) {
                Y[i][j] = t[j - 1] + t[j] + t[j + 1];
            }
        }
    }
}
