#include <float.h>
#include <math.h>
#include <stdint.h>

#pragma mscc kernel sizes(N0 = 3)
void rk4075119(int N0, float alpha,
        int32_t A[restrict N0],
        double *restrict B)
{
    float T2[N0 + 1];
    for (int i = 1; i < N0; i += 2) {
        for (int j = i - 2 > 0 ? i - 2 : 0; j < (i + 3 < N0 ? i + 3 : N0); j++) {
            if (j % 2 == 0 && i < N0 - 1) {
                if (j < 6) {
                    for (int k = i; k >= 0; k--) {
                        float s0 = 0.0f;
                        B[(k * (N0 + 1) + k + 1) * (N0 + 1) + k] /= 1.0 + fabs((double)s0 + ((erf(tanh(B[(j * (N0 + 1) + j) * (N0 + 1) + i])) - (tanh((double)A[N0 - 1 - j]) > 0.5 ? tanh((double)A[N0 - 1 - j]) : 0.5)) * (j >= 1 ? fabs((double)i) : (fmin(fmax((double)A[k], -4.0), 4.0) > tanh((double)A[k]) ? fmin(fmax((double)A[k], -4.0), 4.0) : tanh((double)A[k])))));
                    }
                    if (j % 2 == 0) {
                        if ((j - j) % 2 != 0) {
                            float s1 = 0.0f;
                            for (int k = 0; k <= N0 - 1; ++k) {
                                for (int l = k; l < N0; l++) {
                                    if (l <= k)
                                        s1 += fminf(fmaxf((float)A[N0 - 1 - k], -4.0f), 4.0f);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    for (int i = 0; i < N0; i++)
        T2[i] = alpha;
}
