/* softmax over the rows of a 1024 x 1024 matrix. Counted as 5 M N FLOPs
 * (max, subtract, exp, sum, divide). */
#include <math.h>

#pragma mscc kernel sizes(M = 1024, N = 1024)
void softmax(int M, int N, const float X[restrict M][N], float Y[restrict M][N])
{
    for (int i = 0; i < M; i++) {
        float mx = X[i][0];
        for (int j = 1; j < N; j++)
            mx = fmaxf(mx, X[i][j]);
        float sum = 0.0f;
        for (int j = 0; j < N; j++) {
            Y[i][j] = expf(X[i][j] - mx);
            sum += Y[i][j];
        }
        for (int j = 0; j < N; j++)
            Y[i][j] = Y[i][j] / sum;
    }
}
