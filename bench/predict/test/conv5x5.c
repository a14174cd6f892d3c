#pragma mscc kernel sizes(CI=16, H=32, W=32, CO=32)
void conv5x5(int CI, int H, int W, int CO, const float in[restrict CI][H + 4][W + 4],
             const float w[restrict CO][CI][5][5], float out[restrict CO][H][W])
{
    for (int co = 0; co < CO; co++)
        for (int h = 0; h < H; h++)
            for (int x = 0; x < W; x++) {
                out[co][h][x] = 0.0f;
                for (int ci = 0; ci < CI; ci++)
                    for (int r = 0; r < 5; r++)
                        for (int s = 0; s < 5; s++)
                            out[co][h][x] += in[ci][h + r][x + s] * w[co][ci][r][s];
            }
}
