/*
 * multiversion.c - --multiversion: the text that replaces a kernel's body
 * with variants for several x86-64 ISAs and a dispatch on the CPU's
 * features. Each variant is a static function with the kernel's
 * parameters, compiled for its ISA by a function attribute (GCC and Clang
 * on x86-64; elsewhere only the portable variant is built); the kernel
 * picks one at its first call and keeps it in a static variable (a race
 * between first calls computes the same value twice), so later calls cost
 * a load and a compare. MSCC_VARIANT=N at build time fixes the choice (a
 * test of each variant on one machine). The variants are described once,
 * in the table below.
 */
#include "emit/emit.h"

#include <string.h>

/* The attribute lists every feature of the ISA level (x86-64-v4, -v3):
 * with AVX-512's alone gemm 1024 ran 7.0-7.7 ms, with the whole level
 * 5.0-5.3 (GCC 12, Zen 5, built without -march). A list adds to the
 * file's flags, where "arch=x86-64-v4" replaces them and then fails to
 * build under a -march=native that has more. The CPU test names what both
 * GCC and Clang 14 know of the level (F16C, LZCNT and MOVBE come with
 * BMI2 in every CPU that has them). */
static const ms_variant variants[] = {
    {"avx512", "x86-64-v4", "MSCC_MV_AVX512",
     "avx512f,avx512vl,avx512bw,avx512dq,avx512cd,avx2,fma,bmi,bmi2,lzcnt,movbe,f16c,popcnt",
     "__builtin_cpu_supports(\"avx512f\") && __builtin_cpu_supports(\"avx512vl\") &&\n"
     "            __builtin_cpu_supports(\"avx512bw\") && __builtin_cpu_supports(\"avx512dq\") &&\n"
     "            __builtin_cpu_supports(\"avx512cd\") && __builtin_cpu_supports(\"avx2\") &&\n"
     "            __builtin_cpu_supports(\"fma\") && __builtin_cpu_supports(\"bmi2\")"},
    {"avx2", "x86-64-v3", "MSCC_MV_AVX2", "avx2,fma,bmi,bmi2,lzcnt,movbe,f16c,popcnt",
     "__builtin_cpu_supports(\"avx2\") && __builtin_cpu_supports(\"fma\") &&\n"
     "                 __builtin_cpu_supports(\"bmi\") && __builtin_cpu_supports(\"bmi2\")"},
    {"generic", "generic", NULL, NULL, NULL},
};

enum { NVARIANTS = sizeof variants / sizeof variants[0] };

int ms_variant_count(void)
{
    return NVARIANTS;
}

const ms_variant *ms_variant_at(int i)
{
    return i >= 0 && i < NVARIANTS ? &variants[i] : NULL;
}

void ms_emit_multiversion_prologue(ms_str *out)
{
    ms_str_add(out, "#ifndef MSCC_MV_X86 /* added by mscc: --multiversion's variants are built "
                    "for x86-64 by GCC and Clang */\n"
                    "#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))\n"
                    "#define MSCC_MV_X86 1\n");
    for (int v = 0; v < NVARIANTS; v++)
        if (variants[v].attr_macro)
            ms_str_addf(out, "#define %s __attribute__((target(\"%s\")))\n", variants[v].attr_macro,
                        variants[v].features);
    ms_str_add(out, "#else\n#define MSCC_MV_X86 0\n#endif\n#endif\n");
}

char *ms_emit_multiversion(const ms_func *f, const char *head, const char *params,
                           const char *const *bodies)
{
    ms_str out = {0};
    ms_str_addf(&out, ";\n\n" MS_MULTIVERSION_MARK ": %s for", f->name);
    for (int v = 0; v < NVARIANTS; v++)
        ms_str_addf(&out, "%s %s",
                    v == 0               ? ""
                    : v == NVARIANTS - 1 ? " and"
                                         : ",",
                    variants[v].name);
    ms_str_add(&out, " x86-64, one chosen at the first call */\n");
    for (int v = 0; v < NVARIANTS; v++) {
        bool x86 = variants[v].attr_macro != NULL;
        if (x86)
            ms_str_addf(&out, "#if MSCC_MV_X86\n%s ", variants[v].attr_macro);
        ms_str_addf(&out, "static void %s_%s%s", f->name, variants[v].name, params);
        ms_str_add(&out, bodies[v]);
        ms_str_add(&out, x86 ? "\n#endif\n\n" : "\n\n");
    }
    ms_str args = {0};
    for (int i = 0; i < f->nparams; i++)
        ms_str_addf(&args, "%s%s", i ? ", " : "",
                    f->params[i].var ? f->params[i].var->name : f->params[i].buf->name);
    ms_str_addf(&out, "%s%s%s{\n#if MSCC_MV_X86\n", head, f->name, params);
    ms_str_add(&out, "    static int variant; /* 0 until the first call chooses */\n"
                     "    int v = __atomic_load_n(&variant, __ATOMIC_RELAXED);\n"
                     "    if (v == 0) {\n"
                     "#if defined(MSCC_VARIANT)\n"
                     "        v = MSCC_VARIANT;\n"
                     "#else\n"
                     "        __builtin_cpu_init();\n");
    for (int v = 0; v < NVARIANTS; v++)
        if (variants[v].cpu_test)
            ms_str_addf(&out, "        %sif (%s)\n            v = %d;\n", v ? "else " : "",
                        variants[v].cpu_test, v + 1);
    ms_str_addf(&out, "        else\n            v = %d;\n#endif\n", NVARIANTS);
    ms_str_add(&out, "        __atomic_store_n(&variant, v, __ATOMIC_RELAXED);\n    }\n");
    for (int v = 0; v + 1 < NVARIANTS; v++)
        ms_str_addf(&out, "    if (v == %d) {\n        %s_%s(%s);\n        return;\n    }\n", v + 1,
                    f->name, variants[v].name, ms_str_cstr(&args));
    ms_str_addf(&out, "#endif\n    %s_%s(%s);\n}", f->name, variants[NVARIANTS - 1].name,
                ms_str_cstr(&args));
    ms_str_free(&args);
    return ms_str_take(&out);
}
