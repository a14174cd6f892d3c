/* row-wise kernels: softmax with a local array, layernorm, rowsum, dense+bias+relu, the two
 * GELUs (erff and tanhf: mscc's vector math in SIMD loops). */
#include <math.h>

enum { SN = 77 };

#pragma mscc kernel sizes(M = 33)
void softmax(int M, const float X[restrict M][SN], float Y[restrict M][SN])
{
    float e[SN];
    for (int i = 0; i < M; i++) {
        float mx = X[i][0];
        for (int j = 1; j < SN; j++)
            mx = fmaxf(mx, X[i][j]);
        for (int j = 0; j < SN; j++)
            e[j] = expf(X[i][j] - mx);
        float sum = 0.0f;
        for (int j = 0; j < SN; j++)
            sum += e[j];
        for (int j = 0; j < SN; j++)
            Y[i][j] = e[j] / sum;
    }
}

#pragma mscc kernel sizes(M = 40, N = 70)
void layernorm(long M, long N, float eps, const float *restrict X, const float *restrict gamma,
               const float *restrict beta, float *restrict Y)
{
    for (long i = 0; i < M; i++) {
        float sum = 0.0f;
        for (long j = 0; j < N; j++)
            sum += X[i * N + j];
        float mean = sum / (float)N;
        float sq = 0.0f;
        for (long j = 0; j < N; j++)
            sq += (X[i * N + j] - mean) * (X[i * N + j] - mean);
        float rstd = 1.0f / sqrtf(sq / (float)N + eps);
        for (long j = 0; j < N; j++)
            Y[i * N + j] = (X[i * N + j] - mean) * rstd * gamma[j] + beta[j];
    }
}

#pragma mscc kernel sizes(M = 50, N = 61)
void rowsum(int M, int N, const float A[static restrict M][N], float out[static restrict M])
{
    for (int i = 0; i <= M - 1; ++i) {
        out[i] = 0.0f;
        for (int j = 0; j <= N - 1; ++j)
            out[i] += A[i][j];
    }
}

#pragma mscc kernel sizes(M = 20, N = 30, K = 40)
void dense_relu(int M, int N, int K, const float X[restrict M][K], const float W[restrict N][K],
                const float bias[restrict N], float Y[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            Y[i][j] = bias[j];
            for (int k = 0; k < K; k++)
                Y[i][j] += X[i][k] * W[j][k];
        }
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            Y[i][j] = Y[i][j] > 0.0f ? Y[i][j] : 0.0f;
}

/* full reductions: no spatial loop to run in parallel (add-rfactor) */
#pragma mscc kernel sizes(N = 3000)
void dot(int N, const float x[restrict N], const float y[restrict N], float out[restrict 1])
{
    float s = 0.0f;
    for (int i = 0; i < N; i++)
        s += x[i] * y[i];
    out[0] = s;
}

#pragma mscc kernel sizes(M = 30, N = 50)
void total(int M, int N, const double A[restrict M][N], double out[restrict 1])
{
    out[0] = 0.0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            out[0] += A[i][j];
}

#pragma mscc kernel sizes(N = 1000)
void isum(int N, const int x[restrict N], long long out[restrict 1])
{
    long long s = 0;
    for (int i = 0; i < N; i++)
        s += x[i];
    out[0] = s;
}

/* scalar accumulators finished on their way out: the copy stays as an
 * epilogue in place (merge_accumulator) and the product tiles, W packed
 * transposed */
#pragma mscc kernel sizes(M = 20, N = 30, K = 40)
void dense_acc_relu(int M, int N, int K, const float X[restrict M][K],
                    const float W[restrict N][K], const float bias[restrict N],
                    float Y[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float acc = bias[j];
            for (int k = 0; k < K; k++)
                acc += X[i][k] * W[j][k];
            Y[i][j] = acc > 0.0f ? acc : 0.0f;
        }
}

#pragma mscc kernel sizes(M = 24, N = 20, K = 16)
void gemm_scaled(int M, int N, int K, float alpha, const float A[restrict M][K],
                 const float B[restrict K][N], const float scale[restrict N],
                 float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float s = 0.0f;
            for (int k = 0; k < K; k++)
                s += A[i][k] * B[k][j];
            C[i][j] = alpha * s * scale[j];
        }
}

#pragma mscc kernel sizes(M = 33, N = 64)
void row_rms(int M, int N, const double X[restrict M][N], double out[restrict M])
{
    for (int i = 0; i < M; i++) {
        double s = 0.0;
        for (int j = 0; j < N; j++)
            s += X[i][j] * X[i][j];
        out[i] = sqrt(s / (N > 0 ? N : 1));
    }
}

/* the epilogue reads the old output: the accumulator stays a scalar */
#pragma mscc kernel sizes(M = 40, N = 36)
void gemv_ab(int M, int N, float alpha, float beta, const float A[restrict M][N],
             const float x[restrict N], float y[restrict M])
{
    for (int i = 0; i < M; i++) {
        float s = 0.0f;
        for (int j = 0; j < N; j++)
            s += A[i][j] * x[j];
        y[i] = alpha * s + beta * y[i];
    }
}

#pragma mscc kernel sizes(M = 37, N = 53)
void gelu(int M, int N, const float X[restrict M][N], float Y[restrict M][N],
          float T[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            Y[i][j] = 0.5f * X[i][j] * (1.0f + erff(X[i][j] * 0.70710678f));
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++)
            T[i][j] = 0.5f * X[i][j] *
                      (1.0f + tanhf(0.79788456f * (X[i][j] + 0.044715f * X[i][j] * X[i][j] * X[i][j])));
}
