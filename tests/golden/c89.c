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
