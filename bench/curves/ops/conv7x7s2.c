/* conv2d NHWC, 224x224x3 -> 112x112x64, 7x7, stride 2, padding 3 (the
 * input comes padded: 230 x 230), weights HWIO. 2 OH OW CO CI 49 FLOPs. */
#pragma mscc kernel sizes(OH = 112, OW = 112, CI = 3, CO = 64)
void conv7x7s2(int OH, int OW, int CI, int CO, const float In[restrict 2 * OH + 6][2 * OW + 6][CI],
               const float Wt[restrict 7][7][CI][CO], float Out[restrict OH][OW][CO])
{
    for (int h = 0; h < OH; h++)
        for (int w = 0; w < OW; w++)
            for (int co = 0; co < CO; co++) {
                Out[h][w][co] = 0.0f;
                for (int kh = 0; kh < 7; kh++)
                    for (int kw = 0; kw < 7; kw++)
                        for (int ci = 0; ci < CI; ci++)
                            Out[h][w][co] += In[2 * h + kh][2 * w + kw][ci] * Wt[kh][kw][ci][co];
            }
}
