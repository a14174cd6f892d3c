/* main.c - uses the tuned library and prints a checksum. */
#include "kernels.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    enum { n = 128 };
    static float A[n][n], B[n][n], C[n][n], x[n * n], y[n * n];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            A[i][j] = (float)((i + 2 * j) % 7) - 3.0f;
            B[i][j] = (float)((3 * i + j) % 5) - 2.0f;
        }
    matmul(n, n, n, A, B, C);
    for (int i = 0; i < n * n; i++) {
        x[i] = C[i / n][i % n];
        y[i] = 1.0f;
    }
    scale_add(n * n, 0.5f, x, y);
    double sum = 0;
    for (int i = 0; i < n * n; i++)
        sum += y[i];
    printf("checksum %.1f\n", sum);
    return 0;
}
