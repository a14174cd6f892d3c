/*
 * code_size.c - what a tuned kernel adds to a program, for --max-code-size:
 * the translation unit the output holds for it (mscc's support code, the
 * user's file with every other function a declaration, the kernel with
 * its new body) compiled to an object by the target's compiler, and its
 * read-only image counted with libelf: the allocated sections that are
 * not written (machine code, constants, unwind tables), which a board
 * keeps in flash.
 */
#include "emit/emit.h"
#include "runtime/runtime.h"

#include <fcntl.h>
#include <gelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_once_t elf_ready = PTHREAD_ONCE_INIT;
static bool elf_ok;

static void elf_init(void)
{
    elf_ok = elf_version(EV_CURRENT) != EV_NONE;
}

/* The read-only bytes of the object at path; -1 when it is no ELF object. */
static int64_t image_bytes(const char *path)
{
    pthread_once(&elf_ready, elf_init);
    int fd = elf_ok ? open(path, O_RDONLY) : -1;
    if (fd < 0)
        return -1;
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    int64_t sum = e && elf_kind(e) == ELF_K_ELF ? 0 : -1;
    for (Elf_Scn *scn = NULL; sum >= 0 && e && (scn = elf_nextscn(e, scn)) != NULL;) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh))
            sum = -1;
        else if ((sh.sh_flags & SHF_ALLOC) && !(sh.sh_flags & SHF_WRITE) &&
                 sh.sh_type != SHT_NOBITS)
            sum += (int64_t)sh.sh_size;
    }
    if (e)
        elf_end(e);
    close(fd);
    return sum;
}

typedef struct cut {
    size_t begin, end;
    const char *with;
} cut;

static int by_begin(const void *a, const void *b)
{
    const cut *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin;
}

/* The output's unit for kernel k with body: the file's other functions
 * (kernels too) declared, not defined, so that the object holds k alone
 * and what it calls of mscc's. */
static char *unit_text(const ms_source *src, const ms_kernel *k, const char *body)
{
    int n = src->nothers + src->nkernels;
    cut *cuts = ms_xcalloc((size_t)(n ? n : 1), sizeof *cuts);
    /* as the output holds it: with its entry points under --workspace=caller */
    const char *why = NULL;
    char *text = ms_output_body(src, k, body, &why);
    if (!text) /* its kernel stays as written (the driver says why) */
        text = ms_xstrdup(body);
    for (int i = 0; i < src->nothers; i++)
        cuts[i] =
            (cut){src->others[i].begin, src->others[i].end, src->others[i].old_style ? "();" : ";"};
    for (int i = 0; i < src->nkernels; i++) {
        const ms_kernel *o = &src->kernels[i];
        cuts[src->nothers + i] = (cut){o->body_begin, o->body_end, o == k ? text : ";"};
    }
    qsort(cuts, (size_t)n, sizeof *cuts, by_begin);
    ms_str s = {0};
    /* a library's variant for one size set abort()s at others */
    ms_str_add(&s, "#include <stdlib.h>\n");
    ms_emit_support(1, (const char *const *)&text, &s);
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        MS_ASSERT(cuts[i].begin >= at && cuts[i].end <= src->len);
        ms_str_addn(&s, src->text + at, cuts[i].begin - at);
        ms_str_add(&s, cuts[i].with);
        at = cuts[i].end;
    }
    ms_str_addn(&s, src->text + at, src->len - at);
    free(cuts);
    free(text);
    return ms_str_take(&s);
}

void ms_code_sizes(const ms_target *t, const ms_source *src, const ms_kernel *k, int n,
                   const char *const *bodies, const char *flags, int jobs, int64_t *bytes)
{
    char *dir = ms_tempdir_new();
    ms_build_job *job = ms_xcalloc((size_t)(n ? n : 1), sizeof *job);
    char(*paths)[3][4200] = ms_xcalloc((size_t)(n ? n : 1), sizeof *paths);
    for (int i = 0; i < n; i++) {
        snprintf(paths[i][0], sizeof paths[i][0], "%s/k%d.c", dir ? dir : ".", i);
        snprintf(paths[i][1], sizeof paths[i][1], "%s/k%d.o", dir ? dir : ".", i);
        snprintf(paths[i][2], sizeof paths[i][2], "%s/k%d.log", dir ? dir : ".", i);
        char *text = dir && bodies[i] ? unit_text(src, k, bodies[i]) : NULL;
        FILE *f = text ? fopen(paths[i][0], "w") : NULL;
        bool written = f && fputs(text, f) >= 0;
        written = f && !fclose(f) && written;
        free(text);
        /* a unit not written compiles nothing: its object is missing */
        job[i] = (ms_build_job){written ? paths[i][0] : "/nonexistent/mscc-unit.c",
                                paths[i][1],
                                paths[i][2],
                                flags,
                                false,
                                true};
    }
    ms_build_all(t, job, n, jobs);
    for (int i = 0; i < n; i++)
        bytes[i] = job[i].ok ? image_bytes(paths[i][1]) : -1;
    free(job);
    free(paths);
    if (dir)
        ms_tempdir_remove(dir);
    free(dir);
}
