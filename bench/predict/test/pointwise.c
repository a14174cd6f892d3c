#pragma mscc kernel sizes(CO=192, CI=128, HW=784)
void pointwise(int CO, int CI, int HW, const float X[restrict CI][HW],
               const float Wt[restrict CO][CI], float Y[restrict CO][HW])
{
    for (int o = 0; o < CO; o++)
        for (int p = 0; p < HW; p++) {
            Y[o][p] = 0.0f;
            for (int c = 0; c < CI; c++)
                Y[o][p] += Wt[o][c] * X[c][p];
        }
}
