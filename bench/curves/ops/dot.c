/* The dot product of two vectors of 4M floats, 2 N FLOPs: a full
 * reduction, with no spatial loop to share among the threads (the
 * add-rfactor rule's case). */
#pragma mscc kernel sizes(N = 4194304)
void sdot(int N, const float x[restrict N], const float y[restrict N], float out[restrict 1])
{
    float s = 0.0f;
    for (int i = 0; i < N; i++)
        s += x[i] * y[i];
    out[0] = s;
}
