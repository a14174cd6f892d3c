/* conv2d NHWC, 56x56x64 -> 64, 3x3, stride 1, padding 1 (the input comes
 * padded: H+2 x W+2), weights HWIO. 2 H W CO CI 9 FLOPs. */
#pragma mscc kernel sizes(H = 56, W = 56, CI = 64, CO = 64)
void conv3x3(int H, int W, int CI, int CO, const float In[restrict H + 2][W + 2][CI],
             const float Wt[restrict 3][3][CI][CO], float Out[restrict H][W][CO])
{
    for (int h = 0; h < H; h++)
        for (int w = 0; w < W; w++)
            for (int co = 0; co < CO; co++) {
                Out[h][w][co] = 0.0f;
                for (int kh = 0; kh < 3; kh++)
                    for (int kw = 0; kw < 3; kw++)
                        for (int ci = 0; ci < CI; ci++)
                            Out[h][w][co] += In[h + kh][w + kw][ci] * Wt[kh][kw][ci][co];
            }
}
