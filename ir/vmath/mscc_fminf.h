/* fminf by mscc: a select, which a SIMD loop vectorizes (libm's is a call
 * per element). The smaller of a and b; if one is NaN, the other (a
 * signaling NaN taken as quiet); either zero of +0 and -0, as C allows. */
static inline float mscc_fminf(float a, float b)
{
    return ((a < b) | (b != b)) ? a : b;
}
