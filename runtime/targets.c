/*
 * targets.c - the --target vocabulary, described once: what each name
 * builds with by default, which ISA and vector width the schedule may
 * assume, whether its programs run on this machine, and the emulator a
 * cross target's programs run under when one is installed. The rest of
 * mscc asks this table; nothing else spells a target's name.
 */
#include "runtime/runtime.h"

#include <stdio.h>
#include <string.h>

static const ms_target_kind kinds[] = {
    /* name, cc, cflags, -march, isa, vector bytes, cross, needs, emulator, bare */
    {"native", "cc", MS_DEFAULT_CFLAGS, NULL, NULL, 0, false, NULL, NULL, false},
    {"x86-64-v4", "cc", "-O3 -march=x86-64-v4 -fopenmp", "x86-64-v4", "avx512", 64, false,
     "avx512f", NULL, false},
    {"x86-64-v3", "cc", "-O3 -march=x86-64-v3 -fopenmp", "x86-64-v3", "avx2", 32, false, "avx2",
     NULL, false},
    {"generic", "cc", "-O3 -fopenmp", "", NULL, 16, false, NULL, NULL, false},
    /* a cross target's harness is static: a board needs no libraries */
    {"aarch64-linux-gnu", "aarch64-linux-gnu-gcc", "-O3 -fopenmp -static", NULL, "neon", 16, true,
     NULL, "qemu-aarch64", false},
    /* armv7 with NEON and VFPv4 (fused multiply-add) */
    {"arm-linux-gnueabihf", "arm-linux-gnueabihf-gcc", "-O3 -mfpu=neon-vfpv4 -fopenmp -static",
     NULL, NULL, 16, true, NULL, "qemu-arm", false},
    {"riscv64-linux-gnu", "riscv64-linux-gnu-gcc", "-O3 -fopenmp -static", NULL, NULL, 16, true,
     NULL, "qemu-riscv64", false},
    /* bare metal: single-precision and double FPU (FPv5), no SIMD, no OS;
     * its programs run on a board or qemu-system-arm (examples/cortex-m7) */
    {"cortex-m7", "arm-none-eabi-gcc",
     "-O2 -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard -mthumb", NULL, NULL, 4, true, NULL, NULL,
     true},
};

enum { NKINDS = sizeof kinds / sizeof kinds[0] };

const ms_target_kind *ms_target_kind_named(const char *name)
{
    for (int i = 0; i < NKINDS; i++)
        if (!strcmp(kinds[i].name, name ? name : "native"))
            return &kinds[i];
    return NULL;
}

void ms_target_kind_list(ms_str *out)
{
    for (int i = 0; i < NKINDS; i++)
        ms_str_addf(out, "%s%s", i ? ", " : "", kinds[i].name);
}

/* The value of the last -march= in flags ("" when there is none). */
static void march_of(const char *flags, char *buf, size_t n)
{
    buf[0] = '\0';
    for (const char *p = flags ? strstr(flags, "-march=") : NULL; p; p = strstr(p + 1, "-march="))
        if (p == flags || p[-1] == ' ' || p[-1] == '\t')
            snprintf(buf, n, "%.*s", (int)strcspn(p + 7, " \t"), p + 7);
}

bool ms_target_kind_check_flags(const ms_target_kind *k, const char *cflags, char *why, size_t n)
{
    char march[128];
    march_of(cflags, march, sizeof march);
    if (!march[0] || !strcmp(k->name, "native"))
        return true;
    /* an ISA level names its -march (generic: none); a cross target takes
     * the user's refinement of its own family, never this machine's */
    bool contradicts = k->march ? strcmp(march, k->march) != 0 : !strcmp(march, "native");
    if (contradicts)
        snprintf(why, n, "--cflags -march=%s contradicts --target %s%s%s%s", march, k->name,
                 k->march && *k->march ? " (which is -march=" : "", k->march ? k->march : "",
                 k->march && *k->march ? ")" : "");
    return !contradicts;
}

char *ms_target_kind_cflags(const ms_target_kind *k, const char *cflags)
{
    ms_str s = {0};
    if (!cflags)
        return ms_xstrdup(k->cflags);
    char march[128];
    march_of(cflags, march, sizeof march);
    ms_str_add(&s, cflags);
    /* flags of the user's own, for a level: the level's ISA still */
    if (!march[0] && k->march && *k->march)
        ms_str_addf(&s, " -march=%s", k->march);
    return ms_str_take(&s);
}

bool ms_target_kind_runs_here(const ms_target_kind *k, const ms_target *here)
{
    if (k->cross)
        return false;
    if (k->needs && !strcmp(k->needs, "avx512f"))
        return here->avx512f;
    if (k->needs && !strcmp(k->needs, "avx2"))
        return here->avx2 && here->fma;
    return true;
}

char *ms_target_kind_emulator(const ms_target_kind *k)
{
    if (!k->emulator)
        return NULL;
    ms_str s = {0};
    /* Debian's cross C libraries live in /usr/TRIPLE */
    ms_str_addf(&s, "%s -L /usr/%s {exe} {args}", k->emulator, k->name);
    return ms_str_take(&s);
}
