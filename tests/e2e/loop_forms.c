/* Loop headers as existing C writes them: counters declared first, downward
 * and strided loops, several counters in one header, the unsigned
 * count-down idiom, '!=' tests, counters read after their loops, chained
 * and comma assignments, ++ on elements, pointers to rows. */
#include <stddef.h>

#pragma mscc kernel sizes(n = 37)
void reverse_copy(int n, const float x[restrict n], float y[restrict n])
{
    int i, j;
    for (i = 0, j = n - 1; j >= 0; i++, j--)
        y[i] = x[j];
}

#pragma mscc kernel sizes(n = 41)
void strided(int n, float y[restrict n], float z[restrict n])
{
    int i;
    for (i = 1; i < n; i += 3)
        y[i] = 2.0f * y[i - 1];
    for (i = n - 1; i > 0; i -= 2)
        z[i] += 1.0f;
    for (i = 0; i != n + n; i += 2) /* the step divides the range */
        z[i / 2] = z[i / 2] * 0.5f;
}

#pragma mscc kernel sizes(n = 29)
void count_down(size_t n, const double x[restrict n], double y[restrict n])
{
    for (size_t i = n; i-- > 0;)
        y[i] = x[i] + (double)i;
}

#pragma mscc kernel sizes(n = 33, m = 9)
void after_loop(int n, int m, float y[restrict n], float z[restrict n])
{
    int i, k;
    for (i = 0; i < n - m; i++)
        y[i] = 1.0f;
    for (k = 0; i < n; i++, k++) /* i goes on from where the first loop left it */
        y[i] = (float)k;
    z[0] = (float)i;
}

#pragma mscc kernel sizes(n = 31)
void recurrence_down(int n, double x[restrict n])
{
    int i;
    /* carries a dependence: must stay serial and in order */
    for (i = n - 2; i >= 0; --i)
        x[i] = x[i] - 0.5 * x[i + 1];
}

/* unsigned c: c[i] <<= 1 of a negative int is undefined (UBSan on the
 * e2e harnesses said so) */
#pragma mscc kernel sizes(n = 23)
void chained(int n, float a[restrict n], float b[restrict n], unsigned c[restrict n])
{
    int i;
    float s, t;
    s = t = 0.0f;
#pragma scop
    for (i = 0; i < n; i++) {
        a[i] = b[i] = (float)i * 0.25f;
        s += a[i], t -= b[i];
        c[i]++;
        c[i] <<= 1;
        a[i] = a[i] * s + t;
    }
#pragma endscop
}

#pragma mscc kernel sizes(n = 19)
void rows(int n, double (*A)[19], const double (*B)[19])
{
    int i, j;
    for (i = n - 1; i >= 0; i--)
        for (j = 0; j < 19; j++)
            A[i][j] += B[i][18 - j];
}

#pragma mscc kernel sizes(N=45, B=6)
void band_na(int N, int B, const float *x, float *z, float *w)
{
    /* min and max bounds over arrays without restrict: the overlap check
     * bounds them (z and w reach N, not N + B) */
    int i, j;
    for (i = 0; i < N; i++)
        for (j = i; j < (i + B < N ? i + B : N); j++)
            z[j] += x[i] * (float)(j - i + 1);
    for (i = 0; i < N; i++)
        for (j = (i - B > 0 ? i - B : 0); j <= i; j++)
            w[i] += x[j];
}
