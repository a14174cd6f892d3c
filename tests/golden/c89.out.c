/* c89: numerical C as it is commonly written. No sizes() clause: ni, nj and
 * nk come from the arrays they bound; counters declared first, of several
 * types; a downward loop over a normalised counter; several counters in one
 * header; a counter read after its loop; a chained assignment. */
#define NI 40
#define NJ 50
#define NK 60

#pragma mscc kernel
void scale_rows(int ni, int nj, long nk, double alpha, double C[NI][NJ], double A[NI][NK],
                double rev[NK])
{
    /* tuned by mscc 0.1.0; the schedule, replayable with --trace:
     *   b0 = get_block("C")
     *   l1, l2 = get_loops(b0)
     *   vectorize(l2)
     *   b3 = get_block("rev_1")
     *   l4 = get_loops(b3)
     *   vectorize(l4)
     */
    /* the bytes each array may touch (they are not restrict): the tuned loops
     * run when no written one meets another */
    const char *const mscc_C_begin = (const char *)C, *const mscc_C_end =
        mscc_C_begin + sizeof(double) * (ni * 50 + nj - 50 > 1 ? ni * 50 + nj - 50 : 1);
    const char *const mscc_A_begin = (const char *)A, *const mscc_A_end =
        mscc_A_begin + sizeof(double) * ((nk > ni * 59 + nk - 59 ? nk : ni * 59 + nk - 59) > 0 ? (nk > ni * 59 + nk - 59 ? nk : ni * 59 + nk - 59) : 0);
    const char *const mscc_rev_begin = (const char *)rev, *const mscc_rev_end =
        mscc_rev_begin + sizeof(double) * (nk > 0 ? nk : 0);
    const int mscc_overlap =
        (mscc_C_begin < mscc_A_end && mscc_A_begin < mscc_C_end) ||
        (mscc_C_begin < mscc_rev_end && mscc_rev_begin < mscc_C_end) ||
        (mscc_A_begin < mscc_rev_end && mscc_rev_begin < mscc_A_end);
    if (!mscc_overlap) {
        if (ni == 40 && nj == 50 && nk == 60) {
            /* the tuning sizes: constant extents */
            double t = 0;
            double u = 0;
            for (int i = 0; i < 40; i++) {
#if defined(_OPENMP)
                #pragma omp simd
#endif
                for (unsigned int j = 0; j < 50; j++) {
                    C[i][j] *= alpha;
                }
            }
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (long k_t = 0; k_t < 60; k_t++) {
                rev[59 - k_t] = A[0][k_t];
            }
            for (int i = 0; i < 40; i++) {
                u = (double)i;
                t = u;
                A[i][59 - i] = t;
            }
            C[0][0] = (double)40;
        } else {
            double t = 0;
            double u = 0;
            for (int i = 0; i < ni; i++) {
#if defined(_OPENMP)
                #pragma omp simd
#endif
                for (unsigned int j = 0; j < nj; j++) {
                    C[i][j] *= alpha;
                }
            }
#if defined(_OPENMP)
            #pragma omp simd
#endif
            for (long k_t = 0; k_t < nk; k_t++) {
                rev[nk - k_t - 1] = A[0][k_t];
            }
            for (int i = 0; i < ni; i++) {
                u = (double)i;
                t = u;
                A[i][nk - i - 1] = t;
            }
            C[0][0] = (double)(ni > 0 ? ni : 0);
        }
        return;
    }
    /* the arrays overlap: the original loops, in their order */
    int i;
    long k;
    unsigned j;
    double t, u;

#pragma scop
    for (i = 0; i < ni; i++)
        for (j = 0; j < (unsigned)nj; j++)
            C[i][j] *= alpha;
    for (k = nk - 1; k >= 0; k--)
        rev[k] = A[0][nk - 1 - k];
    for (i = 0, k = nk - 1; i < ni; i++, k -= 1)
        A[i][k] = t = u = (double)i;
    C[0][0] = (double)i;
#pragma endscop
}
