/* Matrix and vector kernels in the C89 style of benchmark suites, with
 * macro-spelled array parameters, `static`, and #pragma scop markers. */
#include "bench_style.h"

#define M 36
#define N 44
#define P 28
#define Q 20
#define R 12
#define _PB_M m
#define _PB_N n

#pragma mscc kernel
static void kernel_gemver(int n, DATA_TYPE alpha, DATA_TYPE beta, DATA_TYPE ARRAY_2D(A, N, N, n, n),
                          DATA_TYPE ARRAY_1D(u1, N, n), DATA_TYPE ARRAY_1D(v1, N, n),
                          DATA_TYPE ARRAY_1D(u2, N, n), DATA_TYPE ARRAY_1D(v2, N, n),
                          DATA_TYPE ARRAY_1D(w, N, n), DATA_TYPE ARRAY_1D(x, N, n),
                          DATA_TYPE ARRAY_1D(y, N, n), DATA_TYPE ARRAY_1D(z, N, n))
{
    int i, j;

#pragma scop
    for (i = 0; i < _PB_N; i++)
        for (j = 0; j < _PB_N; j++)
            A[i][j] = A[i][j] + u1[i] * v1[j] + u2[i] * v2[j];
    for (i = 0; i < _PB_N; i++)
        for (j = 0; j < _PB_N; j++)
            x[i] = x[i] + beta * A[j][i] * y[j];
    for (i = 0; i < _PB_N; i++)
        x[i] = x[i] + z[i];
    for (i = 0; i < _PB_N; i++)
        for (j = 0; j < _PB_N; j++)
            w[i] = w[i] + alpha * A[i][j] * x[j];
#pragma endscop
}

#pragma mscc kernel
static void kernel_gesummv(int n, DATA_TYPE alpha, DATA_TYPE beta,
                           DATA_TYPE ARRAY_2D(A, N, N, n, n), DATA_TYPE ARRAY_2D(B, N, N, n, n),
                           DATA_TYPE ARRAY_1D(tmp, N, n), DATA_TYPE ARRAY_1D(x, N, n),
                           DATA_TYPE ARRAY_1D(y, N, n))
{
    int i, j;

    for (i = 0; i < _PB_N; i++) {
        tmp[i] = SCALAR_VAL(0.0);
        y[i] = SCALAR_VAL(0.0);
        for (j = 0; j < _PB_N; j++) {
            tmp[i] = A[i][j] * x[j] + tmp[i];
            y[i] = B[i][j] * x[j] + y[i];
        }
        y[i] = alpha * tmp[i] + beta * y[i];
    }
}

#pragma mscc kernel
static void kernel_symm(int m, int n, DATA_TYPE alpha, DATA_TYPE beta,
                        DATA_TYPE ARRAY_2D(C, M, N, m, n), DATA_TYPE ARRAY_2D(A, M, M, m, m),
                        DATA_TYPE ARRAY_2D(B, M, N, m, n))
{
    int i, j, k;
    DATA_TYPE temp2;

    for (i = 0; i < _PB_M; i++)
        for (j = 0; j < _PB_N; j++) {
            temp2 = 0;
            for (k = 0; k < i; k++) {
                C[k][j] += alpha * B[i][j] * A[i][k];
                temp2 += B[k][j] * A[i][k];
            }
            C[i][j] = beta * C[i][j] + alpha * B[i][j] * A[i][i] + alpha * temp2;
        }
}

#pragma mscc kernel
static void kernel_syr2k(int n, int m, DATA_TYPE alpha, DATA_TYPE beta,
                         DATA_TYPE ARRAY_2D(C, N, N, n, n), DATA_TYPE ARRAY_2D(A, N, M, n, m),
                         DATA_TYPE ARRAY_2D(B, N, M, n, m))
{
    int i, j, k;

    for (i = 0; i < _PB_N; i++) {
        for (j = 0; j <= i; j++)
            C[i][j] *= beta;
        for (k = 0; k < _PB_M; k++)
            for (j = 0; j <= i; j++)
                C[i][j] += A[j][k] * alpha * B[i][k] + B[j][k] * alpha * A[i][k];
    }
}

#pragma mscc kernel
static void kernel_trmm(int m, int n, DATA_TYPE alpha, DATA_TYPE ARRAY_2D(A, M, M, m, m),
                        DATA_TYPE ARRAY_2D(B, M, N, m, n))
{
    int i, j, k;

    for (i = 0; i < _PB_M; i++)
        for (j = 0; j < _PB_N; j++) {
            for (k = i + 1; k < _PB_M; k++)
                B[i][j] += A[k][i] * B[k][j];
            B[i][j] = alpha * B[i][j];
        }
}

#pragma mscc kernel
static void kernel_2mm(int ni, int nj, int nk, int nl, DATA_TYPE alpha, DATA_TYPE beta,
                       DATA_TYPE ARRAY_2D(tmp, M, N, ni, nj), DATA_TYPE ARRAY_2D(A, M, P, ni, nk),
                       DATA_TYPE ARRAY_2D(B, P, N, nk, nj), DATA_TYPE ARRAY_2D(C, N, Q, nj, nl),
                       DATA_TYPE ARRAY_2D(D, M, Q, ni, nl))
{
    int i, j, k;

    for (i = 0; i < ni; i++)
        for (j = 0; j < nj; j++) {
            tmp[i][j] = SCALAR_VAL(0.0);
            for (k = 0; k < nk; ++k)
                tmp[i][j] += alpha * A[i][k] * B[k][j];
        }
    for (i = 0; i < ni; i++)
        for (j = 0; j < nl; j++) {
            D[i][j] *= beta;
            for (k = 0; k < nj; ++k)
                D[i][j] += tmp[i][k] * C[k][j];
        }
}

#pragma mscc kernel
static void kernel_3mm(int ni, int nj, int nk, int nl, int nm, DATA_TYPE ARRAY_2D(E, M, N, ni, nj),
                       DATA_TYPE ARRAY_2D(A, M, P, ni, nk), DATA_TYPE ARRAY_2D(B, P, N, nk, nj),
                       DATA_TYPE ARRAY_2D(F, N, Q, nj, nl), DATA_TYPE ARRAY_2D(C, N, R, nj, nm),
                       DATA_TYPE ARRAY_2D(D, R, Q, nm, nl), DATA_TYPE ARRAY_2D(G, M, Q, ni, nl))
{
    int i, j, k;

    for (i = 0; i < ni; i++)
        for (j = 0; j < nj; j++) {
            E[i][j] = SCALAR_VAL(0.0);
            for (k = 0; k < nk; ++k)
                E[i][j] += A[i][k] * B[k][j];
        }
    for (i = 0; i < nj; i++)
        for (j = 0; j < nl; j++) {
            F[i][j] = SCALAR_VAL(0.0);
            for (k = 0; k < nm; ++k)
                F[i][j] += C[i][k] * D[k][j];
        }
    for (i = 0; i < ni; i++)
        for (j = 0; j < nl; j++) {
            G[i][j] = SCALAR_VAL(0.0);
            for (k = 0; k < nj; ++k)
                G[i][j] += E[i][k] * F[k][j];
        }
}

#pragma mscc kernel
static void kernel_atax(int m, int n, DATA_TYPE ARRAY_2D(A, M, N, m, n), DATA_TYPE ARRAY_1D(x, N, n),
                        DATA_TYPE ARRAY_1D(y, N, n), DATA_TYPE ARRAY_1D(tmp, M, m))
{
    int i, j;

    for (i = 0; i < _PB_N; i++)
        y[i] = 0;
    for (i = 0; i < _PB_M; i++) {
        tmp[i] = SCALAR_VAL(0.0);
        for (j = 0; j < _PB_N; j++)
            tmp[i] = tmp[i] + A[i][j] * x[j];
        for (j = 0; j < _PB_N; j++)
            y[j] = y[j] + A[i][j] * tmp[i];
    }
}

#pragma mscc kernel
static void kernel_bicg(int m, int n, DATA_TYPE ARRAY_2D(A, N, M, n, m), DATA_TYPE ARRAY_1D(s, M, m),
                        DATA_TYPE ARRAY_1D(q, N, n), DATA_TYPE ARRAY_1D(p, M, m),
                        DATA_TYPE ARRAY_1D(r, N, n))
{
    int i, j;

    for (i = 0; i < _PB_M; i++)
        s[i] = 0;
    for (i = 0; i < _PB_N; i++) {
        q[i] = SCALAR_VAL(0.0);
        for (j = 0; j < _PB_M; j++) {
            s[j] = s[j] + r[i] * A[i][j];
            q[i] = q[i] + A[i][j] * p[j];
        }
    }
}

#pragma mscc kernel
static void kernel_doitgen(int nr, int nq, int np, DATA_TYPE ARRAY_3D(A, R, Q, P, nr, nq, np),
                           DATA_TYPE ARRAY_2D(C4, P, P, np, np), DATA_TYPE ARRAY_1D(sum, P, np))
{
    int r, q, p, s;

    for (r = 0; r < nr; r++)
        for (q = 0; q < nq; q++) {
            for (p = 0; p < np; p++) {
                sum[p] = SCALAR_VAL(0.0);
                for (s = 0; s < np; s++)
                    sum[p] += A[r][q][s] * C4[s][p];
            }
            for (p = 0; p < np; p++)
                A[r][q][p] = sum[p];
        }
}

#pragma mscc kernel
static void kernel_mvt(int n, DATA_TYPE ARRAY_1D(x1, N, n), DATA_TYPE ARRAY_1D(x2, N, n),
                       DATA_TYPE ARRAY_1D(y_1, N, n), DATA_TYPE ARRAY_1D(y_2, N, n),
                       DATA_TYPE ARRAY_2D(A, N, N, n, n))
{
    int i, j;

    for (i = 0; i < _PB_N; i++)
        for (j = 0; j < _PB_N; j++)
            x1[i] = x1[i] + A[i][j] * y_1[j];
    for (i = 0; i < _PB_N; i++)
        for (j = 0; j < _PB_N; j++)
            x2[i] = x2[i] + A[j][i] * y_2[j];
}

#pragma mscc kernel
static void kernel_correlation(int m, int n, DATA_TYPE float_n, DATA_TYPE ARRAY_2D(data, N, M, n, m),
                               DATA_TYPE ARRAY_2D(corr, M, M, m, m), DATA_TYPE ARRAY_1D(mean, M, m),
                               DATA_TYPE ARRAY_1D(stddev, M, m))
{
    int i, j, k;
    DATA_TYPE eps = SCALAR_VAL(0.1);

    for (j = 0; j < _PB_M; j++) {
        mean[j] = SCALAR_VAL(0.0);
        for (i = 0; i < _PB_N; i++)
            mean[j] += data[i][j];
        mean[j] /= float_n;
    }
    for (j = 0; j < _PB_M; j++) {
        stddev[j] = SCALAR_VAL(0.0);
        for (i = 0; i < _PB_N; i++)
            stddev[j] += (data[i][j] - mean[j]) * (data[i][j] - mean[j]);
        stddev[j] /= float_n;
        stddev[j] = SQRT_FUN(stddev[j]);
        stddev[j] = stddev[j] <= eps ? SCALAR_VAL(1.0) : stddev[j];
    }
    for (i = 0; i < _PB_N; i++)
        for (j = 0; j < _PB_M; j++) {
            data[i][j] -= mean[j];
            data[i][j] /= SQRT_FUN(float_n) * stddev[j];
        }
    for (i = 0; i < _PB_M - 1; i++) {
        corr[i][i] = SCALAR_VAL(1.0);
        for (j = i + 1; j < _PB_M; j++) {
            corr[i][j] = SCALAR_VAL(0.0);
            for (k = 0; k < _PB_N; k++)
                corr[i][j] += (data[k][i] * data[k][j]);
            corr[j][i] = corr[i][j];
        }
    }
    corr[_PB_M - 1][_PB_M - 1] = SCALAR_VAL(1.0);
}
