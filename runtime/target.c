/*
 * target.c - what this machine and compiler are: cores and caches from
 * hwloc, CPU features, the compiler's identity and the flags to use.
 */
#include "runtime/runtime.h"

#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long cache_size(hwloc_topology_t topo, hwloc_obj_type_t type)
{
    hwloc_obj_t o = hwloc_get_obj_by_type(topo, type, 0);
    return o && o->attr ? (long)o->attr->cache.size : 0;
}

static void read_topology(ms_target *t)
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0)
        return;
    if (hwloc_topology_load(topo) == 0) {
        t->ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
        t->npus = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU);
        t->l1d = cache_size(topo, HWLOC_OBJ_L1CACHE);
        t->l2 = cache_size(topo, HWLOC_OBJ_L2CACHE);
        t->l3 = cache_size(topo, HWLOC_OBJ_L3CACHE);
    }
    hwloc_topology_destroy(topo);
}

static char *compiler_id(const char *cc)
{
    char *dir = ms_tempdir_new();
    if (!dir)
        return ms_xstrdup("unknown");
    ms_str out = {0};
    ms_str_addf(&out, "%s/version.txt", dir);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s --version", cc);
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    ms_proc_result r;
    char *id = NULL;
    if (ms_proc_run(argv, ms_str_cstr(&out), NULL, 10, &r) == 0 && !r.timed_out &&
        r.exit_code == 0) {
        char *text = ms_read_file(ms_str_cstr(&out), NULL);
        if (text) {
            text[strcspn(text, "\n")] = '\0';
            id = text;
        }
    }
    ms_str_free(&out);
    ms_tempdir_remove(dir);
    free(dir);
    return id ? id : ms_xstrdup("unknown");
}

/* "model name" from /proc/cpuinfo, or "unknown". */
static char *cpu_model(void)
{
    char *text = ms_read_file("/proc/cpuinfo", NULL);
    const char *p = text ? strstr(text, "model name") : NULL;
    char *model = NULL;
    if (p && (p = strchr(p, ':'))) {
        p += 1 + strspn(p + 1, " \t");
        model = ms_xstrdup(p);
        model[strcspn(model, "\n")] = '\0';
    }
    free(text);
    return model ? model : ms_xstrdup("unknown");
}

ms_target *ms_target_new(const ms_target_kind *kind, const char *cc, const char *cflags)
{
    ms_target *t = ms_xcalloc(1, sizeof *t);
    t->kind = kind ? kind : ms_target_kind_named(NULL);
    t->cpu = cpu_model();
    t->cc = ms_xstrdup(cc ? cc : t->kind->cc);
    t->cflags = ms_target_kind_cflags(t->kind, cflags);
    t->compiler_id = compiler_id(t->cc);
    read_topology(t);
    const char *rules = getenv("MSCC_RULES");
    t->rules = ms_xstrdup(rules && *rules ? rules : MS_CPU_RULES);
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    t->avx2 = __builtin_cpu_supports("avx2");
    t->avx512f = __builtin_cpu_supports("avx512f");
    t->fma = __builtin_cpu_supports("fma");
#endif
    return t;
}

ms_arch ms_target_arch(const ms_target *t, int threads)
{
    const char *env = getenv("OMP_NUM_THREADS");
    int n = threads > 0 ? threads : env && atoi(env) > 0 ? atoi(env) : t->npus > 0 ? t->npus : 1;
    const char *isa = t->avx512f ? "avx512" : t->avx2 && t->fma ? "avx2" : NULL;
#if defined(__aarch64__)
    isa = "neon";
#endif
    int vector_bytes = t->avx512f ? 64 : t->avx2 ? 32 : 16;
    if (strcmp(t->kind->name, "native")) { /* another ISA than this machine's */
        isa = t->kind->isa;
        vector_bytes = t->kind->vector_bytes;
    }
    return (ms_arch){n, vector_bytes, t->l1d, t->l2, t->l3, t->rules, isa};
}

void ms_target_free(ms_target *t)
{
    if (!t)
        return;
    free(t->cc);
    free(t->cpu);
    free(t->cflags);
    free(t->compiler_id);
    free(t->rules);
    free(t->runner);
    free(t->ldflags);
    free(t);
}

void ms_target_describe(const ms_target *t, ms_str *out)
{
    if (strcmp(t->kind->name, "native"))
        ms_str_addf(out, "--target %s%s%s%s; ", t->kind->name, t->runner ? ", run by '" : "",
                    t->runner ? t->runner : "",
                    t->runner ? (t->untimed ? "' (untimed)" : "'") : "");
    if (t->kind->cross) { /* this machine's cores and caches are not the target's */
        ms_str_addf(out, "%s; %s %s", t->compiler_id, t->cc, t->cflags);
        return;
    }
    ms_str_addf(out, "%d cores (%d threads), L1d %ld KiB, L2 %ld KiB, L3 %ld KiB%s%s%s; %s; %s %s",
                t->ncores, t->npus, t->l1d / 1024, t->l2 / 1024, t->l3 / 1024,
                t->avx2 ? ", avx2" : "", t->fma ? ", fma" : "", t->avx512f ? ", avx512f" : "",
                t->compiler_id, t->cc, t->cflags);
}
