/*
 * check.c - a program linked with the kernel library that mscc --lib made
 * of kernels.c and with the original kernels (kernels.c compiled with
 * their names prefixed ref_): each kernel at the sizes of sizes.json (the
 * variants), its tuning sizes and odd ones (the general path) must give
 * the original's answer. Prints one line per call; exits 1 on a mismatch.
 */
#include "kl.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

void ref_gemm(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
              float C[restrict M][N]);
void ref_softmax(int R, int L, const float X[restrict R][L], float Y[restrict R][L]);
void ref_scale_channels(int n, const float w[CH], float *restrict x);
void ref_fir(int n, const real x[restrict n + TAPS - 1], const real h[TAPS], real y[restrict n]);

static unsigned state = 12345;

static float *random_floats(size_t n)
{
    float *p = malloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        state = state * 1103515245u + 12345u;
        p[i] = (float)((state >> 8) & 0xffff) / 65536.0f - 0.5f;
    }
    return p;
}

static int failures;

static void compare(const char *what, int a, int b, int c, const float *ref, const float *got,
                    size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)ref[i] - got[i]) / (fabs(ref[i]) > 1 ? fabs(ref[i]) : 1);
        worst = e > worst || isnan(e) ? e : worst;
    }
    int ok = !(worst > 1e-4);
    failures += !ok;
    printf("%s %d %d %d: %s (worst %.2g)\n", what, a, b, c, ok ? "ok" : "MISMATCH", worst);
}

static void gemm_at(int M, int N, int K)
{
    float *A = random_floats((size_t)M * K), *B = random_floats((size_t)K * N);
    float *C = random_floats((size_t)M * N), *R = random_floats((size_t)M * N);
    ref_gemm(M, N, K, (const float(*)[K])A, (const float(*)[N])B, (float(*)[N])R);
    gemm(M, N, K, (const float(*)[K])A, (const float(*)[N])B, (float(*)[N])C);
    compare("gemm", M, N, K, R, C, (size_t)M * N);
    free(A), free(B), free(C), free(R);
}

static void softmax_at(int Rows, int L)
{
    float *X = random_floats((size_t)Rows * L);
    float *Y = random_floats((size_t)Rows * L), *R = random_floats((size_t)Rows * L);
    ref_softmax(Rows, L, (const float(*)[L])X, (float(*)[L])R);
    softmax(Rows, L, (const float(*)[L])X, (float(*)[L])Y);
    compare("softmax", Rows, L, 0, R, Y, (size_t)Rows * L);
    free(X), free(Y), free(R);
}

static void scale_at(int n)
{
    float *w = random_floats(CH), *x = random_floats((size_t)n * CH);
    float *r = malloc(((size_t)n * CH + 1) * sizeof *r);
    for (size_t i = 0; i < (size_t)n * CH; i++)
        r[i] = x[i];
    ref_scale_channels(n, w, r);
    scale_channels(n, w, x);
    compare("scale_channels", n, CH, 0, r, x, (size_t)n * CH);
    free(w), free(x), free(r);
}

static void fir_at(int n)
{
    float *x = random_floats((size_t)n + TAPS - 1), *h = random_floats(TAPS);
    float *y = random_floats((size_t)n), *r = random_floats((size_t)n);
    ref_fir(n, x, h, r);
    fir(n, x, h, y);
    compare("fir", n, TAPS, 0, r, y, (size_t)n);
    free(x), free(h), free(y), free(r);
}

int main(void)
{
    /* the sets of sizes.json, the pragma's, and others */
    int gemms[][3] = {{64, 48, 32}, {128, 128, 128}, {7, 5, 3}, {1, 1, 1},   {0, 4, 4},
                      {33, 17, 9},  {128, 128, 127}, {7, 5, 4}, {65, 48, 32}};
    for (size_t i = 0; i < sizeof gemms / sizeof gemms[0]; i++)
        gemm_at(gemms[i][0], gemms[i][1], gemms[i][2]);
    int softmaxes[][2] = {{4, 1000}, {16, 100}, {3, 999}, {1, 1}, {5, 17}};
    for (size_t i = 0; i < sizeof softmaxes / sizeof softmaxes[0]; i++)
        softmax_at(softmaxes[i][0], softmaxes[i][1]);
    int scales[] = {64, 0, 1, 63, 100};
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++)
        scale_at(scales[i]);
    int firs[] = {100, 0, 1, 37};
    for (size_t i = 0; i < sizeof firs / sizeof firs[0]; i++)
        fir_at(firs[i]);
    return failures ? 1 : 0;
}
