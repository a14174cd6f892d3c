#if defined(_OPENMP)
#include <omp.h> /* added by mscc: omp_in_parallel() in tuned kernels */
#endif
/* alias: arrays without restrict get a run-time overlap check. */
#include <stddef.h>

static int helper(int x) { return x + 1; } /* kept as it is */

#pragma mscc kernel sizes(n=100000)
void scale(size_t n, const double *x, double *y, double a)
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("y")
     *   l1 = get_loops(b0)
     *   parallel(l1)
     *   vectorize(l1)
     */
    /* the bytes each array may touch (they are not restrict): the tuned loops
     * run when no written one meets another */
    const char *const mscc_x_begin = (const char *)x, *const mscc_x_end =
        mscc_x_begin + sizeof(double) * (n > 0 ? n : 0);
    const char *const mscc_y_begin = (const char *)y, *const mscc_y_end =
        mscc_y_begin + sizeof(double) * (n > 0 ? n : 0);
    const int mscc_overlap =
        (mscc_y_begin < mscc_x_end && mscc_x_begin < mscc_y_end);
    if (!mscc_overlap) {
        if (n == 100000) {
            /* the tuning sizes: constant extents */
#if defined(_OPENMP)
            #pragma omp parallel for simd if(!omp_in_parallel())
#endif
            for (size_t i = 0; i < 100000; i++) {
                y[i] = a * x[i] + y[i];
            }
        } else {
#if defined(_OPENMP)
            #pragma omp parallel for simd if(!omp_in_parallel())
#endif
            for (size_t i = 0; i < n; i++) {
                y[i] = a * x[i] + y[i];
            }
        }
        return;
    }
    /* the arrays overlap: the original loops, in their order */
    for (size_t i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

int use_helper(void) { return helper(41); }
