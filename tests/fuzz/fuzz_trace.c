/*
 * fuzz_trace.c - libFuzzer target: a `--trace` document (JSON: kernel
 * name -> trace; or text, "# kernel NAME" and a script per trace). What
 * parses must print back (as JSON) to what it read, and is
 * replayed on the fixture kernels (by name, else by position): a trace
 * that does not apply leaves its kernel unchanged with a warning, never
 * a crash or a wrong emitted body.
 */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fz_string(data, size);
    char **names = NULL;
    ms_trace **traces = NULL;
    const char *why = NULL;
    int n = ms_trace_doc_parse(text, &names, &traces, &why);
    free(text);
    if (n < 0) {
        if (!(why && *why))
            abort();
        return 0;
    }
    /* the written form reads back to itself */
    char *once = ms_trace_doc_to_json(n, (const char *const *)names, traces);
    char **names2 = NULL;
    ms_trace **traces2 = NULL;
    if (ms_trace_doc_parse(once, &names2, &traces2, &why) != n)
        abort();
    char *twice = ms_trace_doc_to_json(n, (const char *const *)names2, traces2);
    if (strcmp(once, twice) != 0)
        abort();
    free(once);
    free(twice);
    for (int i = 0; i < n; i++) {
        free(names2[i]);
        ms_trace_free(traces2[i]);
    }
    free(names2);
    free(traces2);

    const ms_source *src = fz_fixture(size % 2 == 1);
    for (int i = 0; i < n; i++) {
        bool known = false;
        for (int k = 0; k < src->nkernels; k++)
            known = known || !strcmp(names[i], src->kernels[k].name);
        if (!known) {
            free(names[i]);
            names[i] = ms_xstrdup(src->kernels[i % src->nkernels].name);
        }
    }
    fz_schedule(src, n, names, traces);
    for (int i = 0; i < n; i++) {
        free(names[i]);
        ms_trace_free(traces[i]);
    }
    free(names);
    free(traces);
    return 0;
}
