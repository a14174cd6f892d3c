/* alias: arrays without restrict get a run-time overlap check. */
#include <stddef.h>

static int helper(int x) { return x + 1; } /* kept as it is */

#pragma mscc kernel sizes(n=100000)
void scale(size_t n, const double *x, double *y, double a)
{
    for (size_t i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

int use_helper(void) { return helper(41); }
