/* Tuning runs a kernel at its size hints: one beyond an int is refused, and
 * the kernel falls back to the default size (found by the pragma fuzzer). */
#pragma mscc kernel sizes(n=9223372036854775807)
void k(int n, float y[restrict n])
{
    for (int i = 0; i < n; i++)
        y[i] = 0;
}
