/*
 * intrin.c - the registry of tensor intrinsics: micro-kernels that a
 * tensorized nest calls (schedule/prim/tensorize.c) and whose definitions
 * the emitter prints once atop the tuned file. An entry says the
 * computation it implements, its shape and the ISA it needs; the ISA table
 * says how that ISA spells vectors, so one writer prints every entry: the
 * intrinsics behind the ISA's feature macro, and the same computation in
 * portable C as the #else, so that the output compiles anywhere.
 *
 * The fp32 outer product, MR x NR:
 *   c[i * c_i + j] += a[i * a_i + k * a_k] * b[k * b_k + j]
 * for k < kc, i < MR, j < NR: each k, one row of b in NR / lanes vectors,
 * each i, one element of a broadcast, MR * NR / lanes accumulators kept in
 * registers from the first k to the last.
 */
#include "ir/ir.h"

#include <string.h>

/* How an ISA spells the outer product's operations. */
typedef struct isa {
    const char *name;
    const char *available; /* the preprocessor test of the compiler's target */
    const char *header;
    const char *vec;
    int lanes;
    const char *load, *store, *bcast;
    const char *fma;     /* fma(x, y, acc) = x * y + acc ... */
    bool fma_acc_first;  /* ... or fma(acc, x, y) */
    const char *mv_attr; /* --multiversion: the macro of its function attribute (x86) */
} isa;

static const isa isas[] = {
    {"avx512", "defined(__AVX512F__)", "immintrin.h", "__m512", 16, "_mm512_loadu_ps",
     "_mm512_storeu_ps", "_mm512_set1_ps", "_mm512_fmadd_ps", false, "MSCC_MV_AVX512"},
    {"avx2", "defined(__AVX2__) && defined(__FMA__)", "immintrin.h", "__m256", 8, "_mm256_loadu_ps",
     "_mm256_storeu_ps", "_mm256_set1_ps", "_mm256_fmadd_ps", false, "MSCC_MV_AVX2"},
    {"neon", "defined(__ARM_NEON) && defined(__aarch64__)", "arm_neon.h", "float32x4_t", 4,
     "vld1q_f32", "vst1q_f32", "vdupq_n_f32", "vfmaq_f32", true, NULL},
};

static const isa *isa_named(const char *name)
{
    for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++)
        if (!strcmp(isas[i].name, name))
            return &isas[i];
    return NULL;
}

/* Several shapes per ISA: the search picks among them. AVX-512 has 32
 * vector registers, AVX2 and NEON (aarch64) 16 and 32. The default
 * schedule, which measures nothing, takes the shape marked for its ISA
 * where it divides the sizes (BLIS's choices; on gemm 1024 with AVX-512,
 * 8x32 ran 5.2 ms where 4x64 ran 7.4), else the first that does. */
static const ms_intrin registry[] = {
    {"mscc_f32_avx512_4x64", "avx512", MS_DT_F32, 4, 64, false},
    {"mscc_f32_avx512_6x32", "avx512", MS_DT_F32, 6, 32, false},
    {"mscc_f32_avx512_8x32", "avx512", MS_DT_F32, 8, 32, true},
    {"mscc_f32_avx512_12x32", "avx512", MS_DT_F32, 12, 32, false},
    {"mscc_f32_avx512_14x16", "avx512", MS_DT_F32, 14, 16, false},
    {"mscc_f32_avx2_6x16", "avx2", MS_DT_F32, 6, 16, true},
    {"mscc_f32_avx2_4x24", "avx2", MS_DT_F32, 4, 24, false},
    {"mscc_f32_neon_8x12", "neon", MS_DT_F32, 8, 12, true},
    {"mscc_f32_neon_4x16", "neon", MS_DT_F32, 4, 16, false},
};

enum { NINTRIN = sizeof registry / sizeof registry[0] };

int ms_intrin_count(void)
{
    return NINTRIN;
}

const ms_intrin *ms_intrin_at(int i)
{
    return i >= 0 && i < NINTRIN ? &registry[i] : NULL;
}

const ms_intrin *ms_intrin_named(const char *name)
{
    for (int i = 0; i < NINTRIN; i++)
        if (!strcmp(registry[i].name, name))
            return &registry[i];
    return NULL;
}

const char *ms_intrin_header(const ms_intrin *in)
{
    return isa_named(in->isa)->header;
}

const char *ms_intrin_available(const ms_intrin *in)
{
    return isa_named(in->isa)->available;
}

static void fma_line(const isa *v, int i, int j, const char *x, ms_str *out)
{
    if (v->fma_acc_first)
        ms_str_addf(out, "        c%d_%d = %s(c%d_%d, %s, b%d);\n", i, j, v->fma, i, j, x, j);
    else
        ms_str_addf(out, "        c%d_%d = %s(%s, b%d, c%d_%d);\n", i, j, v->fma, x, j, i, j);
}

bool ms_intrin_multiversioned(const ms_intrin *in)
{
    return isa_named(in->isa)->mv_attr != NULL;
}

void ms_intrin_print(const ms_intrin *in, bool multiversion, ms_str *out)
{
    const isa *v = isa_named(in->isa);
    int mr = in->mr, nv = in->nr / v->lanes;
    MS_ASSERT(in->nr % v->lanes == 0);
    ms_str_addf(out,
                "/* %s: c[%d][%d] += a[%d][kc] * b[kc][%d], c's rows c_i apart, a's rows a_i\n"
                " * and columns a_k apart, b's rows b_k apart; c's and b's columns adjacent */\n",
                in->name, mr, in->nr, mr, in->nr);
    /* --multiversion: the intrinsics alone, in a function compiled for the
     * ISA whatever the file's flags (the variant that calls it runs only
     * where the CPU has the ISA); else behind the compiler's target test,
     * with the portable version as the #else */
    bool mv = multiversion && v->mv_attr;
    ms_str_addf(out,
                "%s%sstatic inline void %s(float *restrict c, const float *restrict a,\n"
                "    const float *restrict b, long kc, long c_i, long a_i, long a_k, long b_k)\n"
                "{\n",
                mv ? v->mv_attr : "", mv ? " " : "", in->name);
    if (!mv)
        ms_str_addf(out, "#if %s\n", v->available);
    for (int i = 0; i < mr; i++) {
        ms_str_addf(out, "    %s", v->vec);
        for (int j = 0; j < nv; j++)
            ms_str_addf(out, "%s c%d_%d = %s(c + %d * c_i + %d)", j ? "," : "", i, j, v->load, i,
                        j * v->lanes);
        ms_str_add(out, ";\n");
    }
    ms_str_add(out, "    for (long k = 0; k < kc; k++) {\n"
                    "        const float *ak = a + k * a_k, *bk = b + k * b_k;\n");
    ms_str_addf(out, "        %s", v->vec);
    for (int j = 0; j < nv; j++)
        ms_str_addf(out, "%s b%d = %s(bk + %d)", j ? "," : "", j, v->load, j * v->lanes);
    ms_str_addf(out, ";\n        %s x;\n", v->vec);
    for (int i = 0; i < mr; i++) {
        ms_str_addf(out, "        x = %s(ak[%d * a_i]);\n", v->bcast, i);
        for (int j = 0; j < nv; j++)
            fma_line(v, i, j, "x", out);
    }
    ms_str_add(out, "    }\n");
    for (int i = 0; i < mr; i++)
        for (int j = 0; j < nv; j++)
            ms_str_addf(out, "    %s(c + %d * c_i + %d, c%d_%d);\n", v->store, i, j * v->lanes, i,
                        j);
    if (mv) {
        ms_str_add(out, "}\n");
        return;
    }
    ms_str_addf(out,
                "#else\n"
                "    for (long k = 0; k < kc; k++)\n"
                "        for (long i = 0; i < %d; i++)\n"
                "            for (long j = 0; j < %d; j++)\n"
                "                c[i * c_i + j] += a[i * a_i + k * a_k] * b[k * b_k + j];\n"
                "#endif\n}\n",
                mr, in->nr);
}
