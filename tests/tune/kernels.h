/*
 * kernels.h - the kernel texts the tuning tests share.
 */
#ifndef MS_TESTS_TUNE_KERNELS_H
#define MS_TESTS_TUNE_KERNELS_H

/* The classic i-j-k sgemm, named NAME, with the given sizes() clause. */
#define TUNE_GEMM(NAME, SIZES)                                                                     \
    "#pragma mscc kernel sizes(" SIZES ")\n"                                                       \
    "void " NAME "(int M, int N, int K, const float A[restrict M][K],\n"                           \
    "          const float B[restrict K][N], float C[restrict M][N])\n"                            \
    "{\n"                                                                                          \
    "    for (int i = 0; i < M; i++)\n"                                                            \
    "        for (int j = 0; j < N; j++) {\n"                                                      \
    "            C[i][j] = 0.0f;\n"                                                                \
    "            for (int k = 0; k < K; k++)\n"                                                    \
    "                C[i][j] += A[i][k] * B[k][j];\n"                                              \
    "        }\n"                                                                                  \
    "}\n"

/* The machine the design-space tests assume: 2 threads, AVX-512. */
#define TUNE_ARCH2                                                                                 \
    {                                                                                              \
        2, 64, 32768, 1 << 20, 0, NULL, NULL                                                       \
    }

#endif
