/* An ill-conditioned kernel: Gram-Schmidt on more columns than rows. The
 * last columns are orthogonalised against a complete basis; what is left
 * of them is rounding noise, which the kernel then normalises. Any
 * reassociation (vector sums, -ffast-math) changes those columns
 * completely, and --fp-model=strict keeps every bit. */
#include <math.h>

#define M 30
#define N 40

#pragma mscc kernel
void gramschmidt(int m, int n, double A[M][N], double R[N][N], double Q[M][N])
{
    int i, j, k;
    double nrm;

    for (k = 0; k < n; k++) {
        nrm = 0.0;
        for (i = 0; i < m; i++)
            nrm += A[i][k] * A[i][k];
        R[k][k] = sqrt(nrm);
        for (i = 0; i < m; i++)
            Q[i][k] = A[i][k] / R[k][k];
        for (j = k + 1; j < n; j++) {
            R[k][j] = 0.0;
            for (i = 0; i < m; i++)
                R[k][j] += Q[i][k] * A[i][j];
            for (i = 0; i < m; i++)
                A[i][j] = A[i][j] - Q[i][k] * R[k][j];
        }
    }
}
