/*
 * standalone.c - runs a fuzz target on files without libFuzzer (gcc
 * builds, the test suite): each argument is a file, or a folder whose
 * files are each one input. This is how the seed corpus and every input
 * a campaign found become regression tests.
 */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
    size_t len;
    char *data = ms_read_file(path, &len);
    if (!data) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    free(data);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int failed = 0, ran = 0;
    for (int a = 1; a < argc; a++) {
        struct stat st;
        if (stat(argv[a], &st) != 0 || !S_ISDIR(st.st_mode)) {
            failed += run_file(argv[a]);
            ran++;
            continue;
        }
        /* a folder, in name order so that a run is repeatable */
        DIR *d = opendir(argv[a]);
        if (!d) {
            fprintf(stderr, "%s: cannot open\n", argv[a]);
            return 1;
        }
        MS_VEC(char *) files = {0};
        for (struct dirent *e; (e = readdir(d));)
            if (e->d_name[0] != '.') {
                ms_str p = {0};
                ms_str_addf(&p, "%s/%s", argv[a], e->d_name);
                MS_VEC_PUSH(files, ms_str_take(&p));
            }
        closedir(d);
        qsort(files.data, (size_t)files.len, sizeof(char *), by_name);
        for (int i = 0; i < files.len; i++) {
            failed += run_file(files.data[i]);
            ran++;
            free(files.data[i]);
        }
        free(files.data);
    }
    fprintf(stderr, "%s: %d inputs run, none crashed\n", argv[0], ran);
    return failed != 0 || ran == 0;
}
