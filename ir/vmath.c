/*
 * vmath.c - the registry of mscc's vector math: for a libm call in a SIMD
 * loop, a branch-free definition of the same function that the compiler
 * vectorizes (libm's is a call per element). The postprocessor renames
 * the calls (under --fp-model=reassoc only: the results may differ from
 * libm's in the last place); the emitter prints each definition used,
 * once, atop the tuned file. Each definition is a file of its own in
 * ir/vmath/, embedded at build time, and measured over every float by
 * tests/vmath.
 */
#include "ir/ir.h"

#include <stdio.h>
#include <string.h>

extern const char ms_vmath_expf_text[], ms_vmath_fmaxf_text[], ms_vmath_fminf_text[],
    ms_vmath_tanhf_text[], ms_vmath_erff_text[];

static const ms_vmath registry[] = {
    /* what an entry needs comes before it */
    /* the ulps are tests/vmath's worst, -ffast-math included */
    {"expf", MS_DT_F32, 1, "mscc_expf", ms_vmath_expf_text, NULL, 1},
    {"fmaxf", MS_DT_F32, 2, "mscc_fmaxf", ms_vmath_fmaxf_text, NULL, 0},
    {"fminf", MS_DT_F32, 2, "mscc_fminf", ms_vmath_fminf_text, NULL, 0},
    {"tanhf", MS_DT_F32, 1, "mscc_tanhf", ms_vmath_tanhf_text, "mscc_expf", 2},
    {"erff", MS_DT_F32, 1, "mscc_erff", ms_vmath_erff_text, "mscc_expf", 1},
};

enum { NVMATH = sizeof registry / sizeof registry[0] };

int ms_vmath_count(void)
{
    return NVMATH;
}

const ms_vmath *ms_vmath_at(int i)
{
    return i >= 0 && i < NVMATH ? &registry[i] : NULL;
}

const ms_vmath *ms_vmath_for_call(const char *libm, ms_dtype t, int nargs)
{
    for (int i = 0; i < NVMATH; i++)
        if (registry[i].dtype == t && registry[i].nargs == nargs && !strcmp(registry[i].libm, libm))
            return &registry[i];
    return NULL;
}

const char *ms_vmath_libm_name(const char *name)
{
    for (int i = 0; i < NVMATH; i++)
        if (!strcmp(registry[i].name, name))
            return registry[i].libm;
    return name;
}

bool ms_vmath_approx_in(const char *text)
{
    for (int i = 0; i < NVMATH; i++) {
        char call[64];
        snprintf(call, sizeof call, "%s(", registry[i].name);
        if (registry[i].ulps && strstr(text, call))
            return true;
    }
    return false;
}
