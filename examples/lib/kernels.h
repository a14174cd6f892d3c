/* kernels.h - the library's prototypes. */
#ifndef KERNELS_H
#define KERNELS_H
void matmul(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
            float C[restrict M][N]);
void scale_add(int N, float a, const float x[restrict N], float y[restrict N]);
#endif
