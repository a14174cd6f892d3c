/* depthwise conv2d NHWC, 112x112x32, 3x3, stride 1, padding 1 (the input
 * comes padded), weights HWC. 2 H W C 9 FLOPs. */
#pragma mscc kernel sizes(H = 112, W = 112, C = 32)
void dwconv(int H, int W, int C, const float In[restrict H + 2][W + 2][C],
            const float Wt[restrict 3][3][C], float Out[restrict H][W][C])
{
    for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++)
            for (int c = 0; c < C; c++) {
                Out[h][w][c] = 0.0f;
                for (int kh = 0; kh < 3; kh++)
                    for (int kw = 0; kw < 3; kw++)
                        Out[h][w][c] += In[h + kh][w + kw][c] * Wt[kh][kw][c];
            }
}
