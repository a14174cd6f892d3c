/* tiled: kernels scheduled by the hand traces in tiled.trace.json. */
#pragma mscc kernel sizes(M=64, N=48, K=32)
void gemm_t(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
            float C[restrict M][N])
{
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            C[i][j] = 0.0f;
            for (int k = 0; k < K; k++)
                C[i][j] += A[i][k] * B[k][j];
        }
}

#pragma mscc kernel sizes(H=30, W=40)
void blur(int H, int W, const float *restrict in, float *restrict out)
{
    for (int y = 1; y < H - 1; y++)
        for (int x = 1; x < W - 1; x++)
            out[y * W + x] = (in[(y - 1) * W + x] + in[y * W + x - 1] + in[y * W + x] +
                              in[y * W + x + 1] + in[(y + 1) * W + x]) * 0.2f;
}
