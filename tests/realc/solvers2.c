/* More solvers in the C89 style: Cholesky, Levinson-Durbin (a local
 * array, scalars carried across iterations), Gram-Schmidt, LU with
 * forward and backward substitution (a downward loop). */
#include "bench_style.h"

#define M 40
#define N 30
#define _PB_M m
#define _PB_N n

#pragma mscc kernel
static void kernel_cholesky(int n, DATA_TYPE ARRAY_2D(A, N, N, n, n))
{
    int i, j, k;

    for (i = 0; i < _PB_N; i++) {
        for (j = 0; j < i; j++) {
            for (k = 0; k < j; k++)
                A[i][j] -= A[i][k] * A[j][k];
            A[i][j] /= A[j][j];
        }
        for (k = 0; k < i; k++)
            A[i][i] -= A[i][k] * A[i][k];
        A[i][i] = SQRT_FUN(A[i][i]);
    }
}

#pragma mscc kernel
static void kernel_durbin(int n, DATA_TYPE ARRAY_1D(r, N, n), DATA_TYPE ARRAY_1D(y, N, n))
{
    DATA_TYPE z[N];
    DATA_TYPE alpha;
    DATA_TYPE beta;
    DATA_TYPE sum;
    int i, k;

    y[0] = -r[0];
    beta = SCALAR_VAL(1.0);
    alpha = -r[0];
    for (k = 1; k < _PB_N; k++) {
        beta = (1 - alpha * alpha) * beta;
        sum = SCALAR_VAL(0.0);
        for (i = 0; i < k; i++)
            sum += r[k - i - 1] * y[i];
        alpha = -(r[k] + sum) / beta;
        for (i = 0; i < k; i++)
            z[i] = y[i] + alpha * y[k - i - 1];
        for (i = 0; i < k; i++)
            y[i] = z[i];
        y[k] = alpha;
    }
}

#pragma mscc kernel
/* square: with more columns than rows, the last ones would be rounding
 * noise at some of the sizes the checks draw (tests/illcond has that case) */
static void kernel_gramschmidt(int n, DATA_TYPE ARRAY_2D(A, N, N, n, n),
                               DATA_TYPE ARRAY_2D(R, N, N, n, n), DATA_TYPE ARRAY_2D(Q, N, N, n, n))
{
    const int m = n;
    int i, j, k;
    DATA_TYPE nrm;

    for (k = 0; k < _PB_N; k++) {
        nrm = SCALAR_VAL(0.0);
        for (i = 0; i < _PB_M; i++)
            nrm += A[i][k] * A[i][k];
        R[k][k] = SQRT_FUN(nrm);
        for (i = 0; i < _PB_M; i++)
            Q[i][k] = A[i][k] / R[k][k];
        for (j = k + 1; j < _PB_N; j++) {
            R[k][j] = SCALAR_VAL(0.0);
            for (i = 0; i < _PB_M; i++)
                R[k][j] += Q[i][k] * A[i][j];
            for (i = 0; i < _PB_M; i++)
                A[i][j] = A[i][j] - Q[i][k] * R[k][j];
        }
    }
}

#pragma mscc kernel
static void kernel_ludcmp(int n, DATA_TYPE ARRAY_2D(A, N, N, n, n), DATA_TYPE ARRAY_1D(b, N, n),
                          DATA_TYPE ARRAY_1D(x, N, n), DATA_TYPE ARRAY_1D(y, N, n))
{
    int i, j, k;
    DATA_TYPE w;

    for (i = 0; i < _PB_N; i++) {
        for (j = 0; j < i; j++) {
            w = A[i][j];
            for (k = 0; k < j; k++)
                w -= A[i][k] * A[k][j];
            A[i][j] = w / A[j][j];
        }
        for (j = i; j < _PB_N; j++) {
            w = A[i][j];
            for (k = 0; k < i; k++)
                w -= A[i][k] * A[k][j];
            A[i][j] = w;
        }
    }
    for (i = 0; i < _PB_N; i++) {
        w = b[i];
        for (j = 0; j < i; j++)
            w -= A[i][j] * y[j];
        y[i] = w;
    }
    for (i = _PB_N - 1; i >= 0; i--) {
        w = y[i];
        for (j = i + 1; j < _PB_N; j++)
            w -= A[i][j] * x[j];
        x[i] = w / A[i][i];
    }
}

#define match(b1, b2) (((b1) + (b2)) == 3 ? 1 : 0)
#define max_score(s1, s2) ((s1 >= s2) ? s1 : s2)
typedef char base;

#pragma mscc kernel
static void kernel_nussinov(int n, base ARRAY_1D(seq, N, n), int ARRAY_2D(table, N, N, n, n))
{
    int i, j, k;

    for (i = _PB_N - 1; i >= 0; i--) {
        for (j = i + 1; j < _PB_N; j++) {
            if (j - 1 >= 0)
                table[i][j] = max_score(table[i][j], table[i][j - 1]);
            if (i + 1 < _PB_N)
                table[i][j] = max_score(table[i][j], table[i + 1][j]);
            if (j - 1 >= 0 && i + 1 < _PB_N) {
                if (i < j - 1)
                    table[i][j] =
                        max_score(table[i][j], table[i + 1][j - 1] + match(seq[i], seq[j]));
                else
                    table[i][j] = max_score(table[i][j], table[i + 1][j - 1]);
            }
            for (k = i + 1; k < j; k++)
                table[i][j] = max_score(table[i][j], table[i][k] + table[k + 1][j]);
        }
    }
}
