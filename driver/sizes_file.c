/*
 * sizes_file.c - --sizes-file: the size sets a kernel library is specialised
 * for, per kernel, as JSON:
 *
 *     { "gemm": [ {"M": 64, "N": 64, "K": 64}, {"M": 512, "N": 512, "K": 512} ],
 *       "softmax": [ {"rows": 128, "cols": 1000} ] }
 *
 * The file may come from another machine or another tool: every value is
 * checked here, and a bad file is an error with a reason, never a guess.
 */
#include "driver/driver.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* More sets than this for one kernel is a typo, not a library. */
#define MAX_SETS 64

void ms_sizes_file_free(ms_sizes_file *sf)
{
    for (int i = 0; i < sf->n; i++) {
        for (int j = 0; j < sf->sets[i].nsizes; j++)
            free((char *)sf->sets[i].sizes[j].name);
        free((ms_size_hint *)sf->sets[i].sizes);
        free((char *)sf->sets[i].kernel);
    }
    free(sf->sets);
    free(sf->set_index);
    *sf = (ms_sizes_file){0};
}

/* One {"NAME": INTEGER, ...} into a set of kernel's; false (why) if bad. */
static bool read_set(const cJSON *obj, const char *kernel, int index, ms_kernel_sizes *out,
                     char *why, size_t n)
{
    if (!cJSON_IsObject(obj) || !obj->child) {
        snprintf(why, n, "'%s', set %d: want an object of NAME: INTEGER, with one or more", kernel,
                 index + 1);
        return false;
    }
    MS_VEC(ms_size_hint) v = {0};
    for (const cJSON *m = obj->child; m; m = m->next) {
        int64_t val;
        bool dup = false;
        for (int i = 0; i < v.len; i++)
            dup = dup || !strcmp(v.data[i].name, m->string);
        if (!ms_is_identifier(m->string) || dup || !cJSON_IsNumber(m) ||
            !ms_int_of_double(m->valuedouble, -MS_SIZE_HINT_MAX, MS_SIZE_HINT_MAX, &val)) {
            snprintf(why, n, "'%s', set %d, '%.64s': %s", kernel, index + 1, m->string,
                     !ms_is_identifier(m->string) ? "not a parameter name"
                     : dup                        ? "given twice"
                                                  : "want a whole number of at most 2147483647 in "
                                                    "magnitude");
            for (int i = 0; i < v.len; i++)
                free((char *)v.data[i].name);
            free(v.data);
            return false;
        }
        ms_size_hint h = {ms_xstrdup(m->string), val, 0};
        MS_VEC_PUSH(v, h);
    }
    *out = (ms_kernel_sizes){ms_xstrdup(kernel), v.len, v.data};
    return true;
}

int ms_sizes_file_parse(const char *text, ms_sizes_file *out, char *why, size_t n)
{
    *out = (ms_sizes_file){0};
    cJSON *doc = cJSON_Parse(text);
    if (!cJSON_IsObject(doc)) {
        snprintf(why, n, "not a JSON object of KERNEL: [ {NAME: INTEGER, ...}, ... ]");
        cJSON_Delete(doc);
        return -1;
    }
    MS_VEC(ms_kernel_sizes) sets = {0};
    MS_VEC(int) index = {0};
    bool ok = true;
    for (const cJSON *k = doc->child; k && ok; k = k->next) {
        int nsets = cJSON_GetArraySize(k);
        bool dup = false;
        for (int i = 0; i < sets.len; i++)
            dup = dup || !strcmp(sets.data[i].kernel, k->string);
        if (!ms_is_identifier(k->string) || dup || !cJSON_IsArray(k) || nsets < 1 ||
            nsets > MAX_SETS) {
            snprintf(why, n, "'%.64s': %s", k->string,
                     !ms_is_identifier(k->string) ? "not a kernel name"
                     : dup                        ? "given twice"
                                                  : "want an array of 1 to 64 size sets");
            ok = false;
            break;
        }
        int i = 0;
        for (const cJSON *s = k->child; s && ok; s = s->next, i++) {
            ms_kernel_sizes ks;
            if ((ok = read_set(s, k->string, i, &ks, why, n))) {
                MS_VEC_PUSH(sets, ks);
                MS_VEC_PUSH(index, i);
            }
        }
    }
    cJSON_Delete(doc);
    out->sets = sets.data;
    out->set_index = index.data;
    out->n = sets.len;
    if (!ok) {
        ms_sizes_file_free(out);
        return -1;
    }
    return 0;
}

int ms_sizes_file_count(const ms_sizes_file *sf, const char *kernel)
{
    int count = 0;
    for (int i = 0; i < sf->n; i++)
        count += !strcmp(sf->sets[i].kernel, kernel);
    return count;
}

int ms_sizes_file_pass(const ms_sizes_file *sf, int pass, ms_kernel_sizes *out)
{
    int n = 0;
    for (int i = 0; i < sf->n; i++) {
        int count = ms_sizes_file_count(sf, sf->sets[i].kernel);
        /* a kernel with fewer sets keeps its last one: a database hit */
        if (sf->set_index[i] == (pass < count ? pass : count - 1))
            out[n++] = sf->sets[i];
    }
    return n;
}
