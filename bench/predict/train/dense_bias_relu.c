#pragma mscc kernel sizes(M=128, N=512, K=512)
void dense_bias_relu(int M, int N, int K, const float X[restrict M][K],
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
