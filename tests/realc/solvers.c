/* Solvers in the C89 style: in-place LU, a triangular solve that runs
 * backwards, a forward/backward substitution with a scalar temporary. */
#ifndef N
#define N 64
#endif

#pragma mscc kernel
void lu(int n, double A[N][N])
{
    int i, j, k;

    for (i = 0; i < n; i++) {
        for (j = 0; j < i; j++) {
            for (k = 0; k < j; k++)
                A[i][j] -= A[i][k] * A[k][j];
            A[i][j] /= A[j][j];
        }
        for (j = i; j < n; j++)
            for (k = 0; k < i; k++)
                A[i][j] -= A[i][k] * A[k][j];
    }
}

#pragma mscc kernel
void backsolve(int n, double U[N][N], double b[N], double x[N])
{
    int i, j;
    double w;

    for (i = n - 1; i >= 0; i--) {
        w = b[i];
        for (j = i + 1; j < n; j++)
            w -= U[i][j] * x[j];
        x[i] = w / U[i][i];
    }
}

#pragma mscc kernel
void trisolv(int n, double L[N][N], double x[N], double b[N])
{
    int i, j;

    for (i = 0; i < n; i++) {
        x[i] = b[i];
        for (j = 0; j < i; j++)
            x[i] -= L[i][j] * x[j];
        x[i] = x[i] / L[i][i];
    }
}
