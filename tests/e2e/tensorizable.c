/* Products whose tuning sizes the micro-kernels' shapes divide (AVX-512
 * 8x32, AVX2 6x16, NEON 8x12), for the default schedule of a target with
 * them: it tensorizes each, and must match the loops as written at these
 * sizes and at others. */
#pragma mscc kernel sizes(M = 48, N = 96, K = 33)
void gemm_nn(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
             float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}

/* NHWC, weights HWIO, no padding: i = ow, j = co, k = ci inside kh, kw */
#pragma mscc kernel sizes(OH = 5, OW = 24, CI = 5, CO = 96)
void conv_nhwc(int OH, int OW, int CI, int CO, const float X[restrict OH + 2][OW + 2][CI],
               const float F[restrict 3][3][CI][CO], float Y[restrict OH][OW][CO])
{
    for (int oh = 0; oh < OH; oh++)
        for (int ow = 0; ow < OW; ow++)
            for (int co = 0; co < CO; co++) {
                float acc = 0.0f;
                for (int kh = 0; kh < 3; kh++)
                    for (int kw = 0; kw < 3; kw++)
                        for (int ci = 0; ci < CI; ci++)
                            acc += X[oh + kh][ow + kw][ci] * F[kh][kw][ci][co];
                Y[oh][ow][co] = acc;
            }
}

#pragma mscc kernel sizes(NB = 3, M = 24, N = 96, K = 17)
void batched(int NB, int M, int N, int K, const float A[restrict NB][M][K],
             const float B[restrict NB][K][N], float C[restrict NB][M][N])
{
    for (int b = 0; b < NB; b++)
        for (int i = 0; i < M; i++)
            for (int j = 0; j < N; j++) {
                float s = 0.0f;
                for (int k = 0; k < K; k++)
                    s += A[b][i][k] * B[b][k][j];
                C[b][i][j] = s;
            }
}
