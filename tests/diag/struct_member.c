struct opts { float scale; };

#pragma mscc kernel sizes(n=64)
void k(int n, const struct opts *o, float y[restrict n])
{
    for (int i = 0; i < n; i++)
        y[i] *= o->scale;
}
