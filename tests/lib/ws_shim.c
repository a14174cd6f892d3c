/* ws_shim.c - check.c's calls through the library's NAME_ws entry points
 * (--workspace=caller), each given NAME_ws_size bytes 1 past malloc's
 * alignment: check.c is compiled with -Dgemm=ws_gemm and so on. */
#include "kl.h"

#include <stdlib.h>

#define WITH_WS(size_call, ws_call)                                                                \
    do {                                                                                           \
        char *ws = malloc((size_call) + 1);                                                        \
        if (!ws)                                                                                   \
            abort();                                                                               \
        void *mscc_ws = ws + 1;                                                                    \
        ws_call;                                                                                   \
        free(ws);                                                                                  \
    } while (0)

void ws_gemm(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
             float C[restrict M][N]);
void ws_gemm(int M, int N, int K, const float A[restrict M][K], const float B[restrict K][N],
             float C[restrict M][N])
{
    WITH_WS(gemm_ws_size(M, N, K), gemm_ws(M, N, K, A, B, C, mscc_ws));
}

void ws_softmax(int R, int L, const float X[restrict R][L], float Y[restrict R][L]);
void ws_softmax(int R, int L, const float X[restrict R][L], float Y[restrict R][L])
{
    WITH_WS(softmax_ws_size(R, L), softmax_ws(R, L, X, Y, mscc_ws));
}

void ws_scale_channels(int n, const float w[CH], float *restrict x);
void ws_scale_channels(int n, const float w[CH], float *restrict x)
{
    WITH_WS(scale_channels_ws_size(n), scale_channels_ws(n, w, x, mscc_ws));
}

void ws_fir(int n, const real x[restrict n + TAPS - 1], const real h[TAPS], real y[restrict n]);
void ws_fir(int n, const real x[restrict n + TAPS - 1], const real h[TAPS], real y[restrict n])
{
    WITH_WS(fir_ws_size(n), fir_ws(n, x, h, y, mscc_ws));
}
