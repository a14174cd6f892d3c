/*
 * multiversion.c - --multiversion: a kernel's body for each variant of
 * emit/multiversion.c. The variant of the target's ISA gets the body the
 * run chose (a search's, the database's, a trace's or the default); the
 * others the default schedule of their ISA (its micro-kernels where one
 * fits), or, where that calls no micro-kernel and neither does the chosen
 * schedule, the chosen body, whose loops any x86-64 runs.
 */
#include "driver/driver.h"
#include "emit/emit.h"
#include "runtime/runtime.h"

#include <stdlib.h>
#include <string.h>

/* The ISA of the micro-kernel t calls, or NULL. */
static const char *trace_isa(const ms_trace *t)
{
    const ms_intrin *in = ms_trace_intrin(t, 0);
    return in ? in->isa : NULL;
}

bool ms_variant_runs_here(int v)
{
    return ms_isa_runs_here(ms_target_kind_named(ms_variant_at(v)->target)->isa);
}

bool ms_isa_runs_here(const char *isa)
{
    if (!isa)
        return true;
#if defined(__x86_64__)
    __builtin_cpu_init();
    bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
              __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    if (!strcmp(isa, "avx2"))
        return v3;
    return v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512cd");
#else
    return false;
#endif
}

static bool same_isa(const char *a, const char *b)
{
    return a && b ? !strcmp(a, b) : a == b;
}

char *ms_multiversion_text(mscc_result *r, int i)
{
    const ms_kernel *k = &r->src.kernels[i];
    const char *chosen_isa = trace_isa(r->used[i]);
    int n = ms_variant_count();
    char **bodies = ms_xcalloc((size_t)n, sizeof *bodies);
    bool ok = true;
    for (int v = 0; v < n && ok; v++) {
        const ms_target_kind *kind = ms_target_kind_named(ms_variant_at(v)->target);
        if (same_isa(kind->isa, chosen_isa ? chosen_isa : r->arch.isa))
            continue; /* the chosen body */
        ms_arch a = r->arch;
        a.isa = kind->isa;
        a.vector_bytes = kind->vector_bytes;
        ms_trace *used = NULL;
        bodies[v] = ms_tune_kernel_for(&r->src, k, NULL, kind->isa ? &a : NULL, false, false, &used,
                                       &r->diags);
        ok = bodies[v] != NULL;
        if (ok && !trace_isa(used) && !chosen_isa) { /* both portable: the chosen one */
            free(bodies[v]);
            bodies[v] = NULL;
        }
        ms_trace_free(used);
    }
    char *text = NULL;
    if (ok) {
        const char **with = ms_xcalloc((size_t)n, sizeof *with);
        for (int v = 0; v < n; v++)
            with[v] = bodies[v] ? bodies[v] : r->bodies[i];
        ms_str head = {0}, params = {0};
        ms_str_addn(&head, r->src.text + k->decl_begin, k->name_begin - k->decl_begin);
        ms_str_addn(&params, r->src.text + k->name_end, k->body_begin - k->name_end);
        text = ms_emit_multiversion(k->func, ms_str_cstr(&head), ms_str_cstr(&params), with);
        ms_str_free(&head);
        ms_str_free(&params);
        free(with);
    }
    for (int v = 0; v < n; v++)
        free(bodies[v]);
    free(bodies);
    return text;
}
