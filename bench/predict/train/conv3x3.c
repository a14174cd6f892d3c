#pragma mscc kernel sizes(CI=32, H=28, W=28, CO=64)
void conv3x3(int CI, int H, int W, int CO, const float in[restrict CI][H + 2][W + 2],
             const float w[restrict CO][CI][3][3], float out[restrict CO][H][W])
{
    for (int co = 0; co < CO; co++)
        for (int h = 0; h < H; h++)
            for (int x = 0; x < W; x++) {
                out[co][h][x] = 0.0f;
                for (int ci = 0; ci < CI; ci++)
                    for (int r = 0; r < 3; r++)
                        for (int s = 0; s < 3; s++)
                            out[co][h][x] += in[ci][h + r][x + s] * w[co][ci][r][s];
            }
}
