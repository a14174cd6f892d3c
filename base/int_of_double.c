/*
 * int_of_double.c - integers read from outside documents, where JSON
 * numbers arrive as doubles. Casting a double outside the target's range is
 * undefined behaviour, and the fuzzers found three readers doing it; they
 * all ask here instead.
 */
#include "base.h"

bool ms_int_of_double(double d, int64_t lo, int64_t hi, int64_t *out)
{
    /* 0x1p63 is the first double above INT64_MAX; NaN fails the test */
    if (!(d >= -0x1p63 && d < 0x1p63))
        return false;
    int64_t v = (int64_t)d;
    if ((double)v != d || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}
